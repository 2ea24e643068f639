/*
 * ls.c - ls [-l] [-a] [-d] [-1] [file...]: lists directory contents, one name per
 * line, sorted. -l adds the mode string, link count, numeric owner and group, size,
 * modification date and "-> target" for symbolic links; -a includes names starting
 * with "." (and always "." and ".."); -d lists directories themselves.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static bool opt_long, opt_all, opt_dir;

static void mode_string(mode_t m, char out[11])
{
    char t = '-';
    if (S_ISDIR(m))
        t = 'd';
    else if (S_ISLNK(m))
        t = 'l';
    else if (S_ISCHR(m))
        t = 'c';
    else if (S_ISBLK(m))
        t = 'b';
    else if (S_ISFIFO(m))
        t = 'p';
    else if (S_ISSOCK(m))
        t = 's';
    out[0] = t;
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
    if (m & S_ISUID) out[3] = (m & S_IXUSR) ? 's' : 'S';
    if (m & S_ISGID) out[6] = (m & S_IXGRP) ? 's' : 'S';
    if (m & S_ISVTX) out[9] = (m & S_IXOTH) ? 't' : 'T';
    out[10] = '\0';
}

/* path: for stat and readlink; name: what to print. */
static int show(const char *path, const char *name)
{
    if (!opt_long) {
        puts(name);
        return 0;
    }
    struct stat st;
    if (lstat(path, &st) != 0) {
        util_perror(path);
        return 1;
    }
    char mode[11];
    mode_string(st.st_mode, mode);
    char date[32];
    time_t now = time(NULL);
    struct tm *tm = localtime(&st.st_mtime);
    bool recent = st.st_mtime <= now + 3600 && now - st.st_mtime < 182L * 24 * 3600;
    strftime(date, sizeof date, recent ? "%b %e %H:%M" : "%b %e  %Y", tm);
    printf("%s %2lu %4u %4u %8lld %s %s", mode, (unsigned long)st.st_nlink, (unsigned)st.st_uid,
           (unsigned)st.st_gid, (long long)st.st_size, date, name);
    if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n >= 0) {
            target[n] = '\0';
            printf(" -> %s", target);
        }
    }
    putchar('\n');
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        util_perror(dir);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    /* "." and ".." are listed by -a whether or not the file system's readdir has them. */
    if (opt_all) {
        names = util_xrealloc(names, (cap = 32) * sizeof *names);
        names[n++] = strdup(".");
        names[n++] = strdup("..");
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && !opt_all) continue;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (n == cap) names = util_xrealloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    int st = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *p = util_xmalloc(len);
        snprintf(p, len, "%s/%s", dir, names[i]);
        st |= show(p, names[i]);
        free(p);
        free(names[i]);
    }
    free(names);
    return st;
}

int main(int argc, char **argv)
{
    util_prog = "ls";
    bool f[4];
    int i = util_flags(argc, argv, "lad1", f); /* -1: one per line, what ls does anyway here */
    if (i < 0)
        return 2;
    opt_long = f[0], opt_all = f[1], opt_dir = f[2];
    char *dot[] = {".", NULL};
    char **args = i < argc ? argv + i : dot;
    int nargs = i < argc ? argc - i : 1;
    qsort(args, (size_t)nargs, sizeof *args, cmp_str);

    int st = 0;
    /* Files (and -d directories) first, then each directory's contents. */
    int ndirs = 0;
    for (int k = 0; k < nargs; k++) {
        struct stat s;
        if (stat(args[k], &s) != 0 && lstat(args[k], &s) != 0) {
            util_perror(args[k]);
            st = 2;
            args[k] = NULL;
            continue;
        }
        if (S_ISDIR(s.st_mode) && !opt_dir) {
            ndirs++;
            continue;
        }
        st |= show(args[k], args[k]);
        args[k] = NULL;
    }
    bool headers = nargs > 1;
    bool first = true;
    for (int k = 0; k < nargs; k++) {
        if (!args[k]) continue;
        if (headers) {
            if (!first || ndirs != nargs) putchar('\n');
            printf("%s:\n", args[k]);
        }
        first = false;
        st |= list_dir(args[k]);
    }
    (void)errno;
    return st;
}
