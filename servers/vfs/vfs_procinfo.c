/* The machine-wide /proc files, in Linux's formats, made afresh at each read for unmodified
 * tools (free, df, top, uptime, ps, lscpu): mounts (also /proc/<pid>/mounts; /proc/mounts is a
 * link to self/mounts, as on Linux), meminfo, stat, uptime, loadavg and cpuinfo.
 *
 * The facts come from the environment (env->sysinfo: the kernel's mem_info, TSC rate; env->cpuid)
 * and from vfs itself (the clock, the processes it knows, the bytes files hold). What nobody
 * counts yet is 0, as Linux shows a counter it does not keep: CPU times (the kernel does not
 * account them; struct vfs_sysinfo's cpu_ns is where they will come in), the load averages,
 * interrupts.
 *
 * Entry points: vfs_procinfo_populate, vfs_procinfo_text. */
#include <stdlib.h>
#include <string.h>
#include <lx/time.h>
#include "vfs_impl.h"

#define NS_PER_SEC 1000000000ull
#define NS_PER_TICK (NS_PER_SEC / LX_USER_HZ)

int vfs_procinfo_populate(vfs_t *vfs, vfs_node_t *proc)
{
    static const struct {
        const char *name;
        enum vfs_procfile file;
    } files[] = {
        {"meminfo", VFS_PROC_MEMINFO}, {"stat", VFS_PROC_STAT},       {"uptime", VFS_PROC_UPTIME},
        {"loadavg", VFS_PROC_LOADAVG}, {"cpuinfo", VFS_PROC_CPUINFO},
    };
    (void)vfs;
    vfs_node_t *n;
    int rc = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0] && rc == 0; i++) {
        if (vfs_dir_lookup(proc, files[i].name, strlen(files[i].name)))
            continue;
        rc = vfs_dir_create(proc, files[i].name, VFS_K_PROC, LX_S_IFREG | 0444, &n);
        if (rc == 0)
            n->u.proc.file = files[i].file;
    }
    if (rc == 0 && !vfs_dir_lookup(proc, "mounts", 6)) {
        char *target = vfs_strdup("self/mounts");
        rc = target ? vfs_dir_create(proc, "mounts", VFS_K_LNK, LX_S_IFLNK | 0777, &n)
                    : -LX_ENOMEM;
        if (rc == 0)
            n->u.lnk.target = target;
        else
            free(target);
    }
    return rc;
}

/* ---- a text builder (no stdio in logic files) ---- */

typedef struct text {
    char *b;
    size_t n, cap;
} text_t;

static void t_mem(text_t *t, const char *s, size_t len)
{
    if (len > t->cap - t->n)
        len = t->cap - t->n;
    memcpy(t->b + t->n, s, len);
    t->n += len;
}

static void t_str(text_t *t, const char *s)
{
    t_mem(t, s, strlen(s));
}

/* v in decimal, right-aligned in width characters (0: as long as it is) */
static void t_num(text_t *t, uint64_t v, size_t width)
{
    char d[20];
    size_t n = vfs_fmt_u64(d, v);
    while (width > n) {
        t_mem(t, " ", 1);
        width--;
    }
    t_mem(t, d, n);
}

/* v / 10^decimals with that many decimals ("12.34") */
static void t_fixed(text_t *t, uint64_t v, unsigned decimals)
{
    uint64_t scale = 1;
    for (unsigned i = 0; i < decimals; i++)
        scale *= 10;
    t_num(t, v / scale, 0);
    t_str(t, ".");
    char d[20];
    size_t n = vfs_fmt_u64(d, v % scale);
    for (size_t i = n; i < decimals; i++)
        t_mem(t, "0", 1);
    t_mem(t, d, n);
}

/* ---- the files ---- */

static void sysinfo(vfs_t *vfs, struct vfs_sysinfo *si)
{
    memset(si, 0, sizeof(*si));
    if (vfs->env.sysinfo)
        vfs->env.sysinfo(vfs->env.ctx, si);
}

/* The root is a tmpfs filled from the initrd. Not Linux's "rootfs" name for it: df and
 * findmnt skip a "rootfs" line, which Linux shows only below the real root it mounts over it,
 * so `df` would list nothing and `df /` would name /proc. */
static void fmt_mounts(text_t *t)
{
    t_str(t, "tmpfs / tmpfs rw 0 0\n");
    t_str(t, "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
}

/* "Name:" padded to 16 columns, the value in kB right-aligned in 8, " kB" (show_val_kb) */
static void meminfo_line(text_t *t, const char *name, uint64_t bytes)
{
    size_t len = strlen(name);
    t_str(t, name);
    t_str(t, ":");
    for (size_t i = len + 1; i < 16; i++)
        t_str(t, " ");
    t_num(t, bytes / 1024, 8);
    t_str(t, " kB\n");
}

static void fmt_meminfo(vfs_t *vfs, text_t *t)
{
    struct vfs_sysinfo si;
    sysinfo(vfs, &si);
    /* files live in memory (tmpfs): cached and shared, and not reclaimable without swap */
    uint64_t cached = vfs->pc.pages * 4096;
    uint64_t used = si.mem_total > si.mem_free ? si.mem_total - si.mem_free : 0;
    uint64_t anon = used > cached ? used - cached : 0;
    const struct {
        const char *name;
        uint64_t bytes;
    } lines[] = {
        {"MemTotal", si.mem_total}, {"MemFree", si.mem_free}, {"MemAvailable", si.mem_free},
        {"Buffers", 0},             {"Cached", cached},       {"SwapCached", 0},
        {"Active", anon},           {"Inactive", cached},     {"SwapTotal", 0},
        {"SwapFree", 0},            {"Dirty", 0},             {"Writeback", 0},
        {"AnonPages", anon},        {"Mapped", 0},            {"Shmem", cached},
        {"Slab", 0},                {"SReclaimable", 0},      {"SUnreclaim", 0},
        {"PageTables", 0},          {"CommitLimit", si.mem_total / 2},
        {"Committed_AS", anon},
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        meminfo_line(t, lines[i].name, lines[i].bytes);
}

/* Processes vfs knows, and those of them not waiting in a vfs call (the others sleep); a process
 * waiting in procmgr (wait4, nanosleep) cannot be told apart here and counts as running. */
static void proc_counts(vfs_t *vfs, uint64_t *total, uint64_t *running)
{
    *total = *running = 0;
    for (vfs_proc_t *p = vfs->procs; p; p = p->next) {
        (*total)++;
        *running += !p->pending;
    }
    if (*running == 0)
        *running = 1;   /* the reader itself */
}

static void cpu_line(text_t *t, const char *name, const struct vfs_sysinfo *si)
{
    /* user nice system idle iowait irq softirq steal guest guest_nice, in USER_HZ ticks */
    uint64_t v[10] = {si->cpu_ns[0] / NS_PER_TICK, 0, si->cpu_ns[1] / NS_PER_TICK,
                      si->cpu_ns[2] / NS_PER_TICK};
    t_str(t, name);
    for (int i = 0; i < 10; i++) {
        t_str(t, " ");
        t_num(t, v[i], 0);
    }
    t_str(t, "\n");
}

static void fmt_stat(vfs_t *vfs, text_t *t)
{
    struct vfs_sysinfo si;
    sysinfo(vfs, &si);
    uint64_t total, running;
    proc_counts(vfs, &total, &running);
    uint64_t mono = vfs_clock_mono(vfs), real = vfs_clock_real(vfs);
    cpu_line(t, "cpu ", &si);
    cpu_line(t, "cpu0", &si);
    t_str(t, "intr 0\nctxt ");
    t_num(t, si.ctxt, 0);
    t_str(t, "\nbtime ");
    t_num(t, (real > mono ? real - mono : 0) / NS_PER_SEC, 0);
    t_str(t, "\nprocesses ");
    t_num(t, vfs->procs_created, 0);
    t_str(t, "\nprocs_running ");
    t_num(t, running, 0);
    t_str(t, "\nprocs_blocked 0\nsoftirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

static void fmt_uptime(vfs_t *vfs, text_t *t)
{
    struct vfs_sysinfo si;
    sysinfo(vfs, &si);
    t_fixed(t, vfs_clock_mono(vfs) / (NS_PER_SEC / 100), 2);
    t_str(t, " ");
    t_fixed(t, si.cpu_ns[2] / (NS_PER_SEC / 100), 2);
    t_str(t, "\n");
}

static void fmt_loadavg(vfs_t *vfs, text_t *t)
{
    uint64_t total, running;
    proc_counts(vfs, &total, &running);
    t_str(t, "0.00 0.00 0.00 ");   /* no load accounting yet */
    t_num(t, running, 0);
    t_str(t, "/");
    t_num(t, total, 0);
    t_str(t, " ");
    t_num(t, (uint64_t)vfs->last_pid, 0);
    t_str(t, "\n");
}

/* ---- cpuinfo ---- */

static void cpuid(vfs_t *vfs, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    r[0] = r[1] = r[2] = r[3] = 0;
    if (vfs->env.cpuid)
        vfs->env.cpuid(vfs->env.ctx, leaf, sub, r);
}

/* Linux's names of the CPUID feature bits (arch/x86/include/asm/cpufeatures.h), in its order:
 * 1:EDX, 0x80000001:EDX, 1:ECX, 0x80000001:ECX, 7:EBX, 7:ECX. NULL: not shown. */
static const char *const flag_names[6][32] = {
    {"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep", "mtrr",
     "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi", "mmx", "fxsr",
     "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"},
    {[11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext", [25] = "fxsr_opt",
     [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm", [30] = "3dnowext", [31] = "3dnow"},
    {"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3",
     "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1", "sse4_2",
     "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", NULL, "avx", "f16c",
     "rdrand", "hypervisor"},
    {"lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a", "misalignsse",
     "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL,
     "nodeid_msr", NULL, "tbm", "topoext", "perfctr_core", "perfctr_nb", NULL, "bpext", "ptsc",
     "perfctr_llc", "mwaitx"},
    {"fsgsbase", "tsc_adjust", NULL, "bmi1", "hle", "avx2", NULL, "smep", "bmi2", "erms",
     "invpcid", "rtm", "cqm", NULL, "mpx", NULL, "avx512f", "avx512dq", "rdseed", "adx", "smap",
     "avx512ifma", NULL, "clflushopt", "clwb", NULL, "avx512pf", "avx512er", "avx512cd",
     "sha_ni", "avx512bw", "avx512vl"},
    {[1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke", [6] = "avx512_vbmi2",
     [8] = "gfni", [9] = "vaes", [10] = "vpclmulqdq", [11] = "avx512_vnni",
     [12] = "avx512_bitalg", [14] = "avx512_vpopcntdq", [16] = "la57", [22] = "rdpid"},
};

static void cpu_field(text_t *t, const char *name, const char *tabs)
{
    t_str(t, name);
    t_str(t, tabs);
    t_str(t, ": ");
}

static void fmt_cpuinfo(vfs_t *vfs, text_t *t)
{
    uint32_t r0[4], r1[4], e0[4], e1[4] = {0}, e6[4] = {0}, e8[4] = {0}, l7[4] = {0};
    cpuid(vfs, 0, 0, r0);
    cpuid(vfs, 1, 0, r1);
    cpuid(vfs, 0x80000000u, 0, e0);
    if (r0[0] >= 7)
        cpuid(vfs, 7, 0, l7);
    if (e0[0] >= 0x80000001u)
        cpuid(vfs, 0x80000001u, 0, e1);
    if (e0[0] >= 0x80000006u)
        cpuid(vfs, 0x80000006u, 0, e6);
    if (e0[0] >= 0x80000008u)
        cpuid(vfs, 0x80000008u, 0, e8);
    struct vfs_sysinfo si;
    sysinfo(vfs, &si);

    char vendor[13];
    memcpy(vendor, &r0[1], 4);
    memcpy(vendor + 4, &r0[3], 4);
    memcpy(vendor + 8, &r0[2], 4);
    vendor[12] = '\0';
    uint32_t sig = r1[0];
    uint32_t family = (sig >> 8) & 0xf, model = (sig >> 4) & 0xf;
    if (family == 0xf)
        family += (sig >> 20) & 0xff;
    if (family >= 6)
        model += ((sig >> 16) & 0xf) << 4;
    char name[49] = "";
    if (e0[0] >= 0x80000004u) {
        for (uint32_t i = 0; i < 3; i++) {
            uint32_t r[4];
            cpuid(vfs, 0x80000002u + i, 0, r);
            memcpy(name + 16 * i, r, 16);
        }
        name[48] = '\0';
    }
    const char *model_name = name;
    while (*model_name == ' ')
        model_name++;

    cpu_field(t, "processor", "\t");
    t_str(t, "0\n");
    cpu_field(t, "vendor_id", "\t");
    t_str(t, vendor);
    cpu_field(t, "\ncpu family", "\t");
    t_num(t, family, 0);
    cpu_field(t, "\nmodel", "\t\t");
    t_num(t, model, 0);
    cpu_field(t, "\nmodel name", "\t");
    t_str(t, *model_name ? model_name : "unknown");
    cpu_field(t, "\nstepping", "\t");
    t_num(t, sig & 0xf, 0);
    cpu_field(t, "\ncpu MHz", "\t\t");
    t_fixed(t, si.tsc_hz / 1000, 3);
    if (e6[2] >> 16) {
        cpu_field(t, "\ncache size", "\t");
        t_num(t, e6[2] >> 16, 0);
        t_str(t, " KB");
    }
    t_str(t, "\nphysical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"
             "apicid\t\t: 0\ninitial apicid\t: 0\nfpu\t\t: yes\nfpu_exception\t: yes\n");
    cpu_field(t, "cpuid level", "\t");
    t_num(t, r0[0], 0);
    t_str(t, "\nwp\t\t: yes\n");
    cpu_field(t, "flags", "\t\t");
    const uint32_t words[6] = {r1[3], e1[3], r1[2], e1[2], l7[1], l7[2]};
    bool first = true;
    for (int w = 0; w < 6; w++) {
        for (int b = 0; b < 32; b++) {
            if (!(words[w] & (1u << b)) || !flag_names[w][b])
                continue;
            if (!first)
                t_str(t, " ");
            t_str(t, flag_names[w][b]);
            first = false;
        }
    }
    t_str(t, "\nbugs\t\t: \n");
    cpu_field(t, "bogomips", "\t");
    t_fixed(t, si.tsc_hz / 5000, 2);   /* 2 x MHz, as Linux's calibration comes out */
    cpu_field(t, "\nclflush size", "\t");
    t_num(t, ((r1[1] >> 8) & 0xff) * 8, 0);
    cpu_field(t, "\ncache_alignment", "\t");
    t_num(t, ((r1[1] >> 8) & 0xff) * 8, 0);
    cpu_field(t, "\naddress sizes", "\t");
    t_num(t, e8[0] & 0xff, 0);
    t_str(t, " bits physical, ");
    t_num(t, (e8[0] >> 8) & 0xff, 0);
    t_str(t, " bits virtual\npower management:\n\n");
}

size_t vfs_procinfo_text(vfs_t *vfs, enum vfs_procfile file, char *buf, size_t size)
{
    text_t t = {buf, 0, size};
    switch (file) {
    case VFS_PROC_MOUNTS:
        fmt_mounts(&t);
        break;
    case VFS_PROC_MEMINFO:
        fmt_meminfo(vfs, &t);
        break;
    case VFS_PROC_STAT:
        fmt_stat(vfs, &t);
        break;
    case VFS_PROC_UPTIME:
        fmt_uptime(vfs, &t);
        break;
    case VFS_PROC_LOADAVG:
        fmt_loadavg(vfs, &t);
        break;
    case VFS_PROC_CPUINFO:
        fmt_cpuinfo(vfs, &t);
        break;
    default:
        break;
    }
    return t.n;
}
