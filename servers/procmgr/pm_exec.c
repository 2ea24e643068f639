/* execve, and the start of init: two-phase program loading.
 *
 * Phase 1 copies the path, argv and envp out of the caller's address space (which a vfork
 * child shares with its parked parent) and opens the file. Phase 2 resolves `#!` scripts and
 * loads the ELF image and the initial stack into a NEW address space. Nothing the caller can
 * see has changed until then: any failure returns -errno to the caller (a vfork parent stays
 * parked). Phase 3, the commit, cannot fail back to the caller: switch the thread to the new
 * space and frame, have vfs close the CLOEXEC descriptors, and only then release a vfork
 * parent (musl's posix_spawn parent reads its CLOEXEC pipe and must see EOF).
 *
 * Error order follows Linux's do_execveat_common: the path (EFAULT, ENAMETOOLONG, ENOENT for
 * ""), the open (vfs: ENOENT, ENOTDIR, EACCES, ELOOP...), the argv/envp pointer arrays (EFAULT),
 * the size limit (E2BIG), the strings (EFAULT, E2BIG), then the format (ENOEXEC, a script's
 * interpreter errors, ELOOP after 5 interpreter rewrites).
 *
 * Entry points: pm_sys_execve, pm_start_init, pm_exec_reset_signals. */
#include <stdlib.h>
#include <string.h>
#include <lx/elf.h>
#include <lx/fs.h>
#include <lx/mman.h>
#include "pm_elf.h"
#include "pm_stack.h"

#define PM_MAX_ARG_STRLEN (32 * 4096)   /* one string, NUL included (MAX_ARG_STRLEN) */
#define PM_ARG_MIN        (32 * 4096)   /* ARG_MAX: the limit is never below this */
#define PM_ARG_CAP        (6ull << 20)  /* 3/4 of _STK_LIM: nor above this */
#define PM_INTERP_DEPTH   5             /* exec_binprm: depth > 5 is ELOOP */
#define PM_BINPRM_BUF     256

typedef struct pm_strv {
    char **v;
    size_t n, cap;
} pm_strv_t;

typedef struct pm_exec_args {
    char *path;        /* as given to execve: AT_EXECFN and comm */
    pm_strv_t argv, envp;
    int32_t tid;       /* the exec'ing thread: paths start at its cwd (its own, maybe) */
} pm_exec_args_t;

typedef struct pm_exec_image {
    pm_mm_t *mm;
    uint64_t entry, rsp;
} pm_exec_image_t;

/* A program file opened through vfs: its id for reads, its size, and what mapping it needs (its
 * memory object and its name, pm_file_t material). */
typedef struct pm_exec_file {
    uint64_t id, size;
    pm_fileinfo_t fi;
    bool open;
} pm_exec_file_t;

static int pm_exec_file_open(pm_t *pm, int32_t pid, int32_t tid, const char *path,
                             pm_exec_file_t *ef)
{
    memset(ef, 0, sizeof(*ef));
    int r = pm->env.vfs_exec_open(pm->env.ctx, pid, tid, path, &ef->id, &ef->size, &ef->fi);
    ef->open = r == 0;
    return r;
}

static void pm_exec_file_close(pm_t *pm, pm_exec_file_t *ef)
{
    if (!ef->open)
        return;
    pm->env.vfs_file_close(pm->env.ctx, ef->id);
    pm_fileinfo_drop(pm, &ef->fi);
    memset(ef, 0, sizeof(*ef));
}

static int pm_strv_insert(pm_strv_t *s, size_t at, char *str)
{
    if (!str)
        return -LX_ENOMEM;
    if (s->n + 1 >= s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **v = realloc(s->v, cap * sizeof(*v));
        if (!v) {
            free(str);
            return -LX_ENOMEM;
        }
        s->v = v;
        s->cap = cap;
    }
    memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof(*s->v));
    s->v[at] = str;
    s->n++;
    s->v[s->n] = NULL;
    return 0;
}

static void pm_strv_remove(pm_strv_t *s, size_t at)
{
    free(s->v[at]);
    memmove(&s->v[at], &s->v[at + 1], (s->n - at - 1) * sizeof(*s->v));
    s->n--;
    s->v[s->n] = NULL;
}

static void pm_strv_free(pm_strv_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

static char *pm_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

static void pm_exec_args_free(pm_exec_args_t *a)
{
    free(a->path);
    pm_strv_free(&a->argv);
    pm_strv_free(&a->envp);
}

/* The argument area's budget: a quarter of the stack rlimit, within [ARG_MAX, 6 MiB]. */
static uint64_t pm_exec_arg_limit(const pm_proc_t *p)
{
    uint64_t limit = p->rlim[LX_RLIMIT_STACK].rlim_cur / 4;
    if (limit < PM_ARG_MIN)
        limit = PM_ARG_MIN;
    if (limit > PM_ARG_CAP)
        limit = PM_ARG_CAP;
    return limit;
}

static uint64_t pm_exec_strings_size(const pm_exec_args_t *a)
{
    uint64_t total = strlen(a->path) + 1;
    for (size_t i = 0; i < a->argv.n; i++)
        total += strlen(a->argv.v[i]) + 1;
    for (size_t i = 0; i < a->envp.n; i++)
        total += strlen(a->envp.v[i]) + 1;
    return total;
}

/* E2BIG unless the pointers and strings fit the budget (bprm_stack_limits + copy_strings). */
static int pm_exec_check_size(const pm_proc_t *p, const pm_exec_args_t *a)
{
    uint64_t limit = pm_exec_arg_limit(p);
    uint64_t ptrs = ((a->argv.n ? a->argv.n : 1) + a->envp.n) * 8;
    if (limit <= ptrs || pm_exec_strings_size(a) > limit - ptrs)
        return -LX_E2BIG;
    return 0;
}

/* Count a user NULL-terminated pointer array (EFAULT on an unreadable slot). */
static int64_t pm_exec_count(pm_t *pm, pm_proc_t *p, uint64_t va, uint64_t limit)
{
    if (va == 0)
        return 0;
    for (uint64_t i = 0;; i++) {
        uint64_t ptr;
        if (pm_copy_in(pm, p, &ptr, va + 8 * i, 8))
            return -LX_EFAULT;
        if (ptr == 0)
            return (int64_t)i;
        if (i * 8 >= limit)
            return -LX_E2BIG;
    }
}

static int pm_exec_copy_strings(pm_t *pm, pm_proc_t *p, uint64_t va, int64_t n, pm_strv_t *out)
{
    char *buf = malloc(PM_MAX_ARG_STRLEN);
    if (!buf)
        return -LX_ENOMEM;
    int r = 0;
    for (int64_t i = 0; i < n && !r; i++) {
        uint64_t ptr;
        if (pm_copy_in(pm, p, &ptr, va + 8 * (uint64_t)i, 8)) {
            r = -LX_EFAULT;
            break;
        }
        int64_t len = pm_copy_str_in(pm, p, buf, ptr, PM_MAX_ARG_STRLEN, LX_E2BIG);
        if (len < 0)
            r = (int)len;
        else
            r = pm_strv_insert(out, out->n, pm_strndup(buf, (size_t)len));
    }
    free(buf);
    return r;
}

/* Phase 1: everything read from the caller's memory, and the file opened. */
static int pm_exec_copy_in(pm_t *pm, pm_proc_t *p, const uint64_t *a, pm_exec_args_t *args,
                           pm_exec_file_t *ef)
{
    char *path = malloc(LX_PATH_MAX);
    if (!path)
        return -LX_ENOMEM;
    int64_t len = pm_copy_str_in(pm, p, path, a[0], LX_PATH_MAX, LX_ENAMETOOLONG);
    if (len < 0) {
        free(path);
        return (int)len;
    }
    if (len == 0) {
        free(path);
        return -LX_ENOENT;
    }
    args->path = path;

    int r = pm_exec_file_open(pm, p->pid, args->tid, path, ef);
    if (r)
        return r;
    uint64_t limit = pm_exec_arg_limit(p);
    int64_t argc = pm_exec_count(pm, p, a[1], limit);
    int64_t envc = argc < 0 ? 0 : pm_exec_count(pm, p, a[2], limit);
    if (argc < 0 || envc < 0)
        r = (int)(argc < 0 ? argc : envc);
    else if ((uint64_t)((argc ? argc : 1) + envc) * 8 >= limit)
        r = -LX_E2BIG;
    if (!r)
        r = pm_exec_copy_strings(pm, p, a[2], envc, &args->envp);
    if (!r)
        r = pm_exec_copy_strings(pm, p, a[1], argc, &args->argv);
    /* Linux >= 5.18: an empty argv gets "" as argv[0], so argc is never 0. */
    if (!r && args->argv.n == 0)
        r = pm_strv_insert(&args->argv, 0, pm_strndup("", 0));
    if (!r)
        r = pm_exec_check_size(p, args);
    if (r)
        pm_exec_file_close(pm, ef);
    return r;
}

static bool pm_spacetab(char c)
{
    return c == ' ' || c == '\t';
}

/* A `#!` line, parsed as Linux's load_script does (buf is the file's first 256 bytes, zero
 * padded): the interpreter and the optional single argument (everything after the first
 * blank, trailing blanks removed). -ENOEXEC if there is no interpreter or the line is cut off
 * inside the interpreter's name. */
static int pm_exec_parse_shebang(char *buf, char **name, char **arg)
{
    char *buf_end = buf + PM_BINPRM_BUF - 1;
    char *i_end = memchr(buf, '\n', PM_BINPRM_BUF);
    if (!i_end) {
        char *q = buf + 2;
        while (q < buf_end && pm_spacetab(*q))
            q++;
        if (q >= buf_end)
            return -LX_ENOEXEC;
        while (q < buf_end && *q && !pm_spacetab(*q))
            q++;
        if (q >= buf_end)
            return -LX_ENOEXEC;   /* the interpreter's name may be truncated */
        i_end = buf_end;
    }
    while (i_end > buf + 2 && pm_spacetab(i_end[-1]))
        i_end--;
    char *i_name = buf + 2;
    while (i_name < i_end && pm_spacetab(*i_name))
        i_name++;
    if (i_name >= i_end || *i_name == 0)
        return -LX_ENOEXEC;
    char *i_sep = i_name;
    while (i_sep < i_end && *i_sep && !pm_spacetab(*i_sep))
        i_sep++;
    char *i_arg = NULL;
    if (i_sep < i_end && *i_sep) {
        i_arg = i_sep;
        while (i_arg < i_end && pm_spacetab(*i_arg))
            i_arg++;
        if (i_arg >= i_end)
            i_arg = NULL;
    }
    *i_end = 0;
    *i_sep = 0;
    *name = i_name;
    *arg = i_arg;
    return 0;
}

/* A dynamically linked program: Linux would load its interpreter; we cannot, but report a
 * missing interpreter the way Linux does (ENOENT) and anything else as ENOEXEC. */
static int pm_exec_interp_error(pm_t *pm, int32_t pid, int32_t tid, uint64_t file,
                                const pm_elf_info_t *info)
{
    char *interp = malloc(info->interp_len);
    if (!interp)
        return -LX_ENOMEM;
    int64_t n = pm->env.vfs_file_read(pm->env.ctx, file, info->interp_off, interp,
                                      info->interp_len);
    int r = -LX_ENOEXEC;
    if (n == (int64_t)info->interp_len && interp[n - 1] == 0) {
        pm_exec_file_t ef;
        r = pm_exec_file_open(pm, pid, tid, interp, &ef);
        if (r == 0) {
            pm_exec_file_close(pm, &ef);
            r = -LX_ENOEXEC;
        }
    }
    free(interp);
    return r;
}

/* Map the stack and write the argument block into it. */
static int pm_exec_stack(pm_t *pm, const pm_exec_args_t *args, const pm_elf_info_t *info,
                         pm_as_t as, pm_mm_t *mm, uint64_t vdso, uint64_t *rsp)
{
    pm_stack_in_t in = {
        .argv = args->argv.v, .argc = args->argv.n,
        .envp = args->envp.v, .envc = args->envp.n,
        .execfn = args->path,
        .phdr = info->phdr_addr, .phent = sizeof(struct lx_elf64_phdr), .phnum = info->phnum,
        .entry = info->entry, .hwcap = pm->hwcap, .sysinfo_ehdr = vdso,
    };
    pm->env.random(pm->env.ctx, in.random, sizeof(in.random));
    uint64_t size = pm_stack_size(&in);
    uint64_t len = PM_STACK_SIZE + pm_page_up(size);
    uint64_t lo = PM_USER_TOP - len;
    int prot = LX_PROT_READ | LX_PROT_WRITE | (info->exec_stack ? LX_PROT_EXEC : 0);
    int r = pm->env.as_map(pm->env.ctx, as, lo, len, prot);
    if (r)
        return r;
    if ((r = pm_mm_insert(mm, lo, PM_USER_TOP, prot, PM_VMA_STACK)))
        return r;
    uint8_t *img = malloc(size);
    if (!img)
        return -LX_ENOMEM;
    *rsp = pm_stack_build(&in, PM_USER_TOP, img);
    r = pm->env.as_write(pm->env.ctx, as, *rsp, img, size);
    free(img);
    mm->start_stack = *rsp;
    pm_stack_strings(&in, PM_USER_TOP, &mm->arg_start, &mm->arg_end, &mm->env_end);
    mm->env_start = mm->arg_end;
    return r;
}

/* Phase 2: takes ownership of the open file ef (closed on every path). Loads into `as` only. */
static int pm_exec_load(pm_t *pm, pm_proc_t *p, pm_exec_args_t *args, pm_exec_file_t *ef,
                        pm_as_t as, pm_exec_image_t *img)
{
    char buf[PM_BINPRM_BUF];
    char *cur = NULL;                   /* the name the current file was opened by */
    int r = 0;
    pm_elf_info_t *info = NULL;
    struct lx_elf64_phdr *ph = NULL;
    pm_file_t *pf = NULL;
    img->mm = NULL;

    for (int depth = 0;; depth++) {
        if (depth > PM_INTERP_DEPTH) {
            r = -LX_ELOOP;
            goto out;
        }
        memset(buf, 0, sizeof(buf));
        int64_t n = pm->env.vfs_file_read(pm->env.ctx, ef->id, 0, buf,
                                          ef->size < sizeof(buf) ? ef->size : sizeof(buf));
        if (n < 0) {
            r = (int)n;
            goto out;
        }
        if (n < 2 || buf[0] != '#' || buf[1] != '!')
            break;
        char *name, *arg;
        if ((r = pm_exec_parse_shebang(buf, &name, &arg)))
            goto out;
        /* argv becomes: interpreter, [argument], script path, old argv[1..] */
        const char *script = cur ? cur : args->path;
        char *script_copy = pm_strndup(script, strlen(script));
        pm_strv_remove(&args->argv, 0);
        if ((r = pm_strv_insert(&args->argv, 0, script_copy)))
            goto out;
        if (arg && (r = pm_strv_insert(&args->argv, 0, pm_strndup(arg, strlen(arg)))))
            goto out;
        if ((r = pm_strv_insert(&args->argv, 0, pm_strndup(name, strlen(name)))))
            goto out;
        free(cur);
        cur = pm_strndup(name, strlen(name));
        if (!cur) {
            r = -LX_ENOMEM;
            goto out;
        }
        pm_exec_file_close(pm, ef);
        if ((r = pm_exec_file_open(pm, p->pid, args->tid, cur, ef)))
            goto out;
        if ((r = pm_exec_check_size(p, args)))
            goto out;
    }

    struct lx_elf64_ehdr eh;
    uint64_t phbytes;
    memcpy(&eh, buf, sizeof(eh));
    if ((r = pm_elf_check_ehdr(&eh, ef->size, &phbytes)))
        goto out;
    ph = malloc(phbytes);
    info = malloc(sizeof(*info));
    if (!ph || !info) {
        r = -LX_ENOMEM;
        goto out;
    }
    int64_t n = pm->env.vfs_file_read(pm->env.ctx, ef->id, eh.e_phoff, ph, phbytes);
    if (n != (int64_t)phbytes) {
        r = n < 0 ? (int)n : -LX_ENOEXEC;
        goto out;
    }
    if ((r = pm_elf_parse(&eh, ph, ef->size, info)))
        goto out;
    if (info->has_interp) {
        r = pm_exec_interp_error(pm, p->pid, args->tid, ef->id, info);
        goto out;
    }
    if (!(img->mm = pm_mm_new())) {
        r = -LX_ENOMEM;
        goto out;
    }
    /* the program's ranges hold the file (its object, its name) from here */
    pf = ef->fi.mem || ef->fi.path || ef->fi.deny ? pm_file_new(pm, &ef->fi) : NULL;
    if ((r = pm_elf_load(pm, info, ef->id, pf, as, img->mm)))
        goto out;
    img->mm->brk_start = img->mm->brk_cur = pm_page_up(info->end);
    uint64_t vdso;
    if ((r = pm_vdso_map(pm, as, img->mm, &vdso)))
        goto out;
    if ((r = pm_exec_stack(pm, args, info, as, img->mm, vdso, &img->rsp)))
        goto out;
    img->entry = info->entry;
out:
    if (r && img->mm) {
        pm_mm_put(img->mm);
        img->mm = NULL;
    }
    pm_file_put(pf);
    pm_exec_file_close(pm, ef);
    free(cur);
    free(ph);
    free(info);
    return r;
}

/* A new program starts with every register zero but rip/rsp, interrupts on, and the FPU in
 * its reset state (FCW 0x37f, MXCSR 0x1f80), as after Linux's start_thread. */
static void pm_exec_initial_regs(pm_regs_t *regs, uint64_t entry, uint64_t rsp)
{
    memset(regs, 0, sizeof(*regs));
    regs->rip = entry;
    regs->rsp = rsp;
    regs->rflags = 0x202;
    uint16_t fcw = 0x037f;
    uint32_t mxcsr = 0x1f80;
    memcpy(&regs->fpu[0], &fcw, sizeof(fcw));
    memcpy(&regs->fpu[24], &mxcsr, sizeof(mxcsr));
}

/* Handlers go back to SIG_DFL (ignored signals stay ignored), as flush_signal_handlers. */
void pm_exec_reset_signals(pm_proc_t *p)
{
    for (int s = 1; s <= LX_NSIG; s++) {
        struct lx_sigaction *a = &p->act[s];
        if (a->sa_handler != LX_SIG_IGN)
            a->sa_handler = LX_SIG_DFL;
        a->sa_flags = 0;
        a->sa_restorer = 0;
        a->sa_mask = 0;
    }
}

/* Phase 3. Returns 0 for the caller's reply (or the caller is dead and gets none). */
static int64_t pm_exec_commit(pm_t *pm, pm_thr_t *t, pm_exec_args_t *args, pm_as_t as,
                              pm_exec_image_t *img)
{
    pm_proc_t *p = t->proc;
    int32_t old_tid = t->tid;
    pm_exec_dethread(pm, t);   /* the other threads end first; t becomes the process's id */
    int r = pm->env.thread_set_as(pm->env.ctx, t->handle, as);
    if (r) {
        pm_mm_put(img->mm);
        pm->env.as_release(pm->env.ctx, as);
        return r;
    }
    /* Point of no return: the old space is the parent's again (or freed). */
    pm->env.as_release(pm->env.ctx, p->as);
    pm_mm_put(p->mm);
    p->as = as;
    p->mm = img->mm;
    p->did_exec = true;
    pm_proc_set_names(p, args->path, args->argv.v, args->argv.n);
    pm_exec_reset_signals(p);
    pm_ptimers_free(p);          /* POSIX timers go; the itimers stay (Linux) */
    pm_cputimers_rearm(pm, p);
    for (pm_thr_t *u = p->threads; u; u = u->proc_next) {
        u->clear_child_tid = 0;
        u->altstack = (struct lx_stack){.ss_flags = LX_SS_DISABLE};
    }

    pm_regs_t regs;
    pm_exec_initial_regs(&regs, img->entry, img->rsp);
    if (pm->env.thread_set_regs(pm->env.ctx, t->handle, &regs)) {
        pm_proc_die(pm, p, LX_W_EXITCODE(0, LX_SIGSEGV));
        return 0;
    }
    if (pm->env.vfs_proc_exec(pm->env.ctx, p->pid, as)) {
        /* CLOEXEC descriptors still open would hang a posix_spawn parent: die instead. */
        pm_proc_die(pm, p, LX_W_EXITCODE(0, LX_SIGKILL));
        return 0;
    }
    if (t->pt)
        pm_ptrace_exec(pm, t, old_tid);   /* PTRACE_EVENT_EXEC on the way out */
    pm_vfork_release(pm, p);
    return 0;
}

int64_t pm_sys_execve(pm_t *pm, pm_call_t *c)
{
    pm_exec_args_t args = {.tid = c->thr->tid};
    pm_exec_file_t ef;
    pm_as_t as;
    pm_exec_image_t img = {0};
    int64_t r = pm_exec_copy_in(pm, c->proc, c->a, &args, &ef);
    if (r)
        goto out;
    if ((r = pm->env.as_create(pm->env.ctx, &as))) {
        pm_exec_file_close(pm, &ef);
        goto out;
    }
    if ((r = pm_exec_load(pm, c->proc, &args, &ef, as, &img))) {
        pm->env.as_release(pm->env.ctx, as);
        goto out;
    }
    r = pm_exec_commit(pm, c->thr, &args, as, &img);
out:
    pm_exec_args_free(&args);
    return r;
}

static int pm_strv_from_host(pm_strv_t *s, char *const *v)
{
    for (size_t i = 0; v && v[i]; i++) {
        int r = pm_strv_insert(s, s->n, pm_strndup(v[i], strlen(v[i])));
        if (r)
            return r;
    }
    return 0;
}

int pm_start_init(pm_t *pm, const char *path, char *const argv[], char *const envp[])
{
    pm_exec_args_t args = {0};
    pm_exec_image_t img = {0};
    pm_exec_file_t ef;
    pm_as_t as;
    bool vfs_made = false, as_made = false;
    int r = -LX_ENOMEM;

    if (pm->procs)
        return -LX_EEXIST;   /* there is one init */
    pm->last_pid = 0;        /* so it is pid 1, even after a failed attempt */
    pm_proc_t *p = pm_proc_new(pm, NULL);
    if (!p)
        return -LX_ENOMEM;
    if (!(args.path = pm_strndup(path, strlen(path))) || pm_strv_from_host(&args.argv, argv) ||
        pm_strv_from_host(&args.envp, envp))
        goto fail;
    if (args.argv.n == 0 && (r = pm_strv_insert(&args.argv, 0, pm_strndup("", 0))))
        goto fail;
    if ((r = pm_exec_check_size(p, &args)))
        goto fail;
    if ((r = pm->env.as_create(pm->env.ctx, &as)))
        goto fail;
    as_made = true;
    /* vfs must know pid 1 (its cwd, its console fds) before it can open a path for it. */
    if ((r = pm->env.vfs_proc_create(pm->env.ctx, p->pid, -1, as)))
        goto fail;
    vfs_made = true;
    if ((r = pm_exec_file_open(pm, p->pid, p->pid, path, &ef)))
        goto fail;
    if ((r = pm_exec_load(pm, p, &args, &ef, as, &img)))
        goto fail;
    p->as = as;
    p->has_as = true;
    p->mm = img.mm;
    p->did_exec = true;
    pm_proc_set_pgrp(pm, p, p->pid, p->pid); /* as Linux's init after setsid: session 1, group 1 */
    pm_proc_set_names(p, args.path, args.argv.v, args.argv.n);

    pm_thr_t *t = pm_thr_new(pm, p);
    if (!t) {
        r = -LX_ENOMEM;
        goto fail_proc;
    }
    pm_regs_t regs;
    pm_exec_initial_regs(&regs, img.entry, img.rsp);
    pm->depth++;
    r = pm->env.thread_create(pm->env.ctx, as, &regs, (uint64_t)t->tid, &t->handle);
    pm->depth--;
    if (r) {
        pm_thr_unlink(pm, t);
        goto fail_proc;
    }
    t->has_handle = true;
    pm_thr_route(pm, t);
    pm_exec_args_free(&args);
    pm_gc(pm);
    return 0;

fail_proc:
    p->has_as = false;
fail:
    if (vfs_made)
        pm->env.vfs_proc_exit(pm->env.ctx, p->pid);
    if (as_made)
        pm->env.as_release(pm->env.ctx, as);
    pm_exec_args_free(&args);
    pm_proc_unlink(pm, p);
    pm_gc(pm);
    return r;
}
