/* The kernel log ring: the last KLOG_RING_SIZE bytes of the kernel's own messages (kprintf),
 * kept for servers to read with the log_read call (vfs's syslog(2), dmesg).
 * Entry points: klog_putc, klog_copy, klog_end. */
#ifndef KERN_KLOG_H
#define KERN_KLOG_H
#include <stddef.h>
#include <stdint.h>

void klog_putc(char c);
/* Position after the last byte logged (bytes logged since boot). */
uint64_t klog_end(void);
/* Up to len bytes of the log from byte position pos into dst (pos before the oldest byte kept
 * starts at the oldest): the count; *from = the position of dst[0]. */
size_t klog_copy(char *dst, size_t len, uint64_t pos, uint64_t *from);

#endif
