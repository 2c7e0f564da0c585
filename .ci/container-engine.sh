# Sourced by .ci/run: a Docker API for ContainerImageTest from Debian's podman, with no registry. The base
# image is Debian's bookworm minbase from the host's own apt mirror (debootstrap, about 30 s once, then
# cached in podman's storage). Podman runs with runc (crun refuses hybrid cgroup layouts), cgroupfs, and
# no default rlimits (setting them needs CAP_SYS_RESOURCE, which sandboxes may lack).
# After start_container_engine: DOCKER_HOST, TESTCONTAINERS_RYUK_DISABLED, EBPF_EXPORTER_CONTAINER_BASE.
CONTAINER_BASE=localhost/debian-minbase:bookworm

start_container_engine() {
  local cache=/var/cache/ebpf-exporter-container mirror socket
  mkdir -p "$cache" /run/podman
  printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n' \
    > "$cache/containers.conf"
  export CONTAINERS_CONF="$cache/containers.conf"
  if ! podman image exists "$CONTAINER_BASE"; then
    mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}')
    [ -n "$mirror" ] || mirror=$(awk '/^deb / && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
    rm -rf "$cache/rootfs"
    debootstrap --variant=minbase bookworm "$cache/rootfs" "${mirror:-http://deb.debian.org/debian}" \
      > "$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log"; return 1; }
    tar -C "$cache/rootfs" -c . | podman import - "$CONTAINER_BASE" >/dev/null
    rm -rf "$cache/rootfs"
  fi
  socket=/run/podman/ebpf-exporter-ci.sock
  rm -f "$socket"
  podman system service --time=0 "unix://$socket" > "$cache/service.log" 2>&1 &
  CONTAINER_ENGINE_PID=$!
  for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
  [ -S "$socket" ] || { cat "$cache/service.log"; return 1; }
  export DOCKER_HOST="unix://$socket" TESTCONTAINERS_RYUK_DISABLED=true EBPF_EXPORTER_CONTAINER_BASE="$CONTAINER_BASE"
}

stop_container_engine() {
  [ -z "${CONTAINER_ENGINE_PID:-}" ] || kill "$CONTAINER_ENGINE_PID" 2>/dev/null || true
}
