#!/usr/bin/env bash
# The whole `evaluate` command on one bundle: wall time and peak RSS, medians of N runs, launched two ways:
# `java -jar JAR evaluate` and `bin/evaluate` (CDS archive, quick compiler; its recording run is not counted).
# Give several jars (e.g. a build of main and of a branch) to compare them; runs alternate so each sees the
# same machine load.
# Usage: bench/cli-startup.sh [runs=5] [jar...]   (default jar: target/carac-watch.jar)
#        BUNDLE=path/to/bundle.json bench/cli-startup.sh
# Writes target/bench/cli-startup.tsv (every run) and target/bench/cli-startup.json (the medians per jar).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"; shift || true
jars=("$@"); [ ${#jars[@]} -eq 0 ] && jars=(target/carac-watch.jar)
bundle="${BUNDLE:-fhir-resources/scenarios/tc-01-uncomplicated-course/bundle.json}"
out=target/bench; mkdir -p "$out"; tsv="$out/cli-startup.tsv"; : > "$tsv"
launch() { # launch KIND JAR: one timed run
  local cmd=(java -jar "$2" evaluate --bundle "$bundle")
  [ "$1" = bin/evaluate ] && cmd=(env CARAC_JAR="$(readlink -f "$2")" bin/evaluate --bundle "$bundle")
  /usr/bin/time -f "%e %M %U %S" -o "$out/cli-time.txt" "${cmd[@]}" > /dev/null 2> "$out/cli-stderr.txt"
  read -r wall rss user sys < "$out/cli-time.txt"
  printf '%s\t%s\t%s\t%s\t%s\n' "$2" "$wall" "$rss" "$(echo "$user + $sys" | bc)" "$1" >> "$tsv"
}
for jar in "${jars[@]}"; do # bin/evaluate's first run records its archive: not measured
  CARAC_JAR="$(readlink -f "$jar")" bin/evaluate --bundle "$bundle" > /dev/null 2>&1
done
: > "$tsv"
for i in $(seq "$runs"); do
  for jar in "${jars[@]}"; do
    launch java-jar "$jar"
    launch bin/evaluate "$jar"
  done
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "evaluate one bundle ($bundle), $runs runs each; commit $(git rev-parse --short HEAD); load average $(cut -d' ' -f1-3 /proc/loadavg)"
json=""
for jar in "${jars[@]}"; do
  for kind in java-jar bin/evaluate; do
    w=$(awk -v j="$jar" -v k="$kind" '$1==j && $5==k {print $2}' "$tsv" | median)
    c=$(awk -v j="$jar" -v k="$kind" '$1==j && $5==k {print $4}' "$tsv" | median)
    r=$(awk -v j="$jar" -v k="$kind" '$1==j && $5==k {print $3}' "$tsv" | median)
    mb="$(printf '%.0f' "$(echo "$r/1024" | bc -l)")"
    printf '%s (%s): wall median %.2f s, CPU median %.2f s, peak RSS median %s MB\n' "$jar" "$kind" "$w" "$c" "$mb"
    json+="${json:+,}$(printf '{"jar":"%s","launcher":"%s","bundle":"%s","runs":%d,"wallMedianS":%.2f,"cpuMedianS":%.2f,"peakRssMedianMB":%s}' \
      "$jar" "$kind" "$bundle" "$runs" "$w" "$c" "$mb")"
  done
done
echo "[$json]" > "$out/cli-startup.json"
