/* trace_names.c: the name tables trace prints with.
 *
 * Syscall names come from Kestrel's one list, libsys/include/lx/syscalls.h (LX_SYSCALLS), which
 * is standalone and included by path in both builds. Errno names are Linux x86_64's (numbers
 * 1..133, plus the kernel-internal restart codes a tracer sees at exit stops); their messages
 * are the C library's strerror. Flag tables are Linux x86_64 ABI values written out here, so
 * neither libc's headers (musl's or glibc's) decide what is decoded.
 *
 * Entry points: sys_name, sys_number, sys_table_size, errno_name, sig_name, and the flag tables
 * declared in trace.h (each ends with {0, NULL}; multi-bit values come before their parts). */
#include "trace.h"

#include <stdio.h>
#include <string.h>

#include "lx/syscalls.h"

static const char *const sys_names[LX_SYS_TABLE_SIZE] = {
#define SYS_NAME_(nr, name) [nr] = #name,
    LX_SYSCALLS(SYS_NAME_)
#undef SYS_NAME_
};

const char *sys_name(long nr)
{
    if (nr < 0 || nr >= LX_SYS_TABLE_SIZE)
        return NULL;
    return sys_names[nr];
}

long sys_number(const char *name)
{
    for (long i = 0; i < LX_SYS_TABLE_SIZE; i++)
        if (sys_names[i] && strcmp(sys_names[i], name) == 0)
            return i;
    return -1;
}

long sys_table_size(void)
{
    return LX_SYS_TABLE_SIZE;
}

static const char *const errno_names[] = {
    [1] = "EPERM", [2] = "ENOENT", [3] = "ESRCH", [4] = "EINTR", [5] = "EIO", [6] = "ENXIO",
    [7] = "E2BIG", [8] = "ENOEXEC", [9] = "EBADF", [10] = "ECHILD", [11] = "EAGAIN",
    [12] = "ENOMEM", [13] = "EACCES", [14] = "EFAULT", [15] = "ENOTBLK", [16] = "EBUSY",
    [17] = "EEXIST", [18] = "EXDEV", [19] = "ENODEV", [20] = "ENOTDIR", [21] = "EISDIR",
    [22] = "EINVAL", [23] = "ENFILE", [24] = "EMFILE", [25] = "ENOTTY", [26] = "ETXTBSY",
    [27] = "EFBIG", [28] = "ENOSPC", [29] = "ESPIPE", [30] = "EROFS", [31] = "EMLINK",
    [32] = "EPIPE", [33] = "EDOM", [34] = "ERANGE", [35] = "EDEADLK", [36] = "ENAMETOOLONG",
    [37] = "ENOLCK", [38] = "ENOSYS", [39] = "ENOTEMPTY", [40] = "ELOOP", [42] = "ENOMSG",
    [43] = "EIDRM", [44] = "ECHRNG", [45] = "EL2NSYNC", [46] = "EL3HLT", [47] = "EL3RST",
    [48] = "ELNRNG", [49] = "EUNATCH", [50] = "ENOCSI", [51] = "EL2HLT", [52] = "EBADE",
    [53] = "EBADR", [54] = "EXFULL", [55] = "ENOANO", [56] = "EBADRQC", [57] = "EBADSLT",
    [59] = "EBFONT", [60] = "ENOSTR", [61] = "ENODATA", [62] = "ETIME", [63] = "ENOSR",
    [64] = "ENONET", [65] = "ENOPKG", [66] = "EREMOTE", [67] = "ENOLINK", [68] = "EADV",
    [69] = "ESRMNT", [70] = "ECOMM", [71] = "EPROTO", [72] = "EMULTIHOP", [73] = "EDOTDOT",
    [74] = "EBADMSG", [75] = "EOVERFLOW", [76] = "ENOTUNIQ", [77] = "EBADFD", [78] = "EREMCHG",
    [79] = "ELIBACC", [80] = "ELIBBAD", [81] = "ELIBSCN", [82] = "ELIBMAX", [83] = "ELIBEXEC",
    [84] = "EILSEQ", [85] = "ERESTART", [86] = "ESTRPIPE", [87] = "EUSERS", [88] = "ENOTSOCK",
    [89] = "EDESTADDRREQ", [90] = "EMSGSIZE", [91] = "EPROTOTYPE", [92] = "ENOPROTOOPT",
    [93] = "EPROTONOSUPPORT", [94] = "ESOCKTNOSUPPORT", [95] = "EOPNOTSUPP", [96] = "EPFNOSUPPORT",
    [97] = "EAFNOSUPPORT", [98] = "EADDRINUSE", [99] = "EADDRNOTAVAIL", [100] = "ENETDOWN",
    [101] = "ENETUNREACH", [102] = "ENETRESET", [103] = "ECONNABORTED", [104] = "ECONNRESET",
    [105] = "ENOBUFS", [106] = "EISCONN", [107] = "ENOTCONN", [108] = "ESHUTDOWN",
    [109] = "ETOOMANYREFS", [110] = "ETIMEDOUT", [111] = "ECONNREFUSED", [112] = "EHOSTDOWN",
    [113] = "EHOSTUNREACH", [114] = "EALREADY", [115] = "EINPROGRESS", [116] = "ESTALE",
    [117] = "EUCLEAN", [118] = "ENOTNAM", [119] = "ENAVAIL", [120] = "EISNAM", [121] = "EREMOTEIO",
    [122] = "EDQUOT", [123] = "ENOMEDIUM", [124] = "EMEDIUMTYPE", [125] = "ECANCELED",
    [126] = "ENOKEY", [127] = "EKEYEXPIRED", [128] = "EKEYREVOKED", [129] = "EKEYREJECTED",
    [130] = "EOWNERDEAD", [131] = "ENOTRECOVERABLE", [132] = "ERFKILL",
    [512] = "ERESTARTSYS", [513] = "ERESTARTNOINTR", [514] = "ERESTARTNOHAND",
    [515] = "ENOIOCTLCMD", [516] = "ERESTART_RESTARTBLOCK",
};

const char *errno_name(int e)
{
    if (e <= 0 || (size_t)e >= sizeof errno_names / sizeof errno_names[0])
        return NULL;
    return errno_names[e];
}

static const char *const sig_names[32] = {
    [1] = "SIGHUP",    [2] = "SIGINT",     [3] = "SIGQUIT",  [4] = "SIGILL",    [5] = "SIGTRAP",
    [6] = "SIGABRT",   [7] = "SIGBUS",     [8] = "SIGFPE",   [9] = "SIGKILL",   [10] = "SIGUSR1",
    [11] = "SIGSEGV",  [12] = "SIGUSR2",   [13] = "SIGPIPE", [14] = "SIGALRM",  [15] = "SIGTERM",
    [16] = "SIGSTKFLT", [17] = "SIGCHLD",  [18] = "SIGCONT", [19] = "SIGSTOP",  [20] = "SIGTSTP",
    [21] = "SIGTTIN",  [22] = "SIGTTOU",   [23] = "SIGURG",  [24] = "SIGXCPU",  [25] = "SIGXFSZ",
    [26] = "SIGVTALRM", [27] = "SIGPROF",  [28] = "SIGWINCH", [29] = "SIGIO",   [30] = "SIGPWR",
    [31] = "SIGSYS",
};

const char *sig_name(int sig)
{
    static char buf[16];
    if (sig > 0 && sig < 32)
        return sig_names[sig];
    snprintf(buf, sizeof buf, "SIG%d", sig);
    return buf;
}

/* open(2) flags, without the access mode (the low two bits, printed apart) */
const struct flag_name open_flags[] = {
    {020200000, "O_TMPFILE"}, {04010000, "O_SYNC"},     {0100, "O_CREAT"},
    {0200, "O_EXCL"},         {0400, "O_NOCTTY"},       {01000, "O_TRUNC"},
    {02000, "O_APPEND"},      {04000, "O_NONBLOCK"},    {010000, "O_DSYNC"},
    {020000, "O_ASYNC"},      {040000, "O_DIRECT"},     {0100000, "O_LARGEFILE"},
    {0200000, "O_DIRECTORY"}, {0400000, "O_NOFOLLOW"},  {01000000, "O_NOATIME"},
    {02000000, "O_CLOEXEC"},  {010000000, "O_PATH"},    {0, NULL},
};

/* clone(2) flags, without the exit signal (the low byte, printed apart) */
const struct flag_name clone_flags[] = {
    {0x100, "CLONE_VM"},
    {0x200, "CLONE_FS"},
    {0x400, "CLONE_FILES"},
    {0x800, "CLONE_SIGHAND"},
    {0x1000, "CLONE_PIDFD"},
    {0x2000, "CLONE_PTRACE"},
    {0x4000, "CLONE_VFORK"},
    {0x8000, "CLONE_PARENT"},
    {0x10000, "CLONE_THREAD"},
    {0x20000, "CLONE_NEWNS"},
    {0x40000, "CLONE_SYSVSEM"},
    {0x80000, "CLONE_SETTLS"},
    {0x100000, "CLONE_PARENT_SETTID"},
    {0x200000, "CLONE_CHILD_CLEARTID"},
    {0x400000, "CLONE_DETACHED"},
    {0x800000, "CLONE_UNTRACED"},
    {0x1000000, "CLONE_CHILD_SETTID"},
    {0x2000000, "CLONE_NEWCGROUP"},
    {0x4000000, "CLONE_NEWUTS"},
    {0x8000000, "CLONE_NEWIPC"},
    {0x10000000, "CLONE_NEWUSER"},
    {0x20000000, "CLONE_NEWPID"},
    {0x40000000, "CLONE_NEWNET"},
    {0x80000000UL, "CLONE_IO"},
    {0, NULL},
};

const struct flag_name wait_flags[] = {
    {1, "WNOHANG"},         {2, "WUNTRACED"},       {4, "WEXITED"},
    {8, "WCONTINUED"},      {0x1000000, "WNOWAIT"}, {0x20000000, "__WNOTHREAD"},
    {0x40000000, "__WALL"}, {0x80000000UL, "__WCLONE"}, {0, NULL},
};

const struct flag_name prot_flags[] = {
    {1, "PROT_READ"},
    {2, "PROT_WRITE"},
    {4, "PROT_EXEC"},
    {0x01000000, "PROT_GROWSDOWN"},
    {0x02000000, "PROT_GROWSUP"},
    {0, NULL},
};

/* mmap(2) flags, without the type (the low two bits, printed apart) */
const struct flag_name mmap_flags[] = {
    {0x10, "MAP_FIXED"},        {0x20, "MAP_ANONYMOUS"},   {0x40, "MAP_32BIT"},
    {0x100, "MAP_GROWSDOWN"},   {0x800, "MAP_DENYWRITE"},  {0x1000, "MAP_EXECUTABLE"},
    {0x2000, "MAP_LOCKED"},     {0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"},
    {0x10000, "MAP_NONBLOCK"},  {0x20000, "MAP_STACK"},    {0x40000, "MAP_HUGETLB"},
    {0x80000, "MAP_SYNC"},      {0x100000, "MAP_FIXED_NOREPLACE"}, {0, NULL},
};

const struct flag_name at_flags[] = {
    {0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"}, {0x400, "AT_SYMLINK_FOLLOW"},
    {0x800, "AT_NO_AUTOMOUNT"},     {0x1000, "AT_EMPTY_PATH"}, {0, NULL},
};

const struct flag_name access_flags[] = {
    {4, "R_OK"},
    {2, "W_OK"},
    {1, "X_OK"},
    {0, NULL},
};

/* value tables (an exact match, not bits) */
const struct flag_name clock_names[] = {
    {0, "CLOCK_REALTIME"},        {1, "CLOCK_MONOTONIC"},        {2, "CLOCK_PROCESS_CPUTIME_ID"},
    {3, "CLOCK_THREAD_CPUTIME_ID"}, {4, "CLOCK_MONOTONIC_RAW"},  {5, "CLOCK_REALTIME_COARSE"},
    {6, "CLOCK_MONOTONIC_COARSE"}, {7, "CLOCK_BOOTTIME"},        {0, NULL},
};

const struct flag_name sigmask_hows[] = {
    {0, "SIG_BLOCK"},
    {1, "SIG_UNBLOCK"},
    {2, "SIG_SETMASK"},
    {0, NULL},
};

const struct flag_name fcntl_cmds[] = {
    {0, "F_DUPFD"},  {1, "F_GETFD"},  {2, "F_SETFD"},  {3, "F_GETFL"},
    {4, "F_SETFL"},  {5, "F_GETLK"},  {6, "F_SETLK"},  {7, "F_SETLKW"},
    {8, "F_SETOWN"}, {9, "F_GETOWN"}, {1030, "F_DUPFD_CLOEXEC"}, {1031, "F_SETPIPE_SZ"},
    {1032, "F_GETPIPE_SZ"}, {0, NULL},
};

/* si_code values (as unsigned long of the int) common to all signals, then per signal */
const struct flag_name si_codes[] = {
    {0, "SI_USER"},
    {0x80, "SI_KERNEL"},
    {(unsigned long)-1, "SI_QUEUE"},
    {(unsigned long)-2, "SI_TIMER"},
    {(unsigned long)-3, "SI_MESGQ"},
    {(unsigned long)-4, "SI_ASYNCIO"},
    {(unsigned long)-5, "SI_SIGIO"},
    {(unsigned long)-6, "SI_TKILL"},
    {0, NULL},
};

const struct flag_name cld_codes[] = {
    {1, "CLD_EXITED"}, {2, "CLD_KILLED"},  {3, "CLD_DUMPED"},
    {4, "CLD_TRAPPED"}, {5, "CLD_STOPPED"}, {6, "CLD_CONTINUED"}, {0, NULL},
};

const struct flag_name segv_codes[] = {
    {1, "SEGV_MAPERR"},
    {2, "SEGV_ACCERR"},
    {0, NULL},
};
