/*
 * chmod.c - chmod [-R] mode file...: changes the permission bits of files.
 *
 * mode is octal (755, 4711) or symbolic, as POSIX describes it: comma-separated clauses
 * [ugoa]*[+-=][perms]..., perms being letters from rwxXst or one of u, g, o (copy those bits).
 * Without u, g, o or a a clause applies to all, less the bits set in the umask. X is x for
 * directories and for files some x is already set on. -R changes directories' contents too
 * (symbolic links met on the way are left alone). Exit status 1 if any file failed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

enum { WHO_U = 04700, WHO_G = 02070, WHO_O = 01007, WHO_ALL = 07777 };

/* Applies the symbolic mode spec to old; false if spec is not a valid mode. */
static bool mode_symbolic(const char *spec, mode_t old, bool isdir, mode_t mask, mode_t *out)
{
    mode_t m = old & 07777;
    const char *p = spec;
    for (;;) {
        mode_t who = 0;
        for (; *p && strchr("ugoa", *p); p++)
            who |= *p == 'u' ? WHO_U : *p == 'g' ? WHO_G : *p == 'o' ? WHO_O : WHO_ALL;
        if (!*p || !strchr("+-=", *p)) return false;
        while (*p && strchr("+-=", *p)) {
            char op = *p++;
            mode_t perm = 0;
            if (*p && strchr("ugo", *p)) {
                int shift = *p == 'u' ? 6 : *p == 'g' ? 3 : 0;
                mode_t bits = (m >> shift) & 7;
                perm = bits << 6 | bits << 3 | bits;
                p++;
            } else {
                for (; *p && strchr("rwxXst", *p); p++) {
                    switch (*p) {
                    case 'r':
                        perm |= 0444;
                        break;
                    case 'w':
                        perm |= 0222;
                        break;
                    case 'x':
                        perm |= 0111;
                        break;
                    case 'X':
                        if (isdir || (m & 0111)) perm |= 0111;
                        break;
                    case 's':
                        perm |= S_ISUID | S_ISGID;
                        break;
                    case 't':
                        perm |= S_ISVTX;
                        break;
                    }
                }
            }
            /* without who: everyone, except what the umask withholds */
            mode_t affected = who ? who : WHO_ALL & ~(mask & 0777);
            perm &= affected;
            if (op == '+')
                m |= perm;
            else if (op == '-')
                m &= ~perm;
            else
                m = (m & ~(who ? who : WHO_ALL)) | perm;
        }
        if (!*p) break;
        if (*p++ != ',') return false;
    }
    *out = m;
    return true;
}

/* The new mode for a file whose mode is old; false if spec is invalid. */
static bool mode_parse(const char *spec, mode_t old, bool isdir, mode_t mask, mode_t *out)
{
    if (*spec >= '0' && *spec <= '7') {
        char *end;
        unsigned long v = strtoul(spec, &end, 8);
        if (*end || v > 07777) return false;
        /* as GNU chmod: fewer than five digits keep a directory's set-id bits */
        *out = (mode_t)v | (isdir && strlen(spec) < 5 ? old & (S_ISUID | S_ISGID) : 0);
        return true;
    }
    return mode_symbolic(spec, old, isdir, mask, out);
}

static int chmod_path(const char *path, const char *spec, mode_t mask, bool recurse)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        util_err("cannot access '%s': %s", path, strerror(errno));
        return 1;
    }
    mode_t m;
    mode_parse(spec, st.st_mode, S_ISDIR(st.st_mode), mask, &m); /* checked in main */
    int rc = 0;
    if (chmod(path, m) != 0) {
        util_err("changing permissions of '%s': %s", path, strerror(errno));
        rc = 1;
    }
    struct stat lst;
    if (!recurse || lstat(path, &lst) != 0 || !S_ISDIR(lst.st_mode)) return rc;
    DIR *d = opendir(path);
    if (!d) {
        util_err("cannot read directory '%s': %s", path, strerror(errno));
        return 1;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        char *child = util_join(path, de->d_name);
        struct stat cs;
        if (lstat(child, &cs) == 0 && !S_ISLNK(cs.st_mode))
            rc |= chmod_path(child, spec, mask, true);
        free(child);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    util_prog = "chmod";
    bool recurse = false;
    int i = 1;
    /* options first; a mode such as -w is not an option */
    for (; i < argc && strcmp(argv[i], "-R") == 0; i++)
        recurse = true;
    if (i < argc && strcmp(argv[i], "--") == 0) i++;
    if (argc - i < 2) {
        if (argc - i == 0)
            util_err("missing operand");
        else
            util_err("missing operand after '%s'", argv[argc - 1]);
        return 1;
    }
    const char *spec = argv[i++];
    mode_t mask = umask(0);
    umask(mask);
    mode_t probe;
    if (!mode_parse(spec, 0, false, mask, &probe)) {
        util_err("invalid mode: '%s'", spec);
        return 1;
    }
    int rc = 0;
    for (; i < argc; i++)
        rc |= chmod_path(argv[i], spec, mask, recurse);
    return rc;
}
