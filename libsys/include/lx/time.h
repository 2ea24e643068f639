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

#endif
