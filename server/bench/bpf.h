// What the benchmark fixtures share: the bpf() syscall and loading a program that only returns a value.
#ifndef BENCH_BPF_H
#define BENCH_BPF_H
#include <linux/bpf.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int bpf(int cmd, union bpf_attr *attr) { return syscall(__NR_bpf, cmd, attr, sizeof(*attr)); }

// A program of `type` named `name` that returns `ret`: its fd, or -1 with errno set.
static inline int program(int type, int ret, const char *name) {
    struct bpf_insn insns[] = {
        {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret},
        {.code = BPF_JMP | BPF_EXIT},
    };
    union bpf_attr a = {0};
    a.prog_type = type;
    a.insns = (unsigned long)insns;
    a.insn_cnt = 2;
    a.license = (unsigned long)"GPL";
    snprintf(a.prog_name, sizeof(a.prog_name), "%s", name);
    return bpf(BPF_PROG_LOAD, &a);
}
#endif
