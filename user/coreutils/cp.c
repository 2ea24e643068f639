/*
 * cp.c - cp [-r] source dest | cp [-r] source... directory: copies files (contents and
 * permission bits); -r copies directories recursively.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static bool recursive;


static int copy_file(const char *src, const char *dst, mode_t mode)
{
    int in = open(src, O_RDONLY);
    if (in < 0) {
        util_perror(src);
        return 1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777);
    if (out < 0) {
        util_perror(dst);
        close(in);
        return 1;
    }
    char buf[8192];
    int st = 0;
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            util_perror(src);
            st = 1;
            break;
        }
        if (r == 0) break;
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(out, buf + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                util_perror(dst);
                st = 1;
                goto done;
            }
            off += w;
        }
    }
done:
    close(in);
    if (close(out) != 0 && !st) {
        util_perror(dst);
        st = 1;
    }
    return st;
}

static int copy_any(const char *src, const char *dst)
{
    struct stat st;
    if (stat(src, &st) != 0) {
        util_perror(src);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) return copy_file(src, dst, st.st_mode);
    if (!recursive) {
        util_err("-r not specified; omitting directory '%s'", src);
        return 1;
    }
    if (mkdir(dst, st.st_mode & 07777) != 0 && errno != EEXIST) {
        util_perror(dst);
        return 1;
    }
    DIR *d = opendir(src);
    if (!d) {
        util_perror(src);
        return 1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char *s = util_join(src, e->d_name), *t = util_join(dst, e->d_name);
        rc |= copy_any(s, t);
        free(s);
        free(t);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    util_prog = "cp";
    bool f[2];
    int i = util_flags(argc, argv, "rR", f);
    if (i < 0)
        return 2;
    recursive = f[0] || f[1];
    return util_to_target(argc, argv, i, copy_any);
}
