// Benchmark fixture for attachments: loads a cgroup_device program and a sched_cls program, pins them
// as PINDIR/device and PINDIR/cls (for tc's object-pinned), and attaches the device program (multi) to
// every cgroup directory named on stdin, one path a line. Prints "ready" and exits: the pins and the
// cgroups hold the programs.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf.h"

// A program returning `ret` (cgroup_device: 1 allows; sched_cls direct action: 0 is TC_ACT_OK), pinned.
static int pinned_program(int type, int ret, const char *dir, const char *name) {
    char prog_name[16];
    snprintf(prog_name, sizeof(prog_name), "bench_%s", name);
    int fd = program(type, ret, prog_name);
    if (fd < 0) { perror("BPF_PROG_LOAD"); exit(1); }
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    union bpf_attr pin = {0};
    pin.pathname = (unsigned long)path;
    pin.bpf_fd = fd;
    if (bpf(BPF_OBJ_PIN, &pin) < 0) { perror(path); exit(1); }
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: attach PINDIR < cgroup-paths\n"); return 2; }
    int device = pinned_program(BPF_PROG_TYPE_CGROUP_DEVICE, 1, argv[1], "device");
    pinned_program(BPF_PROG_TYPE_SCHED_CLS, 0, argv[1], "cls");
    char line[4096];
    while (fgets(line, sizeof(line), stdin)) {
        line[strcspn(line, "\n")] = 0;
        int cgroup = open(line, O_RDONLY | O_DIRECTORY);
        union bpf_attr a = {0};
        a.target_fd = cgroup;
        a.attach_bpf_fd = device;
        a.attach_type = BPF_CGROUP_DEVICE;
        a.attach_flags = BPF_F_ALLOW_MULTI;
        if (cgroup < 0 || bpf(BPF_PROG_ATTACH, &a) < 0) { perror(line); return 1; }
        close(cgroup);
    }
    printf("ready\n");
    return 0;
}
