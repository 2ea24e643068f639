/* Set-up of the rows at size (see bench_scale.h): children held alive on a pipe, and a burst of
 * descriptors. The held children are `bench --hold RFD` started by posix_spawn rather than
 * forked, so the parent's memory is not shared copy-on-write with 64 others while it is timed.
 *
 * Entry points: bench_live_start, bench_live_stop, bench_hold_serve, bench_fds_churn. */
#include "bench_scale.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <unistd.h>

#include "bench_ops.h"

int bench_live_start(bench_live_t *l, int n, const char *self_path, char *const *envp)
{
    int hold[2];
    char rfd[16];

    if (n > BENCH_LIVE_MAX) return EINVAL;
    if (pipe(hold) != 0) return errno;
    /* only the read end is inherited: the children see EOF once the parent closes its end */
    fcntl(hold[1], F_SETFD, FD_CLOEXEC);
    snprintf(rfd, sizeof(rfd), "%d", hold[0]);
    char *argv[] = {(char *)self_path, "--hold", rfd, NULL};
    l->release = hold[1];
    l->n = 0;
    int err = 0;
    while (l->n < n && err == 0)
        if ((err = posix_spawn(&l->pids[l->n], self_path, NULL, NULL, argv, envp)) == 0) l->n++;
    close(hold[0]);
    if (err != 0) bench_live_stop(l);
    return err;
}

int bench_live_stop(bench_live_t *l)
{
    int err = 0;

    close(l->release);
    for (int i = 0; i < l->n; i++) {
        int e = bench_child_reap(l->pids[i]);
        if (err == 0) err = e;
    }
    l->n = 0;
    return err;
}

int bench_hold_serve(int rfd)
{
    char byte;

    for (;;) {
        ssize_t got = read(rfd, &byte, 1);
        if (got == 0) return 0;
        if (got < 0 && errno != EINTR) return errno;
    }
}

int bench_fds_churn(int n)
{
    static int fds[BENCH_FDS_MAX];
    int err = 0, opened = 0;

    if (n > BENCH_FDS_MAX) return EINVAL;
    for (; opened < n; opened++) {
        fds[opened] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fds[opened] < 0) {
            err = errno;
            break;
        }
    }
    /* from the top down, as a program unwinding what it opened would */
    while (opened > 0) close(fds[--opened]);
    return err;
}
