#!/usr/bin/env bash
# Every benchmark row of README "Benchmarks" in one command, against ANY build of the product jar (so the same
# command measures an old jar and a new one):
#   1-3  CDS Hooks patient-view (CdsHooksBenchmark: the jar started as a sandbox with two generated stories;
#        a second start with --carac.cds.prefetch-profile=lean)
#   4    evaluate batch over a generated cohort (CohortBenchmark, in-process against the jar's own classes)
#   5    the whole `evaluate` command on one bundle (cli-startup.sh)
#   6    sandbox cold start and warm restart (startup-modes.sh --restart --sandbox-only)
# The bench classes are compiled once by the bench profile (./mvnw -B -q -Pbench compile -Dskip.frontend, run
# here when they are missing or older than bench/src) and run on the classpath of the jar, extracted with
# Spring Boot's `-Djarmode=tools extract` (plain unzip of BOOT-INF for a jar without the tools).
# Usage: bench/run-all.sh [--quick] [--sandbox-launcher bin/sandbox|java-jar] [JAR]   (default target/carac-watch.jar;
#        row 6 starts the sandbox with bin/sandbox, the README's command; java-jar: as a jar built before bin/sandbox)
# Output: a markdown table on stdout and in target/bench/summary.md; details in target/bench/*.json
# (summary.json gathers them), each step's output in target/bench/logs/.
set -uo pipefail
cd "$(dirname "$0")/.."
quick=false; jar=target/carac-watch.jar; launcher=bin/sandbox
while [ $# -gt 0 ]; do
  a="$1"
  case "$a" in
    --quick) quick=true ;;
    --sandbox-launcher) launcher="$2"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "unknown option $a" >&2; exit 2 ;;
    *) jar="$a" ;;
  esac
  shift
done
[ -f "$jar" ] || { echo "no $jar: run ./mvnw -B -q package -DskipTests first" >&2; exit 2; }
jar="$(readlink -f "$jar")"

if $quick; then
  variant=quick; calls=60; warmup=10; tput=5; extras=false; cds_max=240
  patients=200; cohort_warmup=20; cli_runs=1; starts=1
else
  variant=full; calls=300; warmup=60; tput=20; extras=true; cds_max=600
  patients=1000; cohort_warmup=200; cli_runs=5; starts=1
fi

out=target/bench; logs="$out/logs"
mkdir -p "$logs"
rm -f "$out"/cds-hooks-results.json "$out"/cohort-results.json "$out"/cli-startup.json "$out"/startup-modes.json
t0="$(date +%s)"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
commit="$(git rev-parse --short HEAD)"
[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit (with uncommitted changes)"
java_version="$(java -version 2>&1 | head -1)"
jar_mb="$(du -m "$jar" | cut -f1)"
failed=()
step() { echo "[$(date +%H:%M:%S) +$(( $(date +%s) - t0 ))s] $*" >&2; }

# ---- bench classes (bench profile), apart from the product classes the profile compiles next to them ----
classes=target/bench/classes/carac/bench
if [ ! -f "$classes/CdsHooksBenchmark.class" ] \
    || [ -n "$(find bench/src -name '*.java' -newer "$classes/CdsHooksBenchmark.class")" ]; then
  step "compiling the bench classes (./mvnw -B -q -Pbench compile -Dskip.frontend)"
  ./mvnw -B -q -Pbench compile -Dskip.frontend > "$logs/bench-compile.log" 2>&1 \
    || { echo "bench compile failed, see $logs/bench-compile.log" >&2; exit 1; }
fi
bench_cp="$out/bench-only"
rm -rf "$bench_cp"; mkdir -p "$bench_cp/carac"; cp -r "$classes" "$bench_cp/carac/"

# ---- the jar's own classpath -------------------------------------------------------------------------------
extracted="$out/extracted"
rm -rf "$extracted"
step "extracting $jar"
if java -Djarmode=tools -jar "$jar" extract --destination "$extracted" > "$logs/extract.log" 2>&1 \
    && [ -f "$extracted/$(basename "$jar")" ]; then
  app_cp="$extracted/$(basename "$jar")"
else
  rm -rf "$extracted"; mkdir -p "$extracted"
  unzip -q "$jar" 'BOOT-INF/*' -d "$extracted"
  app_cp="$extracted/BOOT-INF/classes:$extracted/BOOT-INF/lib/*"
fi
cp="$app_cp:$bench_cp"

# ---- rows 1-3: CDS Hooks -----------------------------------------------------------------------------------
step "rows 1-3: CDS Hooks patient-view ($calls calls per mode, full and lean starts)"
java -Dbench.basedir=. -Dbench.jar="$jar" -Dbench.calls="$calls" -Dbench.warmup="$warmup" -Dbench.threads=2 \
  -Dbench.throughputSeconds="$tput" -Dbench.extras="$extras" -Dbench.profiles=full,lean \
  -Dbench.maxSeconds="$cds_max" -Dbench.out="$out/cds-hooks-results.json" \
  -cp "$cp" carac.bench.CdsHooksBenchmark > "$logs/cds-hooks.log" 2>&1 || failed+=("rows 1-3 ($logs/cds-hooks.log)")

# ---- row 4: evaluate batch over a cohort ----------------------------------------------------------------------
step "row 4: cohort of $patients courses, 1 and 2 threads"
# with bin/evaluate's collector (a directory or NDJSON batch runs -XX:+UseSerialGC, both JIT compilers)
java -XX:+UseSerialGC -cp "$cp" carac.bench.CohortBenchmark --basedir=. --patients="$patients" --threads=2 \
  --warmup="$cohort_warmup" --out="$out/cohort-results.json" > "$logs/cohort.log" 2>&1 \
  || failed+=("row 4 ($logs/cohort.log)")

# ---- row 5: the whole evaluate command ---------------------------------------------------------------------
step "row 5: evaluate one bundle, $cli_runs run(s)"
bench/cli-startup.sh "$cli_runs" "$jar" > "$logs/cli-startup.log" 2>&1 || failed+=("row 5 ($logs/cli-startup.log)")

# ---- row 6: sandbox cold start and warm restart --------------------------------------------------------------
step "row 6: sandbox cold start and warm restart ($starts of each)"
bench/startup-modes.sh --restart --sandbox-only --starts "$starts" --launcher "$launcher" "$jar" > "$logs/startup-modes.log" 2>&1 \
  || failed+=("row 6 ($logs/startup-modes.log)")

# ---- summary ---------------------------------------------------------------------------------------------------
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
wall=$(( $(date +%s) - t0 ))
read_json() { if [ -s "$1" ]; then cat "$1"; else echo null; fi; }
jq -n \
  --arg variant "$variant" --arg commit "$commit" --arg jar "$jar" --arg jarMB "$jar_mb" --arg nproc "$(nproc)" \
  --arg loadStart "$load_start" --arg loadEnd "$load_end" --arg java "$java_version" --arg started "$started" \
  --arg wall "$wall" --argjson calls "$calls" --argjson patients "$patients" --argjson cliRuns "$cli_runs" \
  --argjson starts "$starts" --argjson tput "$tput" --arg sandboxLauncher "$launcher" \
  --argjson cds "$(read_json "$out/cds-hooks-results.json")" \
  --argjson cohort "$(read_json "$out/cohort-results.json")" \
  --argjson cli "$(read_json "$out/cli-startup.json")" \
  --argjson startup "$(read_json "$out/startup-modes.json")" \
  '{variant: $variant, commit: $commit, jar: $jar, jarMB: ($jarMB|tonumber), nproc: ($nproc|tonumber),
    loadAverageStart: $loadStart, loadAverageEnd: $loadEnd, java: $java, started: $started,
    wallSeconds: ($wall|tonumber), sandboxLauncher: $sandboxLauncher, sizes: {calls: $calls, patients: $patients, cliRuns: $cliRuns,
    startsOfEachKind: $starts, throughputSeconds: $tput},
    cdsHooks: $cds, cohort: $cohort, cli: $cli, startup: $startup}' > "$out/summary.json"

jq -r '
  def nm: "not measured";
  def lat($x; $q): if $x == null then nm elif $x.notMeasured then "\(nm) (\($x.notMeasured))"
    else "\($x[$q]) ms (\($x.calls) calls)" end;
  def lean: .cdsHooks.lean;
  def leanlabel: if lean == null or .cdsHooks.prefetchKeys == null then "lean profile"
    else "lean profile, discovery advertised \(lean.prefetchKeys|length) of \(.cdsHooks.prefetchKeys|length) prefetch keys"
      + (if (lean.prefetchKeys|length) == (.cdsHooks.prefetchKeys|length) then ": the jar ignores the property" else "" end)
    end;
  def kind($k): (.startup // []) | map(select(.kind == $k)) | first;
  def start($k): if kind($k) == null then nm else "\(kind($k).readySecondsMedian) s to readiness, RSS \(kind($k).rssMBMedian) MB" end;
  def cli($f; $unit): if .cli == null then nm else (.cli | map("\(.[$f]) \($unit) (\(.launcher))") | join(", ")) end;
  def tp: .cdsHooks.throughputWithPrefetch;
  "# CARAC Watch benchmark (\(.variant))",
  "",
  "- commit \(.commit); jar \(.jar) (\(.jarMB) MB)",
  "- nproc \(.nproc); load average at start \(.loadAverageStart), at end \(.loadAverageEnd); \(.java)",
  "- started \(.started), wall time \(.wallSeconds) s; medians from this one run; details in target/bench/summary.json",
  "",
  "| Row | Measure | Value |",
  "|---|---|---|",
  "| 1 | patient-view, full prefetch, 35-day course: p50 | \(lat(.cdsHooks.withPrefetch; "p50Ms")) |",
  "| 1 | patient-view, full prefetch, 35-day course: p99 | \(lat(.cdsHooks.withPrefetch; "p99Ms")) |",
  "| 1 | patient-view, full prefetch, 35-day course: hooks/s, \(tp.threads // 2) threads, \(.sizes.throughputSeconds) s | \(if tp == null then nm elif tp.notMeasured then "\(nm) (\(tp.notMeasured))" else "\(tp.hooksPerSecond) (\(tp.failed) failed)" end) |",
  "| 2 | patient-view, no prefetch (call-backs to the sandbox FHIR server): p50 | \(lat(.cdsHooks.withoutPrefetch; "p50Ms")) |",
  "| 3 | patient-view, patient without a CAR-T course, full prefetch profile: p50 | \(lat(.cdsHooks.noCourseWithPrefetch; "p50Ms")) |",
  "| 3 | patient-view, patient without a CAR-T course, \(leanlabel): p50 | \(lat(lean.noCourseWithPrefetch; "p50Ms")) |",
  "| 3 | patient-view, 35-day course (row 1 patient), \(leanlabel), prefetch + call-backs: p50 | \(lat(lean.withPrefetch; "p50Ms")) |",
  "| 4 | evaluate batch, \(.sizes.patients)-course cohort, 1 thread | \(if .cohort == null then nm else "\(.cohort.singleThread.patientsPerSecond) patients/s" end) |",
  "| 4 | evaluate batch, \(.sizes.patients)-course cohort, 2 threads | \(if .cohort == null then nm else "\(.cohort.parallel.patientsPerSecond) patients/s" end) |",
  "| 5 | `evaluate --bundle` one bundle, whole command, median of \(.sizes.cliRuns): wall | \(cli("wallMedianS"; "s")) |",
  "| 5 | `evaluate --bundle` one bundle, whole command: CPU (user + sys) | \(cli("cpuMedianS"; "s")) |",
  "| 5 | `evaluate --bundle` one bundle, whole command: peak RSS | \(cli("peakRssMedianMB"; "MB")) |",
  "| 6 | sandbox cold start (empty data-dir), \(.sandboxLauncher), \(.sizes.startsOfEachKind) start(s) | \(start("sandbox")) |",
  "| 6 | sandbox warm restart (same data-dir), \(.sandboxLauncher), \(.sizes.startsOfEachKind) start(s) | \(start("sandbox-warm")) |",
  (if .cdsHooks.error then "", "Rows 1-3, first start: \(.cdsHooks.error)" else empty end),
  (if .cdsHooks.lean.error then "", "Row 3, lean start: \(.cdsHooks.lean.error)" else empty end)
' "$out/summary.json" > "$out/summary.md"
if [ ${#failed[@]} -gt 0 ]; then
  { echo; echo "Failed steps: ${failed[*]}"; } >> "$out/summary.md"
fi
echo
cat "$out/summary.md"
[ ${#failed[@]} -eq 0 ]
