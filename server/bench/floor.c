// The physical floor of one scrape: for every program, map, link and BTF object, next id, fd by id,
// get info, close: nothing else. With "fdinfo", also read /proc/self/fdinfo/<fd> per object (what
// memlock and frozen need). Prints the milliseconds of each of RUNS passes, one a line, then the object count.
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bpf.h"

static const struct { int next, by_id, info_size; } kinds[] = {
    {BPF_PROG_GET_NEXT_ID, BPF_PROG_GET_FD_BY_ID, sizeof(struct bpf_prog_info)},
    {BPF_MAP_GET_NEXT_ID, BPF_MAP_GET_FD_BY_ID, sizeof(struct bpf_map_info)},
    {BPF_LINK_GET_NEXT_ID, BPF_LINK_GET_FD_BY_ID, sizeof(struct bpf_link_info)},
    {BPF_BTF_GET_NEXT_ID, BPF_BTF_GET_FD_BY_ID, sizeof(struct bpf_btf_info)},
};

static int pass(int fdinfo) {
    char info[512], path[64], buf[4096];
    int objects = 0;
    for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        unsigned id = 0;
        for (;;) {
            union bpf_attr a = {0};
            a.start_id = id;
            if (bpf(kinds[k].next, &a) < 0) break;
            id = a.next_id;
            memset(&a, 0, sizeof(a));
            a.prog_id = id; // the same field for every kind's id
            int fd = bpf(kinds[k].by_id, &a);
            if (fd < 0) continue;
            memset(&a, 0, sizeof(a));
            memset(info, 0, sizeof(info));
            a.info.bpf_fd = fd;
            a.info.info_len = kinds[k].info_size;
            a.info.info = (unsigned long)info;
            bpf(BPF_OBJ_GET_INFO_BY_FD, &a);
            if (fdinfo) {
                snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
                int f = open(path, O_RDONLY);
                if (f >= 0) { while (read(f, buf, sizeof(buf)) > 0) {} close(f); }
            }
            close(fd);
            objects++;
        }
    }
    return objects;
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 50, fdinfo = argc > 2 && !strcmp(argv[2], "fdinfo"), objects = 0;
    for (int r = 0; r < runs; r++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        objects = pass(fdinfo);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("%.2f\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
    }
    printf("objects %d\n", objects);
    return 0;
}
