// Processes holding open files, for the owner scan's benchmark: fds PROCS FDS forks PROCS children that
// each open FDS descriptors of /dev/null, prints "ready" once all have, and ends them on SIGTERM or EOF.
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) { (void) sig; } // only to interrupt the read below

int main(int argc, char **argv) {
    int procs = argc > 1 ? atoi(argv[1]) : 500, fds = argc > 2 ? atoi(argv[2]) : 100;
    int ready[2];
    if (pipe(ready) || setpgid(0, 0)) return 1; // a group of its own: the children end with it
    struct sigaction on_term = {.sa_handler = stop}; // no SA_RESTART: SIGTERM ends the wait for EOF
    sigaction(SIGTERM, &on_term, NULL);
    for (int i = 0; i < procs; i++) {
        if (fork() == 0) {
            signal(SIGTERM, SIG_DFL);
            for (int f = 0; f < fds; f++) if (open("/dev/null", O_RDONLY) < 0) _exit(1);
            if (write(ready[1], "x", 1) != 1) _exit(1);
            pause();
            _exit(0);
        }
    }
    char c;
    for (int i = 0; i < procs; i++) if (read(ready[0], &c, 1) != 1) return 1;
    printf("ready\n");
    fflush(stdout);
    while (read(0, &c, 1) > 0) {}
    signal(SIGTERM, SIG_IGN);
    kill(0, SIGTERM);
    while (wait(NULL) > 0) {}
    return 0;
}
