package io.ebpfexporter.core.sys;

import io.ebpfexporter.testkit.Libc;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ABI table against the kernel's own UAPI headers (linux-libc-dev) and the running kernel. */
class ArchitectureTest {
    private static final Path HEADERS = Path.of("/usr/include");

    /** A #define's value in a header below /usr/include, octal or decimal as C reads it. */
    private static long define(String header, String name) throws IOException {
        Path file = HEADERS.resolve(header);
        assertTrue(Files.exists(file), file + " is missing: install linux-libc-dev, which holds the kernel's UAPI headers");
        Matcher m = Pattern.compile("(?m)^#define\\s+" + name + "\\s+(\\d+)").matcher(Files.readString(file));
        assertTrue(m.find(), name + " in " + file);
        String value = m.group(1);
        return value.length() > 1 && value.startsWith("0") ? Long.parseLong(value, 8) : Long.parseLong(value);
    }

    @Test
    void x86SyscallsAreItsOwnTable() throws IOException {
        String table = Files.exists(HEADERS.resolve("x86_64-linux-gnu/asm/unistd_64.h"))
                ? "x86_64-linux-gnu/asm/unistd_64.h" : "asm/unistd_64.h";
        assertEquals(define(table, "__NR_bpf"), Architecture.X86_64.bpf);
        assertEquals(define(table, "__NR_perf_event_open"), Architecture.X86_64.perfEventOpen);
        assertEquals(define(table, "__NR_getdents64"), Architecture.X86_64.getdents64);
        assertEquals(define("asm-generic/fcntl.h", "O_DIRECTORY"), Architecture.X86_64.openDirectory);
        assertEquals(define("asm-generic/fcntl.h", "O_NOFOLLOW"), Architecture.X86_64.openNoFollow);
    }

    @Test
    void aarch64SyscallsAreTheGenericTable() throws IOException {
        assertEquals(define("asm-generic/unistd.h", "__NR_bpf"), Architecture.AARCH64.bpf);
        assertEquals(define("asm-generic/unistd.h", "__NR_perf_event_open"), Architecture.AARCH64.perfEventOpen);
        assertEquals(define("asm-generic/unistd.h", "__NR_getdents64"), Architecture.AARCH64.getdents64);
    }

    @Test
    void chosenByTheJvmsArchitecture() {
        assertEquals(Architecture.X86_64, Architecture.of("amd64"));
        assertEquals(Architecture.AARCH64, Architecture.of("aarch64"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Architecture.of("arm"));
        assertTrue(e.getMessage().contains("not on arm"), e.getMessage());
    }

    /** O_DIRECTORY is this architecture's: with it the running kernel opens a directory and refuses a file. */
    @Test
    void openDirectoryIsThisKernelsFlag() {
        Syscall.close(Libc.openOrFail("/", Libc.O_RDONLY | Libc.O_DIRECTORY));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Libc.openOrFail("/proc/self/status", Libc.O_RDONLY | Libc.O_DIRECTORY));
        assertTrue(e.getMessage().endsWith("errno 20"), e.getMessage()); // ENOTDIR
    }
}
