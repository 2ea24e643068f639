/*
 * kill.c - kill [-s name | -name | -number] pid... | kill -l [status]: sends a signal
 * (default TERM) to processes, or lists signal names. Names come from the table the
 * shell's builtin uses (user/sh/signames.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signames.h"
#include "util.h"

int main(int argc, char **argv)
{
    util_prog = "kill";
    int sig = SIGTERM;
    int i = 1;
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        if (i + 1 < argc) {
            int n = atoi(argv[i + 1]);
            const char *name = sig_name(n > 128 ? n - 128 : n);
            if (!name) {
                util_err("unknown signal %s", argv[i + 1]);
                return 1;
            }
            puts(name);
            return 0;
        }
        for (int s = 1; s <= sig_max(); s++)
            if (sig_name(s)) puts(sig_name(s));
        return 0;
    }
    if (i < argc && strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
        sig = sig_from_name(argv[i + 1]);
        i += 2;
    } else if (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0) {
        sig = sig_from_name(argv[i] + 1);
        i++;
    }
    if (sig < 0) {
        util_err("invalid signal %s", argv[i - 1]);
        return 1;
    }
    if (i < argc && strcmp(argv[i], "--") == 0) i++;
    if (i >= argc) {
        util_err("usage: kill [-s signal | -signal] pid... | kill -l [status]");
        return 1;
    }
    int st = 0;
    for (; i < argc; i++) {
        char *end;
        long pid = strtol(argv[i], &end, 10);
        if (*end || !*argv[i]) {
            util_err("invalid pid: %s", argv[i]);
            st = 1;
        } else if (kill((pid_t)pid, sig) != 0) {
            util_perror(argv[i]);
            st = 1;
        }
    }
    return st;
}
