/* The rows at size (issue 13): spawn and a null syscall while 64 other processes are alive, and
 * spawn after the measuring process has opened and closed 500 descriptors. What they need
 * around the timed operations (bench_ops.c's, unchanged):
 *
 *   bench_live_start/_stop   spawn n children of `bench --hold RFD` that block reading a pipe
 *                            (all alive together), and let them go (EOF) and reap them
 *   bench_hold_serve         the held child's wait (`bench --hold RFD`)
 *   bench_fds_churn          open n descriptors of /dev/null, then close them all
 */
#ifndef BENCH_SCALE_H
#define BENCH_SCALE_H

#include <sys/types.h>

#define BENCH_LIVE_MAX 64
#define BENCH_FDS_MAX 1000   /* under the default RLIMIT_NOFILE of 1024 */

typedef struct {
    int release;                  /* the pipe's write end: closing it lets the children go */
    int n;
    pid_t pids[BENCH_LIVE_MAX];
} bench_live_t;

/* 0 or a positive errno; on failure no child is left. */
int bench_live_start(bench_live_t *l, int n, const char *self_path, char *const *envp);
int bench_live_stop(bench_live_t *l);   /* 0 when every child exited 0 */
int bench_hold_serve(int rfd);
int bench_fds_churn(int n);

#endif
