package io.ebpfexporter.core.asm;

/** The kernel helpers the exporter's programs call, by their ids in {@code enum bpf_func_id}. */
public enum Helper {
    /** {@code long bpf_probe_read_kernel(void *dst, u32 size, const void *unsafe_ptr)}. */
    PROBE_READ_KERNEL(113),
    /** {@code long bpf_seq_write(struct seq_file *m, const void *data, u32 len)}. */
    SEQ_WRITE(127);

    final int id;

    Helper(int id) {
        this.id = id;
    }
}
