/*
 * cat.c - cat [file...]: copies each file ("-" or none: standard input) to standard
 * output; a file that cannot be read is reported and skipped (exit status 1).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static int copy_fd(int fd, const char *name)
{
    char buf[8192];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            util_perror(name);
            return 1;
        }
        if (r == 0) return 0;
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(1, buf + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                util_perror("write error");
                return 1;
            }
            off += w;
        }
    }
}

int main(int argc, char **argv)
{
    util_prog = "cat";
    int st = 0;
    if (argc < 2) return copy_fd(0, "-");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            st |= copy_fd(0, "-");
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            util_perror(argv[i]);
            st = 1;
            continue;
        }
        st |= copy_fd(fd, argv[i]);
        close(fd);
    }
    return st;
}
