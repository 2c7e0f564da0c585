#!/bin/sh
# Map entry counting benchmark: prints README performance rows. Needs root and a built tree.
set -eu
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-$(server/java-home.sh)}
export JAVA_HOME
# -am: core and its test kit come from this tree, as target/classes directories
mvn -B -q -o -pl collector-maps -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$PWD/collector-maps/target/bench.classpath"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
  -cp "collector-maps/target/classes:collector-maps/target/test-classes:$(cat collector-maps/target/bench.classpath)" \
  io.ebpfexporter.collector.maps.MapCountBench
