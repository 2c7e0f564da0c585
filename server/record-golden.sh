#!/bin/sh
# Re-records the golden exposition files under server/src/test/resources/golden (as root, on a real
# kernel): after a deliberate change of the exporter's output, run it and review the diff.
set -eu
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-$(server/java-home.sh)}
export JAVA_HOME
# -am: the collectors and core's test kit come from this tree, as target/classes directories
mvn -B -q -o -pl server -am test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/server/target/golden.classpath"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dbasedir="$PWD/server" \
  -cp "server/target/classes:server/target/test-classes:$(cat server/target/golden.classpath)" \
  io.ebpfexporter.server.GoldenRecorder
