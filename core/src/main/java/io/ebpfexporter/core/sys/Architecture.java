package io.ebpfexporter.core.sys;

import java.util.Locale;

/**
 * The numbers of the kernel ABI that differ between the architectures the exporter runs on: x86-64 has
 * a syscall table of its own, aarch64 the generic one (asm-generic/unistd.h) and its own open flags.
 * Chosen by the JVM's {@code os.arch}, never by JNA's platform guesses (32-bit ARM numbers differ again).
 */
public enum Architecture {
    X86_64(321, 298, 217, 0x10000, 0x20000),
    AARCH64(280, 241, 61, 0x4000, 0x8000);

    /** The architecture this JVM runs on. */
    public static final Architecture CURRENT = of(System.getProperty("os.arch"));

    /** __NR_bpf. */
    public final long bpf;
    /** __NR_perf_event_open. */
    public final long perfEventOpen;
    /** __NR_getdents64 (called by number: glibc wraps it only from 2.30). */
    public final long getdents64;
    /** O_DIRECTORY for open(2). */
    public final int openDirectory;
    /** O_NOFOLLOW for open(2). */
    public final int openNoFollow;

    Architecture(long bpf, long perfEventOpen, long getdents64, int openDirectory, int openNoFollow) {
        this.bpf = bpf;
        this.perfEventOpen = perfEventOpen;
        this.getdents64 = getdents64;
        this.openDirectory = openDirectory;
        this.openNoFollow = openNoFollow;
    }

    /** The architecture of a JVM whose {@code os.arch} is this. */
    public static Architecture of(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new IllegalStateException("ebpf-exporter runs on x86-64 and aarch64 only, not on " + osArch);
        };
    }
}
