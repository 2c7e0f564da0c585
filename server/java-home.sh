#!/bin/sh
# Prints a JDK home of Java 21 or newer: $JAVA_HOME when it is one, else the newest under /usr/lib/jvm.
# Fails with one line naming the fix when there is none.
version_of() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(version_of "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
  echo "$JAVA_HOME"; exit 0
fi
best=""; best_version=0
for home in /usr/lib/jvm/*; do
  [ -x "$home/bin/javac" ] || continue
  v=$(version_of "$home")
  if [ "${v:-0}" -gt "$best_version" ] 2>/dev/null; then best=$home; best_version=$v; fi
done
if [ "$best_version" -ge 21 ]; then echo "$best"; exit 0; fi
echo "ebpf-exporter: no JDK 21 or newer found (JAVA_HOME or /usr/lib/jvm); install one, e.g. apt-get install -y openjdk-21-jdk" >&2
exit 1
