package io.ebpfexporter.core.sys;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A directory opened by its name relative to its parent's fd, so that no call ever takes more than one
 * name (a tree deeper than PATH_MAX reads like any other), with its entries as the kernel's bytes
 * (getdents64), never decoded by the locale. A symlink is never followed. Its owner closes it.
 */
public final class Directory implements AutoCloseable {
    /** AT_FDCWD: the parent of an absolute or working-directory-relative name. */
    public static final int CWD = -100;
    /** d_type of an entry whose type the file system does not report. */
    public static final int DT_UNKNOWN = 0;
    public static final int DT_DIR = 4;
    public static final int DT_REG = 8;
    public static final int O_CLOEXEC = 0x80000;
    private static final int FLAGS = Architecture.CURRENT.openDirectory | Architecture.CURRENT.openNoFollow | O_CLOEXEC;
    private static final int BUFFER_BYTES = 16 * 1024;
    /** Offsets in struct linux_dirent64. */
    private static final int INO = 0;
    private static final int RECLEN = 16;
    private static final int TYPE = 18;
    private static final int NAME = 19;

    /** One entry: its name's bytes, its d_type and its inode number. */
    public record Entry(byte[] name, int type, long inode) {
    }

    /** A call that failed, with its errno. */
    public static final class Failure extends Exception {
        private final int errno;

        Failure(String call, int errno) {
            super(call + " failed: errno " + errno, null, false, false);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    private final int fd;
    /** The directory's own inode number, from its {@code .} entry once listed; 0 before. */
    private long inode;

    private Directory(int fd) {
        this.fd = fd;
    }

    /**
     * Opens directory {@code name} in the directory {@code parentFd} ({@link #CWD}, or an open one's
     * {@link #fd()}).
     */
    public static Directory open(int parentFd, byte[] name) throws Failure {
        int fd = Syscall.openat(parentFd, Arrays.copyOf(name, name.length + 1), FLAGS);
        if (fd < 0) {
            throw new Failure("openat", Syscall.errno());
        }
        return new Directory(fd);
    }

    public int fd() {
        return fd;
    }

    /** The directory's inode number (a cgroup's id on cgroupfs), known once {@link #entries} has listed it; else 0. */
    public long inode() {
        return inode;
    }

    /** At most {@code max} entries, in the kernel's order, {@code .} and {@code ..} left out. */
    public List<Entry> entries(int max) throws Failure {
        List<Entry> entries = new ArrayList<>();
        try (Memory memory = new Memory(BUFFER_BYTES)) {
            ByteBuffer buffer = memory.getByteBuffer(0, BUFFER_BYTES).order(ByteOrder.nativeOrder());
            while (entries.size() < max) {
                long filled = Syscall.getdents64(fd, Pointer.nativeValue(memory), BUFFER_BYTES);
                if (filled < 0) {
                    throw new Failure("getdents64", Syscall.errno());
                }
                if (filled == 0) {
                    break;
                }
                parse(buffer, (int) filled, entries, max);
            }
        }
        return entries;
    }

    /**
     * The first {@code max} bytes of the file at {@code relative} (bytes; symlinks on the way followed,
     * as sysfs's device links need).
     */
    public byte[] read(byte[] relative, int max) throws Failure {
        int file = Syscall.openat(fd, Arrays.copyOf(relative, relative.length + 1), O_CLOEXEC);
        if (file < 0) {
            throw new Failure("openat", Syscall.errno());
        }
        try (Memory memory = new Memory(max)) {
            long n = Syscall.read(file, Pointer.nativeValue(memory), max);
            if (n < 0) {
                throw new Failure("read", Syscall.errno());
            }
            return memory.getByteArray(0, (int) n);
        } finally {
            Syscall.close(file);
        }
    }

    /** Adds the records in the first {@code filled} bytes of {@code buffer} to {@code entries}, up to {@code max}. */
    private void parse(ByteBuffer buffer, int filled, List<Entry> entries, int max) {
        for (int at = 0; at < filled && entries.size() < max; at += Short.toUnsignedInt(buffer.getShort(at + RECLEN))) {
            int end = at + NAME;
            while (buffer.get(end) != 0) {
                end++;
            }
            byte[] name = new byte[end - at - NAME];
            buffer.get(at + NAME, name);
            if (name.length == 1 && name[0] == '.') {
                inode = buffer.getLong(at + INO);
            } else if (!isDotOrDotDot(name)) {
                entries.add(new Entry(name, buffer.get(at + TYPE), buffer.getLong(at + INO)));
            }
        }
    }

    private static boolean isDotOrDotDot(byte[] name) {
        return name.length <= 2 && name[0] == '.' && (name.length == 1 || name[1] == '.');
    }

    @Override
    public void close() {
        Syscall.close(fd);
    }
}
