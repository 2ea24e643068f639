/*
 * touch.c - touch file...: creates missing files and sets the access and modification
 * times of existing ones to now.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int main(int argc, char **argv)
{
    util_prog = "touch";
    if (argc < 2) {
        util_err("missing file operand");
        return 1;
    }
    int st = 0;
    for (int i = 1; i < argc; i++) {
        if (utimensat(AT_FDCWD, argv[i], NULL, 0) == 0) continue;
        if (errno != ENOENT) {
            util_perror(argv[i]);
            st = 1;
            continue;
        }
        int fd = open(argv[i], O_WRONLY | O_CREAT, 0666);
        if (fd < 0) {
            util_perror(argv[i]);
            st = 1;
            continue;
        }
        close(fd);
    }
    return st;
}
