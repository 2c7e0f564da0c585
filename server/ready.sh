# Sourced by the scripts that start the exporter (or bench/hello) with --ready-file=FILE.
# wait_ready FILE PID: waits up to 60 s for FILE, then prints its first URL; fails at once if PID exits.
wait_ready() {
  local file=$1 pid=$2 i
  for i in $(seq 1 6000); do
    if [ -s "$file" ]; then
      head -n 1 "$file"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}
