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
    static final int O_CLOEXEC = 0x80000;
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

    private Directory(int fd) {
        this.fd = fd;
    }

    /** {@code directory}/{@code name}, as bytes: one slash between them, none doubled. */
    public static byte[] join(byte[] directory, byte[] name) {
        boolean slash = directory.length > 0 && directory[directory.length - 1] == '/';
        byte[] path = Arrays.copyOf(directory, directory.length + (slash ? 0 : 1) + name.length);
        path[directory.length] = '/';
        System.arraycopy(name, 0, path, path.length - name.length, name.length);
        return path;
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

    /** The directory's link count and inode number (a cgroup's id on cgroupfs), from statx of its fd. */
    public FileStatus status() throws Failure {
        return FileStatus.of(fd, new byte[0]);
    }

    /** At most {@code max} entries, in the kernel's order, {@code .} and {@code ..} left out. */
    public List<Entry> entries(int max) throws Failure {
        return entries(max, false);
    }

    /**
     * The entries that are directories, in the kernel's order, {@code .} and {@code ..} left out: the names
     * of other entries (a cgroup's dozens of control files) are not even copied.
     */
    public List<Entry> subdirectories() throws Failure {
        return entries(Integer.MAX_VALUE, true);
    }

    private List<Entry> entries(int max, boolean directoriesOnly) throws Failure {
        List<Entry> entries = new ArrayList<>();
        try (Memory memory = new Memory(BUFFER_BYTES)) {
            while (entries.size() < max) {
                long filled = Syscall.getdents64(fd, Pointer.nativeValue(memory), BUFFER_BYTES);
                if (filled < 0) {
                    throw new Failure("getdents64", Syscall.errno());
                }
                if (filled == 0) {
                    break;
                }
                byte[] records = memory.getByteArray(0, (int) filled);
                parse(ByteBuffer.wrap(records).order(ByteOrder.nativeOrder()), entries, max, directoriesOnly);
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

    /**
     * Adds the records of {@code records} (a heap buffer: its names are scanned in place) to {@code entries},
     * up to {@code max}.
     */
    private void parse(ByteBuffer records, List<Entry> entries, int max, boolean directoriesOnly) {
        byte[] bytes = records.array();
        for (int at = 0; at < bytes.length && entries.size() < max; at += Short.toUnsignedInt(records.getShort(at + RECLEN))) {
            int type = bytes[at + TYPE];
            if (directoriesOnly && type != DT_DIR) {
                continue;
            }
            int end = at + NAME;
            while (bytes[end] != 0) {
                end++;
            }
            byte[] name = Arrays.copyOfRange(bytes, at + NAME, end);
            if (!isDotOrDotDot(name)) {
                entries.add(new Entry(name, type, records.getLong(at + INO)));
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
