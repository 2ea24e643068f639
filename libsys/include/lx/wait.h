/* Linux wait4/waitid ABI: option flags, waitid's id types, the status word encoding and the
 * part of siginfo_t that waitid fills (x86_64 layout, 128 bytes). */
#ifndef LX_WAIT_H
#define LX_WAIT_H

#include <stdint.h>

#define LX_WNOHANG    0x00000001
#define LX_WUNTRACED  0x00000002
#define LX_WSTOPPED   LX_WUNTRACED
#define LX_WEXITED    0x00000004
#define LX_WCONTINUED 0x00000008
#define LX_WNOWAIT    0x01000000
#define LX___WNOTHREAD 0x20000000
#define LX___WALL     0x40000000
#define LX___WCLONE   0x80000000u

/* waitid idtype */
#define LX_P_ALL   0
#define LX_P_PID   1
#define LX_P_PGID  2
#define LX_P_PIDFD 3

/* The status word wait4 stores: exit code in bits 8..15, or the killing signal in bits 0..6
 * (bit 7: core dumped). */
#define LX_W_EXITCODE(code, sig) ((((code) & 0xff) << 8) | ((sig) & 0x7f))
#define LX_WIFEXITED(s)   (((s) & 0x7f) == 0)
#define LX_WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define LX_WIFSIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define LX_WTERMSIG(s)    ((s) & 0x7f)

/* si_code values for SIGCHLD */
#define LX_CLD_EXITED    1
#define LX_CLD_KILLED    2
#define LX_CLD_DUMPED    3
#define LX_CLD_TRAPPED   4
#define LX_CLD_STOPPED   5
#define LX_CLD_CONTINUED 6

/* siginfo_t as waitid writes it (the SIGCHLD member of the union). */
struct lx_siginfo_chld {
    int32_t si_signo;
    int32_t si_errno;
    int32_t si_code;
    int32_t pad0_;
    int32_t si_pid;
    uint32_t si_uid;
    int32_t si_status;
    int32_t pad1_;
    int64_t si_utime;
    int64_t si_stime;
    uint8_t pad2_[128 - 48];
};
_Static_assert(sizeof(struct lx_siginfo_chld) == 128, "siginfo_t is 128 bytes");
_Static_assert(__builtin_offsetof(struct lx_siginfo_chld, si_pid) == 16, "si_pid offset");
_Static_assert(__builtin_offsetof(struct lx_siginfo_chld, si_status) == 24, "si_status offset");

#endif
