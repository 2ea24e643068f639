/* init: the first process.
 *
 * Prints a banner (which says how the console behaves), then keeps a shell on the console: it starts /bin/sh with posix_spawn (argv
 * {"sh"}, environment PATH=/bin:/usr/bin:/sbin:/tests HOME=/ TERM=vt100) in a session of its own
 * (POSIX_SPAWN_SETSID), so that the shell can make the console its controlling terminal and run
 * job control, and reaps every child (orphans are reparented to init). When the shell exits (^D
 * at an empty prompt, exit) init says so and starts a new one: the console forgives, and only
 * poweroff ends the machine. A shell that cannot be started at all ends init: it says why and
 * exits 127 (missing) or 126 (any other reason), and the OS powers off with that status. Shells
 * that die at once, again and again, are started at most once a second.
 *
 *   init [--shell PATH]     PATH instead of /bin/sh (for testing init itself)
 *
 * (A program booted as init=<path> runs instead of init and keeps its own rules: the OS powers
 * off with its status when it exits.)
 *
 * busybox's halt, poweroff and reboot (/usr/bin, and so bash's and busybox sh's `poweroff`) ask
 * init by signal, as they ask busybox's init: SIGUSR1 halt, SIGUSR2 power off, SIGTERM reboot.
 * The machine has only one way to stop: each of them powers it off (reboot(RB_POWER_OFF), as the
 * shell's poweroff builtin does).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* If the OS started us without 0, 1 and 2, put the console there. */
static void ensure_std_fds(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) != -1) continue;
        int c = open("/dev/console", O_RDWR | O_NOCTTY);
        if (c < 0) return;
        if (c != fd) {
            dup2(c, fd);
            close(c);
        }
    }
}

/* Acts in the handler itself (write, sync and reboot are async-signal-safe): a flag checked
 * around waitpid could miss a signal that came just before it blocked. */
static void on_stop_signal(int sig)
{
    static const char halt[] = "init: halt requested: powering off\n";
    static const char pwoff[] = "init: poweroff requested: powering off\n";
    static const char rebt[] = "init: reboot requested: powering off\n";
    const char *m = sig == SIGUSR1 ? halt : sig == SIGTERM ? rebt : pwoff;
    size_t n = sig == SIGUSR1 ? sizeof halt : sig == SIGTERM ? sizeof rebt : sizeof pwoff;
    if (write(STDOUT_FILENO, m, n - 1) < 0) {
        /* nothing to do: the machine stops anyway */
    }
    sync();
    reboot(RB_POWER_OFF);
}

static void catch_stop_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop_signal};
    sigfillset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts the shell in a new session; 0 or an errno. */
static int start_shell(const char *shell, pid_t *pid)
{
    char *sh_argv[] = {"sh", NULL};
    char *sh_envp[] = {"PATH=/bin:/usr/bin:/sbin:/tests", "HOME=/", "TERM=vt100", NULL};
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    int e = posix_spawn(pid, shell, NULL, &attr, sh_argv, sh_envp);
    posix_spawnattr_destroy(&attr);
    return e;
}

int main(int argc, char **argv)
{
    const char *shell = "/bin/sh";
    if (argc == 3 && strcmp(argv[1], "--shell") == 0) shell = argv[2];
    ensure_std_fds();
    setvbuf(stdout, NULL, _IOLBF, 0);
    catch_stop_signals();

    printf("init: Kestrel init (pid %d) starting %s\n", (int)getpid(), shell);
    printf("init: leaving the shell (exit, ^D) starts a new one; poweroff ends the machine\n");
    fflush(stdout);

    pid_t sh_pid;
    int e = start_shell(shell, &sh_pid);
    if (e != 0) {
        fprintf(stderr, "init: cannot start %s: %s\n", shell, strerror(e));
        return e == ENOENT ? 127 : 126;
    }
    double started = now();
    for (;;) {
        int st;
        pid_t w = waitpid(-1, &st, 0);
        if (w < 0) {
            if (errno == EINTR) continue;
            /* ECHILD cannot happen while the shell lives; if it does, stop rather than spin. */
            fprintf(stderr, "init: waitpid: %s\n", strerror(errno));
            return 1;
        }
        if (w != sh_pid) continue; /* an orphan, reaped */
        int code = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
        printf("init: %s exited with status %d; starting a new one (poweroff ends the machine)\n",
               shell, code);
        fflush(stdout);
        if (now() - started < 1.0) sleep(1);
        e = start_shell(shell, &sh_pid);
        if (e != 0) {
            fprintf(stderr, "init: cannot start %s: %s\n", shell, strerror(e));
            return e == ENOENT ? 127 : 126;
        }
        started = now();
    }
}
