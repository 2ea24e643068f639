/* The operations the benchmark times. Each bench_op_* performs its operation n times and returns
 * 0 or a positive errno (see bench_measure.h); set-up and tear-down stay outside the timed part.
 *
 * Entry points:
 *   bench_op_getpid             raw syscall 39, so no libc caching can skip the kernel
 *   bench_pipe_start/_stop      spawn / reap the echo child of the pipe round trip
 *   bench_op_pipe_rtt           one byte to the echo child and back
 *   bench_echo_serve            the echo child's loop (`bench --echo RFD WFD`)
 *   bench_op_spawn_wait         posix_spawn + waitpid of the static `true`
 *   bench_op_vfork_exec_wait    vfork + execve + waitpid of the same
 *   bench_op_vfork_exit_wait    vfork + _exit + waitpid: process life cycle without exec
 *   bench_op_fork_exit_wait     fork + _exit + waitpid: the copy-on-write copy made and dropped
 *   bench_op_fork_exec_wait     fork + execve + waitpid of the static `true`
 *   bench_op_anon_fault         first touch of a fresh anonymous page (mmap/munmap amortised)
 *   bench_op_thread_create_join pthread_create + pthread_join of a thread that returns at once
 *   bench_futex_start/_stop     start / end the partner thread of the futex round trip
 *   bench_op_futex_rtt          a futex ping-pong turn between two threads, there and back
 *   bench_op_clock_gettime      clock_gettime(CLOCK_MONOTONIC) through libc (the vDSO if any)
 *   bench_mem_hold/_release     map and touch (every page) the parent's extra memory
 *   bench_op_pread_4k           pread of 4 KiB at offset 0 of an open file
 *   bench_op_write_null_4k      write of 4 KiB to /dev/null
 *   bench_op_open_close         open (O_RDONLY) + close of a path
 *   bench_op_stat               stat of a path
 */
#ifndef BENCH_OPS_H
#define BENCH_OPS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
    const char *path; /* program to run: the static `true` */
    char *const *argv;
    char *const *envp;
} bench_exec_t;

typedef struct {
    int to_child;   /* parent's write end (close-on-exec) */
    int from_child; /* parent's read end (close-on-exec) */
    pid_t pid;
} bench_pipe_t;

typedef struct {
    void *base;
    size_t size;
} bench_mem_t;

typedef struct {
    _Atomic uint32_t word; /* whose turn: main, partner, or stop */
    pthread_t partner;
} bench_futex_t;

/* The file rows' context: an open descriptor and the 4 KiB buffer they read into or write from. */
#define BENCH_FILE_BYTES 4096
typedef struct {
    int fd;
    char buf[BENCH_FILE_BYTES];
} bench_file_t;

int bench_op_getpid(void *ctx, unsigned long n);
/* Waits for pid; 0 only if it exited with status 0 (else a positive errno). */
int bench_child_reap(pid_t pid);

int bench_pipe_start(bench_pipe_t *pipe_ctx, const char *self_path, char *const *envp);
int bench_pipe_stop(bench_pipe_t *pipe_ctx);
int bench_op_pipe_rtt(void *ctx, unsigned long n);
int bench_echo_serve(int rfd, int wfd);

int bench_op_spawn_wait(void *ctx, unsigned long n);
int bench_op_vfork_exec_wait(void *ctx, unsigned long n);
int bench_op_vfork_exit_wait(void *ctx, unsigned long n);
int bench_op_fork_exit_wait(void *ctx, unsigned long n);
int bench_op_fork_exec_wait(void *ctx, unsigned long n);
int bench_op_anon_fault(void *ctx, unsigned long n);
int bench_op_clock_gettime(void *ctx, unsigned long n);

int bench_op_thread_create_join(void *ctx, unsigned long n);
int bench_futex_start(bench_futex_t *f);
int bench_op_futex_rtt(void *ctx, unsigned long n);
int bench_futex_stop(bench_futex_t *f);

int bench_op_pread_4k(void *ctx, unsigned long n);
int bench_op_write_null_4k(void *ctx, unsigned long n);
int bench_op_open_close(void *ctx, unsigned long n);
int bench_op_stat(void *ctx, unsigned long n);

int bench_mem_hold(bench_mem_t *mem, size_t size);
void bench_mem_release(bench_mem_t *mem);

#endif
