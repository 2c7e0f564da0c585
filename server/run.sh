#!/bin/sh
# Builds the exporter if needed and runs it; arguments pass through (e.g. --config.file=server/deploy/config.yaml).
# Needs root (or CAP_SYS_ADMIN) to list the host's BPF objects. Builds with mvn when it is on PATH, else with
# the repository's ./mvnw, which fetches Maven from Maven Central on first use: a JDK alone is enough.
set -e
here=$(cd "$(dirname "$0")" && pwd)
JAVA_HOME=$("$here/java-home.sh")
export JAVA_HOME
if [ ! -d "$here/target/modules" ] || [ -n "$(find "$here/.." -path '*/src/main/*' -newer "$here/target/modules" -print -quit)" ]; then
  if command -v mvn >/dev/null; then maven=mvn; else maven=./mvnw; fi
  (cd "$here/.." && $maven -B -q -DskipTests package) >&2
  touch "$here/target/modules"
fi
exec "$JAVA_HOME/bin/java" -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC --module-path "$here/target/modules:$here/target/classes" \
  @"$here/launch.args" "$@"
