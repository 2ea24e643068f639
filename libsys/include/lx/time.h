/* Linux time ABI: clock ids, struct timeval/timezone, the TIMER_ABSTIME flag. struct
 * lx_timespec itself is defined once, in lx/fs.h (stat needs it), and included from there. */
#ifndef LX_TIME_H
#define LX_TIME_H

#include <stdint.h>
#include <lx/fs.h>   /* struct lx_timespec */

#define LX_CLOCK_REALTIME           0
#define LX_CLOCK_MONOTONIC          1
#define LX_CLOCK_PROCESS_CPUTIME_ID 2
#define LX_CLOCK_THREAD_CPUTIME_ID  3
#define LX_CLOCK_MONOTONIC_RAW      4
#define LX_CLOCK_REALTIME_COARSE    5
#define LX_CLOCK_MONOTONIC_COARSE   6
#define LX_CLOCK_BOOTTIME           7
#define LX_CLOCK_REALTIME_ALARM     8
#define LX_CLOCK_BOOTTIME_ALARM     9
#define LX_CLOCK_TAI                11

#define LX_TIMER_ABSTIME 1

#define LX_NSEC_PER_SEC 1000000000ll
#define LX_USER_HZ      100   /* clock_t ticks per second (AT_CLKTCK, times) */

struct lx_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};

struct lx_timezone {
    int32_t tz_minuteswest;
    int32_t tz_dsttime;
};

/* setitimer/getitimer */
#define LX_ITIMER_REAL    0
#define LX_ITIMER_VIRTUAL 1
#define LX_ITIMER_PROF    2
struct lx_itimerval {
    struct lx_timeval it_interval, it_value;
};
/* timer_settime/timer_gettime */
struct lx_itimerspec {
    struct lx_timespec it_interval, it_value;
};

/* CPU-time clock ids (clock_getcpuclockid, pthread_getcpuclockid): ~pid << 3 | which, bit 2
 * for a thread's clock; pid 0 is the caller. */
#define LX_CPUCLOCK_PROF     0
#define LX_CPUCLOCK_VIRT     1
#define LX_CPUCLOCK_SCHED    2
#define LX_CPUCLOCK_PERTHREAD 4
#define LX_CPUCLOCK_PID(id)   (~((id) >> 3))
#define LX_MAKE_PROCESS_CPUCLOCK(pid, which) ((int32_t)((~(uint32_t)(pid) << 3) | (which)))

#endif
