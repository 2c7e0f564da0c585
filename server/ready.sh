# Sourced by the scripts that start the exporter (or bench/hello) with --ready-file=FILE.
# wait_ready FILE PID: waits up to 60 s for FILE, then prints its first URL; fails as soon as PID has
# exited (a child that exited stays a zombie until waited for, so its state is what tells).
wait_ready() {
  local file=$1 pid=$2 i
  for i in $(seq 1 6000); do
    if [ -s "$file" ]; then
      head -n 1 "$file"
      return 0
    fi
    grep -qs '^State:[[:space:]]*[^ZX]' "/proc/$pid/status" || return 1
    sleep 0.01
  done
  return 1
}
