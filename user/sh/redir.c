/*
 * redir.c - redirections, two ways: applied to the shell's own descriptors (builtins,
 * functions, { } and exec, with the old descriptors saved above 10 with
 * F_DUPFD_CLOEXEC and put back afterwards), or turned into posix_spawn file actions
 * for a child. Files are always opened by the shell itself, so errors are reported
 * with the file name before anything is spawned.
 *
 * Here-documents go through a pipe when the body surely fits in it (small, or written
 * with O_NONBLOCK), else through an unlinked temporary file in $TMPDIR or /tmp: there
 * is no forked writer process to feed a pipe.
 *
 * Entry points: redir_apply, redir_restore, redir_actions.
 */
#define _GNU_SOURCE /* pipe2, mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell.h"

enum { FD_FIRST_PRIVATE = 10 };

/* Moves fd to FD_FIRST_PRIVATE or above, close-on-exec. */
static int fd_private(int fd)
{
    if (fd < 0 || fd >= FD_FIRST_PRIVATE) return fd;
    int n = fcntl(fd, F_DUPFD_CLOEXEC, FD_FIRST_PRIVATE);
    close(fd);
    return n;
}

static bool write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

static int heredoc_tmpfile(const char *text, size_t len)
{
    const char *dir = getenv("TMPDIR");
    strbuf_t path = {0};
    sb_printf(&path, "%s/sh-heredoc-XXXXXX", dir && *dir ? dir : "/tmp");
    int w = mkostemp(path.s, O_CLOEXEC);
    if (w < 0) {
        sh_error("cannot create temporary file for here-document: %s", strerror(errno));
        sb_free(&path);
        return -1;
    }
    int r = -1;
    if (write_all(w, text, len)) r = open(path.s, O_RDONLY | O_CLOEXEC);
    unlink(path.s);
    close(w);
    sb_free(&path);
    return r;
}

/* A pipe holds at least this much on any system, so a blocking write cannot hang. */
enum { HEREDOC_SMALL = 512 };

static int heredoc_fd(const char *text)
{
    size_t len = strlen(text);
    int p[2];
    if (pipe2(p, O_CLOEXEC) == 0) {
        bool fits = len <= HEREDOC_SMALL;
        if (!fits) {
            /* Larger bodies only if the write cannot block (nobody reads yet). */
            int fl = fcntl(p[1], F_GETFL);
            fits = fl >= 0 && fcntl(p[1], F_SETFL, fl | O_NONBLOCK) == 0 &&
                   (fcntl(p[1], F_GETFL) & O_NONBLOCK);
        }
        ssize_t w = fits && len ? write(p[1], text, len) : 0;
        close(p[1]);
        if (fits && w == (ssize_t)len) return p[0];
        close(p[0]);
    }
    return heredoc_tmpfile(text, len);
}

/* Opens or finds the source of one redirection.
 * *src: descriptor to copy onto r->fd (-1: close r->fd); *owned: src was opened here.
 * On failure the message (malloc'd) is left in *err for the caller to print where the
 * command's standard error is at that point; expansion errors are printed at once. */
static int redir_source(shell_t *sh, const redir_t *r, int *src, bool *owned, char **err)
{
    strbuf_t msg = {0};
    *err = NULL;
    *owned = false;
    *src = -1;
    if (r->kind == REDIR_HEREDOC) {
        char *text = r->quoted ? xstrdup(r->body) : expand_heredoc(&sh->eh, r->body);
        if (!text) return -1;
        *src = fd_private(heredoc_fd(text));
        free(text);
        *owned = true;
        return *src < 0 ? -1 : 0;
    }
    char *word = expand_str(&sh->eh, r->word, 0);
    if (!word) return -1;
    if (r->kind == REDIR_DUPIN || r->kind == REDIR_DUPOUT) {
        int ret = 0;
        if (strcmp(word, "-") == 0) {
            *src = -1;
        } else if (word[0] && strspn(word, "0123456789") == strlen(word)) {
            *src = atoi(word);
        } else {
            sb_printf(&msg, "%s: bad fd number", word);
            *err = sb_take(&msg);
            ret = -1;
        }
        free(word);
        return ret;
    }
    int flags = 0;
    switch (r->kind) {
    case REDIR_IN:
        flags = O_RDONLY;
        break;
    case REDIR_OUT:
    case REDIR_CLOBBER:
        flags = O_WRONLY | O_CREAT | O_TRUNC;
        break;
    case REDIR_APPEND:
        flags = O_WRONLY | O_CREAT | O_APPEND;
        break;
    case REDIR_INOUT:
        flags = O_RDWR | O_CREAT;
        break;
    default:
        break;
    }
    int fd = open(word, flags | O_CLOEXEC, 0666);
    if (fd < 0) {
        sb_printf(&msg, "cannot %s %s: %s", r->kind == REDIR_IN ? "open" : "create", word,
                  strerror(errno));
        *err = sb_take(&msg);
        free(word);
        return -1;
    }
    free(word);
    *src = fd_private(fd);
    *owned = true;
    return 0;
}

static bool fd_valid(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

static void report(char *err)
{
    if (err) sh_error("%s", err);
    free(err);
}

/* Applies redirections from r up to (not including) stop. */
static int apply_until(shell_t *sh, const redir_t *r, const redir_t *stop, redir_save_t *save)
{
    fflush(stdout);
    for (; r != stop; r = r->next) {
        int src;
        bool owned;
        char *err;
        if (redir_source(sh, r, &src, &owned, &err) != 0) {
            report(err);
            return -1;
        }
        int t = r->fd;
        if (!owned && src >= 0 && src != t && !fd_valid(src)) {
            sh_error("%d: Bad file descriptor", src);
            return -1;
        }
        if (save) {
            bool have = false;
            for (int i = 0; i < save->n; i++)
                have |= save->fd[i] == t;
            if (!have && save->n < 16) {
                save->fd[save->n] = t;
                save->saved[save->n] = fcntl(t, F_DUPFD_CLOEXEC, FD_FIRST_PRIVATE);
                save->n++;
            }
        }
        if (src < 0) {
            close(t);
        } else if (src == t) {
            if (owned) fcntl(t, F_SETFD, 0);
        } else {
            if (dup2(src, t) < 0) {
                sh_error("%d: %s", t, strerror(errno));
                if (owned) close(src);
                return -1;
            }
            if (owned) close(src);
        }
    }
    return 0;
}

int redir_apply(shell_t *sh, const redir_t *r, redir_save_t *save)
{
    return apply_until(sh, r, NULL, save);
}

void redir_restore(redir_save_t *save)
{
    fflush(stdout);
    for (int i = save->n; i-- > 0;) {
        if (save->saved[i] >= 0) {
            dup2(save->saved[i], save->fd[i]);
            close(save->saved[i]);
        } else {
            close(save->fd[i]);
        }
    }
    save->n = 0;
}

int redir_actions(shell_t *sh, const redir_t *r, posix_spawn_file_actions_t *fa, int *pclose,
                  int *npclose)
{
    const redir_t *first = r;
    char *err = NULL;
    for (; r; r = r->next) {
        int src;
        bool owned;
        if (redir_source(sh, r, &src, &owned, &err) != 0) goto fail;
        if (!owned && src >= 0) {
            /* A descriptor made by an earlier redirection of the same command is fine. */
            bool made = false;
            for (const redir_t *q = first; q != r; q = q->next)
                made |= q->fd == src;
            if (!made && !fd_valid(src)) {
                strbuf_t m = {0};
                sb_printf(&m, "%d: Bad file descriptor", src);
                err = sb_take(&m);
                goto fail;
            }
        }
        if (src < 0)
            posix_spawn_file_actions_addclose(fa, r->fd);
        else
            posix_spawn_file_actions_adddup2(fa, src, r->fd);
        if (owned) {
            if (*npclose < 16) pclose[(*npclose)++] = src;
        }
    }
    return 0;
fail:
    for (int i = 0; i < *npclose; i++)
        close(pclose[i]);
    *npclose = 0;
    if (err) {
        /* Say it where the command's standard error would have been: with the
         * redirections before the failing one in place (as in "2>/dev/null <missing"). */
        redir_save_t save = {0};
        if (apply_until(sh, first, r, &save) == 0)
            report(err);
        else
            free(err);
        redir_restore(&save);
    }
    return -1;
}
