// Holds IDLE connections that send nothing and HALF connections that send a request line and one
// header but never finish it, to 127.0.0.1:PORT, for SECONDS, then closes them. Prints how many it
// opened. Usage: flood PORT IDLE HALF SECONDS
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: flood PORT IDLE HALF SECONDS\n");
        return 2;
    }
    int port = atoi(argv[1]), idle = atoi(argv[2]), half = atoi(argv[3]), seconds = atoi(argv[4]);
    struct rlimit fds;
    getrlimit(RLIMIT_NOFILE, &fds);
    fds.rlim_cur = fds.rlim_max;
    setrlimit(RLIMIT_NOFILE, &fds);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    static const char request[] = "GET /metrics HTTP/1.1\r\nHost: flood\r\n";
    int opened = 0;
    for (int i = 0; i < idle + half; i++) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s < 0) {
            perror("socket");
            break;
        }
        // connect() returns once the kernel's handshake is done, whether or not the server accepted
        if (connect(s, (struct sockaddr *) &to, sizeof to) < 0) {
            close(s);
            continue;
        }
        if (i >= idle && write(s, request, sizeof request - 1) < 0) {
            close(s);
            continue;
        }
        opened++;
    }
    printf("%d\n", opened);
    fflush(stdout);
    sleep(seconds);
    return 0;
}
