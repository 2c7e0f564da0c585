package io.ebpfexporter.core.walk;

import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.info.FdInfoFile;

/** {@link ObjectSource.Reader} of the running kernel: handles are fds. */
final class KernelObjects implements ObjectSource.Reader {
    private final Bpf bpf = new Bpf();
    /** Made at the first fdinfo read: most walks read none. */
    private FdInfoFile fdinfo;

    @Override
    public int nextId(ObjectKind<?> kind, int after) {
        return bpf.nextId(kind.nextId, after);
    }

    @Override
    public int open(ObjectKind<?> kind, int id) {
        return bpf.fdById(kind.fdById, id, kind.openFlags);
    }

    @Override
    public int info(ObjectKind<?> kind, int fd, NativeBuffer info, NativeBuffer side) {
        return bpf.objInfo(fd, info, info.size());
    }

    @Override
    public byte[] fdinfo(int fd) {
        if (fdinfo == null) {
            fdinfo = new FdInfoFile();
        }
        return fdinfo.read(fd);
    }

    @Override
    public byte[] pointed(int fd, Field pointer, Field length, int size) {
        try (NativeBuffer text = new NativeBuffer(size);
             NativeBuffer info = new NativeBuffer(Math.max(pointer.end(), length.end()))) {
            info.view().putLong(pointer.offset(), text.address());
            info.view().putInt(length.offset(), text.size());
            try {
                bpf.objInfo(fd, info, info.size());
            } catch (BpfException e) {
                if (e.errno() != Errno.ENOSPC) { // ENOSPC: cut to the buffer, which is what was asked for
                    throw e;
                }
            }
            byte[] out = new byte[size];
            text.view().get(0, out);
            return out;
        }
    }

    @Override
    public int fd(int handle) {
        return handle;
    }

    @Override
    public void close(int fd) {
        Bpf.close(fd);
    }

    @Override
    public void close() {
        bpf.close();
        if (fdinfo != null) {
            fdinfo.close();
        }
    }
}
