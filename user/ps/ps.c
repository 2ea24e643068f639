/*
 * ps.c - ps: lists processes from /proc as PID PPID STAT CMD. For each numeric
 * /proc/<pid>/ it reads stat (Linux format "pid (comm) S ppid ...") and cmdline (NUL-
 * separated arguments; empty for kernel threads and zombies, shown as [comm]). STAT
 * is the state letter and a word; V is our OS's "parked in vfork" state.
 *
 * Ours rather than busybox's ps (/usr/bin/ps, which shows S for a parked parent) because the
 * V state is the point of the vfork demonstration (vforkdemo --ps, docs/userland.md).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *state_word(char s)
{
    switch (s) {
    case 'R':
        return "running";
    case 'S':
        return "sleeping";
    case 'D':
        return "disk";
    case 'Z':
        return "zombie";
    case 'T':
    case 't':
        return "stopped";
    case 'V':
        return "vfork";
    case 'I':
        return "idle";
    case 'X':
        return "dead";
    }
    return "unknown";
}

/* Reads a whole small file; returns its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    size_t len = 0;
    ssize_t r;
    while (len < cap - 1 && (r = read(fd, buf + len, cap - 1 - len)) > 0)
        len += (size_t)r;
    close(fd);
    buf[len] = '\0';
    return (ssize_t)len;
}

static int cmp_pid(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    DIR *d = opendir("/proc");
    if (!d) {
        fprintf(stderr, "ps: /proc: %s\n", strerror(errno));
        return 1;
    }
    long *pids = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0])) continue;
        if (n == cap) {
            long *more = realloc(pids, (cap = cap ? cap * 2 : 64) * sizeof *pids);
            if (!more) {
                fprintf(stderr, "ps: out of memory\n");
                return 1;
            }
            pids = more;
        }
        pids[n++] = strtol(e->d_name, NULL, 10);
    }
    closedir(d);
    qsort(pids, n, sizeof *pids, cmp_pid);

    printf("%5s %5s %-12s %s\n", "PID", "PPID", "STAT", "CMD");
    for (size_t i = 0; i < n; i++) {
        char path[64], stat[1024], cmd[4096];
        snprintf(path, sizeof path, "/proc/%ld/stat", pids[i]);
        if (read_small(path, stat, sizeof stat) <= 0) continue; /* exited meanwhile */
        /* comm may hold spaces and parentheses: it ends at the last ')'. */
        char *open = strchr(stat, '('), *close = strrchr(stat, ')');
        if (!open || !close || close < open) continue;
        *close = '\0';
        const char *comm = open + 1;
        char state = '?';
        long ppid = 0;
        sscanf(close + 1, " %c %ld", &state, &ppid);

        snprintf(path, sizeof path, "/proc/%ld/cmdline", pids[i]);
        ssize_t len = read_small(path, cmd, sizeof cmd);
        if (len > 0) {
            while (len > 0 && cmd[len - 1] == '\0')
                len--;
            for (ssize_t k = 0; k < len; k++)
                if (cmd[k] == '\0') cmd[k] = ' ';
            cmd[len] = '\0';
        }
        if (len <= 0) snprintf(cmd, sizeof cmd, "[%s]", comm);
        char st[16];
        snprintf(st, sizeof st, "%c %s", state, state_word(state));
        printf("%5ld %5ld %-12s %s\n", pids[i], ppid, st, cmd);
    }
    free(pids);
    return 0;
}
