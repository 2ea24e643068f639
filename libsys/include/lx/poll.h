/* Linux x86_64 ABI of the readiness calls and of the descriptors that exist to be waited on:
 * poll/select event bits, struct pollfd, fd_set words, epoll's flags and its packed struct
 * epoll_event, eventfd and timerfd flags and struct itimerspec. Values are the x86_64
 * kernel's; everything is prefixed LX_/lx_ so this header can sit beside a host libc. */
#ifndef LX_POLL_H
#define LX_POLL_H

#include <stdint.h>
#include <lx/fs.h>   /* struct lx_timespec */
#include <lx/time.h> /* struct lx_itimerspec */

/* poll(2) events (asm-generic/poll.h); epoll uses the same values for its EPOLL* bits */
#define LX_POLLIN     0x0001
#define LX_POLLPRI    0x0002
#define LX_POLLOUT    0x0004
#define LX_POLLERR    0x0008
#define LX_POLLHUP    0x0010
#define LX_POLLNVAL   0x0020
#define LX_POLLRDNORM 0x0040
#define LX_POLLRDBAND 0x0080
#define LX_POLLWRNORM 0x0100
#define LX_POLLWRBAND 0x0200
#define LX_POLLMSG    0x0400
#define LX_POLLRDHUP  0x2000

/* what a file that cannot block reports (DEFAULT_POLLMASK): regular files, /dev/null, ... */
#define LX_POLL_DEFAULT (LX_POLLIN | LX_POLLOUT | LX_POLLRDNORM | LX_POLLWRNORM)

struct lx_pollfd {
    int32_t fd;
    int16_t events;
    int16_t revents;
};
_Static_assert(sizeof(struct lx_pollfd) == 8, "struct pollfd");

/* select's fd_set: bit fd of word fd / 64 (x86_64 longs) */
#define LX_NFDBITS 64

/* epoll */
#define LX_EPOLL_CTL_ADD 1
#define LX_EPOLL_CTL_DEL 2
#define LX_EPOLL_CTL_MOD 3
#define LX_EPOLL_CLOEXEC LX_O_CLOEXEC
#define LX_EPOLLEXCLUSIVE (1u << 28)
#define LX_EPOLLWAKEUP    (1u << 29)
#define LX_EPOLLONESHOT   (1u << 30)
#define LX_EPOLLET        (1u << 31)

/* x86_64 packs it: 12 bytes (EPOLL_PACKED in the uapi header) */
struct lx_epoll_event {
    uint32_t events;
    uint64_t data;
} __attribute__((packed));
_Static_assert(sizeof(struct lx_epoll_event) == 12, "x86_64 struct epoll_event");

/* eventfd2 flags */
#define LX_EFD_SEMAPHORE 1
#define LX_EFD_CLOEXEC   LX_O_CLOEXEC
#define LX_EFD_NONBLOCK  LX_O_NONBLOCK

/* timerfd_create / timerfd_settime flags */
#define LX_TFD_CLOEXEC             LX_O_CLOEXEC
#define LX_TFD_NONBLOCK            LX_O_NONBLOCK
#define LX_TFD_TIMER_ABSTIME       1
#define LX_TFD_TIMER_CANCEL_ON_SET 2

/* struct lx_itimerspec: lx/time.h */

#endif
