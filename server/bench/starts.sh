#!/usr/bin/env bash
# Start-up of the runtime image as built (as root, after `mvn -B package`): seven starts on a loopback
# port, each timed from launch to the first 200 on /metrics, with the RSS right after it; prints the
# times and the medians. Arguments pass to the exporter; JAVA_OPTS passes through to the launcher.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/ready.sh"
image="$here/target/image/ebpf-exporter/bin/ebpf-exporter"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'server:\n  host: 127.0.0.1\n  port: 0\n' > "$work/config.yaml"
ms=() rss=()
for _ in 1 2 3 4 5 6 7; do
  rm -f "$work/ready"
  t0=$(date +%s%N)
  "$image" --config.file="$work/config.yaml" --ready-file="$work/ready" "$@" > "$work/log" 2>&1 &
  pid=$!
  url=$(wait_ready "$work/ready" "$pid") || { cat "$work/log" >&2; exit 1; }
  until curl -sf -o /dev/null "$url"; do sleep 0.005; done
  ms+=($(( ($(date +%s%N) - t0) / 1000000 )))
  rss+=($(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"))
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
median() { printf '%s\n' "$@" | sort -n | sed -n 4p; }
echo "start to first scrape (ms): ${ms[*]}; median $(median "${ms[@]}") ms; RSS after it: median $(( $(median "${rss[@]}") / 1024 )) MB"
