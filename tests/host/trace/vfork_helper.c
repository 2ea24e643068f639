/* vfork_helper: the traced program of tests/host/trace (host/trace): the vfork protocol three
 * ways, and one call that fails.
 *
 *   vfork_helper [PROG]     PROG defaults to /bin/true
 *
 * 1. open("/nonexistent/trace-test") fails with ENOENT;
 * 2. vfork(), and the child execs PROG (the exec commit releases the parent);
 * 3. posix_spawn(PROG) (glibc and musl: clone/clone3 with CLONE_VM|CLONE_VFORK, then execve);
 * 4. vfork(), and the child _exits(3) without exec (its exit releases the parent).
 * Exits 0 if every child ended as expected. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int reap(pid_t pid, int want)
{
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != want) {
        fprintf(stderr, "vfork_helper: child %d did not exit %d\n", (int)pid, want);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    char *prog = argc > 1 ? argv[1] : "/bin/true";
    char *args[] = {prog, NULL};
    int bad = 0;

    if (open("/nonexistent/trace-test", O_RDONLY) >= 0)
        bad = 1;

    pid_t pid = vfork();
    if (pid == 0) {
        execve(prog, args, environ);
        _exit(127);
    }
    bad |= reap(pid, 0);

    if (posix_spawn(&pid, prog, NULL, NULL, args, environ) != 0)
        pid = -1;
    bad |= reap(pid, 0);

    pid = vfork();
    if (pid == 0)
        _exit(3);
    bad |= reap(pid, 3);
    return bad;
}
