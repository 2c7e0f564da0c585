package io.ebpfexporter.core;

import io.ebpfexporter.core.sys.Attr;
import io.ebpfexporter.core.sys.Bpf;
import io.ebpfexporter.core.sys.Command;
import io.ebpfexporter.core.sys.NativeBuffer;

/**
 * Strings a link reports through a user buffer (tracepoint and target names, probed function names,
 * file paths). The uapi's two-call pattern: the walk's first BPF_OBJ_GET_INFO_BY_FD, made with a null
 * pointer, returned the length; the second passes a buffer of that size, bounded by {@link #MAX_BYTES}.
 */
public final class LinkStrings {
    /** PATH_MAX: no name or path the kernel returns is longer. */
    static final int MAX_BYTES = 4096;

    private LinkStrings() {
    }

    /**
     * The string whose user pointer sits at {@code pointerOffset} of {@code bpf_link_info} and whose
     * length (with its NUL) sits at {@code lengthOffset}; "" when the kernel reports none. Both offsets
     * count from the start of the struct, as the uapi lays it out.
     */
    public static String read(OpenObject<LinkInfo> link, int pointerOffset, int lengthOffset) {
        long length = link.info().u32(lengthOffset) & 0xffffffffL;
        if (length == 0) {
            return "";
        }
        NativeBuffer text = new NativeBuffer((int) Math.min(length, MAX_BYTES));
        NativeBuffer info = new NativeBuffer(LinkInfo.SIZE);
        info.view().putLong(pointerOffset, text.address());
        info.view().putInt(lengthOffset, text.size());
        try {
            Bpf.call(Command.OBJ_GET_INFO_BY_FD,
                    new Attr().putInt(0, link.fd()).putInt(4, info.size()).putPointer(8, info).pin(text));
        } catch (BpfException e) {
            if (e.errno() != Errno.ENOSPC) { // ENOSPC: cut to the buffer, which is what we asked for
                throw e;
            }
        }
        return StructReader.string(text.view(), 0, text.size());
    }
}
