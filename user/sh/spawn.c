/*
 * spawn.c - finding commands in PATH and starting them with posix_spawn, the only way
 * this shell creates processes (our OS has no fork; musl's posix_spawn uses
 * clone(CLONE_VM|CLONE_VFORK)). Runs #!-less scripts with the shell, as POSIX asks.
 *
 * Entry points: path_search, cmd_resolve, spawn_cmd, spawn_external.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shell.h"

static const char default_path[] = "/bin:/usr/bin:/sbin:/usr/sbin";

int path_search(shell_t *sh, const char *name, char **out)
{
    const char *path = var_get(sh, "PATH");
    if (!path) path = default_path;
    int err = ENOENT;
    for (;;) {
        const char *colon = strchr(path, ':');
        size_t dl = colon ? (size_t)(colon - path) : strlen(path);
        strbuf_t c = {0};
        if (dl == 0)
            sb_puts(&c, name);
        else
            sb_printf(&c, "%.*s/%s", (int)dl, path, name);
        struct stat st;
        if (stat(c.s, &st) == 0 && S_ISREG(st.st_mode)) {
            if (st.st_mode & 0111) {
                *out = sb_take(&c);
                return 0;
            }
            err = EACCES;
        }
        sb_free(&c);
        if (!colon) return err;
        path = colon + 1;
    }
}

pid_t spawn_cmd(shell_t *sh, const char *path, char *const *argv, char *const *envp,
                const posix_spawn_file_actions_t *fa)
{
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    short flags = 0;
    pid_t pgroup = jobs_spawn_pgroup(sh);
    if (pgroup >= 0) {
        /* job control: the child joins (or, with 0, makes) its job's group before it execs */
        posix_spawnattr_setpgroup(&attr, pgroup);
        flags |= POSIX_SPAWN_SETPGROUP;
    }
    /* POSIX: without job control an asynchronous list ignores SIGINT and SIGQUIT, so that ^C
     * meant for the foreground leaves it alone; it inherits that from the shell. */
    bool quiet_bg = sh->interactive && !sh->jobctl && sh->job_building && sh->job_building->bg;
    if (sh->interactive) {
        /* The interactive shell ignores or catches these itself; its children must not
         * inherit that (caught ones exec resets anyway). SIGTSTP only with job control:
         * without it nobody could continue a stopped job, so ^Z stays ignored. */
        sigset_t def;
        sigemptyset(&def);
        if (!quiet_bg) {
            sigaddset(&def, SIGINT);
            sigaddset(&def, SIGQUIT);
        }
        sigaddset(&def, SIGTERM);
        if (sh->jobctl) sigaddset(&def, SIGTSTP);
        sigaddset(&def, SIGTTIN);
        sigaddset(&def, SIGTTOU);
        posix_spawnattr_setsigdefault(&attr, &def);
        flags |= POSIX_SPAWN_SETSIGDEF;
    }
    posix_spawnattr_setflags(&attr, flags);
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
    if (quiet_bg) {
        sigaction(SIGINT, &ign, &old_int);
        sigaction(SIGQUIT, &ign, &old_quit);
    }
    fflush(NULL);
    pid_t pid;
    int r = posix_spawn(&pid, path, fa, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    if (quiet_bg) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
    }
    if (r) return -r;
    jobs_spawned(sh, pid);
    return pid;
}

pid_t spawn_external(shell_t *sh, const char *path, char **argv, char *const *envp,
                     const posix_spawn_file_actions_t *fa)
{
    pid_t pid = spawn_cmd(sh, path, argv, envp, fa);
    if (pid == -ENOEXEC) {
        /* A script without #!: POSIX says the shell runs it. */
        size_t n = 0;
        while (argv[n])
            n++;
        char **nargv = xmalloc((n + 2) * sizeof *nargv);
        nargv[0] = (char *)sh->sh_path;
        nargv[1] = (char *)path;
        memcpy(nargv + 2, argv + 1, n * sizeof *nargv);
        pid = spawn_cmd(sh, sh->sh_path, nargv, envp, fa);
        free(nargv);
    }
    return pid;
}

int cmd_resolve(shell_t *sh, const char *name, char **path)
{
    if (strchr(name, '/')) {
        *path = xstrdup(name);
        return 0;
    }
    return path_search(sh, name, path);
}
