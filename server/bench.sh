#!/usr/bin/env bash
# Benchmark of the runtime image (as root, after `mvn package`): footprint on this host as it is, then
# /metrics latency against the physical floor (bench/floor.c) with MAPS maps, PROGS programs and LINKS
# links added by holder processes (bench/holder.c). Start-up and RSS are set beside those of bench/hello, a
# Helidon SE WebServer with one route and nothing else, run the same way. Then the owner scan's cost with
# 500 processes of 100 fds more (bench/fds.c); last, 9,000 maps more a step, the largest host the shipped
# heap serves whole to 40 concurrent scrapes. Also the same scrape under reduced privileges (uid 65534 with
# CAP_BPF and CAP_PERFMON, through setpriv) against the floor. Usage: server/bench.sh [MAPS PROGS LINKS];
# server/bench.sh soak [MINUTES] [INTERVAL]: memory under sustained load instead (bench/soak.sh);
# server/bench.sh flood [IDLE]: only the connection flood (see there); server/bench.sh compare OTHER_IMAGE
# [MAPS PROGS LINKS]: this image against another build's, in turn (see there); server/bench.sh attachments
# [CGROUPS NETNS FILTERS]: what the attachments collector costs a scrape (see there).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
maps=${1:-10000} progs=${2:-1000} links=${3:-100}
image="$here/target/image/ebpf-exporter/bin/ebpf-exporter"
[ -x "$image" ] || { echo "bench.sh: no runtime image at $image; run 'mvn -B -DskipTests package' first" >&2; exit 2; }
command -v gcc >/dev/null || { echo "bench.sh: needs gcc for the floor and holder programs" >&2; exit 2; }
work=$(mktemp -d)
pids=()
undo=() # commands that remove what a mode made on the host, run in reverse order
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  for (( i = ${#undo[@]} - 1; i >= 0; i-- )); do eval "${undo[i]}" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
gcc -O2 -o "$work/holder" "$here/bench/holder.c"
gcc -O2 -o "$work/floor" "$here/bench/floor.c"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

. "$here/ready.sh"
# Starts "$@ --ready-file=...", a server that writes its metrics URL there when listening; sets
# server_pid, port and start_ms (launch to first 200 on /metrics).
start_server() {
  local t0 url; t0=$(now_ms)
  rm -f "$work/ready"
  "$@" --ready-file="$work/ready" > "$work/log" 2>&1 &
  server_pid=$!
  url=$(wait_ready "$work/ready" "$server_pid") || { cat "$work/log" >&2; exit 1; }
  port=$(echo "$url" | sed 's|.*:\([0-9]*\)/.*|\1|')
  until curl -sf -o /dev/null "$url"; do
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    sleep 0.005
  done
  start_ms=$(( $(now_ms) - t0 ))
}
printf 'server:\n  host: 127.0.0.1\n  port: 0\n' > "$work/config.yaml"
start_exporter() { start_server "$image" --config.file="$work/config.yaml"; }

stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; }
if [ "${1:-}" = soak ]; then
  . "$here/bench/soak.sh"
  soak "${@:2}"
  exit
fi
scrapes() { for _ in $(seq 1 "$1"); do curl -sf -o /dev/null "http://127.0.0.1:$port/metrics"; done; }
# N scrapes, each one's milliseconds (curl's total) appended to FILE.
timed_scrapes() {
  for _ in $(seq 1 "$1"); do
    curl -sf -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics" | awk '{ print $1 * 1000 }' >> "$2"
  done
}
# Median and p99 (nearest rank) of the milliseconds in a file, one a line.
med_p99() {
  sort -n "$1" | awk '{ v[NR] = $1 } END { p99 = int((NR * 99 + 99) / 100); printf "%.2f %.2f\n", v[int((NR + 1) / 2)], v[p99] }'
}

# Flood (server/bench.sh flood [IDLE]): IDLE connections that send nothing (default 10,000) and 20
# half-sent requests (bench/flood.c) held against the exporter, then in the same run against Debian's
# prometheus-node-exporter; during each, 15 scrapes on fresh connections (curl, 10 s timeout, one a
# second): how many were answered, the median and slowest of those, and the server's largest RSS.
flood_scrapes() { # $1 name, $2 port, $3 pid, $4 idle connections; sets answered
  local fpid ok=0 rss=0 r ms
  "$work/flood" "$2" "$4" 20 25 > "$work/opened" &
  fpid=$!
  : > "$work/flood-ms"
  sleep 2
  for _ in $(seq 1 15); do
    if ms=$(curl -sf -o /dev/null -m 10 -w '%{time_total}' "http://127.0.0.1:$2/metrics"); then
      ok=$((ok + 1))
      awk '{ print $1 * 1000 }' <<< "$ms" >> "$work/flood-ms"
    fi
    r=$(rss_kb "$3"); [ "$r" -le "$rss" ] || rss=$r
    sleep 1
  done
  kill "$fpid"; wait "$fpid" 2>/dev/null || true
  local figures="none answered"
  [ "$ok" = 0 ] || figures=$(med_p99 "$work/flood-ms" | awk '{ printf "median %s ms, slowest %s ms", $1, $2 }')
  echo "flood: $1: $ok of 15 fresh-connection scrapes answered during $4 idle connections and 20 half-sent" \
    "requests; $figures; RSS $((rss / 1024)) MB"
  answered=$ok
}
if [ "${1:-}" = flood ]; then
  idle=${2:-10000}
  command -v prometheus-node-exporter >/dev/null \
    || { echo "bench.sh: flood needs Debian's prometheus-node-exporter (apt-get install prometheus-node-exporter)" >&2; exit 2; }
  gcc -O2 -o "$work/flood" "$here/bench/flood.c"
  start_exporter
  pids+=("$server_pid")
  flood_scrapes ebpf-exporter "$port" "$server_pid" "$idle"
  exporter_answered=$answered
  stop_server
  node_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" > "$work/node.log" 2>&1 &
  node_pid=$!
  pids+=("$node_pid")
  until curl -sf -o /dev/null "http://127.0.0.1:$node_port/metrics"; do
    kill -0 "$node_pid" 2>/dev/null || { cat "$work/node.log" >&2; exit 1; }
    sleep 0.05
  done
  flood_scrapes "node_exporter $(prometheus-node-exporter --version 2>&1 | awk 'NR == 1 { print $3 }')" \
    "$node_port" "$node_pid" "$idle"
  # Fails when the exporter left a scraper unanswered: the flood must never lock one out.
  [ "$exporter_answered" = 15 ]
  exit
fi

# Holder processes keeping $1 maps, $2 programs and $3 links on the host until the script ends.
hold_objects() {
  local per_holder=9000 # objects per holder process, under the 20,000-fd limit (a link holds 2 fds)
  local left_maps=$1 left_progs=$2 left_links=$3 m p l room ok
  while (( left_maps + left_progs + left_links > 0 )); do
    m=$(( left_maps < per_holder ? left_maps : per_holder )); room=$(( per_holder - m ))
    p=$(( left_progs < room ? left_progs : room )); room=$(( room - p ))
    l=$(( left_links < room / 2 ? left_links : room / 2 ))
    left_maps=$(( left_maps - m )) left_progs=$(( left_progs - p )) left_links=$(( left_links - l ))
    mkfifo "$work/ready.$m.$p.$l"
    "$work/holder" "$m" "$p" "$l" > "$work/ready.$m.$p.$l" &
    pids+=($!)
    read -r ok < "$work/ready.$m.$p.$l"
    [ "$ok" = ready ] || { echo "bench.sh: holder failed" >&2; exit 1; }
  done
}

# Attachments (server/bench.sh attachments [CGROUPS NETNS FILTERS]): CGROUPS cgroups (default 2,000)
# with a cgroup_device program attached to each, NETNS network namespaces (default 200) each joined to
# this one by a veth, and FILTERS tc filters (default 1,000) running a program, half on the veths' host
# ends and half on their ends inside the namespaces (bench/attach.c loads and attaches the programs).
# Exporters with the attachments collector off, on, and on for every network namespace, all running,
# are scraped in turn in ten rounds of five: the medians and what the collector adds to a scrape.
make_attachments() { # $1 cgroups, $2 namespaces, $3 filters
  local cgroot tag=ebx$$ i p
  cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
  [ -n "$cgroot" ] || { echo "bench.sh: attachments needs a cgroup2 mount" >&2; exit 2; }
  # The pins live on a bpffs of their own: `tc -n` mounts a fresh /sys, hiding /sys/fs/bpf.
  mkdir "$cgroot/$tag" "$work/bpf"
  mount -t bpf bpf "$work/bpf"
  undo+=("umount $work/bpf" "find $cgroot/$tag -depth -type d -exec rmdir {} +")
  for i in $(seq 1 "$1"); do mkdir "$cgroot/$tag/c$i"; echo "$cgroot/$tag/c$i"; done > "$work/cgroups"
  gcc -O2 -o "$work/attach" "$here/bench/attach.c"
  [ "$("$work/attach" "$work/bpf" < "$work/cgroups")" = ready ] || { echo "bench.sh: attach failed" >&2; exit 1; }
  for i in $(seq 1 "$2"); do undo+=("ip netns delete $tag-$i"); done
  for i in $(seq 1 "$2"); do
    printf 'netns add %s\nlink add %s type veth peer name eth0 netns %s\n' "$tag-$i" "$tag-$i" "$tag-$i"
  done | ip -batch -
  filters() { # $1 device, $2 how many: its clsact qdisc and that many ingress filters
    echo "qdisc add dev $1 clsact"
    for p in $(seq 1 "$2"); do echo "filter add dev $1 ingress pref $p bpf da object-pinned $work/bpf/cls"; done
  }
  # $3 filters: half on the host ends, half on the ends inside, spread evenly over the veths
  local half=$(( $3 / 2 ))
  for i in $(seq 1 "$2"); do filters "$tag-$i" $(( half / $2 + (i <= half % $2) )); done | tc -batch -
  for i in $(seq 1 "$2"); do
    filters eth0 $(( ($3 - half) / $2 + (i <= ($3 - half) % $2) )) | tc -n "$tag-$i" -batch -
  done
}
if [ "${1:-}" = attachments ]; then
  cgroups=${2:-2000} namespaces=${3:-200} filters=${4:-1000}
  make_attachments "$cgroups" "$namespaces" "$filters"
  echo "== attachments: $cgroups cgroups with a program each, $namespaces network namespaces with a veth each," \
    "$filters tc filters with a program, medians of 50 scrapes each, in turn"
  modes=(off own all)
  declare -A mode_flags=([off]="" [own]="--collectors.attachments.enabled"
    [all]="--collectors.attachments.enabled --collectors.attachments.network_namespaces=all") mode_port mode_pid
  for m in "${modes[@]}"; do
    start_server "$image" --config.file="$work/config.yaml" ${mode_flags[$m]}
    mode_port[$m]=$port mode_pid[$m]=$server_pid
    scrapes 50
    : > "$work/$m.ms"
  done
  for _ in $(seq 1 10); do
    for m in "${modes[@]}"; do port=${mode_port[$m]} timed_scrapes 5 "$work/$m.ms"; done
  done
  for m in "${modes[@]}"; do
    series=$(curl -sf "http://127.0.0.1:${mode_port[$m]}/metrics" | grep -c '^ebpf_program_.*_attachment_info' || true)
    kill "${mode_pid[$m]}"; wait "${mode_pid[$m]}" 2>/dev/null || true
    read -r med p99 <<< "$(med_p99 "$work/$m.ms")"
    [ "$m" = off ] && off_med=$med
    printf '%-28s median %8s ms, p99 %8s ms, %6s attachment series, %s\n' "attachments $m:" "$med" "$p99" "$series" \
      "$(awk -v a="$med" -v b="$off_med" 'BEGIN { printf "%+.2f ms (%+.0f %%) on the scrape", a - b, (a / b - 1) * 100 }')"
  done
  exit
fi

# Compare (server/bench.sh compare OTHER_IMAGE [MAPS PROGS LINKS]): this image against another build's
# launcher, both running on one host of MAPS maps, PROGS programs and LINKS links, as root and under
# reduced privileges, warmed up and then scraped in turn in ten rounds of five, so that the host's own
# changes in speed move both alike: the medians differ by the change, not by the moment.
compare_images() { # $1 the mode's name, then the command before each image ("" for root)
  local mode=$1; shift
  local a_port a_pid b_port b_pid
  start_server "$@" "$other" --config.file="$work/config.yaml"; a_port=$port a_pid=$server_pid
  start_server "$@" "$image" --config.file="$work/config.yaml"; b_port=$port b_pid=$server_pid
  port=$a_port scrapes 200; port=$b_port scrapes 200
  : > "$work/a.ms"; : > "$work/b.ms"
  for _ in $(seq 1 10); do
    port=$a_port timed_scrapes 5 "$work/a.ms"
    port=$b_port timed_scrapes 5 "$work/b.ms"
  done
  kill "$a_pid" "$b_pid"; wait "$a_pid" "$b_pid" 2>/dev/null || true
  printf '%-12s other %s ms (p99 %s), this %s ms (p99 %s)\n' "$mode:" $(med_p99 "$work/a.ms") $(med_p99 "$work/b.ms")
}
if [ "${1:-}" = compare ]; then
  other=${2:?usage: server/bench.sh compare OTHER_IMAGE [MAPS PROGS LINKS]}
  [ -x "$other" ] || { echo "bench.sh: no launcher at $other" >&2; exit 2; }
  hold_objects "${3:-10000}" "${4:-1000}" "${5:-100}"
  echo "== $other against $image, medians of 50 scrapes each, in turn"
  compare_images full
  chmod 1777 "$work" && chmod 644 "$work/config.yaml" # uid 65534 reads the config and writes the ready file
  compare_images reduced setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+bpf,+perfmon \
    --ambient-caps=-all,+bpf,+perfmon --bounding-set=-all,+bpf,+perfmon
  exit
fi

# bench/hello linked into a runtime like the image's, run with the launcher's JVM flags and an AOT cache
# trained like the image's (a module outside the runtime would lose the cache's module graph): what the
# fixed design costs before the exporter adds anything.
export MALLOC_ARENA_MAX=2 # as the launcher sets it
java_home=$("$here/java-home.sh")
modules="$here/target/image-work/lib"
"$java_home/bin/javac" --release 21 --module-path "$modules" -d "$work/hello" \
  "$here/bench/hello/module-info.java" "$here/bench/hello/hello/Hello.java"
"$java_home/bin/jlink" --module-path "$modules:$work/hello" --add-modules hello --output "$work/hello-runtime" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 --generate-cds-archive >/dev/null
home="$here/target/image/ebpf-exporter"
eval "hello_flags=($(sed -n 's|^exec "$home/runtime/bin/java" \(.*\) -XX:AOTCache=.*|\1|p' "$image"))"
start_hello() { start_server "$work/hello-runtime/bin/java" "${hello_flags[@]}" "$@" -m hello/hello.Hello; }
start_hello -XX:AOTCacheOutput="$work/hello.aot"
scrapes 2
stop_server

echo "== footprint on this host as it is ($(uname -r), $(nproc) CPUs)"
starts=() hello_starts=()
for _ in 1 2 3 4 5; do
  start_exporter; starts+=("$start_ms"); stop_server
  start_hello -XX:AOTCache="$work/hello.aot" -Xlog:aot*=off; hello_starts+=("$start_ms"); stop_server
done
echo "start to first scrape: $(printf '%s\n' "${starts[@]}" | sort -n | sed -n 3p) ms (median of 5);" \
  "Helidon alone (bench/hello): $(printf '%s\n' "${hello_starts[@]}" | sort -n | sed -n 3p) ms"
start_hello -XX:AOTCache="$work/hello.aot" -Xlog:aot*=off
hello_rss=$(( $(rss_kb "$server_pid") / 1024 ))
stop_server
start_exporter
echo "RSS after the first scrape: $(( $(rss_kb "$server_pid") / 1024 )) MB; Helidon alone: $hello_rss MB"
scrapes 1000
echo "RSS after 1,000 scrapes: $(( $(rss_kb "$server_pid") / 1024 )) MB"
stop_server

echo "== $maps maps, $progs programs, $links links added"
hold_objects "$maps" "$progs" "$links"
# Steady state, as on a node scraped for hours: C1 compiles a method after about 200 calls, and much of a
# scrape's code runs once per scrape, so the first scrapes are partly interpreted (docs/performance.md).
warm_up=200
start_exporter
scrapes "$warm_up"
# Ten rounds of five passes each, interleaved, so that a change in the speed of this shared host during
# the run moves the floor and the exporter alike instead of skewing their ratio.
: > "$work/floor.ms"; : > "$work/fdinfo.ms"; : > "$work/exporter.ms"
for _ in $(seq 1 10); do
  "$work/floor" 5 | grep -v '^objects' >> "$work/floor.ms"
  "$work/floor" 5 fdinfo | grep -v '^objects' >> "$work/fdinfo.ms"
  timed_scrapes 5 "$work/exporter.ms"
done
objects=$("$work/floor" 1 | sed -n 's/^objects //p')
read -r floor_med floor_p99 <<< "$(med_p99 "$work/floor.ms")"
read -r fdinfo_med fdinfo_p99 <<< "$(med_p99 "$work/fdinfo.ms")"
read -r exp_med exp_p99 <<< "$(med_p99 "$work/exporter.ms")"
rss=$(( $(rss_kb "$server_pid") / 1024 ))
bytes=$(curl -sf "http://127.0.0.1:$port/metrics" | wc -c)
stop_server
echo "objects walked: $objects; one scrape: $bytes bytes of text"
printf '%-46s %10s %10s\n' "" "median ms" "p99 ms"
printf '%-46s %10s %10s\n' "floor: id, fd, info, close (C)" "$floor_med" "$floor_p99"
printf '%-46s %10s %10s\n' "floor with /proc fdinfo per object (C)" "$fdinfo_med" "$fdinfo_p99"
printf '%-46s %10s %10s\n' "exporter /metrics (curl, HTTP included)" "$exp_med" "$exp_p99"
awk -v e="$exp_med" -v f="$floor_med" -v fi="$fdinfo_med" \
  'BEGIN { printf "ratio exporter/floor: %.2f; exporter/floor with fdinfo: %.2f\n", e / f, e / fi }'
echo "RSS after these scrapes: $rss MB"

echo "== reduced privileges (uid 65534 with CAP_BPF and CAP_PERFMON: BPF iterators), these $objects objects"
chmod 1777 "$work" && chmod 644 "$work/config.yaml" # uid 65534 reads the config and writes the ready file
start_server setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+bpf,+perfmon \
  --ambient-caps=-all,+bpf,+perfmon --bounding-set=-all,+bpf,+perfmon "$image" --config.file="$work/config.yaml"
scrapes "$warm_up"
: > "$work/floor.reduced.ms"; : > "$work/reduced.ms"
for _ in $(seq 1 10); do
  "$work/floor" 5 | grep -v '^objects' >> "$work/floor.reduced.ms"
  timed_scrapes 5 "$work/reduced.ms"
done
series=$(curl -sf "http://127.0.0.1:$port/metrics" | grep -vc '^#')
stop_server
read -r floor_med floor_p99 <<< "$(med_p99 "$work/floor.reduced.ms")"
read -r red_med red_p99 <<< "$(med_p99 "$work/reduced.ms")"
printf '%-46s %10s %10s\n' "floor: id, fd, info, close (C)" "$floor_med" "$floor_p99"
printf '%-46s %10s %10s\n' "exporter /metrics, reduced privileges" "$red_med" "$red_p99"
awk -v e="$red_med" -v f="$floor_med" -v s="$series" \
  'BEGIN { printf "ratio reduced/floor: %.2f (%d series)\n", e / f, s }'

echo "== owners (collectors.*.owners) with 500 processes of 100 fds more, these $objects objects"
gcc -O2 -o "$work/fds" "$here/bench/fds.c"
mkfifo "$work/fds.in" "$work/fds.out"
"$work/fds" 500 100 < "$work/fds.in" > "$work/fds.out" &
pids+=($!)
exec 7> "$work/fds.in"
read -r ok < "$work/fds.out"
[ "$ok" = ready ] || { echo "bench.sh: fds failed" >&2; exit 1; }
owners=(--collectors.programs.owners --collectors.maps.owners --collectors.links.owners --collectors.btf.owners)
for mode in off on; do
  if [ "$mode" = on ]; then start_server "$image" --config.file="$work/config.yaml" "${owners[@]}"; else start_exporter; fi
  scrapes 3
  : > "$work/owners.$mode.ms"
  timed_scrapes 20 "$work/owners.$mode.ms"
  stop_server
done
read -r off_med off_p99 <<< "$(med_p99 "$work/owners.off.ms")"
read -r on_med on_p99 <<< "$(med_p99 "$work/owners.on.ms")"
exec 7>&-
echo "scrape median / p99: owners off $off_med / $off_p99 ms, on $on_med / $on_p99 ms" \
  "($(awk -v a="$on_med" -v b="$off_med" 'BEGIN { printf "%+.0f %%", (a / b - 1) * 100 }'))"

heap=$(grep -o -- '-Xmx[0-9]*[mMgG]' "$image" | head -1)
echo "== the shipped heap ($heap) under 40 concurrent scrapes, 9,000 maps more a step"
# Three waves of 40 concurrent OpenMetrics scrapes; prints how many answers were not a whole 200.
waves() {
  for _ in 1 2 3; do
    for _ in $(seq 1 40); do
      curl -s -o /dev/null -w '%{http_code} %{exitcode}\n' --max-time 60 \
        -H 'Accept: application/openmetrics-text; version=1.0.0' "http://127.0.0.1:$port/metrics" &
    done
    wait
  done | grep -vc '^200 0$' || true
}
served="" served_rss=""
for _ in 1 2 3 4 5 6 7 8; do
  mkfifo "$work/ready.step.${#pids[@]}"
  "$work/holder" 9000 0 0 > "$work/ready.step.${#pids[@]}" &
  pids+=($!)
  read -r ok < "$work/ready.step.$(( ${#pids[@]} - 1 ))"
  [ "$ok" = ready ] || { echo "bench.sh: holder failed" >&2; exit 1; }
  objects=$("$work/floor" 1 | sed -n 's/^objects //p')
  start_exporter
  scrapes 1
  bad=$(waves)
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "$objects objects: the exporter exited ($(grep -c OutOfMemoryError "$work/log") OutOfMemoryError)"; break
  fi
  rss=$(( $(rss_kb "$server_pid") / 1024 ))
  stop_server
  echo "$objects objects: $(( 120 - bad )) of 120 answers a whole 200; RSS $rss MB"
  [ "$bad" = 0 ] || break
  served=$objects served_rss=$rss
done
echo "largest host served whole to 40 concurrent scrapes: ${served:-none} objects (RSS ${served_rss:-?} MB)"
