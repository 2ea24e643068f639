/* init: the first process.
 *
 * Prints a banner, starts /bin/sh on the console with posix_spawn (argv {"sh"}, environment
 * PATH=/bin:/sbin:/tests HOME=/ TERM=vt100), then reaps every child (orphans are reparented to
 * init). When the shell exits, init exits with the shell's status (128+N if it was killed by
 * signal N), and the OS powers off with that status. If the shell cannot be started init says why
 * and exits 127 (missing) or 126 (any other reason).
 *
 *   init [--shell PATH]     PATH instead of /bin/sh (for testing init itself)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
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

int main(int argc, char **argv)
{
    const char *shell = "/bin/sh";
    if (argc == 3 && strcmp(argv[1], "--shell") == 0) shell = argv[2];
    ensure_std_fds();
    setvbuf(stdout, NULL, _IOLBF, 0);

    printf("init: Kestrel init (pid %d) starting %s\n", (int)getpid(), shell);
    fflush(stdout);

    char *sh_argv[] = {"sh", NULL};
    char *sh_envp[] = {"PATH=/bin:/sbin:/tests", "HOME=/", "TERM=vt100", NULL};
    pid_t sh_pid;
    int e = posix_spawn(&sh_pid, shell, NULL, NULL, sh_argv, sh_envp);
    if (e != 0) {
        fprintf(stderr, "init: cannot start %s: %s\n", shell, strerror(e));
        return e == ENOENT ? 127 : 126;
    }

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
        printf("init: %s exited with status %d, shutting down\n", shell, code);
        fflush(stdout);
        return code;
    }
}
