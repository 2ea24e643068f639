/* trace_tracee.c: the table of traced threads, by thread id.
 *
 * Entry points: tracee_find, tracee_get (adds an unstarted entry for a tid seen for the first
 * time: an auto-attached child may stop before its parent's PTRACE_EVENT_* says its pid),
 * tracee_drop, tracee_count, tracee_at. A plain array: a trace has few threads at a time. */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

static struct tracee **table;
static int count, cap;

struct tracee *tracee_find(pid_t tid)
{
    for (int i = 0; i < count; i++)
        if (table[i]->tid == tid)
            return table[i];
    return NULL;
}

struct tracee *tracee_get(pid_t tid)
{
    struct tracee *t = tracee_find(tid);
    if (t)
        return t;
    if (count == cap) {
        int ncap = cap ? cap * 2 : 16;
        struct tracee **n = realloc(table, (size_t)ncap * sizeof *n);
        if (!n) {
            perror("trace: realloc");
            exit(1);
        }
        table = n;
        cap = ncap;
    }
    t = calloc(1, sizeof *t);
    if (!t) {
        perror("trace: calloc");
        exit(1);
    }
    t->tid = tid;
    table[count++] = t;
    return t;
}

void tracee_drop(struct tracee *t)
{
    for (int i = 0; i < count; i++) {
        if (table[i] == t) {
            memmove(&table[i], &table[i + 1], (size_t)(count - i - 1) * sizeof *table);
            count--;
            free(t);
            return;
        }
    }
}

int tracee_count(void)
{
    return count;
}

struct tracee *tracee_at(int i)
{
    return table[i];
}
