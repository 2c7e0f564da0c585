#!/bin/sh
# Builds the self-contained runtime image at server/target/image/ebpf-exporter (run by `mvn package`):
#   runtime/  a jlink runtime with only the JDK modules jdeps finds the exporter needs, plus its base CDS archive
#   lib/      the application modules (client_java 1.x jars are automatic modules, which jlink cannot link,
#             so every application jar stays on the image's module path instead of inside the runtime)
#   bin/ebpf-exporter  the launcher, with the small-footprint JVM flags
# Needs only a JDK >= 21 with jlink ($JAVA_HOME); nothing of it is needed at run time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
java_home=${JAVA_HOME:-$("$here/java-home.sh")}
out="$here/target/image/ebpf-exporter"
rm -rf "$out"
mkdir -p "$out/lib" "$out/bin"
cp "$here"/target/modules/*.jar "$out/lib/"
cp "$here"/target/server-*.jar "$out/lib/"

# JDK modules: those the classes use (jdeps) plus those the module descriptors require (a descriptor can
# require a module no class touches, e.g. Helidon's service registry and java.naming).
used=$("$java_home/bin/jdeps" --module-path "$out/lib" --print-module-deps --ignore-missing-deps \
  --multi-release 21 --add-modules ALL-MODULE-PATH "$here/target/classes")
declared=$(for jar in "$out"/lib/*.jar; do "$java_home/bin/jar" --describe-module --file "$jar"; done \
  | awk '$1 == "requires" && $2 ~ /^(java|jdk)\./ && $3 != "static" { print $2 }')
# jdk.crypto.ec: the EC key and TLS provider (--web.config.file), found by ServiceLoader, so jdeps cannot see
# it; an empty module since Java 22, where java.base holds the code.
jdk_modules=$(printf '%s\n' $(echo "$used" | tr ',' ' ') $declared jdk.crypto.ec | sort -u | paste -sd, -)
strip="--strip-debug"
if command -v objcopy >/dev/null 2>&1; then # the same, and libjvm's native symbols too
  strip="--strip-java-debug-attributes --strip-native-debug-symbols=objcopy=$(command -v objcopy)"
fi
# shellcheck disable=SC2086
"$java_home/bin/jlink" --add-modules "$jdk_modules" --output "$out/runtime" \
  $strip --no-header-files --no-man-pages --compress=zip-6 --generate-cds-archive >/dev/null

rm -f "$out/runtime/lib/server/classes_nocoops.jsa" # the launcher keeps compressed oops (small heap)
cat > "$out/bin/ebpf-exporter" <<'LAUNCHER'
#!/bin/sh
# ebpf-exporter launcher: the bundled runtime, a small heap, serial GC, C1 only (fast start, small code
# cache, 14 MB less RSS; on hosts with 10,000+ objects JAVA_OPTS=-XX:TieredStopAtLevel=4 scrapes about
# 1.2x faster), two malloc arenas, and an application CDS archive made on the first run and reused after,
# mapped at its own base address so its pages stay clean and shared (relocating it dirties about 10 MB).
# The archive belongs to these exact jars (the JVM refuses a stale one and does not rewrite it), so its
# name carries the image's build id; EBPF_EXPORTER_CDS_DIR (default /var/tmp, must be writable) holds it.
# JAVA_OPTS adds or overrides JVM flags.
home=$(cd "$(dirname "$0")/.." && pwd)
cds=${EBPF_EXPORTER_CDS_DIR:-/var/tmp}/ebpf-exporter-$(id -u)-@BUILD_ID@.jsa
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# shellcheck disable=SC2086
exec "$home/runtime/bin/java" \
  -XX:+UseSerialGC -Xms8m -Xmx64m -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=24m -Xss512k \
  -XX:MaxMetaspaceSize=64m -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$cds" -Xshare:auto -Xlog:cds=off \
  -Xlog:cds+dynamic=off -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -Djna.tmpdir="${TMPDIR:-/tmp}" \
  --enable-native-access=com.sun.jna ${JAVA_OPTS:-} \
  --module-path "$home/lib" -m io.ebpfexporter.server/io.ebpfexporter.server.Main "$@"
LAUNCHER
build_id=$(cat "$out"/lib/*.jar | sha256sum | cut -c1-12)
sed -i "s/@BUILD_ID@/$build_id/" "$out/bin/ebpf-exporter"
chmod +x "$out/bin/ebpf-exporter"
echo "image: $out ($(du -sh "$out" | cut -f1); JDK modules: $jdk_modules)"
