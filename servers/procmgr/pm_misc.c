/* System-wide calls answered by procmgr: uname, sysinfo, reboot (power off: there is no
 * restart in the environment, so every halt/restart command powers off), getrandom and
 * sched_yield.
 *
 * Entry points: pm_sys_uname, pm_sys_sysinfo, pm_sys_reboot, pm_sys_getrandom,
 * pm_sys_sched_yield. */
#include <string.h>
#include <lx/reboot.h>
#include <lx/sysinfo.h>
#include <lx/utsname.h>
#include "pm_internal.h"

#define PM_GRND_NONBLOCK 1
#define PM_GRND_RANDOM   2
#define PM_GRND_INSECURE 4
#define PM_MAX_RW_COUNT  0x7ffff000ull   /* INT_MAX & PAGE_MASK: Linux's cap on one transfer */

int64_t pm_sys_uname(pm_t *pm, pm_call_t *c)
{
    struct lx_utsname u;
    memset(&u, 0, sizeof(u));
    strcpy(u.sysname, "Kestrel");
    strcpy(u.nodename, "kestrel");
    strcpy(u.release, "0.1.0");
    strcpy(u.version, "#1 Kestrel microkernel");
    strcpy(u.machine, "x86_64");
    strcpy(u.domainname, "(none)");
    return pm_copy_out(pm, c->proc, c->a[0], &u, sizeof(u)) ? -LX_EFAULT : 0;
}

int64_t pm_sys_sysinfo(pm_t *pm, pm_call_t *c)
{
    struct lx_sysinfo si;
    memset(&si, 0, sizeof(si));
    uint64_t mono = pm->env.clock_mono_ns(pm->env.ctx);
    si.uptime = (int64_t)(mono / 1000000000ull) + (mono % 1000000000ull ? 1 : 0);
    uint64_t free_now = pm->env.free_memory ? pm->env.free_memory(pm->env.ctx) : 0;
    /* The machine's total, as vfs's /proc/meminfo says (busybox free takes the total from here
     * and the cache from there: used = total - free - cached must not go below 0). Without it
     * in the environment, the free memory seen at start-up is the best bound. */
    uint64_t total = pm->env.total_memory ? pm->env.total_memory(pm->env.ctx) : 0;
    if (!total)
        total = pm->boot_free;
    si.totalram = total > free_now ? total : free_now;
    si.freeram = free_now;
    int live = pm_live_count(pm);
    si.procs = (uint16_t)(live > 0xffff ? 0xffff : live);
    si.mem_unit = 1;
    return pm_copy_out(pm, c->proc, c->a[0], &si, sizeof(si)) ? -LX_EFAULT : 0;
}

int64_t pm_sys_reboot(pm_t *pm, pm_call_t *c)
{
    uint32_t m1 = (uint32_t)c->a[0], m2 = (uint32_t)c->a[1], cmd = (uint32_t)c->a[2];
    if (m1 != LX_LINUX_REBOOT_MAGIC1 ||
        (m2 != LX_LINUX_REBOOT_MAGIC2 && m2 != LX_LINUX_REBOOT_MAGIC2A &&
         m2 != LX_LINUX_REBOOT_MAGIC2B && m2 != LX_LINUX_REBOOT_MAGIC2C))
        return -LX_EINVAL;
    const char *what;
    switch (cmd) {
    case LX_LINUX_REBOOT_CMD_CAD_ON:
    case LX_LINUX_REBOOT_CMD_CAD_OFF:
        return 0;
    case LX_LINUX_REBOOT_CMD_POWER_OFF:
        what = "power off";
        break;
    case LX_LINUX_REBOOT_CMD_HALT:
        what = "halt";
        break;
    case LX_LINUX_REBOOT_CMD_RESTART:
    case LX_LINUX_REBOOT_CMD_RESTART2:
        what = "restart (powering off instead)";
        break;
    case LX_LINUX_REBOOT_CMD_SW_SUSPEND:
        return -LX_ENOSYS;
    default:
        return -LX_EINVAL;   /* KEXEC included: nothing is loaded */
    }
    pm_line_t l = {0};
    pm_line_str(&l, "procmgr: reboot: ");
    pm_line_str(&l, what);
    pm_line_str(&l, " requested by ");
    pm_line_proc(&l, c->proc);
    pm_line_emit(pm, &l);
    pm->env.poweroff(pm->env.ctx, 0);
    return 0;
}

int64_t pm_sys_getrandom(pm_t *pm, pm_call_t *c)
{
    uint64_t va = c->a[0], len = c->a[1], flags = c->a[2];
    if (flags & ~(uint64_t)(PM_GRND_NONBLOCK | PM_GRND_RANDOM | PM_GRND_INSECURE))
        return -LX_EINVAL;
    if ((flags & PM_GRND_INSECURE) && (flags & PM_GRND_RANDOM))
        return -LX_EINVAL;
    if (len > PM_MAX_RW_COUNT)
        len = PM_MAX_RW_COUNT;
    uint8_t buf[256];
    uint64_t done = 0;
    while (done < len) {
        uint64_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
        pm->env.random(pm->env.ctx, buf, n);
        if (pm_copy_out(pm, c->proc, va + done, buf, n))
            return done ? (int64_t)done : -LX_EFAULT;
        done += n;
    }
    return (int64_t)done;
}

int64_t pm_sys_sched_yield(pm_t *pm, pm_call_t *c)
{
    (void)pm;
    (void)c;
    return 0;
}
