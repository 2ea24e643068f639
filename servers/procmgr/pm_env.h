/* procmgr's environment: the only way its logic reaches the kernel and vfs.
 *
 * The IPC glue (main.c, pm_ipc.c) fills a struct pm_env with functions that make kernel calls and
 * procmgr->vfs calls; the host tests fill it with a fake that records every call and backs
 * address spaces with host memory. The logic files never call anything else.
 *
 * Contracts the glue must honour (the logic relies on each):
 *  - A pm_token_t is durable: the glue has already moved the one-shot reply capability into a
 *    slot of its own before calling pm_syscall/pm_fault, so the logic may keep it across any
 *    number of its own calls. Every token handed in is consumed exactly once by reply, drop
 *    or vfs_forward.
 *  - reply() resumes the thread with RAX = value and changes no other register: registers
 *    written with thread_set_regs before the reply (exec's new frame, arch_prctl's FS base)
 *    survive it, and a vfork parent gets back exactly the registers it parked with (musl keeps
 *    vfork's return address in RDX).
 *  - thread_get_regs on a thread blocked in a syscall returns its user frame with RIP at the
 *    instruction after SYSCALL (where the reply resumes it); a thread created from that frame
 *    therefore "returns from the syscall" too.
 *  - thread_create starts the new thread at once. It may run, and even send its own syscalls,
 *    before thread_create returns (a multi-CPU kernel, or a reentrant fake): the logic is
 *    written so that this order is harmless.
 *  - vfs_proc_create with parent_pid -1 creates a first process (init) whose fds 0..2 are the
 *    console; otherwise it copies the parent's fd table (descriptions shared and counted),
 *    cwd and umask. vfs_proc_exit also cancels any call of that pid that vfs is holding.
 *  - as_* calls act on the address space itself (a privileged copy, whatever the user
 *    protection of the pages), so exec can fill read-only segments.
 *  - Return values: 0 or a negated LX_E* error. */
#ifndef PM_ENV_H
#define PM_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t pm_token_t;     /* deferred reply token (a reply capability in the real system) */
typedef uint64_t pm_as_t;        /* address-space handle (a capability); reference counted by the kernel */
typedef uint64_t pm_thread_t;    /* thread handle (a capability) */
typedef uint64_t pm_mem_t;       /* memory-object handle (a capability): a file's pages, the vDSO */

#define PM_ROUTE_WORDS 8         /* a route's mask: syscall numbers 0..511 (the kernel's KROUTE_NRS) */

/* What vfs says of a file a process maps (exec's program, mmap of a descriptor). */
typedef struct pm_fileinfo {
    pm_mem_t mem;          /* its memory object (0: none, e.g. /dev/zero); the receiver owns it */
    uint32_t flags;        /* PM_FILE_* */
    uint64_t size, dev, ino;
    char *path;            /* malloc'd name for /proc/<pid>/maps (the receiver frees it), or NULL */
    uint64_t deny;         /* exec: vfs denies writing the file until vfs_exec_done(deny) */
} pm_fileinfo_t;
#define PM_FILE_WRITABLE 0x1   /* mem may be mapped shared and writable (an O_RDWR descriptor) */
#define PM_FILE_ZERO 0x2       /* /dev/zero: anonymous memory */

/* The vDSO (pm_vdso.c): procmgr's image object and the kernel's clock page. */
typedef struct pm_vdso {
    pm_mem_t image;        /* 0: no vDSO */
    uint64_t size;         /* the image's bytes, a page multiple */
    pm_mem_t clock;        /* the clock page (one page, read-only) */
} pm_vdso_t;

typedef struct pm_regs {         /* a foreign thread's whole user register frame */
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags, fs_base, gs_base;
    uint8_t fpu[512] __attribute__((aligned(16)));   /* FXSAVE image */
} pm_regs_t;

struct pm_env {
    void *ctx;
    int  (*as_create)(void *ctx, pm_as_t *out);
    int  (*as_dup_ref)(void *ctx, pm_as_t as, pm_as_t *out);   /* another counted reference */
    void (*as_release)(void *ctx, pm_as_t as);                 /* drop one reference */
    /* Optional (NULL: fork is ENOSYS): a new space, a copy-on-write snapshot of `as` whose
       MAP_SHARED ranges stay shared. */
    int  (*as_fork)(void *ctx, pm_as_t as, pm_as_t *out);
    int  (*as_map)(void *ctx, pm_as_t as, uint64_t va, uint64_t len, int prot);   /* zeroed anon */
#define PM_AS_SHARED 0x100   /* as_map's prot: memory that stays shared across as_fork (MAP_SHARED) */
    int  (*as_unmap)(void *ctx, pm_as_t as, uint64_t va, uint64_t len);
    int  (*as_protect)(void *ctx, pm_as_t as, uint64_t va, uint64_t len, int prot);
    int  (*as_read)(void *ctx, pm_as_t as, void *dst, uint64_t va, uint64_t len);  /* 0/-EFAULT */
    int  (*as_write)(void *ctx, pm_as_t as, uint64_t va, const void *src, uint64_t len);
    int  (*thread_create)(void *ctx, pm_as_t as, const pm_regs_t *regs, uint64_t badge, pm_thread_t *out);
                                  /* a new foreign thread in `as`, running from exactly `regs` */
    int  (*thread_get_regs)(void *ctx, pm_thread_t t, pm_regs_t *out);   /* of a blocked thread */
    int  (*thread_set_regs)(void *ctx, pm_thread_t t, const pm_regs_t *regs);
    int  (*thread_set_as)(void *ctx, pm_thread_t t, pm_as_t as);          /* exec commit */
    void (*thread_destroy)(void *ctx, pm_thread_t t);
    void (*reply)(void *ctx, pm_token_t tok, int64_t value);   /* resume the caller, RAX=value */
    void (*drop)(void *ctx, pm_token_t tok);                   /* discard a held token */
    /* vfs: forwarding hands the call AND its token to vfs, which answers the caller itself */
    void (*vfs_forward)(void *ctx, int32_t pid, int32_t tid, uint64_t nr, const uint64_t a[6], pm_token_t tok);
    int  (*vfs_proc_create)(void *ctx, int32_t pid, int32_t parent_pid, pm_as_t as);
    int  (*vfs_proc_exec)(void *ctx, int32_t pid, pm_as_t new_as);     /* closes CLOEXEC fds */
    void (*vfs_proc_exit)(void *ctx, int32_t pid);
    /* exec loading: open by path relative to pid's cwd with exec checks (ENOENT, ENOTDIR, EACCES,
       ELOOP, ENAMETOOLONG); read bytes; copy a file range straight into an address space */
    /* fi (optional: NULL) receives the file's object for mapping the program (read-only) */
    /* (tid: the exec'ing thread, whose cwd and root may be its own: vfs_thread) */
    int  (*vfs_exec_open)(void *ctx, int32_t pid, int32_t tid, const char *path, uint64_t *file,
                          uint64_t *size, pm_fileinfo_t *fi);
    int64_t (*vfs_file_read)(void *ctx, uint64_t file, uint64_t off, void *buf, uint64_t len);
    int  (*vfs_file_load)(void *ctx, uint64_t file, uint64_t off, uint64_t len, pm_as_t as, uint64_t va);
    void (*vfs_file_close)(void *ctx, uint64_t file);
    uint64_t (*clock_mono_ns)(void *ctx);
    uint64_t (*clock_real_ns)(void *ctx);
    void (*timer_arm)(void *ctx, uint64_t deadline_mono_ns);   /* pm_timer_fired() will be called */
    void (*random)(void *ctx, void *buf, size_t n);
    void (*poweroff)(void *ctx, int status);                   /* init died: halt with this status */
    void (*log)(void *ctx, const char *msg);                   /* serial log line */
    uint64_t (*free_memory)(void *ctx);                        /* bytes, for sysinfo */
    uint64_t (*total_memory)(void *ctx);   /* optional: bytes of RAM, as /proc/meminfo's MemTotal */
    /* Optional (NULL: not told). The soft RLIMIT_NOFILE of pid changed: vfs enforces it (EMFILE,
       dup2's EBADF, F_DUPFD's EINVAL). Called after setrlimit/prlimit64 and after
       vfs_proc_create when a new process's limit is not the default 1024. */
    /* Optional: if vfs holds a blocked call of thread tid (a read on an empty pipe...), it gives
     * the call up and hands its reply back: 1 with *tok and the call's number in *nr, else 0. */
    int  (*vfs_interrupt)(void *ctx, int32_t tid, pm_token_t *tok, uint64_t *nr);
    /* Optional: as as_write, but honouring the user's protection (a read-only page is -EFAULT):
     * for syscall results written into user buffers. NULL: as_write is used. */
    int  (*as_write_user)(void *ctx, pm_as_t as, uint64_t va, const void *src, uint64_t len);
    int  (*vfs_proc_nofile)(void *ctx, int32_t pid, uint64_t limit);
    /* Optional (NULL: not told). A read of /proc/<pid>/... that vfs handed over (pm_procfs_read)
       was answered with count bytes: vfs advances the file position by it and forgets `id`. */
    void (*vfs_procfs_done)(void *ctx, uint64_t id, int64_t count);
    /* Optional (NULL: a thread computing in user mode is not stopped; signals wait for its next
       syscall). Mark thread t so that before it next runs user code it stops and pm_interrupted
       is called with its token: 0. PM_INTR_BLOCKED: t is blocked in a syscall (or a fault or
       an interrupt); it is marked all the same, so it stops on its way back whoever answers the
       call (vfs, for a routed or forwarded one), after procmgr's own answer too. */
    int  (*thread_interrupt)(void *ctx, pm_thread_t t);
    /* Optional (NULL: every syscall comes to procmgr). Thread t's syscalls whose numbers are set
       in mask (PM_ROUTE_WORDS words, bit nr) go straight to vfs as pid/tid's; mask NULL: none
       (all come to procmgr). */
    void (*thread_route)(void *ctx, pm_thread_t t, int32_t pid, int32_t tid, const uint64_t *mask);
    /* Optional (NULL: CPU times read 0). The CPU time thread t has used, in ns (procmgr reads a
       dying thread's before thread_destroy). */
    void (*thread_times)(void *ctx, pm_thread_t t, uint64_t *user_ns, uint64_t *system_ns);
    /* Optional: interrupt t (pm_interrupted) once its user + system time reaches ns; 0 cancels. */
    void (*thread_cpu_alarm)(void *ctx, pm_thread_t t, uint64_t ns);
    /* Optional (NULL: not told). pid's process group or session changed (setpgid, setsid): vfs
       keeps them for the terminal's job control (foreground checks, TIOCSPGRP, the controlling
       terminal). A new process inherits its parent's in vfs_proc_create; init is 1/1. */
    int  (*vfs_proc_ids)(void *ctx, int32_t pid, int32_t pgid, int32_t sid);
    /* Optional: as vfs_forward, but vfs skips its job-control check (the caller is in a
       background group and ignores or blocks SIGTTOU, so the call proceeds: pm_jobctl). */
    void (*vfs_forward_nojc)(void *ctx, int32_t pid, int32_t tid, uint64_t nr, const uint64_t a[6],
                             pm_token_t tok);
    /* Optional (NULL: CLONE_FILES and CLONE_FS between processes are ENOSYS). As
       vfs_proc_create from a parent, but with PM_SHARE_FILES the child uses the parent's very
       descriptor table (one table, counted), with PM_SHARE_FS its cwd, root and umask. They are
       those of the calling thread parent_tid (which may have its own: vfs_thread). */
    int  (*vfs_proc_clone)(void *ctx, int32_t pid, int32_t parent_pid, int32_t parent_tid,
                           pm_as_t as, uint32_t share);
#define PM_SHARE_FILES 0x1
#define PM_SHARE_FS    0x2
    /* Optional (NULL: CLONE_THREAD without CLONE_FILES or CLONE_FS is ENOSYS). A thread's own
       table or cwd/root/umask in vfs: PM_VFS_THREAD_CLONE gives thread tid from_tid's, shared
       for the PM_SHARE_* bits in share and copied otherwise (0 or -errno); _EXIT lets them go
       (tid ended); _LEAD makes them the process's (exec from tid, the others ended). */
    int  (*vfs_thread)(void *ctx, int op, int32_t pid, int32_t tid, int32_t from_tid,
                       uint32_t share);
#define PM_VFS_THREAD_CLONE 1
#define PM_VFS_THREAD_EXIT  2
#define PM_VFS_THREAD_LEAD  3
    /* Optional (NULL: pidfds are ENOSYS). A new pidfd in pid's table naming process target
       (serial: procmgr's unique number of it; exited: it has exited already, so it polls
       readable), O_CLOEXEC, O_NONBLOCK if nonblock: the fd, or -errno (EMFILE, ENFILE). vfs
       makes every pidfd of a pid readable when vfs_proc_exit tells it that process ended. */
    int64_t (*vfs_pidfd_open)(void *ctx, int32_t pid, int32_t target, uint64_t serial,
                              bool nonblock, bool exited);
    /* What pid's fd names: 0 with *target, *serial, *nonblock; -EBADF (not open, or not a
       pidfd, as Linux's pidfd_pid). */
    int  (*vfs_pidfd_get)(void *ctx, int32_t pid, int32_t fd, int32_t *target, uint64_t *serial,
                          bool *nonblock);
    /* Optional: close pid's fd (undoing a pidfd of a clone that failed afterwards). */
    void (*vfs_fd_close)(void *ctx, int32_t pid, int32_t fd);
    /* Optional (NULL: futexes on MAP_SHARED memory are keyed by address, so they work only
       within one space). What backs va in as: 0 with *object 0 for private memory, else the
       kernel's memory object number and the byte's offset in it; -EFAULT if unmapped. */
    int  (*as_page_id)(void *ctx, pm_as_t as, uint64_t va, uint64_t *object, uint64_t *offset);
    /* Optional (NULL: exec copies programs, file mappings are ENODEV). Map memory object mem
       from off (a page multiple) over [va, va+len): prot | PM_AS_SHARED (its pages themselves),
       else private (copy-on-write over them); past the object's end an access is SIGBUS. */
    int  (*as_map_mem)(void *ctx, pm_as_t as, uint64_t va, uint64_t len, int prot, pm_mem_t mem,
                       uint64_t off);
    void (*mem_release)(void *ctx, pm_mem_t mem);
    /* Optional: the object of descriptor fd of thread tid of pid (its own table, if it has one)
       for mmap (shared: MAP_SHARED, write: PROT_WRITE): 0 and *fi, or -EBADF, -EACCES, -ENODEV,
       -ENOMEM. */
    int  (*vfs_mmap_open)(void *ctx, int32_t pid, int32_t tid, int32_t fd, int shared, int write,
                          pm_fileinfo_t *fi);
    /* Optional: resident pages of a space (the OOM killer's choice); 0 if unknown. */
    uint64_t (*as_resident)(void *ctx, pm_as_t as);
    /* Optional: the vDSO to map into every program (pm_create asks once). */
    void (*vdso)(void *ctx, pm_vdso_t *out);
    /* Optional: the last range mapping a program went; vfs may let its file be written again
       (pm_fileinfo_t.deny; ETXTBSY until then). */
    void (*vfs_exec_done)(void *ctx, uint64_t deny);
    /* Optional (NULL: no syscall-exit stops). on: after each syscall's reply t reports it
       (pm_sysexit) and waits for that report's answer before it runs on; off: it does not. */
    void (*thread_trace)(void *ctx, pm_thread_t t, bool on);
    /* Optional (NULL: a route without steps or counts; lx/ptrace_route.h). route_begin: from
       now on note each kernel call and vfs message made (KR_STEP_* codes); route_end: stop,
       up to max codes into steps, how many more were dropped into *dropped; the count noted.
       kcounters: the kernel's kernel_entries, ipc_messages and as_switches since boot. */
    void (*route_begin)(void *ctx);
    uint32_t (*route_end)(void *ctx, uint16_t *steps, uint32_t max, uint32_t *dropped);
    void (*kcounters)(void *ctx, uint64_t out[3]);
};

#define PM_INTR_BLOCKED 1

#endif
