#!/bin/sh
# Prints the class path of every module's test classes and their dependencies, for running kernel tests
# without Maven in a guest (KernelTests). package in the same run lets Maven take this build's modules from
# their jars (they are never installed in ~/.m2, and a fresh machine has none there; server copies its
# dependencies as jars, so a directory will not do); exec.skip keeps the runtime image the build made.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
deps=$(mktemp)
trap 'rm -f "$deps"' EXIT
mvn -B -q -o -f "$top/pom.xml" -pl server -am package -DskipTests -Dexec.skip=true dependency:build-classpath \
  -Dmdep.outputFile="$deps" >/dev/null
classpath=$(cat "$deps")
for module in core collector-programs collector-maps collector-links collector-btf server; do
  classpath="$top/$module/target/test-classes:$top/$module/target/classes:$classpath"
done
echo "$classpath"
