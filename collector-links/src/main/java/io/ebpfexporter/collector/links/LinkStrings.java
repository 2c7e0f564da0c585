package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.LinkInfo;
import io.ebpfexporter.core.OpenObject;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.BpfException;
import io.ebpfexporter.core.bpf.BpfLinkInfo;
import io.ebpfexporter.core.bpf.Errno;
import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.bpf.StructView;

/**
 * Strings a link reports through a user buffer (tracepoint and target names, probed function names,
 * file paths). The uapi's two-call pattern: the walk's first BPF_OBJ_GET_INFO_BY_FD, made with a null
 * pointer, returned the length; the second passes a buffer of that size, bounded by {@link #MAX_BYTES}.
 */
final class LinkStrings {
    /** PATH_MAX: no name or path the kernel returns is longer. */
    static final int MAX_BYTES = 4096;

    private LinkStrings() {
    }

    /**
     * The string whose user pointer is {@code pointer} and whose length (with its NUL) is {@code length}
     * in {@code bpf_link_info}; "" when the kernel reports none.
     */
    static String read(OpenObject<LinkInfo> link, Field pointer, Field length) {
        long size = link.info().u32(length) & 0xffffffffL;
        if (size == 0) {
            return "";
        }
        NativeBuffer text = new NativeBuffer((int) Math.min(size, MAX_BYTES));
        NativeBuffer info = new NativeBuffer(BpfLinkInfo.SIZE);
        info.view().putLong(pointer.offset(), text.address());
        info.view().putInt(length.offset(), text.size());
        try {
            new Bpf().objInfo(link.fd(), info, info.size());
        } catch (BpfException e) {
            if (e.errno() != Errno.ENOSPC) { // ENOSPC: cut to the buffer, which is what we asked for
                throw e;
            }
        }
        return StructView.string(text.view(), 0, text.size());
    }
}
