/* trace_route.c: --route, Kestrel's one ptrace extension (libsys/include/lx/ptrace_route.h).
 *
 * At a syscall-exit stop, PTRACE_KESTREL_ROUTE says how the call was answered inside the system.
 * If the request fails (Linux: EIO; a Kestrel without it: an error too) nothing is printed.
 * Otherwise one indented line follows the call, words separated by single spaces, every value
 * one token (no spaces), in this order:
 *
 *   route: server=vfs how=forwarded wait_ns=5120 kentries=4 msgs=3 switches=2 steps=vfs:forward,reply
 *   route: server=procmgr how=deferred event=vfork_exec event_pid=6 wait_ns=... steps=park,release
 *
 * server: procmgr|vfs|server#N; how: direct|forwarded|deferred|how#N; event and event_pid only
 * when deferred (event: the KR_EV_* name in lower case without its prefix: vfork_exec,
 * vfork_exit, child, signal, timer, futex, io, other); steps: the KR_STEP_LIST names up to their
 * first space, comma-separated, "-" if none, "+N" appended when N more were dropped; "step#N"
 * for a code this build does not know. If the record is about another syscall number than the
 * one that just returned, "nr=N" ends the line.
 *
 * Entry points: route_show (ask and print), route_print (print a record: the host test's). */
#include "trace.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <sys/ptrace.h>

#include "lx/ptrace_route.h"

static const char *const step_names[KR_STEP_COUNT_] = {
#define STEP_NAME_(name, val, str) [val] = str,
    KR_STEP_LIST(STEP_NAME_)
#undef STEP_NAME_
};

static const char *const event_names[KR_EV_COUNT_] = {
#define EVENT_NAME_(name, val, str) [val] = #name,
    KR_EVENT_LIST(EVENT_NAME_)
#undef EVENT_NAME_
};

static void print_step(unsigned code)
{
    const char *s = code < KR_STEP_COUNT_ ? step_names[code] : NULL;
    if (!s) {
        fprintf(out, "step#%u", code);
        return;
    }
    fprintf(out, "%.*s", (int)strcspn(s, " "), s);
}

static void print_event(unsigned ev)
{
    const char *s = ev < KR_EV_COUNT_ ? event_names[ev] : NULL;
    if (!s) {
        fprintf(out, "event#%u", ev);
        return;
    }
    s += strlen("KR_EV_");
    while (*s)
        fputc(tolower((unsigned char)*s++), out);
}

void route_print(const struct kestrel_route *r, long nr)
{
    fputs("  route: server=", out);
    if (r->server == KR_SERVER_PROCMGR)
        fputs("procmgr", out);
    else if (r->server == KR_SERVER_VFS)
        fputs("vfs", out);
    else
        fprintf(out, "server#%u", r->server);
    fputs(" how=", out);
    if (r->how == KR_HOW_DIRECT)
        fputs("direct", out);
    else if (r->how == KR_HOW_FORWARDED)
        fputs("forwarded", out);
    else if (r->how == KR_HOW_DEFERRED)
        fputs("deferred", out);
    else
        fprintf(out, "how#%u", r->how);
    if (r->how == KR_HOW_DEFERRED) {
        fputs(" event=", out);
        print_event(r->event);
        fprintf(out, " event_pid=%lld", (long long)r->event_pid);
    }
    fprintf(out, " wait_ns=%llu kentries=%llu msgs=%llu switches=%llu steps=",
            (unsigned long long)r->wait_ns, (unsigned long long)r->kernel_entries,
            (unsigned long long)r->ipc_messages, (unsigned long long)r->as_switches);
    unsigned n = r->nsteps < KR_STEPS_MAX ? r->nsteps : KR_STEPS_MAX;
    if (n == 0)
        fputs("-", out);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        print_step(r->steps[i]);
    }
    if (r->steps_dropped)
        fprintf(out, "+%u", r->steps_dropped);
    if (r->size >= offsetof(struct kestrel_route, wait_ns) && r->nr != (uint64_t)nr)
        fprintf(out, " nr=%llu", (unsigned long long)r->nr);
    out_end();
}

void route_show(struct tracee *t)
{
    struct kestrel_route r;
    memset(&r, 0, sizeof r);
    if (ptrace((int)PTRACE_KESTREL_ROUTE, t->tid, (void *)0, &r) < 0)
        return;
    route_print(&r, t->nr);
}
