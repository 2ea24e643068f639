/* The timed operations: null syscall, pipe round trip, posix_spawn/vfork/fork+exec of a static
 * `true`, fork+exit, thread create+join, a futex round trip between two threads, and the touched
 * memory the parent holds for the cost-vs-RSS figures, and the file rows (pread and write of 4 KiB,
 * open+close, stat).
 *
 * Entry points: see bench_ops.h.
 */
#include "bench_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int bench_op_getpid(void *ctx, unsigned long n)
{
    (void)ctx;
    for (unsigned long i = 0; i < n; i++) {
        long ret;
        /* Inline SYSCALL rather than getpid()/syscall(): the figure is the kernel round trip,
         * not musl's variadic wrapper; RCX and R11 are clobbered by the instruction itself. */
        __asm__ volatile("syscall" : "=a"(ret) : "a"((long)SYS_getpid) : "rcx", "r11", "memory");
        if (ret <= 0) return ret < 0 ? (int)-ret : EINVAL;
    }
    return 0;
}

/* Waits for pid and insists it exited with status 0: a child that failed to exec (127) must
 * not pass for a fast spawn. */
int bench_child_reap(pid_t pid)
{
    int status;

    for (;;) {
        pid_t got = waitpid(pid, &status, 0);
        if (got == pid) break;
        if (got < 0 && errno == EINTR) continue;
        return got < 0 ? errno : ECHILD;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return ENOEXEC;
    return 0;
}

int bench_pipe_start(bench_pipe_t *pipe_ctx, const char *self_path, char *const *envp)
{
    int down[2], up[2];
    char rfd[16], wfd[16];
    int err;

    if (pipe(down) != 0) return errno;
    if (pipe(up) != 0) {
        err = errno;
        close(down[0]);
        close(down[1]);
        return err;
    }
    /* Only the child's ends are inherited; with the parent's ends closed in the child, closing
     * to_child later gives the child EOF. */
    fcntl(down[1], F_SETFD, FD_CLOEXEC);
    fcntl(up[0], F_SETFD, FD_CLOEXEC);
    snprintf(rfd, sizeof(rfd), "%d", down[0]);
    snprintf(wfd, sizeof(wfd), "%d", up[1]);
    char *argv[] = {(char *)self_path, "--echo", rfd, wfd, NULL};
    err = posix_spawn(&pipe_ctx->pid, self_path, NULL, NULL, argv, envp);
    close(down[0]);
    close(up[1]);
    if (err != 0) {
        close(down[1]);
        close(up[0]);
        return err;
    }
    pipe_ctx->to_child = down[1];
    pipe_ctx->from_child = up[0];
    return 0;
}

int bench_pipe_stop(bench_pipe_t *pipe_ctx)
{
    close(pipe_ctx->to_child);
    int err = bench_child_reap(pipe_ctx->pid);
    close(pipe_ctx->from_child);
    return err;
}

int bench_op_pipe_rtt(void *ctx, unsigned long n)
{
    bench_pipe_t *p = ctx;
    char byte = 'x';

    for (unsigned long i = 0; i < n; i++) {
        if (write(p->to_child, &byte, 1) != 1) return errno ? errno : EIO;
        if (read(p->from_child, &byte, 1) != 1) return errno ? errno : EPIPE;
    }
    return 0;
}

int bench_echo_serve(int rfd, int wfd)
{
    char byte;

    for (;;) {
        ssize_t got = read(rfd, &byte, 1);
        if (got == 0) return 0;
        if (got < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (write(wfd, &byte, 1) != 1) return errno ? errno : EIO;
    }
}

int bench_op_spawn_wait(void *ctx, unsigned long n)
{
    const bench_exec_t *ex = ctx;

    for (unsigned long i = 0; i < n; i++) {
        pid_t pid;
        int err = posix_spawn(&pid, ex->path, NULL, NULL, ex->argv, ex->envp);
        if (err != 0) return err;
        err = bench_child_reap(pid);
        if (err != 0) return err;
    }
    return 0;
}

/* One vfork+execve; kept apart so the vfork child touches no caller locals that the compiler
 * might keep in registers the parent needs back (musl's vfork is a raw syscall 58). */
static pid_t bench_vfork_exec(const bench_exec_t *ex)
{
    pid_t pid = vfork();
    if (pid == 0) {
        execve(ex->path, ex->argv, ex->envp);
        _exit(127);
    }
    return pid;
}

int bench_op_vfork_exec_wait(void *ctx, unsigned long n)
{
    const bench_exec_t *ex = ctx;

    for (unsigned long i = 0; i < n; i++) {
        pid_t pid = bench_vfork_exec(ex);
        if (pid < 0) return errno;
        int err = bench_child_reap(pid);
        if (err != 0) return err;
    }
    return 0;
}

/* The same vfork, but the child exits at once: what spawning costs apart from exec (creating,
 * ending and reaping a process that shares the parent's address space). */
static pid_t bench_vfork_exit(void)
{
    pid_t pid = vfork();
    if (pid == 0) _exit(0);
    return pid;
}

int bench_op_vfork_exit_wait(void *ctx, unsigned long n)
{
    (void)ctx;
    for (unsigned long i = 0; i < n; i++) {
        pid_t pid = bench_vfork_exit();
        if (pid < 0) return errno;
        int err = bench_child_reap(pid);
        if (err != 0) return err;
    }
    return 0;
}

/* fork, then the child exits at once: what fork costs apart from exec (the copy-on-write copy of
 * the parent's address space, made and torn down, and the faults the parent takes afterwards). */
int bench_op_fork_exit_wait(void *ctx, unsigned long n)
{
    (void)ctx;
    for (unsigned long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) _exit(0);
        if (pid < 0) return errno;
        int err = bench_child_reap(pid);
        if (err != 0) return err;
    }
    return 0;
}

/* fork + execve + wait: the classic way to run a program, against vfork and posix_spawn. */
int bench_op_fork_exec_wait(void *ctx, unsigned long n)
{
    const bench_exec_t *ex = ctx;

    for (unsigned long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            execve(ex->path, ex->argv, ex->envp);
            _exit(127);
        }
        if (pid < 0) return errno;
        int err = bench_child_reap(pid);
        if (err != 0) return err;
    }
    return 0;
}

int bench_op_clock_gettime(void *ctx, unsigned long n)
{
    struct timespec ts;
    (void)ctx;
    /* libc's own call: it takes the vDSO when the system offers one, as any program would */
    for (unsigned long i = 0; i < n; i++)
        if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return errno;
    return 0;
}

int bench_op_anon_fault(void *ctx, unsigned long n)
{
    bench_mem_t mem = {0};
    int err;

    (void)ctx;
    /* One operation = one page: map n pages, write each once (a zero-fill fault apiece), unmap.
     * A microkernel's pager in user space pays an IPC per fault here. */
    err = bench_mem_hold(&mem, n * (size_t)sysconf(_SC_PAGESIZE));
    if (err != 0) return err;
    bench_mem_release(&mem);
    return 0;
}

int bench_mem_hold(bench_mem_t *mem, size_t size)
{
    long page = sysconf(_SC_PAGESIZE);
    void *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (base == MAP_FAILED) return errno;
    if (page <= 0) page = 4096;
    /* One write per page makes every page resident (private, dirty): the parent's RSS really is
     * `size`, which a copying fork would pay for and a CLONE_VM spawn should not. */
    for (size_t off = 0; off < size; off += (size_t)page)
        ((volatile char *)base)[off] = (char)off | 1;
    mem->base = base;
    mem->size = size;
    return 0;
}

void bench_mem_release(bench_mem_t *mem)
{
    if (mem->base != NULL) munmap(mem->base, mem->size);
    mem->base = NULL;
    mem->size = 0;
}

static void *bench_thread_noop(void *arg)
{
    return arg;
}

int bench_op_thread_create_join(void *ctx, unsigned long n)
{
    (void)ctx;
    for (unsigned long i = 0; i < n; i++) {
        pthread_t t;
        void *r = NULL;
        int err = pthread_create(&t, NULL, bench_thread_noop, (void *)i);
        if (err != 0) return err;
        err = pthread_join(t, &r);
        if (err != 0) return err;
        if (r != (void *)i) return EIO;
    }
    return 0;
}

/* The futex ping-pong: the word says whose turn it is; each side waits (FUTEX_WAIT_PRIVATE)
 * while it is not its own, sets it to the other's and wakes the other (FUTEX_WAKE_PRIVATE).
 * One operation is one turn there and back: two wakes, two waits, two switches of thread. */
#define BENCH_FUTEX_WAIT_PRIVATE 128
#define BENCH_FUTEX_WAKE_PRIVATE 129
enum { BENCH_TURN_MAIN, BENCH_TURN_PARTNER, BENCH_TURN_STOP };

static void bench_futex_wait_while(_Atomic uint32_t *word, uint32_t v)
{
    while (atomic_load(word) == v)
        syscall(SYS_futex, word, BENCH_FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

static void bench_futex_pass(_Atomic uint32_t *word, uint32_t v)
{
    atomic_store(word, v);
    syscall(SYS_futex, word, BENCH_FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *bench_futex_partner(void *arg)
{
    bench_futex_t *f = arg;
    for (;;) {
        bench_futex_wait_while(&f->word, BENCH_TURN_MAIN);
        if (atomic_load(&f->word) == BENCH_TURN_STOP) return NULL;
        bench_futex_pass(&f->word, BENCH_TURN_MAIN);
    }
}

int bench_futex_start(bench_futex_t *f)
{
    atomic_store(&f->word, BENCH_TURN_MAIN);
    return pthread_create(&f->partner, NULL, bench_futex_partner, f);
}

int bench_op_futex_rtt(void *ctx, unsigned long n)
{
    bench_futex_t *f = ctx;
    for (unsigned long i = 0; i < n; i++) {
        bench_futex_pass(&f->word, BENCH_TURN_PARTNER);
        bench_futex_wait_while(&f->word, BENCH_TURN_PARTNER);
    }
    return 0;
}

int bench_futex_stop(bench_futex_t *f)
{
    bench_futex_pass(&f->word, BENCH_TURN_STOP);
    return pthread_join(f->partner, NULL);
}

/* File-system rows: the data path (pread, write), the name path (open+close, stat). The file
 * is /bench/true in both systems, so both read the same bytes from their initramfs/initrd. */
int bench_op_pread_4k(void *ctx, unsigned long n)
{
    bench_file_t *f = ctx;
    for (unsigned long i = 0; i < n; i++) {
        /* offset 0 every time: the same cached page, so the figure is the call, not the disk */
        ssize_t r = pread(f->fd, f->buf, BENCH_FILE_BYTES, 0);
        if (r != BENCH_FILE_BYTES) return r < 0 ? errno : EIO;
    }
    return 0;
}

int bench_op_write_null_4k(void *ctx, unsigned long n)
{
    bench_file_t *f = ctx;
    for (unsigned long i = 0; i < n; i++) {
        ssize_t r = write(f->fd, f->buf, BENCH_FILE_BYTES);
        if (r != BENCH_FILE_BYTES) return r < 0 ? errno : EIO;
    }
    return 0;
}

int bench_op_open_close(void *ctx, unsigned long n)
{
    const char *path = ctx;
    for (unsigned long i = 0; i < n; i++) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return errno;
        if (close(fd) != 0) return errno;
    }
    return 0;
}

int bench_op_stat(void *ctx, unsigned long n)
{
    const char *path = ctx;
    struct stat st;
    for (unsigned long i = 0; i < n; i++)
        if (stat(path, &st) != 0) return errno;
    return 0;
}
