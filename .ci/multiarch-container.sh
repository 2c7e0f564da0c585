#!/usr/bin/env bash
# The container for linux/amd64 and linux/arm64 under one name (a manifest list), built from
# server/deploy/Containerfile as docs/deployment.md says: each architecture's runtime image on a Debian base
# of that architecture (amd64: the container engine's bookworm minbase; arm64: a trixie root unpacked from
# Debian's arm64 packages and imported). Then each architecture's image in the list is started: the arm64
# one runs under qemu-user-static, which is as far as emulation goes here (qemu-user
# does not carry bpf() through), so both print their version and the machine they run as. One line.
# As root, after start_container_engine (.ci/container-engine.sh), `mvn package` and
# `server/image.sh --arch arm64`.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. server/debian-packages.sh
. .ci/container-engine.sh
for image in server/target/image server/target/image-arm64; do
  [ -x "$image/ebpf-exporter/bin/ebpf-exporter" ] \
    || { echo "multiarch-container.sh: no runtime image in $image; build both (docs/deployment.md)" >&2; exit 2; }
done
podman image exists "$CONTAINER_BASE" \
  || { echo "multiarch-container.sh: no $CONTAINER_BASE; source .ci/container-engine.sh and run start_container_engine" >&2; exit 2; }

# Running arm64 binaries needs qemu-user-static's binfmt_misc entry (with its F flag, so that a container's
# own root need not hold the interpreter).
[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64
grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 \
  || { echo "multiarch-container.sh: qemu-aarch64's binfmt_misc entry lacks the F flag; reinstall qemu-user-static" >&2; exit 1; }

# The arm64 base: what the launcher (sh, dirname) and the runtime's libraries need, imported once per
# package set.
cache=${EBPF_EXPORTER_DEBIAN_CACHE:-/var/cache/ebpf-exporter-debian}
root="$cache/container-root-arm64"
arm64_base=localhost/debian-base:trixie-arm64
before=$(cat "$root/.packages" 2>/dev/null || true)
debian_root "$root" "$cache/trixie-arm64" trixie arm64 dash coreutils libc6 zlib1g libstdc++6 libgcc-s1
if [ "$before" != "$(cat "$root/.packages")" ] || ! podman image exists "$arm64_base"; then
  ln -sf dash "$root/usr/bin/sh"
  tar -C "$root" --exclude=./.packages -c . | podman import --arch arm64 - "$arm64_base" >/dev/null
fi

manifest=localhost/ebpf-exporter:multiarch-ci
podman manifest rm "$manifest" >/dev/null 2>&1 || true
podman image rm "$manifest" >/dev/null 2>&1 || true
declare -A built
built[amd64]=$(podman build -q --platform linux/amd64 --build-arg BASE="$CONTAINER_BASE" --manifest "$manifest" \
  -f server/deploy/Containerfile . | tail -1)
built[arm64]=$(podman build -q --platform linux/arm64 --build-arg BASE="$arm64_base" \
  --build-arg IMAGE=server/target/image-arm64/ebpf-exporter --manifest "$manifest" -f server/deploy/Containerfile . | tail -1)
archs=$(podman manifest inspect "$manifest" | grep -o '"architecture": *"[a-z0-9]*"' | sed 's/.*"\([a-z0-9]*\)"$/\1/' | sort | tr '\n' ' ')
[ "$archs" = "amd64 arm64 " ] || { echo "multiarch-container.sh: the manifest list holds: $archs" >&2; exit 1; }

line="multiarch-container: manifest list $manifest (amd64, arm64)"
for arch in amd64 arm64; do
  start=$(date +%s%N)
  version=$(podman run --rm "${built[$arch]}" --version 2>&1 | head -1) \
    || { echo "multiarch-container.sh: the $arch container failed: $version" >&2; exit 1; }
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  machine=$(podman run --rm --entrypoint /usr/bin/uname "${built[$arch]}" -m)
  case "$arch:$machine" in amd64:x86_64 | arm64:aarch64) ;; *)
    echo "multiarch-container.sh: the $arch container runs as $machine" >&2; exit 1 ;;
  esac
  line="$line; $arch: '$version' as $machine in $ms ms"
done
echo "$line"
