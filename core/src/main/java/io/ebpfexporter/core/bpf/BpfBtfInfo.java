package io.ebpfexporter.core.bpf;

/**
 * {@code struct bpf_btf_info}. Linux 5.10's ends after {@code id} (16 bytes): it refuses a request whose
 * name pointer is set (E2BIG), so the walk then asks again without it and the name is absent.
 */
public final class BpfBtfInfo {
    private static final Struct S = new Struct("bpf_btf_info");

    public static final Field BTF = S.pointer("btf", 0, "4.18");
    public static final Field BTF_SIZE = S.u32("btf_size", 8, "4.18");
    public static final Field ID = S.u32("id", 12, "4.18");
    public static final Field NAME = S.pointer("name", 16, "5.11");
    public static final Field NAME_LEN = S.u32("name_len", 24, "5.11");
    public static final Field KERNEL_BTF = S.u32("kernel_btf", 28, "5.11");

    /** 32 bytes. */
    public static final int SIZE = S.size();

    private BpfBtfInfo() {
    }
}
