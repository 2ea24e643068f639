/*
 * sleep.c - sleep seconds...: pauses for the sum of its arguments, each a decimal
 * number of seconds that may have a fraction (sleep 0.5).
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

int main(int argc, char **argv)
{
    util_prog = "sleep";
    if (argc < 2) {
        util_err("missing operand");
        return 1;
    }
    double total = 0;
    for (int i = 1; i < argc; i++) {
        char *end;
        double v = strtod(argv[i], &end);
        if (end == argv[i] || *end || v < 0) {
            util_err("invalid time interval '%s'", argv[i]);
            return 1;
        }
        total += v;
    }
    struct timespec ts;
    ts.tv_sec = (time_t)total;
    ts.tv_nsec = (long)((total - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    return 0;
}
