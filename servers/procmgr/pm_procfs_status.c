/* The text of /proc/<pid>/status, line by line as Linux's proc_pid_status prints it: names and
 * ids, the memory the process has mapped (from procmgr's bookkeeping of its mappings), thread
 * count, the signal sets as 16 hex digits, root's capabilities. What procmgr does not know is
 * shown as Linux shows it on a machine without that feature: resident and locked memory 0 kB
 * (the kernel allocates pages on first touch and does not report them per space), one CPU, no
 * seccomp, no context-switch counts. The umask, the descriptor table size and the terminal come
 * from vfs with the read (pm_procfs_facts_t). A zombie has no memory lines and no umask, as on
 * Linux.
 *
 * Entry point: pm_format_status. */
#include <lx/mman.h>
#include "pm_internal.h"

static void st_line(pm_text_t *t, const char *key, uint64_t v)
{
    pm_text_str(t, key);
    pm_text_str(t, ":\t");
    pm_text_u64(t, v);
    pm_text_str(t, "\n");
}

/* "%016llx": a signal set */
static void st_hex(pm_text_t *t, const char *key, uint64_t v)
{
    char hex[17];
    for (int i = 15; i >= 0; i--, v >>= 4)
        hex[i] = "0123456789abcdef"[v & 15];
    hex[16] = 0;
    pm_text_str(t, key);
    pm_text_str(t, ":\t");
    pm_text_str(t, hex);
    pm_text_str(t, "\n");
}

/* "%8lu kB", right-aligned as Linux's seq_put_decimal_ull_width */
static void st_kb(pm_text_t *t, const char *key, uint64_t bytes)
{
    pm_text_str(t, key);
    pm_text_str(t, ":\t");
    pm_text_t num = {.n = 0};
    pm_text_u64(&num, bytes >> 10);
    for (size_t i = num.n; i < 8; i++)
        pm_text_str(t, " ");
    num.b[num.n] = 0;
    pm_text_str(t, num.b);
    pm_text_str(t, " kB\n");
}

static const char *st_state(char s)
{
    switch (s) {
    case 'R':
        return "R (running)";
    case 'S':
        return "S (sleeping)";
    case 'T':
        return "T (stopped)";
    case 'Z':
        return "Z (zombie)";
    case 't':
        return "t (tracing stop)";
    default:
        return "D (disk sleep)"; /* a parked vfork parent, as Linux shows it */
    }
}

/* Bytes of the mappings of one kind (and, for code, executable ones). */
static uint64_t st_mapped(const pm_mm_t *mm, int kind, int need_prot, int skip_prot)
{
    uint64_t n = 0;
    for (size_t i = 0; i < mm->n; i++) {
        const pm_vma_t *v = &mm->v[i];
        if ((kind < 0 || v->kind == kind) && (v->prot & need_prot) == need_prot &&
            !(v->prot & skip_prot))
            n += v->end - v->start;
    }
    return n;
}

static void st_memory(pm_text_t *t, const pm_mm_t *mm)
{
    uint64_t size = pm_vsize(mm);
    uint64_t stack = st_mapped(mm, PM_VMA_STACK, 0, 0);
    uint64_t exe = st_mapped(mm, PM_VMA_ELF, LX_PROT_EXEC, 0);
    /* Linux's VmData: private writable mappings that are not the stack */
    uint64_t data = st_mapped(mm, -1, LX_PROT_WRITE, 0) - st_mapped(mm, PM_VMA_STACK, LX_PROT_WRITE, 0);
    st_kb(t, "VmPeak", size); /* no peak is kept: the size now */
    st_kb(t, "VmSize", size);
    st_kb(t, "VmLck", 0);
    st_kb(t, "VmPin", 0);
    st_kb(t, "VmHWM", 0);
    st_kb(t, "VmRSS", 0);
    st_kb(t, "RssAnon", 0);
    st_kb(t, "RssFile", 0);
    st_kb(t, "RssShmem", 0);
    st_kb(t, "VmData", data);
    st_kb(t, "VmStk", stack);
    st_kb(t, "VmExe", exe);
    st_kb(t, "VmLib", 0);
    st_kb(t, "VmPTE", 0);
    st_kb(t, "VmSwap", 0);
    st_kb(t, "HugetlbPages", 0);
}

void pm_format_status(pm_t *pm, const pm_proc_t *p, const pm_procfs_facts_t *facts, pm_text_t *t)
{
    (void)pm;
    bool zombie = p->state == PM_P_ZOMBIE;
    int32_t ppid = p->parent ? p->parent->pid : 0;
    pm_text_str(t, "Name:\t");
    pm_text_str(t, p->comm);
    pm_text_str(t, "\n");
    if (!zombie) {
        char um[5] = {'0', (char)('0' + ((facts->umask >> 6) & 7)),
                      (char)('0' + ((facts->umask >> 3) & 7)), (char)('0' + (facts->umask & 7)), 0};
        pm_text_str(t, "Umask:\t");
        pm_text_str(t, um);
        pm_text_str(t, "\n");
    }
    pm_text_str(t, "State:\t");
    pm_text_str(t, st_state(pm_proc_state(p)));
    pm_text_str(t, "\n");
    st_line(t, "Tgid", (uint64_t)p->pid);
    st_line(t, "Ngid", 0);
    st_line(t, "Pid", (uint64_t)p->pid);
    st_line(t, "PPid", (uint64_t)ppid);
    st_line(t, "TracerPid", pm_ptrace_tracer_of(p));
    pm_text_str(t, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
    st_line(t, "FDSize", zombie ? 0 : facts->fdsize);
    pm_text_str(t, "Groups:\t\n");
    st_line(t, "NStgid", (uint64_t)p->pid);
    st_line(t, "NSpid", (uint64_t)p->pid);
    st_line(t, "NSpgid", (uint64_t)p->pgid);
    st_line(t, "NSsid", (uint64_t)p->sid);
    if (!zombie && p->mm)
        st_memory(t, p->mm);
    st_line(t, "CoreDumping", 0);
    st_line(t, "THP_enabled", 0);
    st_line(t, "Threads", (uint64_t)(p->nthreads ? p->nthreads : 1));
    pm_text_str(t, "SigQ:\t");
    uint64_t queued = 0; /* one per pending signal: standard signals do not queue here */
    for (uint64_t set = p->pending; set; set &= set - 1)
        queued++;
    pm_text_u64(t, queued);
    pm_text_str(t, "/");
    pm_text_u64(t, p->rlim[LX_RLIMIT_SIGPENDING].rlim_cur);
    pm_text_str(t, "\n");
    uint64_t ignored, caught;
    pm_sig_masks(p, &ignored, &caught);
    st_hex(t, "SigPnd", p->threads ? p->threads->pending : 0); /* its first thread's own */
    st_hex(t, "ShdPnd", p->pending);
    st_hex(t, "SigBlk", p->threads ? p->threads->sigmask : 0);
    st_hex(t, "SigIgn", ignored);
    st_hex(t, "SigCgt", caught);
    pm_text_str(t, "CapInh:\t0000000000000000\n"
                   "CapPrm:\t000001ffffffffff\n"
                   "CapEff:\t000001ffffffffff\n"
                   "CapBnd:\t000001ffffffffff\n"
                   "CapAmb:\t0000000000000000\n"
                   "NoNewPrivs:\t0\n"
                   "Seccomp:\t0\n"
                   "Seccomp_filters:\t0\n"
                   "Speculation_Store_Bypass:\tnot vulnerable\n"
                   "SpeculationIndirectBranch:\tnot affected\n"
                   "Cpus_allowed:\t1\n"
                   "Cpus_allowed_list:\t0\n"
                   "Mems_allowed:\t00000000,00000001\n"
                   "Mems_allowed_list:\t0\n"
                   "voluntary_ctxt_switches:\t0\n"
                   "nonvoluntary_ctxt_switches:\t0\n");
}
