/*
 * mv.c - mv source dest | mv source... directory: renames files. Across file systems
 * (EXDEV) a regular file is copied and the original removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"


static int copy_remove(const char *src, const char *dst)
{
    struct stat st;
    if (stat(src, &st) != 0 || !S_ISREG(st.st_mode)) {
        util_err("cannot move '%s' to '%s': %s", src, dst, strerror(EXDEV));
        return 1;
    }
    int in = open(src, O_RDONLY), out = -1;
    if (in >= 0) out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
    if (in < 0 || out < 0) {
        util_perror(in < 0 ? src : dst);
        if (in >= 0) close(in);
        return 1;
    }
    char buf[8192];
    ssize_t r;
    int rc = 0;
    while ((r = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)r) != r) {
            util_perror(dst);
            rc = 1;
            break;
        }
    close(in);
    close(out);
    if (!rc && unlink(src) != 0) {
        util_perror(src);
        rc = 1;
    }
    return rc;
}

static int move(const char *src, const char *dst)
{
    if (rename(src, dst) == 0) return 0;
    if (errno == EXDEV) return copy_remove(src, dst);
    util_err("cannot move '%s' to '%s': %s", src, dst, strerror(errno));
    return 1;
}

int main(int argc, char **argv)
{
    util_prog = "mv";
    int i = 1;
    if (i < argc && strcmp(argv[i], "--") == 0) i++;
    return util_to_target(argc, argv, i, move);
}
