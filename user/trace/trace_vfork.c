/* trace_vfork.c: the vfork protocol, marked as it happens (with -f).
 *
 * A vfork (or clone/clone3 with CLONE_VFORK) parks the parent while the child runs in the
 * parent's memory, until the child's execve commits or the child exits. Markers:
 *
 *   [pid P] vfork() ... parked, child C borrows our memory      at PTRACE_EVENT_VFORK
 *   [pid C vfork-child] ...                                     every line of the borrowing child
 *   [pid C vfork-child] execve(...) = 0  <exec commit: pid C has its own memory now>
 *   [pid P] ... released after N ns parked, child C             at PTRACE_EVENT_VFORK_DONE
 *   [pid P] <... vfork resumed> = C                             the parent's syscall exit
 *
 * N is CLOCK_MONOTONIC read by the tracer at the two stops of the parent (the VFORK event and
 * VFORK_DONE; if no VFORK_DONE stop comes, the parent's syscall-exit stop).
 *
 * Entry points: vfork_park, vfork_release, vfork_exec_note, vfork_child_gone. */
#include "trace.h"

#include "lx/syscalls.h"

void vfork_park(struct tracee *parent, pid_t child)
{
    struct tracee *c = tracee_get(child);
    c->borrowing_from = parent->tid;
    parent->parked_child = child;
    clock_gettime(CLOCK_MONOTONIC, &parent->parked_at);
    if (parent->in_syscall && !parent->shown) { /* -e hid the call: the park shows it */
        out_begin(parent);
        decode_enter(parent);
        parent->shown = 1;
    } else {
        out_resume(parent);
    }
    fprintf(out, "%s ... parked, child %d borrows our memory", parent->args_closed ? "" : ")",
            (int)child);
    parent->args_closed = 1;
    out_end();
}

void vfork_release(struct tracee *parent)
{
    if (!parent->parked_child)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ns = (long long)(now.tv_sec - parent->parked_at.tv_sec) * 1000000000LL +
                   (now.tv_nsec - parent->parked_at.tv_nsec);
    out_begin(parent);
    fprintf(out, "... released after %lld ns parked, child %d", ns, (int)parent->parked_child);
    out_end();
    parent->parked_child = 0;
}

void vfork_exec_note(struct tracee *t, long ret)
{
    if (!t->borrowing_from || ret != 0 || (t->nr != LX_SYS_execve && t->nr != LX_SYS_execveat))
        return;
    if (t->shown)
        fprintf(out, "  <exec commit: pid %d has its own memory now>", (int)t->tid);
    t->borrowing_from = 0;
}

void vfork_child_gone(struct tracee *t)
{
    t->borrowing_from = 0;
}
