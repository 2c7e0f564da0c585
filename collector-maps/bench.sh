#!/bin/sh
# Map entry counting benchmark (issue #3): prints README performance rows. Needs root and a built tree.
set -eu
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-$(server/java-home.sh)}
export JAVA_HOME
mvn -B -q -o -pl core test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/core/target/bench.classpath" >/dev/null 2>&1 \
  || mvn -B -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile="$PWD/core/target/bench.classpath"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
  -cp "core/target/classes:core/target/test-classes:$(cat core/target/bench.classpath)" \
  io.ebpfexporter.core.MapCountBench
