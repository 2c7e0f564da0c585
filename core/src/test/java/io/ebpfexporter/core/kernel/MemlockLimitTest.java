package io.ebpfexporter.core.kernel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which releases charge BPF memory to RLIMIT_MEMLOCK (memcg accounting came in 5.11). */
class MemlockLimitTest {

    @Test
    void kernelsBefore511ChargeMemlock() {
        assertTrue(MemlockLimit.chargesMemlock("5.10.0-46-amd64"));
        assertTrue(MemlockLimit.chargesMemlock("4.19.0-27-amd64"));
        assertFalse(MemlockLimit.chargesMemlock("5.11.0"));
        assertFalse(MemlockLimit.chargesMemlock("6.1.0-57-amd64"));
        assertFalse(MemlockLimit.chargesMemlock("6.18.44-fc-v657"));
        assertFalse(MemlockLimit.chargesMemlock("weird"));
    }
}
