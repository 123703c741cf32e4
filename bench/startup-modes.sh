#!/usr/bin/env bash
# Start-up time and resident memory of the two modes, measured in one run on this machine:
#   1. the sandbox (README's first command: FHIR server, authorization server, EHR page, 77 stories);
#   2. service mode (carac.mode=service) with the sandbox of step 1 as its EHR's FHIR server.
# "Ready" = /actuator/health/readiness answers UP on the management port (after the stories are loaded).
# Usage: bench/startup-modes.sh [JAR]   (default target/carac-watch.jar; build it with ./mvnw -B -q package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
jar="${1:-target/carac-watch.jar}"
[ -f "$jar" ] || { echo "no $jar: run ./mvnw -B -q package -DskipTests first" >&2; exit 2; }
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
jvm=(-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)

# start NAME ARGS...: starts the jar, waits for readiness, prints "NAME seconds rss_mb"
start() {
  local name="$1"; shift
  local port mport t0 pid
  port="$(free_port)"; mport="$(free_port)"
  t0="$(date +%s.%N)"
  java "${jvm[@]}" -jar "$jar" --server.port="$port" --management.server.port="$mport" \
    --carac.data-dir="$work/$name" "${@//@PORT@/$port}" > "$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  until curl -fsS "http://127.0.0.1:$mport/actuator/health/readiness" 2>/dev/null | grep -q UP; do
    kill -0 "$pid" 2>/dev/null || { echo "$name did not start:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
    sleep 0.2
  done
  local t1 rss
  t1="$(date +%s.%N)"
  rss="$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status")"
  eval "${name}_port=$port"
  printf '%-8s %6.1f s  %5d MB   (pid %d, port %d, management %d)\n' "$name" "$(echo "$t1 - $t0" | bc)" "$rss" "$pid" "$port" "$mport"
}

echo "CARAC Watch start-up, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "mode     ready in   RSS at ready"
start sandbox
start service --carac.mode=service --carac.cds.public-base-url=http://localhost:@PORT@ \
  --carac.cds.allowed-fhir-servers="http://localhost:${sandbox_port}/fhir"
