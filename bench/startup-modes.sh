#!/usr/bin/env bash
# Start-up time and resident memory of the two modes, measured in one run on this machine:
#   1. the sandbox (README's first command: FHIR server, authorization server, EHR page, 77 stories) on an
#      empty --carac.data-dir (cold start);
#   2. with --restart: the sandbox stopped (SIGTERM) and started again on the same data-dir (warm restart:
#      stories, keys and databases already there);
#   3. service mode (carac.mode=service) with the sandbox as its EHR's FHIR server (not with --sandbox-only).
# "Ready" = /actuator/health/readiness answers UP on the management port (after the stories are loaded).
# --starts N repeats the sandbox starts N times (each cold start on a fresh data-dir) and reports medians.
# The sandbox is started as the README starts it, with bin/sandbox (CARAC_JAR=JAR; its class-data-sharing archive
# is recorded first by a start that is not counted, when the jar has none yet); --launcher java-jar starts it as
# `java -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar JAR` (the README's command before bin/sandbox).
# Service mode is always started with java -jar.
# Usage: bench/startup-modes.sh [--restart] [--sandbox-only] [--starts N] [--launcher bin/sandbox|java-jar] [JAR]
#        (default target/carac-watch.jar; build it with ./mvnw -B -q package -DskipTests)
# Writes target/bench/startup-modes.tsv (every start) and target/bench/startup-modes.json (medians per kind).
set -euo pipefail
cd "$(dirname "$0")/.."
restart=false; sandbox_only=false; starts=1; launcher=bin/sandbox; jar=target/carac-watch.jar
while [ $# -gt 0 ]; do
  case "$1" in
    --restart) restart=true ;;
    --sandbox-only) sandbox_only=true ;;
    --starts) starts="$2"; shift ;;
    --launcher) launcher="$2"; shift
      [ "$launcher" = bin/sandbox ] || [ "$launcher" = java-jar ] || { echo "unknown launcher $launcher" >&2; exit 2; } ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) jar="$1" ;;
  esac
  shift
done
[ -f "$jar" ] || { echo "no $jar: run ./mvnw -B -q package -DskipTests first" >&2; exit 2; }
out=target/bench; mkdir -p "$out"; tsv="$out/startup-modes.tsv"; : > "$tsv"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
jvm=(-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

# start KIND DATA-DIR ARGS...: starts the jar, waits for readiness, prints "KIND seconds rss_mb",
# appends "KIND seconds rss_mb" to the tsv and leaves its pid in $last_pid, its port in $last_port
start() {
  local name="$1" data="$2"; shift 2
  local port mport t0 pid
  port="$(free_port)"; mport="$(free_port)"
  local cmd=(java "${jvm[@]}" -jar "$jar")
  [ "$launcher" = bin/sandbox ] && [ "$name" != service ] && cmd=(env CARAC_JAR="$(readlink -f "$jar")" bin/sandbox)
  t0="$(date +%s.%N)"
  "${cmd[@]}" --server.port="$port" --management.server.port="$mport" \
    --carac.data-dir="$work/$data" "${@//@PORT@/$port}" >> "$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  until curl -fsS "http://127.0.0.1:$mport/actuator/health/readiness" 2>/dev/null | grep -q UP; do
    kill -0 "$pid" 2>/dev/null || { echo "$name did not start:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
    sleep 0.2
  done
  local t1 rss seconds
  t1="$(date +%s.%N)"
  rss="$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")"
  seconds="$(echo "$t1 - $t0" | bc)"
  last_pid="$pid"; last_port="$port"
  printf '%s\t%.2f\t%d\n' "$name" "$seconds" "$rss" >> "$tsv"
  printf '%-14s %6.1f s  %5d MB   (pid %d, port %d, management %d)\n' "$name" "$seconds" "$rss" "$pid" "$port" "$mport"
}

# stop PID: SIGTERM (graceful shutdown, up to 20 s), then waits for the process to end
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

echo "CARAC Watch start-up, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "mode           ready in   RSS at ready   (sandbox launched by $launcher)"
if [ "$launcher" = bin/sandbox ] && ! compgen -G "${jar%.jar}-app/sandbox-*.jsa" > /dev/null; then
  start sandbox-recording-cds "data-recording" > /dev/null # bin/sandbox's first start after a build: not counted
  stop "$last_pid"
  sed -i '/^sandbox-recording-cds/d' "$tsv"
fi
for i in $(seq "$starts"); do
  start sandbox "data-$i"
  if $restart; then
    stop "$last_pid"
    start sandbox-warm "data-$i"
  fi
  if [ "$i" -lt "$starts" ] || $sandbox_only; then
    stop "$last_pid"
  fi
done
if ! $sandbox_only; then
  sandbox_port="$last_port"
  start service "data-service" --carac.mode=service --carac.cds.public-base-url=http://localhost:@PORT@ \
    --carac.cds.allowed-fhir-servers="http://localhost:${sandbox_port}/fhir"
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
json=""
for kind in $(cut -f1 "$tsv" | awk '!seen[$0]++'); do
  s=$(awk -F'\t' -v k="$kind" '$1==k {print $2}' "$tsv" | median)
  r=$(awk -F'\t' -v k="$kind" '$1==k {print $3}' "$tsv" | median)
  n=$(awk -F'\t' -v k="$kind" '$1==k' "$tsv" | wc -l)
  json+="${json:+,}$(printf '{"kind":"%s","starts":%d,"readySecondsMedian":%.2f,"rssMBMedian":%.0f}' "$kind" "$n" "$s" "$r")"
done
echo "[$json]" > "$out/startup-modes.json"
