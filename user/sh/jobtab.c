/*
 * jobtab.c - the job table's data and texts (see jobtab.h). The lines follow bash's layout:
 * "[n]" and the +/- mark, two spaces, the state padded to 24 columns, the command.
 *
 * Entry points: jobtab_add, job_add_proc, jobtab_update, jobtab_find, jobtab_find_pid,
 * jobtab_remove, jobtab_free, jobtab_touch, jobtab_current, jobtab_previous, job_state,
 * job_status, job_format, job_state_text.
 */
#include "jobtab.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

job_t *jobtab_add(jobtab_t *t, const char *cmd, pid_t pgid)
{
    int id = 1;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i]->id >= id) id = t->v[i]->id + 1;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    job_t *j = xmalloc(sizeof *j);
    memset(j, 0, sizeof *j);
    j->id = id;
    j->pgid = pgid;
    j->cmd = xstrdup(cmd ? cmd : "");
    j->seq = ++t->seq;
    t->v[t->n++] = j;
    return j;
}

void job_add_proc(job_t *j, pid_t pid)
{
    if (j->nprocs == j->capprocs) {
        j->capprocs = j->capprocs ? j->capprocs * 2 : 4;
        j->procs = xrealloc(j->procs, j->capprocs * sizeof *j->procs);
    }
    j->procs[j->nprocs++] = (jproc_t){.pid = pid, .state = JOB_RUNNING};
}

job_state_t job_state(const job_t *j)
{
    bool stopped = false;
    for (size_t i = 0; i < j->nprocs; i++) {
        if (j->procs[i].state == JOB_RUNNING) return JOB_RUNNING;
        stopped |= j->procs[i].state == JOB_STOPPED;
    }
    return stopped ? JOB_STOPPED : JOB_DONE;
}

job_t *jobtab_find_pid(const jobtab_t *t, pid_t pid)
{
    for (size_t i = 0; i < t->n; i++)
        for (size_t k = 0; k < t->v[i]->nprocs; k++)
            if (t->v[i]->procs[k].pid == pid) return t->v[i];
    return NULL;
}

void jobtab_touch(jobtab_t *t, job_t *j)
{
    j->seq = ++t->seq;
}

job_t *jobtab_update(jobtab_t *t, pid_t pid, int ws)
{
    job_t *j = jobtab_find_pid(t, pid);
    if (!j) return NULL;
    jproc_t *p = j->procs;
    while (p->pid != pid)
        p++;
    job_state_t before = job_state(j);
    if (WIFSTOPPED(ws)) {
        p->state = JOB_STOPPED;
        p->ws = ws;
    } else if (WIFCONTINUED(ws)) {
        p->state = JOB_RUNNING;
    } else {
        p->state = JOB_DONE;
        p->ws = ws;
    }
    job_state_t after = job_state(j);
    if (after != before) {
        j->changed = true;
        if (after == JOB_STOPPED) jobtab_touch(t, j);
    }
    return j;
}

void jobtab_remove(jobtab_t *t, job_t *j)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->v[i] != j) continue;
        memmove(t->v + i, t->v + i + 1, (t->n - i - 1) * sizeof *t->v);
        t->n--;
        free(j->cmd);
        free(j->procs);
        free(j);
        return;
    }
}

void jobtab_free(jobtab_t *t)
{
    while (t->n)
        jobtab_remove(t, t->v[t->n - 1]);
    free(t->v);
    t->v = NULL;
    t->cap = 0;
}

/* Does a come before b in the +/- order? Stopped jobs first, then the most recent. */
static bool ranks_before(const job_t *a, const job_t *b)
{
    bool sa = job_state(a) == JOB_STOPPED, sb = job_state(b) == JOB_STOPPED;
    if (sa != sb) return sa;
    return a->seq > b->seq;
}

job_t *jobtab_current(const jobtab_t *t)
{
    job_t *best = NULL;
    for (size_t i = 0; i < t->n; i++)
        if (!best || ranks_before(t->v[i], best)) best = t->v[i];
    return best;
}

job_t *jobtab_previous(const jobtab_t *t)
{
    job_t *cur = jobtab_current(t), *best = NULL;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i] != cur && (!best || ranks_before(t->v[i], best))) best = t->v[i];
    return best;
}

jobspec_result_t jobtab_find(const jobtab_t *t, const char *spec, job_t **out)
{
    *out = NULL;
    if (spec[0] != '%') return JOBSPEC_NONE;
    const char *s = spec + 1;
    if (!*s || strcmp(s, "%") == 0 || strcmp(s, "+") == 0) {
        *out = jobtab_current(t);
    } else if (strcmp(s, "-") == 0) {
        *out = jobtab_previous(t);
    } else if (*s >= '0' && *s <= '9') {
        char *end;
        long n = strtol(s, &end, 10);
        for (size_t i = 0; !*end && i < t->n; i++)
            if (t->v[i]->id == n) *out = t->v[i];
    } else {
        bool contains = *s == '?';
        if (contains) s++;
        for (size_t i = 0; i < t->n; i++) {
            const char *c = t->v[i]->cmd;
            bool m = contains ? strstr(c, s) != NULL : strncmp(c, s, strlen(s)) == 0;
            if (!m) continue;
            if (*out) return JOBSPEC_AMBIGUOUS;
            *out = t->v[i];
        }
    }
    return *out ? JOBSPEC_OK : JOBSPEC_NONE;
}

/* The process that gives the job its status: the last one, or for a stopped job the first
 * stopped one. */
static const jproc_t *status_proc(const job_t *j)
{
    if (job_state(j) == JOB_STOPPED)
        for (size_t i = 0; i < j->nprocs; i++)
            if (j->procs[i].state == JOB_STOPPED) return &j->procs[i];
    return j->nprocs ? &j->procs[j->nprocs - 1] : NULL;
}

int job_status(const job_t *j)
{
    const jproc_t *p = status_proc(j);
    if (!p) return 0;
    int ws = p->ws;
    if (p->state == JOB_STOPPED) return 128 + WSTOPSIG(ws);
    if (WIFEXITED(ws)) return WEXITSTATUS(ws);
    if (WIFSIGNALED(ws)) return 128 + WTERMSIG(ws);
    return 0;
}

static void signal_text(int sig, strbuf_t *out)
{
    const char *d = strsignal(sig);
    if (d && *d)
        sb_puts(out, d);
    else
        sb_printf(out, "Signal %d", sig);
}

void job_state_text(const job_t *j, strbuf_t *out)
{
    job_state_t st = job_state(j);
    const jproc_t *p = status_proc(j);
    if (st == JOB_RUNNING) {
        sb_puts(out, "Running");
    } else if (st == JOB_STOPPED) {
        signal_text(WSTOPSIG(p->ws), out);
    } else if (p && WIFSIGNALED(p->ws)) {
        signal_text(WTERMSIG(p->ws), out);
        if (WCOREDUMP(p->ws)) sb_puts(out, " (core dumped)");
    } else if (p && WEXITSTATUS(p->ws) != 0) {
        sb_printf(out, "Exit %d", WEXITSTATUS(p->ws));
    } else {
        sb_puts(out, "Done");
    }
}

void job_format(const jobtab_t *t, const job_t *j, job_format_t f, strbuf_t *out)
{
    char mark = j == jobtab_current(t) ? '+' : j == jobtab_previous(t) ? '-' : ' ';
    pid_t pid = j->pgid ? j->pgid : j->nprocs ? j->procs[0].pid : 0;
    switch (f) {
    case JF_PIDS:
        sb_printf(out, "%ld\n", (long)pid);
        return;
    case JF_START:
        sb_printf(out, "[%d] %ld\n", j->id, (long)(j->nprocs ? j->procs[j->nprocs - 1].pid : 0));
        return;
    case JF_BG:
        sb_printf(out, "[%d]%c %s &\n", j->id, mark, j->cmd);
        return;
    case JF_STATUS:
    case JF_LONG: {
        strbuf_t st = {0};
        job_state_text(j, &st);
        sb_printf(out, "[%d]%c ", j->id, mark);
        if (f == JF_LONG)
            sb_printf(out, "%ld ", (long)pid);
        else
            sb_putc(out, ' ');
        /* a state longer than its column keeps a space before the command */
        sb_printf(out, "%-24s%s%s%s\n", st.s, st.len >= 24 ? " " : "", j->cmd,
                  job_state(j) == JOB_RUNNING && j->bg ? " &" : "");
        sb_free(&st);
        return;
    }
    }
}
