#!/bin/sh
# Builds the self-contained runtime image at server/target/image/ebpf-exporter (run by `mvn package`):
#   runtime/  one jlink runtime holding the exporter's modules and only the JDK modules they need, its base
#             CDS archive, JNA's native library for this architecture, and (JDK 25 or newer, built as root)
#             an AOT cache of the classes a start and a scrape load, made by a training run here
#   bin/ebpf-exporter  the launcher, with the small-footprint JVM flags
# Needs only a JDK >= 21 with jlink ($JAVA_HOME); nothing of it is needed at run time.
#
# `image.sh --arch arm64` (as root, after `mvn package`) links the same image for aarch64 at
# server/target/image-arm64/ebpf-exporter, from Debian trixie's arm64 OpenJDK 25 jmods (fetched through a
# private apt configuration into $EBPF_EXPORTER_DEBIAN_CACHE, default /var/cache/ebpf-exporter-debian)
# with this JDK's jlink (25 or newer), and probes that runtime's flags under qemu-aarch64-static
# (qemu-user-static). It has no AOT cache: a training run needs bpf(), which user-mode QEMU lacks.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/ready.sh"
java_home=${JAVA_HOME:-$("$here/java-home.sh")}
arch=""
case "${1:-}" in
  "") ;;
  --arch) arch=${2:-} ;;
  *) echo "image.sh: unknown argument $1; usage: image.sh [--arch arm64]" >&2; exit 2 ;;
esac
out="$here/target/image/ebpf-exporter"
work="$here/target/image-work"
jmods=""
target_java() { "$out/runtime/bin/java" "$@"; }
jna_platform="linux-$(uname -m | tr _ -)"
if [ -n "$arch" ]; then
  [ "$arch" = arm64 ] || { echo "image.sh: --arch $arch: only arm64 is built besides this machine's own" >&2; exit 2; }
  command -v qemu-aarch64-static >/dev/null \
    || { echo "image.sh: --arch arm64 needs qemu-aarch64-static: apt-get install qemu-user-static" >&2; exit 2; }
  . "$here/debian-packages.sh"
  cache="${EBPF_EXPORTER_DEBIAN_CACHE:-/var/cache/ebpf-exporter-debian}/trixie-arm64"
  sysroot="$cache/sysroot"
  # the JDK's jmods, and the libraries its java needs to run under qemu-aarch64-static
  debian_root "$sysroot" "$cache" trixie arm64 openjdk-25-jdk-headless
  jmods="$sysroot/usr/lib/jvm/java-25-openjdk-arm64/jmods"
  target_java() { qemu-aarch64-static -L "$sysroot" "$out/runtime/bin/java" "$@"; }
  jna_platform=linux-aarch64
  out="$here/target/image-arm64/ebpf-exporter"
  work="$here/target/image-arm64-work"
fi
rm -rf "$out" "$work"
mkdir -p "$out/bin" "$out/lib" "$work/lib" "$work/module-info"
cp "$here/launch.args" "$out/lib/"
cp "$here"/target/modules/*.jar "$here"/target/server-*.jar "$work/lib/"

module_name() { # a jar's module name; also for multi-release jars, automatic modules and unversioned ones
  "$java_home/bin/jar" --describe-module --file "$1" --release 21 \
    | sed -n 's/^\([A-Za-z0-9_.]*\)\(@[^ ]*\)\{0,1\} \(jar:\|automatic\).*/\1/p' | head -1
}

# jlink links only explicit modules, and client_java 1.x and spring-security-crypto are automatic ones
# (a manifest name, no descriptor): give each the descriptor jdeps derives from its classes, so that the
# whole application is linked into the runtime, where CDS and the AOT cache can hold its module graph.
automatic=$(for jar in "$work"/lib/*.jar; do
  "$java_home/bin/jar" --describe-module --file "$jar" | grep 'automatic' >/dev/null && echo "$jar"; done)
if [ -n "$automatic" ]; then
  # shellcheck disable=SC2086
  "$java_home/bin/jdeps" --generate-module-info "$work/module-info" --module-path "$work/lib" \
    --ignore-missing-deps --multi-release 21 $automatic >/dev/null
  for jar in $automatic; do
    name=$(module_name "$jar")
    "$java_home/bin/javac" --release 21 -Xlint:none --module-path "$work/lib" --patch-module "$name=$jar" \
      -d "$work/module-info/$name/classes" "$work/module-info/$name/versions/21/module-info.java"
    "$java_home/bin/jar" --update --file "$jar" -C "$work/module-info/$name/classes" module-info.class
  done
fi

# Every application module (collectors are found by ServiceLoader, so nothing requires them), plus
# jdk.crypto.ec: the EC key and TLS provider (--web.config.file), also found by ServiceLoader; an empty
# module since Java 22, where java.base holds the code. JDK modules the descriptors require come along.
modules=$(for jar in "$work"/lib/*.jar; do module_name "$jar"; done | paste -sd, -)
strip="--strip-debug"
if [ -n "$arch" ]; then # this machine's objcopy cannot strip another architecture's native code
  strip="--strip-java-debug-attributes"
elif command -v objcopy >/dev/null 2>&1; then # the same, and libjvm's native symbols too
  strip="--strip-java-debug-attributes --strip-native-debug-symbols=objcopy=$(command -v objcopy)"
fi
# JNA's native library goes in runtime/lib as a plain file for the image's architecture (JNA's resource
# prefix: linux-x86-64, linux-aarch64, ...) instead of being unpacked into /tmp at every start.
jna_native="com/sun/jna/$jna_platform/libjnidispatch.so"
# jlink writes the CDS archive only for its own platform; another's is dumped below by its own java.
cds="--generate-cds-archive"
[ -z "$arch" ] || cds=""
# shellcheck disable=SC2086
"$java_home/bin/jlink" --module-path "$work/lib${jmods:+:$jmods}" --add-modules "$modules,jdk.crypto.ec" \
  --output "$out/runtime" $strip --no-header-files --no-man-pages --compress=zip-6 $cds \
  --exclude-resources='glob:/com.sun.jna/com/sun/jna/*/*jnidispatch*' >/dev/null
if [ -n "$arch" ] && ! target_java -Xshare:dump -version > "$work/cds.log" 2>&1; then
  echo "image: dumping the $arch runtime's CDS archive failed:" >&2 && cat "$work/cds.log" >&2 && exit 1
fi
(cd "$work" && "$java_home/bin/jar" --extract --file lib/jna-jpms-*.jar "$jna_native")
cp "$work/$jna_native" "$out/runtime/lib/"
rm -f "$out/runtime/lib/server/classes_nocoops.jsa" # the launcher keeps compressed oops (small heap)

# JVM flags: exit (code 3) rather than limp on when the heap runs out, so a supervisor restarts it; small heap, serial GC, C1 only (small code cache, 7-9 MB less RSS; on hosts with
# 10,000+ objects JAVA_OPTS=-XX:TieredStopAtLevel=4 scrapes about 15 % faster), no hsperfdata file,
# class data mapped at its own base address so its pages stay clean and shared (relocating it dirties
# about 10 MB), freed malloc memory given back every second where the runtime has that flag.
flags="-XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -Xms8m -Xmx64m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m -Xss512k"
flags="$flags -XX:MaxMetaspaceSize=64m -XX:-UsePerfData -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
# No machine code in the AOT cache (adapters, stubs): it would be this build machine's, with its CPU
# features (AVX-512 here), and a node whose CPU lacks one dies at start with SIGILL. Classes only, which
# run on any x86-64 CPU the JDK supports.
if target_java -XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching -XX:-AOTStubCaching -version >/dev/null 2>&1; then
  flags="$flags -XX:-AOTAdapterCaching -XX:-AOTStubCaching"
fi
if target_java -XX:TrimNativeHeapInterval=1000 -version >/dev/null 2>&1; then
  flags="$flags -XX:TrimNativeHeapInterval=1000"
fi
# JNA loads its native library from the runtime, and skips building a library search path (it would
# run ldconfig -p; the exporter opens libc by soname).
flags="$flags -Djna.boot.library.path=\"\$home/runtime/lib\" -Djna.nounpack=true -Djna.platform.library.path="
write_launcher() { # $1: extra JVM flags
  cat > "$out/bin/ebpf-exporter" <<LAUNCHER
#!/bin/sh
# ebpf-exporter launcher: the bundled runtime with the flags image.sh chose (see there); two malloc
# arenas; JAVA_OPTS adds or overrides JVM flags.
home=\$(cd "\$(dirname "\$0")/.." && pwd)
export MALLOC_ARENA_MAX=\${MALLOC_ARENA_MAX:-2}
# shellcheck disable=SC2086
exec "\$home/runtime/bin/java" $flags $1 \\
  \${JAVA_OPTS:-} @"\$home/lib/launch.args" "\$@"
LAUNCHER
  chmod +x "$out/bin/ebpf-exporter"
}
write_launcher ""

# The AOT cache (JDK 25+): the classes one start and one scrape load, already parsed and linked, so a
# start skips that work. It is recorded by a training run of this very image (as root, since the
# exporter needs bpf()) and belongs to this runtime alone; without it the image still works, slower.
aot="$out/runtime/lib/server/ebpf-exporter.aot"
train() {
  printf 'server:\n  host: 127.0.0.1\n  port: 0\n' > "$work/train.yaml"
  JAVA_OPTS="-XX:AOTCacheOutput=$aot" "$out/bin/ebpf-exporter" --config.file="$work/train.yaml" \
    --ready-file="$work/train.ready" > "$work/train.log" 2>&1 &
  pid=$!
  if ! url=$(wait_ready "$work/train.ready" "$pid"); then # a failed start still leaves a cache, of the wrong classes
    kill "$pid" 2>/dev/null || true
    wait "$pid" || true
    rm -f "$aot"
    return 1
  fi
  for accept in text/plain application/openmetrics-text; do
    curl -sf -o /dev/null -H "Accept: $accept" --compressed "$url" || true
  done
  kill "$pid"
  wait "$pid" || true
  [ -f "$aot" ]
}
if [ -n "$arch" ]; then
  echo "image: no AOT cache (a training run of the $arch image needs bpf(), which qemu-aarch64-static does not emulate)"
elif ! "$out/runtime/bin/java" -XX:+PrintFlagsFinal -version 2>/dev/null | grep " AOTCacheOutput " >/dev/null; then
  echo "image: no AOT cache (the JDK at $java_home is older than 25)"
elif ! command -v curl >/dev/null 2>&1; then
  echo "image: no AOT cache (the training run needs curl)"
elif train; then
  write_launcher "-XX:AOTCache=\"\$home/runtime/lib/server/ebpf-exporter.aot\" -Xlog:aot*=off"
else
  echo "image: no AOT cache (the training run failed: $(grep -m1 'ebpf-exporter:' "$work/train.log" || tail -1 "$work/train.log"))"
fi
echo "image: $out ($(du -sh "$out" | cut -f1), $(echo "$modules" | tr , "\n" | wc -l) application modules)"
