/* t_crash: the victim program of t_signals.
 *   t_crash segv|ill|fpe|abort   dies by SIGSEGV, SIGILL, SIGFPE or SIGABRT
 *   t_crash exit N               exits with status N
 * Exits 101 if a crash mode did not kill it, 100 on bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash.h"

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "exit") == 0) return atoi(argv[2]);
    if (argc == 2) {
        if (crash_by_name(argv[1]) == 0) return 101;
    }
    fprintf(stderr, "usage: t_crash segv|ill|fpe|abort | t_crash exit N\n");
    return 100;
}
