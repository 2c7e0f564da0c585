#!/usr/bin/env bash
# The kernel matrix: boots the newest Debian kernel of bullseye (5.10), bookworm (6.1), trixie (6.12) and
# the development suite forky (7.x) under QEMU (TCG; this machine's /dev/kvm cannot run stock kernels) with this machine's root shared
# read-only over 9p, runs .ci/kernel-guest.sh inside each (the kernel tests of core and the
# collectors, and the end-to-end checks through the runtime image), and prints one line per kernel.
# Guests run side by side, as many as this machine has CPUs ($KERNEL_MATRIX_PARALLEL).
# As root, after `mvn -B verify` (it needs the built classes and the image). Usage:
#   .ci/kernel-matrix.sh [SUITE...]     (default: bullseye bookworm trixie forky)
# Kernels are fetched from the Debian mirror in this machine's apt sources through a private apt
# configuration (the host's own sources and lists are left alone) and kept in $KERNEL_MATRIX_CACHE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# The guests mount a fresh tmpfs on these (guest-init.sh), which would hide a checkout below them.
case "$top/" in
  /tmp/* | /run/* | /var/tmp/*)
    echo "kernel-matrix.sh: the checkout $top is below /tmp, /run or /var/tmp, which the guests mount afresh," \
      "so they cannot see it; clone it elsewhere (under /root or /work, say)" >&2
    exit 2 ;;
esac
cache=${KERNEL_MATRIX_CACHE:-/var/cache/ebpf-exporter-kernels}
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(bullseye bookworm trixie forky)
work=$(mktemp -d /tmp/ebpf-exporter-matrix.XXXXXX)
# A guest runs in the background under timeout, which hands its TERM on to QEMU.
booted=()
stop_guests() {
  local suite pidfile
  for suite in "${booted[@]}"; do
    pidfile="$cache/results-$suite/timeout.pid"
    [ ! -f "$pidfile" ] || kill "$(cat "$pidfile")" 2>/dev/null || true
  done
}
trap 'stop_guests; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$cache"

# The Debian archive and security archive URIs of this machine's apt sources (deb822 or one-line form).
apt_uris() {
  { cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } | awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }'
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } \
    | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }'
}
mirror=$(apt_uris | grep -E '/debian/?$' | head -1 || true)
security=$(apt_uris | grep -E '/debian-security/?$' | head -1 || true)
[ -n "$mirror" ] || { echo "kernel-matrix: no Debian mirror in this machine's apt sources" >&2; exit 2; }

# fetch SUITE: downloads and unpacks the suite's newest kernel into $cache/SUITE; sets release, kdir
# (the unpacked packages), modbase (where its lib/modules is) and vmlinuz.
fetch() {
  local suite=$1 dir="$cache/$1" apt
  mkdir -p "$dir/lists/partial" "$dir/archives/partial"
  {
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite-updates main"
    [ -z "$security" ] || echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $security $suite-security main"
  } > "$dir/sources.list"
  apt=(-o Dir::Etc::SourceList="$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
       -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir" -o Dir::Cache::Archives="$dir/archives")
  apt-get -qq "${apt[@]}" update
  local package
  package=$(apt-cache "${apt[@]}" depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -1)
  [ -n "$package" ] || { echo "kernel-matrix: $suite has no linux-image-amd64" >&2; return 1; }
  release=${package#linux-image-}
  kdir="$dir/$release"
  # From forky (7.x) on, linux-image-VER is a meta package: the vmlinuz is in linux-binary-VER (under
  # usr/lib/modules/VER, not /boot), the modules in linux-modules-VER, and modules.builtin and the config
  # in linux-base-VER. Unpack them into one tree.
  local packages
  packages="$package $(apt-cache "${apt[@]}" depends "$package" \
    | sed -n "s/^ *Depends: \(linux-\(base\|binary\|modules\)-$release\)\$/\1/p" | tr '\n' ' ')"
  if [ ! -f "$kdir/unpacked" ]; then
    rm -rf "$kdir" && mkdir -p "$kdir"
    # shellcheck disable=SC2086 # one word per package
    (cd "$dir/archives" && apt-get -qq "${apt[@]}" download $packages 2>&1 | grep -v 'unsandboxed as root' || true)
    local p
    for p in $packages; do dpkg-deb -x "$dir/archives/${p}_"*.deb "$kdir"; done
    touch "$kdir/unpacked"
  fi
  # trixie's and forky's packages put modules under /usr/lib (merged /usr), bullseye's and bookworm's under /lib
  modbase="$kdir"
  [ -d "$kdir/lib/modules/$release" ] || modbase="$kdir/usr"
  [ -f "$modbase/lib/modules/$release/modules.dep" ] || depmod -b "$modbase" "$release"
  vmlinuz="$kdir/boot/vmlinuz-$release"
  [ -f "$vmlinuz" ] || vmlinuz="$modbase/lib/modules/$release/vmlinuz"
  [ -f "$vmlinuz" ] || { echo "kernel-matrix: $package has no vmlinuz in /boot or its modules directory" >&2; return 1; }
}

# initramfs MODBASE RELEASE OUT: busybox, the kernel's own modules for virtio, 9p and overlay in
# dependency order (decompressed: busybox insmod reads plain .ko), and guest-init.sh as /init.
initramfs() {
  local release=$2 out=$3 tree="$work/initramfs" moddir="$1/lib/modules/$2"
  rm -rf "$tree" && mkdir -p "$tree/bin" "$tree/modules" "$tree/newroot"
  cp /bin/busybox "$tree/bin/busybox"
  cp "$here/guest-init.sh" "$tree/init"
  : > "$tree/modules/order"
  local seen=" "
  add() { # a module by name, after the modules it depends on; built-in ones need nothing
    local name=$1 path dep
    path=$(grep -E "(^|/)${name//-/[-_]}\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" | head -1 | cut -d: -f1) || true
    [ -n "$path" ] || return 0
    case "$seen" in *" $path "*) return 0 ;; esac
    seen="$seen$path "
    for dep in $(grep -E "^$path:" "$moddir/modules.dep" | cut -d: -f2); do
      add "$(basename "$dep" | sed 's/\.ko.*//')"
    done
    local file; file="$tree/modules/$(basename "$path" | sed 's/\.ko.*/.ko/')"
    case "$path" in
      *.xz) xz -dc "$moddir/$path" > "$file" ;;
      *.zst) zstd -qdc "$moddir/$path" > "$file" ;;
      *.gz) gzip -dc "$moddir/$path" > "$file" ;;
      *) cp "$moddir/$path" "$file" ;;
    esac
    basename "$file" >> "$tree/modules/order"
  }
  for m in virtio_pci virtio_rng 9pnet_virtio 9p overlay; do add "$m"; done
  echo "$release" > "$tree/release"
  (cd "$tree" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) > "$out"
}

# The test classes of every module and their dependencies, for the guest's KernelTests run.
classpath=$("$here/test-classpath.sh")

# prepare SUITE: fetches its kernel and writes what its guest needs into $cache/results-SUITE (not under
# /tmp, which the guest covers with its own tmpfs): env, classpath, initrd, and the kernel to boot.
prepare() {
  local suite=$1 results="$cache/results-$1"
  fetch "$suite" || return 1
  rm -rf "$results" && mkdir -p "$results"
  {
    echo "TOP=$top"
    echo "MODULES=$modbase/lib/modules/$release"
    echo "RESULTS=$results"
    echo "JAVA_HOME=${JAVA_HOME:-$("$top/server/java-home.sh")}"
    echo "KERNEL_TESTS='${KERNEL_TESTS:-}'"
  } > "$results/env"
  echo "$classpath" > "$results/classpath"
  echo "$release" > "$results/release"
  ln -s "$vmlinuz" "$results/vmlinuz"
  initramfs "$modbase" "$release" "$results/initrd.gz"
}

# boot SUITE: runs its guest; the seconds it took go to $cache/results-SUITE/seconds.
boot() {
  local results="$cache/results-$1" start
  start=$(date +%s)
  # Single-threaded TCG with AVX hidden: multi-threaded TCG crashed long JVM runs here; the image's AOT
  # cache is recorded on this CPU, so the guest runs with -XX:-AOTAdapterCaching (kernel-guest.sh).
  timeout "${KERNEL_MATRIX_TIMEOUT:-1800}" qemu-system-x86_64 -accel tcg,thread=single \
    -cpu max,avx=off,avx2=off,fma=off,f16c=off,vaes=off,la57=off -m 4G -smp 2 \
    -kernel "$results/vmlinuz" -initrd "$results/initrd.gz" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 results=$results" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -virtfs "local,path=$results,mount_tag=results,security_model=none" \
    -nographic -no-reboot -nic none -device virtio-rng-pci > "$results/console.log" 2>&1 &
  echo $! > "$results/timeout.pid"
  wait $! || true
  echo $(( $(date +%s) - start )) > "$results/seconds"
}

# report SUITE: its line (and the tail of its log when something failed); fails when the guest did.
report() {
  local suite=$1 results="$cache/results-$1" seconds
  seconds=$(cat "$results/seconds")
  if [ -n "${KERNEL_MATRIX_KEEP:-}" ]; then mkdir -p "$KERNEL_MATRIX_KEEP" && cp -r "$results" "$KERNEL_MATRIX_KEEP/"; fi
  if [ -s "$results/summary" ]; then
    echo "kernel-matrix: $(cat "$results/summary") (${seconds} s)"
    grep -q ', 0 failed' "$results/summary" && return 0
    tail -40 "$results/guest.log" 2>/dev/null
  else
    echo "kernel-matrix: Linux $(cat "$results/release") ($suite): no result in ${seconds} s; the guest's console:"
    tail -40 "$results/console.log"
  fi
  return 1
}

status=0
for suite in "${suites[@]}"; do
  if prepare "$suite"; then
    booted+=("$suite")
  else
    echo "kernel-matrix: $suite: cannot fetch its kernel; see the lines above"
    status=1
  fi
done

# Each single-threaded TCG guest keeps one CPU busy: run as many at once as this machine has CPUs.
# Lines come in the order of the suites once the last guest has started, each when it and those before
# it are done.
parallel=${KERNEL_MATRIX_PARALLEL:-$(nproc)}
declare -A pids
for suite in "${booted[@]}"; do
  while [ "$(jobs -pr | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  boot "$suite" &
  pids[$suite]=$!
done
for suite in "${booted[@]}"; do
  wait "${pids[$suite]}" || true
  rm -f "$cache/results-$suite/timeout.pid"
  report "$suite" || status=1
done
exit $status
