/*
 * ln.c - ln [-s] [-f] target linkname | ln [-s] [-f] target... directory: makes hard
 * links, or symbolic links with -s; -f replaces an existing linkname.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static bool symbolic, force;

static int make_link(const char *target, const char *name)
{
    if (force) unlink(name);
    int r = symbolic ? symlink(target, name) : link(target, name);
    if (r != 0) {
        util_perror(name);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    util_prog = "ln";
    bool f[2];
    int i = util_flags(argc, argv, "sf", f);
    if (i < 0)
        return 2;
    symbolic = f[0], force = f[1];
    int n = argc - i;
    if (n < 2) {
        util_err("missing %s operand", n == 0 ? "file" : "destination file");
        return 1;
    }
    const char *last = argv[argc - 1];
    struct stat st;
    bool to_dir = stat(last, &st) == 0 && S_ISDIR(st.st_mode);
    if (!to_dir) {
        if (n > 2) {
            util_err("target '%s' is not a directory", last);
            return 1;
        }
        return make_link(argv[i], last);
    }
    int rc = 0;
    for (; i < argc - 1; i++) {
        const char *b = strrchr(argv[i], '/');
        b = b ? b + 1 : argv[i];
        size_t len = strlen(last) + strlen(b) + 2;
        char *p = util_xmalloc(len);
        snprintf(p, len, "%s/%s", last, b);
        rc |= make_link(argv[i], p);
        free(p);
    }
    return rc;
}
