/* trace_mem.c: reading a tracee's memory.
 *
 * process_vm_readv is tried first (one call for many bytes); if the system refuses it for any
 * reason other than a bad address, it is not tried again and every read goes word by word with
 * PTRACE_PEEKDATA, which is all a ptrace implementation must offer.
 *
 * Entry points: mem_read (bytes read, short at the first unreadable word), mem_word. */
#define _GNU_SOURCE
#include "trace.h"

#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

static int vm_readv_works = 1;

int mem_word(pid_t pid, unsigned long addr, unsigned long *w)
{
    errno = 0;
    long v = ptrace(PTRACE_PEEKDATA, pid, (void *)addr, (void *)0);
    if (v == -1 && errno)
        return -1;
    *w = (unsigned long)v;
    return 0;
}

static size_t peek_read(pid_t pid, unsigned long addr, unsigned char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        unsigned long a = addr + done;
        unsigned long base = a & ~(unsigned long)(sizeof(long) - 1);
        unsigned long w;
        if (mem_word(pid, base, &w) < 0)
            break;
        size_t off = a - base;
        size_t n = sizeof w - off;
        if (n > len - done)
            n = len - done;
        memcpy(buf + done, (unsigned char *)&w + off, n);
        done += n;
    }
    return done;
}

size_t mem_read(pid_t pid, unsigned long addr, void *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (vm_readv_works) {
        struct iovec local = {buf, len};
        struct iovec remote = {(void *)addr, len};
        ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
        if (n >= 0)
            return (size_t)n;
        if (errno != EFAULT && errno != ESRCH)
            vm_readv_works = 0;
        else
            return 0;
    }
    return peek_read(pid, addr, buf, len);
}
