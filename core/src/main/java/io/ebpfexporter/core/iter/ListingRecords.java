package io.ebpfexporter.core.iter;

import io.ebpfexporter.core.iter.RecordLayout.Slot;

/**
 * The records the listing iterators write ({@link IteratedObjects}), one per object: each field copies
 * the member of the iterated struct it is named after. Each record starts with its object's id, by which
 * a listing orders and finds the records.
 */
final class ListingRecords {
    private ListingRecords() {
    }

    /** Per {@code struct bpf_prog}. */
    static final class ProgramRecord {
        /** How many used maps' ids a record holds. */
        static final int MAX_MAP_IDS = 64;
        static final RecordLayout LAYOUT = new RecordLayout("program record", 72 + 4 * MAX_MAP_IDS);
        static final Slot ID = LAYOUT.u32("aux->id", 0);
        static final Slot TYPE = LAYOUT.u32("type", 4);
        static final Slot LEN = LAYOUT.u32("len", 8);
        static final Slot JITED_LEN = LAYOUT.u32("jited_len", 12);
        static final Slot PAGES = LAYOUT.u32("pages", 16);
        static final Slot VERIFIED_INSNS = LAYOUT.u32("aux->verified_insns", 20);
        static final Slot UID = LAYOUT.u32("aux->user->uid.val", 24);
        static final Slot USED_MAP_CNT = LAYOUT.u32("aux->used_map_cnt", 28);
        static final Slot BTF_ID = LAYOUT.u32("aux->btf->id", 32);
        static final Slot LOAD_TIME = LAYOUT.u64("aux->load_time", 40);
        static final Slot TAG = LAYOUT.bytes("tag", 48, 8);
        static final Slot NAME = LAYOUT.bytes("aux->name", 56, 16);
        /** The used maps' ids, as many as {@link #USED_MAP_CNT} says, up to {@link #MAX_MAP_IDS}. */
        static final Slot MAP_IDS = LAYOUT.bytes("aux->used_maps", 72, 4 * MAX_MAP_IDS);

        private ProgramRecord() {
        }
    }

    /** Per {@code struct bpf_map}. */
    static final class MapRecord {
        static final RecordLayout LAYOUT = new RecordLayout("map record", 48);
        static final Slot ID = LAYOUT.u32("id", 0);
        static final Slot TYPE = LAYOUT.u32("map_type", 4);
        static final Slot KEY_SIZE = LAYOUT.u32("key_size", 8);
        static final Slot VALUE_SIZE = LAYOUT.u32("value_size", 12);
        static final Slot MAX_ENTRIES = LAYOUT.u32("max_entries", 16);
        static final Slot FLAGS = LAYOUT.u32("map_flags", 20);
        static final Slot FROZEN = LAYOUT.u32("frozen", 24);
        static final Slot VMLINUX_VALUE_TYPE_ID = LAYOUT.u32("btf_vmlinux_value_type_id", 28);
        static final Slot NAME = LAYOUT.bytes("name", 32, 16);

        private MapRecord() {
        }
    }

    /** Per {@code struct bpf_link}. */
    static final class LinkRecord {
        static final RecordLayout LAYOUT = new RecordLayout("link record", 16);
        static final Slot ID = LAYOUT.u32("id", 0);
        static final Slot TYPE = LAYOUT.u32("type", 4);
        static final Slot PROG_ID = LAYOUT.u32("prog->aux->id", 8);

        private LinkRecord() {
        }
    }
}
