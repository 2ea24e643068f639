/* Linux clone flags (CLONE_*; the low byte CSIGNAL is the exit signal), and the per-thread
 * control codes of arch_prctl and prctl that procmgr implements. */
#ifndef LX_SCHED_H
#define LX_SCHED_H

#include <stdint.h>

#define LX_CSIGNAL              0x000000ffu
#define LX_CLONE_VM             0x00000100u
#define LX_CLONE_FS             0x00000200u
#define LX_CLONE_FILES          0x00000400u
#define LX_CLONE_SIGHAND        0x00000800u
#define LX_CLONE_PIDFD          0x00001000u
#define LX_CLONE_PTRACE         0x00002000u
#define LX_CLONE_VFORK          0x00004000u
#define LX_CLONE_PARENT         0x00008000u
#define LX_CLONE_THREAD         0x00010000u
#define LX_CLONE_NEWNS          0x00020000u
#define LX_CLONE_SYSVSEM        0x00040000u
#define LX_CLONE_SETTLS         0x00080000u
#define LX_CLONE_PARENT_SETTID  0x00100000u
#define LX_CLONE_CHILD_CLEARTID 0x00200000u
#define LX_CLONE_DETACHED       0x00400000u
#define LX_CLONE_UNTRACED       0x00800000u
#define LX_CLONE_CHILD_SETTID   0x01000000u
#define LX_CLONE_NEWCGROUP      0x02000000u
#define LX_CLONE_NEWUTS         0x04000000u
#define LX_CLONE_NEWIPC         0x08000000u
#define LX_CLONE_NEWUSER        0x10000000u
#define LX_CLONE_NEWPID         0x20000000u
#define LX_CLONE_NEWNET         0x40000000u
#define LX_CLONE_IO             0x80000000u
/* clone3 only (above the 32 bits legacy clone reads) */
#define LX_CLONE_CLEAR_SIGHAND  0x100000000ull
#define LX_CLONE_INTO_CGROUP    0x200000000ull
#define LX_CLONE_NEWTIME        0x00000080u   /* clone3 and unshare only (inside CSIGNAL) */
#define LX_CLONE_NS_FLAGS (LX_CLONE_NEWNS | LX_CLONE_NEWCGROUP | LX_CLONE_NEWUTS | LX_CLONE_NEWIPC | \
                           LX_CLONE_NEWUSER | LX_CLONE_NEWPID | LX_CLONE_NEWNET)

/* clone3's argument (linux/sched.h): 64 bytes in its first version, 80 with set_tid, 88 with
 * cgroup; every field 64 bits. */
struct lx_clone_args {
    uint64_t flags;        /* CLONE_*, no signal in the low byte */
    uint64_t pidfd;        /* CLONE_PIDFD: int *, where the pidfd goes */
    uint64_t child_tid;    /* CLONE_CHILD_SETTID / _CLEARTID */
    uint64_t parent_tid;   /* CLONE_PARENT_SETTID */
    uint64_t exit_signal;
    uint64_t stack;        /* lowest byte of the stack ... */
    uint64_t stack_size;   /* ... and its size: the child starts at stack + stack_size */
    uint64_t tls;          /* CLONE_SETTLS */
    uint64_t set_tid;      /* pid_t *: the ids wanted, one per pid namespace level */
    uint64_t set_tid_size;
    uint64_t cgroup;       /* CLONE_INTO_CGROUP: a cgroup directory fd */
};
#define LX_CLONE_ARGS_SIZE_VER0 64
#define LX_CLONE_ARGS_SIZE_VER1 80
#define LX_CLONE_ARGS_SIZE_VER2 88
#define LX_MAX_PID_NS_LEVEL     32

/* pidfd_open's flag (PIDFD_NONBLOCK = O_NONBLOCK) */
#define LX_PIDFD_NONBLOCK 04000

/* arch_prctl codes (asm/prctl.h) */
#define LX_ARCH_SET_GS 0x1001
#define LX_ARCH_SET_FS 0x1002
#define LX_ARCH_GET_FS 0x1003
#define LX_ARCH_GET_GS 0x1004

/* prctl options (linux/prctl.h) */
#define LX_PR_SET_PDEATHSIG 1
#define LX_PR_GET_PDEATHSIG 2
#define LX_PR_SET_NAME      15
#define LX_PR_GET_NAME      16
#define LX_TASK_COMM_LEN    16

#endif
