/*
 * rm.c - rm [-r] [-f] file...: removes files; -r removes directories and their
 * contents, -f ignores missing files and never fails for them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static bool recursive, force;

static int remove_path(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (force && errno == ENOENT) return 0;
        util_perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) != 0) {
            util_perror(path);
            return 1;
        }
        return 0;
    }
    if (!recursive) {
        util_err("%s: Is a directory", path);
        return 1;
    }
    DIR *d = opendir(path);
    if (!d) {
        util_perror(path);
        return 1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *p = util_xmalloc(n);
        snprintf(p, n, "%s/%s", path, e->d_name);
        rc |= remove_path(p);
        free(p);
    }
    closedir(d);
    if (rmdir(path) != 0) {
        util_perror(path);
        rc = 1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    util_prog = "rm";
    bool f[3];
    int i = util_flags(argc, argv, "rRf", f);
    if (i < 0)
        return 2;
    recursive = f[0] || f[1], force = f[2];
    if (i >= argc) {
        if (force) return 0;
        util_err("missing operand");
        return 1;
    }
    int st = 0;
    for (; i < argc; i++)
        st |= remove_path(argv[i]);
    return st;
}
