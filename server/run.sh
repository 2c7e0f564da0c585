#!/bin/sh
# Builds the exporter if needed and runs it; arguments pass through (e.g. --config.file=server/deploy/config.yaml).
# Needs root (or CAP_SYS_ADMIN) to list the host's BPF objects.
set -e
here=$(cd "$(dirname "$0")" && pwd)
JAVA_HOME=$("$here/java-home.sh")
export JAVA_HOME
if [ ! -d "$here/target/modules" ] || [ -n "$(find "$here/.." -path '*/src/main/*' -newer "$here/target/modules" -print -quit)" ]; then
  (cd "$here/.." && mvn -B -q -DskipTests package) >&2
  touch "$here/target/modules"
fi
exec "$JAVA_HOME/bin/java" -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC --module-path "$here/target/modules:$here/target/classes" \
  @"$here/launch.args" "$@"
