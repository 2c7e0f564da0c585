package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.bpf.LabelValue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The attributes ({@code struct rtattr} / {@code struct nlattr}: u16 length, u16 type, payload padded
 * to 4 bytes) of a netlink message or of a nested attribute, by type. An attribute whose length runs
 * past its container is a malformed reply, not something to guess around.
 */
final class NetlinkAttributes {
    private static final int HEADER = 4;
    /** NLA_F_NESTED and NLA_F_NET_BYTEORDER: flags, not part of the type. */
    private static final int TYPE_MASK = 0x3fff;

    private final Map<Integer, ByteBuffer> byType = new HashMap<>();

    /** The attributes of {@code container} from {@code offset} to its limit. */
    NetlinkAttributes(ByteBuffer container, int offset) {
        int at = offset;
        while (at + HEADER <= container.limit()) {
            int length = container.getShort(at) & 0xffff;
            if (length < HEADER || at + length > container.limit()) {
                throw new IllegalStateException("malformed netlink attribute: " + length + " bytes at " + at + " of "
                        + container.limit());
            }
            int type = container.getShort(at + 2) & TYPE_MASK;
            byType.put(type, container.slice(at + HEADER, length - HEADER).order(container.order()));
            at += (length + 3) & ~3;
        }
    }

    /** The attributes nested in attribute {@code type}, or null when it is absent. */
    NetlinkAttributes nested(int type) {
        ByteBuffer payload = byType.get(type);
        return payload == null ? null : new NetlinkAttributes(payload, 0);
    }

    boolean has(int type) {
        return byType.containsKey(type);
    }

    /** An unsigned 32-bit attribute as text, or "" when it is absent or too short. */
    String u32(int type) {
        ByteBuffer payload = byType.get(type);
        return payload == null || payload.limit() < Integer.BYTES ? "" : Integer.toUnsignedString(payload.getInt(0));
    }

    /** An 8-bit attribute, or -1 when it is absent. */
    int u8(int type) {
        ByteBuffer payload = byType.get(type);
        return payload == null || payload.limit() < 1 ? -1 : payload.get(0) & 0xff;
    }

    /** A NUL-terminated string attribute as a label value (see {@link LabelValue}), or "" when it is absent. */
    String string(int type) {
        ByteBuffer payload = byType.get(type);
        if (payload == null) {
            return "";
        }
        int end = 0;
        while (end < payload.limit() && payload.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end];
        payload.get(0, bytes);
        return LabelValue.of(bytes);
    }
}
