package io.ebpfexporter.core.iter;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A record's declaration refuses a field that leaves the record or overlaps another. */
class RecordLayoutTest {

    @Test
    void fieldsSitWhereDeclared() {
        RecordLayout layout = new RecordLayout("test record", 16);
        assertEquals(new RecordLayout.Slot("id", 0, 4), layout.u32("id", 0));
        assertEquals(new RecordLayout.Slot("count", 8, 8), layout.u64("count", 8));
        assertEquals(16, layout.size());
    }

    @Test
    void aFieldOutsideTheRecordOrOverAnotherIsRefused() {
        RecordLayout layout = new RecordLayout("test record", 16);
        layout.u64("count", 8);
        assertThrows(IllegalArgumentException.class, () -> layout.u64("past", 12));
        assertThrows(IllegalArgumentException.class, () -> layout.u32("negative", -4));
        assertThrows(IllegalArgumentException.class, () -> layout.u32("inside", 12));
        assertThrows(IllegalArgumentException.class, () -> layout.bytes("across", 4, 8));
    }

    /** Loading the declarations checks every field; a listing finds each record's id at its start. */
    @Test
    void theListingRecordsStartWithTheObjectsId() {
        assertEquals(0, ListingRecords.ProgramRecord.ID.offset());
        assertEquals(0, ListingRecords.MapRecord.ID.offset());
        assertEquals(0, ListingRecords.LinkRecord.ID.offset());
    }
}
