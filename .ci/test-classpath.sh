#!/bin/sh
# Prints the class path of every module's test classes and their dependencies, for running kernel tests
# without Maven in a guest (KernelTests). test-compile in the same run lets Maven take this build's
# modules from their target directories: they are never installed in ~/.m2.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
deps=$(mktemp)
trap 'rm -f "$deps"' EXIT
mvn -B -q -o -f "$top/pom.xml" -pl server -am test-compile dependency:build-classpath -Dmdep.outputFile="$deps" >/dev/null
classpath=$(cat "$deps")
for module in core collector-programs collector-maps collector-links collector-btf server; do
  classpath="$top/$module/target/test-classes:$top/$module/target/classes:$classpath"
done
echo "$classpath"
