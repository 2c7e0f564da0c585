#!/bin/sh
# Runs inside a kernel-matrix guest (kernel-matrix.sh), as root in the host's root filesystem: the
# kernel tests of core and the collectors, the end-to-end checks against the runtime image and its
# reduced-privilege run (uid 65534 with CAP_BPF and CAP_PERFMON),
# through the test kit's KernelTests runner (KERNEL_TESTS: other classes or packages.*); its one-line
# summary goes to $RESULTS/summary.
set -u
cd "$(dirname "$0")/.."
ulimit -l unlimited # before 5.11 BPF memory is charged to RLIMIT_MEMLOCK (64 KiB by default in the guest)
# The image runs as shipped: the guest's CPU lacks AVX, which the build machine has.
export EBPF_EXPORTER_IMAGE="$PWD/server/target/image/ebpf-exporter/bin/ebpf-exporter"
export EBPF_EXPORTER_REQUIRE_KERNEL=1
# C1 only: under TCG, C2's compile time costs more than it saves in a run this short.
exec "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED \
  -Dbasedir="$PWD/server" -cp "$(cat "$RESULTS/classpath")" io.ebpfexporter.testkit.KernelTests "$RESULTS/summary" \
  ${KERNEL_TESTS:-io.ebpfexporter.core.* io.ebpfexporter.collector.* io.ebpfexporter.server.EndToEndTest io.ebpfexporter.server.AttachmentsEndToEndTest io.ebpfexporter.server.ReducedPrivilegeTest}
