// Benchmark fixture: creates MAPS array maps, PROGS socket_filter programs and LINKS raw_tracepoint
// links (on sched_process_exec, which fires only on exec), prints "ready" and holds them until killed.
// One process may hold at most 20,000 fds here, so bench.sh starts several holders for more objects.
#include <stdio.h>
#include <stdlib.h>

#include "bpf.h"

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: holder MAPS PROGS LINKS\n"); return 2; }
    int maps = atoi(argv[1]), progs = atoi(argv[2]), links = atoi(argv[3]);
    for (int i = 0; i < maps; i++) {
        union bpf_attr a = {0};
        a.map_type = BPF_MAP_TYPE_ARRAY;
        a.key_size = 4;
        a.value_size = 8;
        a.max_entries = 1;
        snprintf(a.map_name, sizeof(a.map_name), "bench_m%u", (unsigned)i % 100000000u);
        if (bpf(BPF_MAP_CREATE, &a) < 0) { perror("BPF_MAP_CREATE"); return 1; }
    }
    for (int i = 0; i < progs; i++)
        if (program(BPF_PROG_TYPE_SOCKET_FILTER, 0, "bench_p") < 0) { perror("BPF_PROG_LOAD"); return 1; }
    for (int i = 0; i < links; i++) {
        int prog = program(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, "bench_l");
        union bpf_attr a = {0};
        a.raw_tracepoint.name = (unsigned long)"sched_process_exec";
        a.raw_tracepoint.prog_fd = prog;
        if (prog < 0 || bpf(BPF_RAW_TRACEPOINT_OPEN, &a) < 0) { perror("raw tracepoint link"); return 1; }
    }
    printf("ready\n");
    fflush(stdout);
    pause();
    return 0;
}
