package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.Field;
import io.ebpfexporter.core.bpf.StructView;
import io.ebpfexporter.core.info.LinkInfo;
import io.ebpfexporter.core.walk.OpenObject;

import java.nio.ByteBuffer;

/**
 * Strings a link reports through a user buffer (tracepoint and target names, probed function names,
 * file paths). The uapi's two-call pattern: the walk's first info call, made with a null pointer,
 * returned the length; the second passes a buffer of that size, bounded by {@link #MAX_BYTES}.
 */
final class LinkStrings {
    /** PATH_MAX: no name or path the kernel returns is longer. */
    static final int MAX_BYTES = 4096;

    private LinkStrings() {
    }

    /** The string behind {@code pointer}, {@code length} bytes with its NUL; "" when the kernel reports none. */
    static String read(OpenObject<LinkInfo> link, Field pointer, Field length) {
        long size = link.info().u32(length) & 0xffffffffL;
        if (size == 0) {
            return "";
        }
        byte[] text = link.pointed(pointer, length, (int) Math.min(size, MAX_BYTES));
        return StructView.string(ByteBuffer.wrap(text), 0, text.length);
    }
}
