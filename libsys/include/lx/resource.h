/* Linux x86_64 resource limits and usage: RLIMIT_* numbers, struct rlimit (getrlimit,
 * setrlimit, prlimit64 all use the 64-bit form on x86_64) and struct rusage. */
#ifndef LX_RESOURCE_H
#define LX_RESOURCE_H

#include <stdint.h>

#define LX_RLIMIT_CPU        0
#define LX_RLIMIT_FSIZE      1
#define LX_RLIMIT_DATA       2
#define LX_RLIMIT_STACK      3
#define LX_RLIMIT_CORE       4
#define LX_RLIMIT_RSS        5
#define LX_RLIMIT_NPROC      6
#define LX_RLIMIT_NOFILE     7
#define LX_RLIMIT_MEMLOCK    8
#define LX_RLIMIT_AS         9
#define LX_RLIMIT_LOCKS      10
#define LX_RLIMIT_SIGPENDING 11
#define LX_RLIMIT_MSGQUEUE   12
#define LX_RLIMIT_NICE       13
#define LX_RLIMIT_RTPRIO     14
#define LX_RLIMIT_RTTIME     15
#define LX_RLIM_NLIMITS      16

#define LX_RLIM_INFINITY (~0ull)
#define LX_NR_OPEN       1048576   /* fs.nr_open: the ceiling for RLIMIT_NOFILE */

struct lx_rlimit {
    uint64_t rlim_cur;
    uint64_t rlim_max;
};

#define LX_RUSAGE_SELF     0
#define LX_RUSAGE_CHILDREN (-1)
#define LX_RUSAGE_THREAD   1

struct lx_rusage {
    int64_t ru_utime_sec, ru_utime_usec;  /* struct timeval ru_utime */
    int64_t ru_stime_sec, ru_stime_usec;  /* struct timeval ru_stime */
    int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
    int64_t ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
_Static_assert(sizeof(struct lx_rusage) == 144, "struct rusage is 144 bytes");

/* times(2) */
struct lx_tms {
    int64_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};

#endif
