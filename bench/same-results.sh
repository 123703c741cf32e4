#!/usr/bin/env bash
# Do two builds give the same clinical results? Runs `evaluate` of each jar over the same input (a generated
# cohort, every tenth patient's labs once more without a CAR-T course, and every scenario story) and compares
# the output byte for byte. Use it for every change that should not change a result (a speed-up, a refactoring):
# the scenario pack checks the expected values, this checks that nothing else moved.
# Usage: bench/same-results.sh BEFORE.jar AFTER.jar [patients=300] [seed=777]
# Prints "same results for N patients" (exit 0) or the first differing patient (exit 1).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/same-results.sh BEFORE.jar AFTER.jar [patients] [seed]" >&2; exit 2; }
before="$1"; after="$2"; patients="${3:-300}"; seed="${4:-777}"
out=target/bench/same-results; rm -rf "$out"; mkdir -p "$out/input"

classes=target/bench/classes/carac/bench
if [ ! -f "$classes/CohortBenchmark.class" ] \
    || [ -n "$(find bench/src -name '*.java' -newer "$classes/CohortBenchmark.class")" ]; then
  ./mvnw -B -q -Pbench compile -Dskip.frontend > "$out/bench-compile.log" 2>&1 \
    || { echo "bench compile failed, see $out/bench-compile.log" >&2; exit 1; }
fi
# the generator runs on the AFTER jar's own libraries, beside the bench classes only
extracted="$out/extracted"
java -Djarmode=tools -jar "$after" extract --destination "$extracted" > "$out/extract.log" 2>&1
mkdir -p "$out/bench-only/carac" && cp -r "$classes" "$out/bench-only/carac/"
java -cp "$extracted/$(basename "$after"):$out/bench-only" carac.bench.CohortBenchmark --basedir=. \
  --patients="$patients" --seed="$seed" --dump-dir="$out/input/cohort" > "$out/generate.log" 2>&1
cp -r fhir-resources/scenarios "$out/input/scenarios"

for side in before after; do
  jar="$before"; [ "$side" = after ] && jar="$after"
  java -XX:+UseSerialGC -jar "$jar" evaluate --bundle "$out/input" > "$out/$side.ndjson" 2> "$out/$side.err" \
    || { echo "$side ($jar): evaluate failed, see $out/$side.err" >&2; tail -3 "$out/$side.err" >&2; exit 1; }
done

lines="$(wc -l < "$out/after.ndjson")"
if cmp -s "$out/before.ndjson" "$out/after.ndjson"; then
  echo "same results for $lines patients ($patients generated, every tenth without CAR-T, the scenario stories)"
else
  n="$(cmp "$out/before.ndjson" "$out/after.ndjson" | sed -n 's/.* line \([0-9]*\).*/\1/p')"
  echo "results differ, first at output line ${n:-?} of $lines: $out/before.ndjson vs $out/after.ndjson" >&2
  exit 1
fi
