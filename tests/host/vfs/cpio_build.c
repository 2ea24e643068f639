/* In-memory cpio newc writer for tests (see cpio_build.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpio_build.h"

static void cpio_put(cpio_buf_t *b, const void *p, size_t n)
{
    if (b->len + n + 4 > b->cap) {
        b->cap = (b->len + n + 4) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data)
            abort();
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void cpio_pad(cpio_buf_t *b)
{
    static const uint8_t zeros[4];
    cpio_put(b, zeros, (4 - b->len % 4) % 4);
}

void cpio_add_full(cpio_buf_t *b, const char *name, uint32_t mode, uint32_t ino, uint32_t nlink,
                   uint32_t mtime, const void *data, size_t len)
{
    char hdr[111];
    size_t namesize = strlen(name) + 1;
    snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino,
             mode, 0u, 0u, nlink, mtime, (unsigned)len, 0u, 0u, 0u, 0u, (unsigned)namesize, 0u);
    cpio_put(b, hdr, 110);
    cpio_put(b, name, namesize);
    cpio_pad(b);
    if (len)
        cpio_put(b, data, len);
    cpio_pad(b);
}

void cpio_add(cpio_buf_t *b, const char *name, uint32_t mode, const void *data, size_t len)
{
    cpio_add_full(b, name, mode, ++b->next_ino + 100, 1, 1600000000, data, len);
}

void cpio_trailer(cpio_buf_t *b)
{
    cpio_add_full(b, "TRAILER!!!", 0, 0, 1, 0, NULL, 0);
}

void cpio_free(cpio_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
