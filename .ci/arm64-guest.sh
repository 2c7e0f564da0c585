#!/usr/bin/env bash
# The arm64 guest: boots Debian trixie's arm64 kernel (6.12) under qemu-system-aarch64 (TCG, a Neoverse N1
# CPU: the core of Graviton2 and Ampere Altra) with an arm64 root unpacked from Debian's packages (busybox,
# dash, bash, coreutils, util-linux, kmod, bpftool, iproute2, the arm64 OpenJDK and what they depend on; no package
# scripts run, so nothing arm64 runs on this machine) and runs, on that kernel, the arm64 runtime image
# (server/image.sh --arch arm64) through the end-to-end and reduced-privilege tests and a scrape that
# this machine's promtool checks. Prints one line. As root, after `mvn -B verify` and
# `server/image.sh --arch arm64`. The packages are fetched into $EBPF_EXPORTER_DEBIAN_CACHE (shared with
# image.sh); the unpacked kernel, the root and the results live in $KERNEL_MATRIX_CACHE.
#   ARM64_TESTS: the test classes or Class#method selectors to run in the guest (default below)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
if [ "${1:-}" = --inside ]; then # in the guest, as root in the arm64 root, with the checkout at $top
  set +e
  results=$2
  export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  cd "$top"
  export EBPF_EXPORTER_IMAGE="$top/server/target/image-arm64/ebpf-exporter/bin/ebpf-exporter"
  export EBPF_EXPORTER_REQUIRE_KERNEL=1 EBPF_EXPORTER_START_SECONDS=300
  printf 'server:\n  host: 127.0.0.1\n  port: 0\n' > /tmp/scrape.yaml
  start=$(date +%s%N)
  "$EBPF_EXPORTER_IMAGE" --config.file=/tmp/scrape.yaml --ready-file=/tmp/ready > "$results/exporter.log" 2>&1 &
  pid=$!
  . server/ready.sh
  url=$(wait_ready /tmp/ready "$pid") && echo "start_ms=$(( ($(date +%s%N) - start) / 1000000 ))" > "$results/start"
  bpftool map create /sys/fs/bpf/arm64_scrape type hash key 4 value 8 entries 16 name arm64_scrape
  # shellcheck disable=SC2015
  [ -n "$url" ] && busybox wget -q -O "$results/scrape.txt" "$url" || echo "no scrape" > "$results/scrape.txt"
  kill "$pid"
  wait "$pid"
  rm -f /sys/fs/bpf/arm64_scrape
  ulimit -l unlimited
  # shellcheck disable=SC2086
  exec /usr/lib/jvm/java-25-openjdk-arm64/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    --enable-native-access=ALL-UNNAMED -Dbasedir="$top/server" -cp "$(cat "$results/classpath")" \
    io.ebpfexporter.testkit.KernelTests "$results/summary" $(cat "$results/tests")
fi

case "$top/" in
  /tmp/* | /run/* | /var/tmp/*)
    echo "arm64-guest.sh: the checkout $top is below /tmp, /run or /var/tmp, which the guest mounts afresh;" \
      "clone it elsewhere (under /root or /work, say)" >&2
    exit 2 ;;
esac
image="$top/server/target/image-arm64/ebpf-exporter"
[ -x "$image/bin/ebpf-exporter" ] \
  || { echo "arm64-guest.sh: no arm64 image at $image; build it with server/image.sh --arch arm64" >&2; exit 2; }
for tool in qemu-system-aarch64 busybox promtool; do
  command -v "$tool" >/dev/null \
    || { echo "arm64-guest.sh: $tool is missing: apt-get install -y qemu-system-arm busybox-static prometheus" >&2; exit 2; }
done
. "$top/server/debian-packages.sh"
cache=${KERNEL_MATRIX_CACHE:-/var/cache/ebpf-exporter-kernels}
debs="${EBPF_EXPORTER_DEBIAN_CACHE:-/var/cache/ebpf-exporter-debian}/trixie-arm64"
root="$cache/arm64-root"
results="$cache/results-arm64"
work=$(mktemp -d /tmp/ebpf-exporter-arm64.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The kernel.
package=$(debian_depends "$debs" trixie arm64 linux-image-arm64)
release=${package#linux-image-}
kdir="$cache/trixie-arm64/$release"
if [ ! -f "$kdir/boot/vmlinuz-$release" ]; then
  deb=$(debian_packages "$debs" trixie arm64 "$package")
  rm -rf "$kdir" && mkdir -p "$kdir"
  dpkg-deb -x "$deb" "$kdir"
  depmod -b "$kdir/usr" "$release"
fi
moddir="$kdir/usr/lib/modules/$release"

# The arm64 root (rebuilt when a package changes), with the mount points the guest's /init uses and the
# two users the tests run as.
debian_root "$root" "$debs" trixie arm64 busybox-static dash bash coreutils grep sed util-linux mount procps kmod \
  bpftool iproute2 openjdk-25-jre-headless
mkdir -p "$root/host" "$root/var/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

# The initramfs: busybox, the kernel's 9p and overlay modules in dependency order, and an /init that
# mounts the arm64 root (writable through an overlay), this machine's root at /host for the checkout,
# ~/.m2 and the results, and runs this script with --inside.
tree="$work/initramfs"
mkdir -p "$tree/bin" "$tree/modules"
cp "$root/usr/bin/busybox" "$tree/bin/busybox"
modules() { # a module's path relative to $moddir, after those it depends on
  local path dep
  path=$(grep -E "(^|/)${1//-/[-_]}\.ko(\.xz)?:" "$moddir/modules.dep" | head -1 | cut -d: -f1) || true
  [ -n "$path" ] || return 0
  for dep in $(grep -E "^$path:" "$moddir/modules.dep" | cut -d: -f2); do modules "$(basename "$dep" | sed 's/\.ko.*//')"; done
  echo "$path"
}
for path in $(for m in virtio_rng 9pnet_virtio 9p overlay; do modules "$m"; done | awk '!seen[$0]++'); do
  name=$(basename "$path" | sed 's/\.ko.*/.ko/')
  case "$path" in *.xz) xz -dc "$moddir/$path" > "$tree/modules/$name" ;; *) cp "$moddir/$path" "$tree/modules/$name" ;; esac
  echo "$name" >> "$tree/modules/order"
done
cat > "$tree/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev && mount -t proc proc /proc && mount -t sysfs sys /sys && mount -t devtmpfs dev /dev
for m in \$(cat /modules/order); do insmod /modules/\$m; done
o="-o trans=virtio,version=9p2000.L,msize=262144"
mkdir -p /lower /mnt /r
mount -t 9p \$o,ro,cache=loose root /lower
mount -t tmpfs tmpfs /mnt && mkdir -p /mnt/upper /mnt/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/mnt/upper,workdir=/mnt/work /r
mount -t 9p \$o,ro,cache=loose host /r/host
mkdir -p /r$top /r/root/.m2 /r$results
mount --bind /r/host$top /r$top
mount --bind /r/host/root/.m2 /r/root/.m2
mount -t 9p \$o results /r$results
for d in tmp run var/tmp; do mount -t tmpfs tmpfs /r/\$d; done
mount -t proc proc /r/proc; mount -t sysfs sys /r/sys; mount -t devtmpfs dev /r/dev
mkdir -p /r/dev/pts && mount -t devpts devpts /r/dev/pts
mount -t bpf bpf /r/sys/fs/bpf
mount -t tracefs tracefs /r/sys/kernel/tracing
mount -t debugfs debugfs /r/sys/kernel/debug
mount -t securityfs securityfs /r/sys/kernel/security
mount -t tmpfs tmpfs /r/sys/fs/cgroup && mkdir -p /r/sys/fs/cgroup/unified && mount -t cgroup2 cgroup2 /r/sys/fs/cgroup/unified
mkdir -p /r/usr/lib/modules/$release && mount --bind /r/host$moddir /r/usr/lib/modules/$release
ip link set lo up
# The kernel runs its module requests (veth, say) from this root: hand them to the arm64 root's modprobe.
printf '#!/bin/sh\nexec chroot /r /sbin/modprobe "\$@"\n' > /modprobe && chmod +x /modprobe
echo /modprobe > /proc/sys/kernel/modprobe
chroot /r /bin/sh -c '$top/.ci/arm64-guest.sh --inside $results' > /r$results/guest.log 2>&1
sync
poweroff -f
INIT
chmod +x "$tree/init"
(cd "$tree" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$work/initrd.gz"

classpath=$("$here/test-classpath.sh")
rm -rf "$results" && mkdir -p "$results"
echo "$classpath" > "$results/classpath"
# Of the x86-64 guests' kernel tests, what fits in about 10 minutes of TCG: each kind of check (struct
# declarations and enum names against the kernel's BTF, the walk and iterators, each collector against
# bpftool, the end-to-end tests against the image, attachments of every kind against bpftool, reduced
# privileges), none needing this machine's promtool or the test kit's x86-64 python holder process, which
# cannot run in the arm64 root.
e2e=io.ebpfexporter.server.EndToEndTest
echo "${ARM64_TESTS:-io.ebpfexporter.core.sys.ArchitectureTest#openDirectoryIsThisKernelsFlag \
io.ebpfexporter.core.bpf.DeclarationsMatchKernelBtfTest io.ebpfexporter.core.kernel.KernelNamesCoverKernelEnumsTest \
io.ebpfexporter.core.btf.KernelBtfTest io.ebpfexporter.core.walk.ObjectWalkKernelTest \
io.ebpfexporter.core.iter.IteratedObjectsTest io.ebpfexporter.collector.programs.ProgramsCollectorTest \
io.ebpfexporter.collector.maps.MapsCollectorTest io.ebpfexporter.collector.links.LinksCollectorTest \
io.ebpfexporter.collector.btf.BtfCollectorTest \
$e2e#programsAppearAsBpftoolShowsThemAndVanishWhenUnloaded $e2e#openMetricsWhenAskedEndsWithEof \
$e2e#gzipWhenAccepted $e2e#headLandingPageAndUnknownPaths $e2e#buildInfoAndCollectorRows \
io.ebpfexporter.server.AttachmentsEndToEndTest io.ebpfexporter.server.ReducedPrivilegeTest}" > "$results/tests"

start=$(date +%s)
timeout 1800 qemu-system-aarch64 -M virt -cpu neoverse-n1 -accel tcg,thread=multi -m 3G -smp 2 \
  -kernel "$kdir/boot/vmlinuz-$release" -initrd "$work/initrd.gz" \
  -append "console=ttyAMA0 quiet loglevel=3 panic=-1" \
  -virtfs "local,path=$root,mount_tag=root,security_model=none,readonly=on,multidevs=remap" \
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
  -virtfs "local,path=$results,mount_tag=results,security_model=none" \
  -nographic -no-reboot -nic none -device virtio-rng-pci > "$results/console.log" 2>&1 || true
seconds=$(( $(date +%s) - start ))

status=0
complaints=$(promtool check metrics < "$results/scrape.txt" 2>&1) || status=1
[ -z "$complaints" ] || status=1
if [ -s "$results/summary" ]; then
  grep -q ', 0 failed' "$results/summary" || status=1
  echo "kernel-matrix: $(cat "$results/summary") (arm64, ${seconds} s; image up in $(sed -n 's/start_ms=//p' "$results/start" 2>/dev/null || echo '?') ms; promtool: ${complaints:-clean})"
  [ $status = 0 ] || tail -40 "$results/guest.log"
else
  echo "kernel-matrix: Linux $release (arm64): no result in ${seconds} s; the guest's console:"
  tail -40 "$results/console.log"
  status=1
fi
exit $status
