/* clone3(args, size): clone's arguments in a struct the caller sizes (64, 80 or 88 bytes known),
 * read and checked as Linux's copy_clone_args_from_user and clone3_args_valid do, in their
 * order, then built by pm_clone_do like every other child. vfork through clone3
 * ({CLONE_VM|CLONE_VFORK, stack, stack_size}, Rust's std) parks exactly as clone(0x4111) does.
 *
 * Entry point: pm_sys_clone3. */
#include <string.h>
#include <lx/sched.h>
#include "pm_internal.h"

/* The bytes of a larger (newer) struct past the ones we know must all be zero, or the caller
 * asks for something we do not have: E2BIG (copy_struct_from_user). */
static int pm_clone3_tail_zero(pm_t *pm, pm_proc_t *p, uint64_t at, uint64_t len)
{
    uint8_t buf[256];
    while (len) {
        uint64_t n = len < sizeof(buf) ? len : sizeof(buf);
        if (pm_copy_in(pm, p, buf, at, n))
            return -LX_EFAULT;
        for (uint64_t i = 0; i < n; i++)
            if (buf[i])
                return -LX_E2BIG;
        at += n;
        len -= n;
    }
    return 0;
}

/* copy_clone_args_from_user: the struct, its size rules, set_tid's array. */
static int pm_clone3_read(pm_t *pm, pm_proc_t *p, uint64_t uargs, uint64_t size,
                          struct lx_clone_args *ca, int32_t *set_tid)
{
    if (size > PM_PAGE)
        return -LX_E2BIG;
    if (size < LX_CLONE_ARGS_SIZE_VER0)
        return -LX_EINVAL;
    memset(ca, 0, sizeof(*ca));
    uint64_t known = size < sizeof(*ca) ? size : sizeof(*ca);
    if (pm_copy_in(pm, p, ca, uargs, known))
        return -LX_EFAULT;
    if (size > sizeof(*ca)) {
        int r = pm_clone3_tail_zero(pm, p, uargs + sizeof(*ca), size - sizeof(*ca));
        if (r)
            return r;
    }
    if (ca->set_tid_size > LX_MAX_PID_NS_LEVEL)
        return -LX_EINVAL;
    if ((!ca->set_tid && ca->set_tid_size > 0) || (ca->set_tid && ca->set_tid_size == 0))
        return -LX_EINVAL;
    if ((ca->exit_signal & ~(uint64_t)LX_CSIGNAL) || ca->exit_signal > LX_NSIG)
        return -LX_EINVAL;
    if ((ca->flags & LX_CLONE_INTO_CGROUP) &&
        (ca->cgroup > INT32_MAX || size < LX_CLONE_ARGS_SIZE_VER2))
        return -LX_EINVAL;
    *set_tid = 0;
    if (ca->set_tid && pm_copy_in(pm, p, set_tid, ca->set_tid, sizeof(*set_tid)))
        return -LX_EFAULT;
    return 0;
}

/* clone3_args_valid: the flags clone3 knows, and the stack as a range. */
static int pm_clone3_valid(struct lx_clone_args *ca)
{
    uint64_t legacy = 0xffffffffull;
    if (ca->flags & ~(legacy | LX_CLONE_CLEAR_SIGHAND | LX_CLONE_INTO_CGROUP))
        return -LX_EINVAL;
    /* the low byte is no signal here; of the bits there only CLONE_NEWTIME means something */
    if (ca->flags & (LX_CLONE_DETACHED | (LX_CSIGNAL & ~LX_CLONE_NEWTIME)))
        return -LX_EINVAL;
    if ((ca->flags & (LX_CLONE_SIGHAND | LX_CLONE_CLEAR_SIGHAND)) ==
        (LX_CLONE_SIGHAND | LX_CLONE_CLEAR_SIGHAND))
        return -LX_EINVAL;
    if ((ca->flags & (LX_CLONE_THREAD | LX_CLONE_PARENT)) && ca->exit_signal)
        return -LX_EINVAL;
    if (!ca->stack)
        return ca->stack_size ? -LX_EINVAL : 0;
    if (!ca->stack_size || ca->stack_size > PM_USER_TOP || ca->stack > PM_USER_TOP - ca->stack_size)
        return -LX_EINVAL;   /* access_ok */
    ca->stack += ca->stack_size;   /* x86 stacks grow down: the child starts at the top */
    return 0;
}

int64_t pm_sys_clone3(pm_t *pm, pm_call_t *c)
{
    struct lx_clone_args ca;
    int32_t set_tid;
    int r = pm_clone3_read(pm, c->proc, c->a[0], c->a[1], &ca, &set_tid);
    if (r)
        return r;
    if ((r = pm_clone3_valid(&ca)))
        return r;
    pm_clone_args_t a = {
        .flags = ca.flags,
        .exit_signal = (int)ca.exit_signal,
        .stack = ca.stack,
        .parent_tid = ca.parent_tid,
        .child_tid = ca.child_tid,
        .tls = ca.tls,
        .pidfd = ca.pidfd,
        .set_tid = set_tid,
        .clone3 = true,
    };
    /* set_tid's checks come after the flag rules (pm_clone_do), as alloc_pid comes after them:
     * one pid namespace takes one id at most, and 0 is no pid */
    if (ca.set_tid_size > 1 || (ca.set_tid_size && set_tid == 0))
        a.set_tid = -1;   /* out of range: EINVAL there */
    return pm_clone_do(pm, c, &a);
}
