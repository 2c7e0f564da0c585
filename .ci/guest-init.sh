#!/bin/busybox sh
# /init of the kernel matrix's initramfs (kernel-matrix.sh): loads the guest kernel's virtio, 9p and
# overlay modules, mounts the host's root read-only over 9p with writable tmpfs where programs write,
# the guest kernel's own modules at /usr/lib/modules/RELEASE and the results share, then runs
# .ci/kernel-guest.sh in that root and powers off.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do insmod "/modules/$m"; done
results=$(sed -n 's/.* results=\([^ ]*\).*/\1/p' /proc/cmdline)
release=$(cat /release)
r=/newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot $r
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results "$r$results"
. "$r$results/env"
for d in tmp run var/tmp; do mount -t tmpfs tmpfs "$r/$d"; done
mount -t tmpfs tmpfs /mnt
mkdir -p /mnt/root-upper /mnt/root-work /mnt/lib-upper /mnt/lib-work
mount -t overlay overlay -o lowerdir=$r/root,upperdir=/mnt/root-upper,workdir=/mnt/root-work $r/root
mount -t overlay overlay -o lowerdir=$r/usr/lib,upperdir=/mnt/lib-upper,workdir=/mnt/lib-work $r/usr/lib
mkdir -p "$r/usr/lib/modules/$release"
mount --bind "$r$MODULES" "$r/usr/lib/modules/$release"
mount -t proc proc $r/proc
mount -t sysfs sys $r/sys
mount -t devtmpfs dev $r/dev
mkdir -p $r/dev/pts && mount -t devpts devpts $r/dev/pts
mount -t bpf bpf $r/sys/fs/bpf
mount -t tracefs tracefs $r/sys/kernel/tracing
mount -t debugfs debugfs $r/sys/kernel/debug
mount -t securityfs securityfs $r/sys/kernel/security
mount -t tmpfs tmpfs $r/sys/fs/cgroup && mkdir -p $r/sys/fs/cgroup/unified && mount -t cgroup2 cgroup2 $r/sys/fs/cgroup/unified
# The kernel runs its module requests from this root: hand them to modprobe in the host's.
printf '#!/bin/sh\nexec chroot %s /sbin/modprobe "$@"\n' "$r" > /modprobe && chmod +x /modprobe
echo /modprobe > /proc/sys/kernel/modprobe
ip link set lo up
chroot $r /bin/sh -c "cd '$TOP' && RESULTS='$results' JAVA_HOME='$JAVA_HOME' KERNEL_TESTS='$KERNEL_TESTS' .ci/kernel-guest.sh" > "$r$results/guest.log" 2>&1
sync
poweroff -f
