/* /proc/<pid>/{stat,cmdline,comm,maps,status}: their text, made from the process table, and the
 * reads of it that vfs hands over (status is pm_procfs_status.c).
 *
 * vfs owns the /proc tree but not process state, and may not call procmgr and wait, so it queues
 * a read with the reader's token and notifies procmgr (docs/vfs.md, "/proc"). procmgr makes the
 * text, copies the slice the reader asked for straight into the reader's memory, tells vfs the
 * count (vfs moves the file position), and only then answers the reader: the reader's next read
 * cannot reach vfs before the position has moved.
 *
 * The text is made afresh for every chunk of a read; nothing runs between the chunks, so they
 * agree. cmdline is read from the process's own memory between arg_start and arg_end, as on
 * Linux, so a program that rewrites its argv strings shows the new text. maps is one line per
 * mapping in Linux's format: a file mapping (the program's segments, a file mmap'ed) shows its
 * offset, device, inode and path; the heap, the stack, the vDSO and its clock page are named as
 * on Linux.
 *
 * Entry points: pm_procfs_format, pm_procfs_format_with, pm_procfs_read; for pm_procfs_status.c
 * the text helpers pm_text_str, pm_text_u64, pm_vsize, pm_sig_masks. */
#include <string.h>
#include <lx/mman.h>
#include "pm_internal.h"

#define PM_PROCFS_CHUNK  1024   /* bytes formatted and copied out at a time */
#define PM_USER_HZ       100    /* clock ticks of stat's time fields (USER_HZ) */

void pm_text_str(pm_text_t *t, const char *s)
{
    while (*s && t->n < sizeof(t->b))
        t->b[t->n++] = *s++;
}

void pm_text_u64(pm_text_t *t, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n > 0 && t->n < sizeof(t->b))
        t->b[t->n++] = tmp[--n];
}

/* " v": every field after the comm is preceded by one space */
static void pm_text_field(pm_text_t *t, uint64_t v)
{
    pm_text_str(t, " ");
    pm_text_u64(t, v);
}

static void pm_text_field_signed(pm_text_t *t, int64_t v)
{
    pm_text_str(t, v < 0 ? " -" : " ");
    pm_text_u64(t, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

/* Lowest start and highest end of the ELF image's mappings with (or, for data, without) exec. */
static void pm_elf_range(const pm_mm_t *mm, bool code, uint64_t *start, uint64_t *end)
{
    *start = *end = 0;
    for (size_t i = 0; mm && i < mm->n; i++) {
        const pm_vma_t *v = &mm->v[i];
        if (v->kind != PM_VMA_ELF || ((v->prot & LX_PROT_EXEC) != 0) != code)
            continue;
        if (!*start || v->start < *start)
            *start = v->start;
        if (v->end > *end)
            *end = v->end;
    }
}

uint64_t pm_vsize(const pm_mm_t *mm)
{
    uint64_t total = 0;
    for (size_t i = 0; mm && i < mm->n; i++)
        total += mm->v[i].end - mm->v[i].start;
    return total;
}

/* Signal masks as stat shows them: bit s-1 for signal s. */
void pm_sig_masks(const pm_proc_t *p, uint64_t *ignored, uint64_t *caught)
{
    *ignored = *caught = 0;
    for (int s = 1; s <= LX_NSIG; s++) {
        if (p->act[s].sa_handler == LX_SIG_IGN)
            *ignored |= LX_SIGBIT(s);
        else if (p->act[s].sa_handler != LX_SIG_DFL)
            *caught |= LX_SIGBIT(s);
    }
}

/* Linux's do_task_stat, field by field (proc(5) numbers them from 1). What we do not keep
 * (page faults, rss, wchan, scheduling) is 0, as Linux shows for fields it hides. */
static void pm_format_stat(pm_t *pm, const pm_proc_t *p, const pm_procfs_facts_t *facts,
                           pm_text_t *t)
{
    const pm_mm_t *mm = p->mm;
    uint64_t utime, stime;
    pm_proc_cputime(pm, p, &utime, &stime);
    const uint64_t tick = 1000000000ull / PM_USER_HZ;   /* NULL for a zombie: its memory fields read 0, as on Linux */
    uint64_t code_start, code_end, data_start, data_end, ignored, caught;
    pm_elf_range(mm, true, &code_start, &code_end);
    pm_elf_range(mm, false, &data_start, &data_end);
    pm_sig_masks(p, &ignored, &caught);
    char state[2] = {pm_proc_state(p), 0};

    pm_text_u64(t, (uint64_t)p->pid);                       /* 1 pid */
    pm_text_str(t, " (");                                   /* 2 comm, in parentheses */
    pm_text_str(t, p->comm);
    pm_text_str(t, ") ");
    pm_text_str(t, state);                                  /* 3 state */
    pm_text_field(t, p->parent ? (uint64_t)p->parent->pid : 0);   /* 4 ppid */
    pm_text_field(t, (uint64_t)p->pgid);                    /* 5 pgrp */
    pm_text_field(t, (uint64_t)p->sid);                     /* 6 session */
    pm_text_field(t, (uint64_t)(uint32_t)facts->tty_nr);   /* 7 tty_nr (vfs knows it) */
    pm_text_field_signed(t, facts->tpgid);                  /* 8 tpgid: -1 without a terminal */
    for (int f = 9; f <= 13; f++)                           /* 9 flags .. 13 cmajflt */
        pm_text_field(t, 0);
    pm_text_field(t, utime / tick);                         /* 14 utime, clock ticks */
    pm_text_field(t, stime / tick);                         /* 15 stime */
    pm_text_field(t, p->child_utime / tick);                /* 16 cutime: reaped children */
    pm_text_field(t, p->child_stime / tick);                /* 17 cstime */
    pm_text_field_signed(t, 20 + p->nice);                  /* 18 priority */
    pm_text_field_signed(t, p->nice);                       /* 19 nice */
    pm_text_field(t, (uint64_t)(p->nthreads ? p->nthreads : 1));   /* 20 num_threads */
    pm_text_field(t, 0);                                    /* 21 itrealvalue */
    pm_text_field(t, p->start_ns / (1000000000ull / PM_USER_HZ));   /* 22 starttime */
    pm_text_field(t, pm_vsize(mm));                         /* 23 vsize, bytes */
    pm_text_field(t, 0);                                    /* 24 rss */
    pm_text_field(t, p->rlim[LX_RLIMIT_RSS].rlim_cur);      /* 25 rsslim */
    pm_text_field(t, code_start);                           /* 26 startcode */
    pm_text_field(t, code_end);                             /* 27 endcode */
    pm_text_field(t, mm ? mm->start_stack : 0);             /* 28 startstack */
    pm_text_field(t, 0);                                    /* 29 kstkesp */
    pm_text_field(t, 0);                                    /* 30 kstkeip */
    pm_text_field(t, p->pending);                           /* 31 signal */
    pm_text_field(t, p->threads ? p->threads->sigmask : 0); /* 32 blocked */
    pm_text_field(t, ignored);                              /* 33 sigignore */
    pm_text_field(t, caught);                               /* 34 sigcatch */
    for (int f = 35; f <= 37; f++)                          /* 35 wchan, 36 nswap, 37 cnswap */
        pm_text_field(t, 0);
    pm_text_field_signed(t, p->exit_signal);                /* 38 exit_signal */
    for (int f = 39; f <= 44; f++)                          /* 39 processor .. 44 cguest_time */
        pm_text_field(t, 0);
    pm_text_field(t, data_start);                           /* 45 start_data */
    pm_text_field(t, data_end);                             /* 46 end_data */
    pm_text_field(t, mm ? mm->brk_start : 0);               /* 47 start_brk */
    pm_text_field(t, mm ? mm->arg_start : 0);               /* 48 arg_start */
    pm_text_field(t, mm ? mm->arg_end : 0);                 /* 49 arg_end */
    pm_text_field(t, mm ? mm->env_start : 0);               /* 50 env_start */
    pm_text_field(t, mm ? mm->env_end : 0);                 /* 51 env_end */
    pm_text_field_signed(t, p->state == PM_P_ZOMBIE ? p->wstatus : 0);   /* 52 exit_code */
    pm_text_str(t, "\n");
}

static int64_t pm_text_slice(const pm_text_t *t, uint64_t off, char *buf, size_t size)
{
    if (off >= t->n)
        return 0;
    size_t n = t->n - (size_t)off;
    if (n > size)
        n = size;
    memcpy(buf, t->b + off, n);
    return (int64_t)n;
}

/* The argument area read from the process's memory; a zombie has none (empty, as on Linux),
 * and an area the program has unmapped reads as empty too. */
static int64_t pm_cmdline_slice(pm_t *pm, const pm_proc_t *p, uint64_t off, char *buf,
                                size_t size)
{
    const pm_mm_t *mm = p->mm;
    if (!mm || !p->has_as || mm->arg_end <= mm->arg_start)
        return 0;
    uint64_t len = mm->arg_end - mm->arg_start;
    if (off >= len)
        return 0;
    uint64_t n = len - off < size ? len - off : size;
    if (pm->env.as_read(pm->env.ctx, p->as, buf, mm->arg_start + off, n))
        return 0;
    return (int64_t)n;
}

/* hex digits of v into t, at least `min` of them (show_map_vma's %08lx, %02x) */
static void pm_text_hex(pm_text_t *t, uint64_t v, int min)
{
    char d[17];
    int n = 0;
    for (int shift = 60; shift >= 0; shift -= 4)
        if ((v >> shift) || shift < 4 * min || n)
            d[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
    d[n] = 0;
    pm_text_str(t, d);
}

/* One mapping as Linux's show_map_vma prints it: "start-end perms offset dev inode ", then,
 * for a named one, spaces to column 73 and the name. */
static void pm_maps_line(const pm_vma_t *v, pm_text_t *t)
{
    const pm_file_t *f = v->file;
    char perms[5] = {v->prot & LX_PROT_READ ? 'r' : '-', v->prot & LX_PROT_WRITE ? 'w' : '-',
                     v->prot & LX_PROT_EXEC ? 'x' : '-', v->kind == PM_VMA_SHARED ? 's' : 'p', 0};
    const char *name = f && f->path         ? f->path
                       : v->kind == PM_VMA_BRK   ? "[heap]"
                       : v->kind == PM_VMA_STACK ? "[stack]"
                       : v->kind == PM_VMA_VDSO  ? "[vdso]"
                       : v->kind == PM_VMA_VVAR  ? "[vvar]"
                                                 : NULL;
    size_t start = t->n;
    pm_text_hex(t, v->start, 8);
    pm_text_str(t, "-");
    pm_text_hex(t, v->end, 8);
    pm_text_str(t, " ");
    pm_text_str(t, perms);
    pm_text_str(t, " ");
    pm_text_hex(t, f ? v->off : 0, 8);
    pm_text_str(t, " ");
    /* the device as MAJOR:MINOR of its number (Linux's old encoding, what st_dev 1 is) */
    pm_text_hex(t, f ? (f->dev >> 8) & 0xfff : 0, 2);
    pm_text_str(t, ":");
    pm_text_hex(t, f ? (f->dev & 0xff) | ((f->dev >> 12) & 0xfff00) : 0, 2);
    pm_text_str(t, " ");
    pm_text_u64(t, f ? f->ino : 0);
    pm_text_str(t, " ");
    if (name) {
        while (t->n - start < 73 && t->n < sizeof(t->b))
            t->b[t->n++] = ' ';
        pm_text_str(t, name);
    }
    pm_text_str(t, "\n");
}

/* The maps text from byte off on: made a line at a time, only the slice asked for kept. */
static int64_t pm_maps_slice(const pm_proc_t *p, uint64_t off, char *buf, size_t size)
{
    uint64_t at = 0;   /* text offset of the line in hand */
    size_t done = 0;
    for (size_t i = 0; p->mm && i < p->mm->n && done < size; i++) {
        pm_text_t line;
        line.n = 0;
        pm_maps_line(&p->mm->v[i], &line);
        if (at + line.n > off) {
            size_t from = off > at ? (size_t)(off - at) : 0;
            size_t n = line.n - from < size - done ? line.n - from : size - done;
            memcpy(buf + done, line.b + from, n);
            done += n;
        }
        at += line.n;
    }
    return (int64_t)done;
}

int64_t pm_procfs_format(pm_t *pm, int32_t pid, int which, uint64_t off, char *buf, size_t size)
{
    pm_procfs_facts_t facts = PM_PROCFS_FACTS_NONE;
    return pm_procfs_format_with(pm, pid, which, &facts, off, buf, size);
}

int64_t pm_procfs_format_with(pm_t *pm, int32_t pid, int which, const pm_procfs_facts_t *facts,
                              uint64_t off, char *buf, size_t size)
{
    pm_proc_t *p = pm_proc_find(pm, pid);
    if (!p)
        return -LX_ESRCH;
    pm_text_t t;
    t.n = 0;
    switch (which) {
    case PM_PROCFS_STAT:
        pm_format_stat(pm, p, facts, &t);
        return pm_text_slice(&t, off, buf, size);
    case PM_PROCFS_STATUS:
        pm_format_status(pm, p, facts, &t);
        return pm_text_slice(&t, off, buf, size);
    case PM_PROCFS_COMM:
        pm_text_str(&t, p->comm);
        pm_text_str(&t, "\n");
        return pm_text_slice(&t, off, buf, size);
    case PM_PROCFS_CMDLINE:
        return pm_cmdline_slice(pm, p, off, buf, size);
    case PM_PROCFS_MAPS:
        return pm_maps_slice(p, off, buf, size);
    default:
        return -LX_EINVAL;
    }
}

/* The reader may write [va, va+len): env->as_write is a privileged copy (exec needs that), so
 * the protection is checked here, as a user write would be. */
static bool pm_user_writable(const pm_proc_t *p, uint64_t va, uint64_t len)
{
    uint64_t end = va + len;
    if (!p->mm || end < va)
        return false;
    while (va < end) {
        const pm_vma_t *v = pm_mm_find(p->mm, va);
        if (!v || !(v->prot & LX_PROT_WRITE))
            return false;
        va = v->end;
    }
    return true;
}

/* Bytes placed in the reader's buffer, or -errno if none could be. */
static int64_t pm_procfs_copy(pm_t *pm, pm_proc_t *reader, const pm_procfs_req_t *rq)
{
    char chunk[PM_PROCFS_CHUNK];
    uint64_t done = 0;
    while (done < rq->len) {
        size_t want = rq->len - done < sizeof(chunk) ? (size_t)(rq->len - done) : sizeof(chunk);
        int64_t n = pm_procfs_format_with(pm, rq->target, rq->which, &rq->facts, rq->off + done,
                                          chunk, want);
        if (n < 0)
            return done ? (int64_t)done : n;
        if (n == 0)
            break;
        if (!pm_user_writable(reader, rq->uaddr + done, (uint64_t)n) ||
            pm_copy_out(pm, reader, rq->uaddr + done, chunk, (uint64_t)n))
            return done ? (int64_t)done : -LX_EFAULT;
        done += (uint64_t)n;
        if ((size_t)n < want)
            break;   /* the end of the text */
    }
    return (int64_t)done;
}

void pm_procfs_read(pm_t *pm, const pm_procfs_req_t *rq, pm_token_t tok)
{
    pm_thr_t *t = rq->tid > 0 ? pm_thr_find(pm, rq->tid) : NULL;
    if (!t || t->proc->pid != rq->pid || t->proc->state != PM_P_LIVE) {
        /* the reader died while vfs or we held its read: nobody to answer */
        if (pm->env.vfs_procfs_done)
            pm->env.vfs_procfs_done(pm->env.ctx, rq->id, 0);
        pm->env.drop(pm->env.ctx, tok);
        return;
    }
    pm->depth++;
    int64_t r = pm_procfs_copy(pm, t->proc, rq);
    if (pm->env.vfs_procfs_done)
        pm->env.vfs_procfs_done(pm->env.ctx, rq->id, r > 0 ? r : 0);
    pm_thr_resume(pm, t, tok, PM_RES_VALUE, r);
    pm->depth--;
    pm_gc(pm);
}
