package io.ebpfexporter.collector.links;

import io.ebpfexporter.core.Family;
import io.ebpfexporter.core.bpf.Bpf;
import io.ebpfexporter.core.bpf.NativeBuffer;
import io.ebpfexporter.core.info.MapInfo;

import java.util.List;

/**
 * Programs held in the slots of a prog_array, which run as the targets of its tail calls: each prog_array,
 * opened by id, is looked up slot by slot; BPF_MAP_LOOKUP_ELEM on a prog_array from user space returns the
 * program's id (Linux 4.13), ENOENT for an empty slot. Neither BPF_MAP_GET_NEXT_KEY (an array names every
 * index, full or empty) nor a batch lookup (prog_arrays have none) saves a lookup, so a slot costs one
 * bpf() call and a scrape reads at most {@link #MAX_SLOTS} slots of all prog_arrays together: past that
 * the source fails for the scrape, its series incomplete, rather than stall it on huge arrays.
 */
public final class ProgArrayAttachments implements AttachmentSource {
    private static final int MAP_PROG_ARRAY = 3;
    static final int MAX_SLOTS = 65_536;
    private static final String TOO_MANY = "the prog_arrays hold more than " + MAX_SLOTS + " slots in all; the"
            + " slots past the first " + MAX_SLOTS + " are not read, so the programs in them have no series";

    @Override
    public String name() {
        return "prog_array";
    }

    @Override
    public AttachmentFamily family() {
        return AttachmentFamily.PROG_ARRAY;
    }

    @Override
    public void add(AttachmentScan scan, Family family) {
        List<MapInfo> arrays = scan.maps().values().stream().filter(m -> m.type() == MAP_PROG_ARRAY).toList();
        if (arrays.isEmpty()) {
            return;
        }
        long budget = MAX_SLOTS;
        try (NativeBuffer index = new NativeBuffer(4); NativeBuffer progId = new NativeBuffer(4)) {
            for (MapInfo array : arrays) {
                long slots = Math.min(array.maxEntries(), budget);
                if (slots > 0) {
                    readSlots(scan, family, array.id(), slots, index, progId);
                }
                if (slots < array.maxEntries()) {
                    throw new IllegalStateException(TOO_MANY);
                }
                budget -= slots;
            }
        }
    }

    /** Adds the programs in the first {@code slots} slots of the prog_array {@code mapId}, unless it was freed. */
    private static void readSlots(AttachmentScan scan, Family family, int mapId, long slots, NativeBuffer index,
                                  NativeBuffer progId) {
        int fd = scan.openMap(mapId);
        if (fd < 0) {
            return;
        }
        try {
            String map = Integer.toUnsignedString(mapId);
            for (int slot = 0; slot < slots; slot++) {
                index.view().putInt(0, slot);
                if (scan.bpf().mapLookup(fd, index, progId)) {
                    family.add(Integer.toUnsignedString(progId.view().getInt(0)), map, Integer.toString(slot));
                }
            }
        } finally {
            Bpf.close(fd);
        }
    }
}
