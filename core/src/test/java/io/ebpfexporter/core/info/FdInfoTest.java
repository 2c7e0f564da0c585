package io.ebpfexporter.core.info;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Parsing fdinfo text as the kernel writes it (a map's, copied from /proc on Linux 6.18). */
class FdInfoTest {
    private static final String MAP = "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t1039\nmap_type:\t2\n"
            + "key_size:\t4\nvalue_size:\t8\nmax_entries:\t1\nmap_flags:\t0x0\nmap_extra:\t0x0\n"
            + "memlock:\t320\nmap_id:\t22206\nfrozen:\t0\n";

    private static FdInfo of(String text) {
        return new FdInfo(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void readsDecimalFields() {
        assertEquals(320, of(MAP).number("memlock"));
        assertEquals(0, of(MAP).number("frozen"));
        assertEquals(22206, of(MAP).number("map_id"));
        assertEquals(0, of(MAP).number("pos"));
    }

    @Test
    void absentMalformedOrOutOfRangeFieldsReadAsMinusOne() {
        assertEquals(-1, of(MAP).number("run_cnt"));
        assertEquals(-1, of(MAP).number("map"), "a prefix of a key is not the key");
        assertEquals(-1, of(MAP).number("map_flags"), "hex is not decimal");
        assertEquals(-1, of("memlock:\t\n").number("memlock"));
        assertEquals(-1, of("memlock:\t12ab\n").number("memlock"));
        assertEquals(-1, of("memlock:\t99999999999999999999\n").number("memlock"));
        assertEquals(-1, of("").number("memlock"));
        assertEquals(-1, of("memlock").number("memlock"));
        assertEquals(7, of("memlock:7").number("memlock"), "the last line may lack its newline");
    }
}
