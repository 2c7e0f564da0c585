# The soak mode of bench.sh, sourced after its helpers: `server/bench.sh soak [MINUTES] [INTERVAL]`.
# For MINUTES (default 30), SOAK_CLIENTS clients (default 4; every other one asks for gzip, as Prometheus
# does) scrape back to back, or with INTERVAL one client scrapes every INTERVAL seconds; meanwhile
# holders create and destroy maps, programs and links every second, and every option is on
# (count_entries, owners of every kind, stats enabled). After SOAK_WARMUP seconds of that (default 60:
# the heap grows to what the load needs), every SOAK_SAMPLE seconds (default 60) it prints RSS, RssAnon,
# the heap in use and committed, fds and threads; with SOAK_NMT=1 also the JVM's committed memory as
# Native Memory Tracking counts it, to set beside RssAnon (what NMT does not count is native memory
# outside the JVM's view, such as JNA's). At the end it prints the slope over the last half of RSS
# besides the heap (RSS less the heap's committed size: -Xmx bounds the heap, which grows and shrinks
# with the load in steps of tens of MB) and the peak RSS against the plateau (the median of the last
# half), and fails on a failed scrape, a slope above 2 MB a minute, a peak more than 16 MB above the
# plateau, or a peak above SOAK_RSS_BOUND_MB (default 150: under load the
# heap grows to its 64 MB maximum, and the rest is about 60 MB, 36 of it mapped files; the systemd
# unit's MemoryHigh is 192M).
soak() {
  local minutes=${1:-30} interval=${2:-0} clients=${SOAK_CLIENTS:-4} sample=${SOAK_SAMPLE:-60}
  local bound=${SOAK_RSS_BOUND_MB:-150} url c samples=() load=() t0 elapsed
  [ "$interval" = 0 ] || clients=1
  [ "${SOAK_NMT:-0}" = 0 ] || export JAVA_OPTS="${JAVA_OPTS:-} -XX:NativeMemoryTracking=summary"
  cat > "$work/soak.yaml" <<'YAML'
server:
  host: 127.0.0.1
  port: 0
collectors:
  programs:
    owners: true
    stats:
      mode: enabled
  maps:
    owners: true
    count_entries: true
  links:
    owners: true
  btf:
    owners: true
YAML
  start_server "$image" --config.file="$work/soak.yaml"
  url="http://127.0.0.1:$port/metrics"
  churn &
  load+=($!)
  for c in $(seq 1 "$clients"); do
    client "$url" "$interval" $(( c % 2 == 0 )) > "$work/soak.codes.$c" &
    load+=($!)
  done
  pids+=("${load[@]}")
  echo "== soak: $minutes min, $clients client(s) $( [ "$interval" = 0 ] && echo "back to back" || echo "every ${interval}s"), objects churning, every option on"
  sleep "${SOAK_WARMUP:-60}"
  printf '%6s %8s %11s %9s %10s %5s %8s %9s %7s\n' min "RSS MB" "RssAnon MB" "heap MB" "committed" fds threads \
    scrapes "NMT MB"
  t0=$(now_ms)
  while :; do
    elapsed=$(( ($(now_ms) - t0) / 1000 ))
    kill -0 "$server_pid" 2>/dev/null || { echo "soak: the exporter exited" >&2; cat "$work/log" >&2; return 1; }
    samples+=("$(soak_sample "$url" "$elapsed")")
    echo "${samples[-1]}" | awk '{ printf "%6.1f %8.1f %11.1f %9.1f %10.1f %5d %8d %9d %7s\n", $1 / 60, $2, $3, $4, $5, $6, $7, $8, $9 }'
    (( elapsed < minutes * 60 )) || break
    sleep $(( sample - ($(now_ms) - t0) / 1000 % sample ))
  done
  kill "${load[@]}"
  wait "${load[@]}" 2>/dev/null || true
  stop_server
  local ok failed
  ok=$(cat "$work"/soak.codes.* | grep -c '^200$' || true)
  failed=$(cat "$work"/soak.codes.* | grep -vc '^200$' || true)
  printf '%s\n' "${samples[@]}" | awk -v ok="$ok" -v failed="$failed" -v bound="$bound" '
    { t[NR] = $1 / 60; r[NR] = $2; rest[NR] = $2 - $5 }
    END {
      from = int(NR / 2) + 1; n = NR - from + 1
      for (i = from; i <= NR; i++) { sx += t[i]; sy += rest[i]; sxx += t[i] * t[i]; sxy += t[i] * rest[i]; half[i - from + 1] = r[i] }
      slope = n > 1 ? (n * sxy - sx * sy) / (n * sxx - sx * sx) : 0
      for (i = 2; i <= n; i++) for (j = i; j > 1 && half[j - 1] > half[j]; j--) { v = half[j]; half[j] = half[j - 1]; half[j - 1] = v }
      plateau = n % 2 ? half[(n + 1) / 2] : (half[n / 2] + half[n / 2 + 1]) / 2
      for (i = 1; i <= NR; i++) if (r[i] > peak) peak = r[i]
      printf "scrapes: %d, failed: %d\n", ok + failed, failed
      printf "slope of RSS besides the heap over the last half: %+.2f MB/min; RSS plateau %.1f MB, peak %.1f MB (%+.1f MB); bound %d MB\n",
        slope, plateau, peak, peak - plateau, bound
      bad = ""
      if (failed > 0) bad = bad " failed scrapes;"
      if (slope > 2) bad = bad " RSS besides the heap grows;"
      if (peak - plateau > 16) bad = bad " peak more than 16 MB above the plateau;"
      if (peak > bound) bad = bad " peak above the bound;"
      if (bad != "") { print "soak: FAILED:" bad; exit 1 }
      print "soak: passed"
    }'
}

# Creates and destroys objects until killed: a holder of 50 maps, 10 programs and 5 links, each second.
churn() {
  local holder=""
  trap '[ -z "$holder" ] || kill "$holder" 2>/dev/null; exit 0' TERM
  while :; do
    "$work/holder" 50 10 5 > /dev/null &
    holder=$!
    sleep 1 & wait $!
    kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null || true
    holder=""
  done
}

# client URL INTERVAL GZIP: scrapes URL until killed, printing each answer's HTTP code: 100 at a time on
# one connection, or one every INTERVAL seconds; with GZIP 1 it asks for gzip.
client() {
  local url=$1 interval=$2 gzip=() args=() count=100
  trap 'exit 0' TERM
  [ "$3" = 0 ] || gzip=(--compressed)
  [ "$interval" = 0 ] || count=1
  for _ in $(seq 1 "$count"); do args+=(-o /dev/null "$url"); done
  while :; do
    curl -s -w '%{http_code}\n' "${gzip[@]}" "${args[@]}" || true
    [ "$interval" = 0 ] || { sleep "$interval" & wait $!; }
  done
}

# One sample line: seconds, RSS MB, RssAnon MB, heap in use and committed MB (the exporter's
# jvm_memory_used_bytes and jvm_memory_committed_bytes), fds, threads, 200 answers so far, NMT's committed
# MB (- without SOAK_NMT).
soak_sample() {
  local heap nmt=-
  heap=$(curl -sf "$1" | awk '/^jvm_memory_(used|committed)_bytes\{area="heap"\}/ { v[$1] = $2 / 1048576 }
    END { print v["jvm_memory_used_bytes{area=\"heap\"}"], v["jvm_memory_committed_bytes{area=\"heap\"}"] }')
  if [ "${SOAK_NMT:-0}" != 0 ]; then
    nmt=$("$("$here/java-home.sh")/bin/jcmd" "$server_pid" VM.native_memory summary |
      sed -n 's/^Total: .*committed=\([0-9]*\)KB.*/\1/p' | awk '{ printf "%.1f", $1 / 1024 }')
  fi
  awk -v s="$2" -v heap="${heap:-0 0}" -v nmt="${nmt:--}" -v fds="$(ls "/proc/$server_pid/fd" | wc -l)" \
    -v ok="$(cat "$work"/soak.codes.* | grep -c '^200$')" '
    /^VmRSS/ { rss = $2 / 1024 } /^RssAnon/ { anon = $2 / 1024 } /^Threads/ { threads = $2 }
    END { print s, rss, anon, heap, fds, threads, ok, nmt }' "/proc/$server_pid/status"
}
