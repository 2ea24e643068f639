/* route_format: the --route line's exact text (user/trace/trace_route.c's route_print), which a
 * script parses (docs/trace.md), checked on records made here: Linux cannot produce one.
 * Linked with trace_route.c alone; `out` and out_end are this file's. Exits 0 iff all match. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lx/ptrace_route.h"
#include "trace.h"

FILE *out;

void out_end(void)
{
    fputc('\n', out);
}

static int check(const char *what, const struct kestrel_route *r, long nr, const char *want)
{
    char *text = NULL;
    size_t len = 0;
    out = open_memstream(&text, &len);
    route_print(r, nr);
    fclose(out);
    int ok = strcmp(text, want) == 0;
    if (!ok)
        printf("FAIL %s:\n  got  %s  want %s", what, text, want);
    free(text);
    return !ok;
}

static struct kestrel_route record(uint32_t server, uint32_t how, uint64_t nr)
{
    struct kestrel_route r;
    memset(&r, 0, sizeof r);
    r.size = sizeof r;
    r.server = server;
    r.how = how;
    r.nr = nr;
    return r;
}

int main(void)
{
    int bad = 0;
    struct kestrel_route r;

    r = record(KR_SERVER_VFS, KR_HOW_FORWARDED, 257);
    r.wait_ns = 5120;
    r.kernel_entries = 4;
    r.ipc_messages = 3;
    r.as_switches = 2;
    r.nsteps = 2;
    r.steps[0] = KR_STEP_THREAD_GET_REGS;
    r.steps[1] = KR_STEP_VFS_FORWARD;
    bad |= check("forwarded", &r, 257,
                 "  route: server=vfs how=forwarded wait_ns=5120 kentries=4 msgs=3 switches=2 "
                 "steps=thread_read_regs,vfs:forward\n");

    r = record(KR_SERVER_PROCMGR, KR_HOW_DEFERRED, 58);
    r.event = KR_EV_VFORK_EXEC;
    r.event_pid = 6;
    r.wait_ns = 81234;
    r.nsteps = 3;
    r.steps[0] = KR_STEP_PARK;
    r.steps[1] = KR_STEP_RELEASE;
    r.steps[2] = 999;
    r.steps_dropped = 5;
    bad |= check("deferred", &r, 58,
                 "  route: server=procmgr how=deferred event=vfork_exec event_pid=6 wait_ns=81234 "
                 "kentries=0 msgs=0 switches=0 steps=park,release,step#999+5\n");

    r = record(7, KR_HOW_DIRECT, 1);
    bad |= check("unknown server, no steps, other nr", &r, 0,
                 "  route: server=server#7 how=direct wait_ns=0 kentries=0 msgs=0 switches=0 "
                 "steps=- nr=1\n");

    r = record(KR_SERVER_PROCMGR, KR_HOW_DEFERRED, 0);
    r.event = KR_EV_IO;
    bad |= check("deferred by I/O", &r, 0,
                 "  route: server=procmgr how=deferred event=io event_pid=0 wait_ns=0 kentries=0 "
                 "msgs=0 switches=0 steps=-\n");
    puts(bad ? "route_format: FAILED" : "route_format: all passed");
    return bad;
}
