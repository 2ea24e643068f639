/* Builds cpio newc archives in memory for the initrd tests (the format tools/mkinitrd.sh makes
 * with `cpio -o -H newc`). */
#ifndef CPIO_BUILD_H
#define CPIO_BUILD_H

#include <stddef.h>
#include <stdint.h>

typedef struct cpio_buf {
    uint8_t *data;
    size_t len, cap;
    uint32_t next_ino;
} cpio_buf_t;

void cpio_add(cpio_buf_t *b, const char *name, uint32_t mode, const void *data, size_t len);
/* With explicit inode, link count and mtime (hard links share an inode number). */
void cpio_add_full(cpio_buf_t *b, const char *name, uint32_t mode, uint32_t ino, uint32_t nlink,
                   uint32_t mtime, const void *data, size_t len);
void cpio_trailer(cpio_buf_t *b);
void cpio_free(cpio_buf_t *b);

#endif
