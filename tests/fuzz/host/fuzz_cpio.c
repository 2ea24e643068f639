/* libFuzzer target: vfs's initrd reader (vfs_load_cpio, servers/vfs/vfs_cpio.c). An input is an
 * archive, either raw (first byte < 128: the rest of the input) or described (first byte >= 128):
 * up to 24 entries with names from a small vocabulary (nested, "..", ".", empty, absolute,
 * 255 and 300 bytes long), every file type, inode numbers and link counts that make hard links,
 * contents, then a few header bytes overwritten. The archive is loaded into a fresh vfs (over
 * the host tests' fake), and whatever loaded is walked: every directory listed, every entry
 * stat'ed, every file read, every symlink read.
 *
 * Bugs: sanitizer reports, leaks, a malformed directory record, an open file description left.
 *
 * Entry points: LLVMFuzzerTestOneInput. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpio_build.h"
#include "fz_input.h"
#include "fz_vfs.h"

static const char *const words[] = {"a", "b",   "bin", "sh",   "..", ".",  "",
                                    "/", "dev", "tmp", "proc", "x/", "lnk"};

static void name(fz_t *f, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    int parts = fz_u8(f) % 5 + 1;
    if (fz_u8(f) < 64) n += (size_t)snprintf(out, cap, "./");
    for (int i = 0; i < parts && n < cap - 1; i++) {
        uint8_t k = fz_u8(f);
        const char *w = k < 240 ? words[k % (sizeof words / sizeof words[0])] : NULL;
        char longw[301];
        if (!w) { /* a component at and past NAME_MAX */
            size_t len = k & 1 ? 255 : 300;
            memset(longw, 'n', len);
            longw[len] = '\0';
            w = longw;
        }
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "/" : "", w);
    }
}

static size_t build(fz_t *f, uint8_t **out)
{
    static const uint32_t types[] = {LX_S_IFREG, LX_S_IFDIR,  LX_S_IFLNK, LX_S_IFCHR, LX_S_IFIFO,
                                     LX_S_IFBLK, LX_S_IFSOCK, 0,          LX_S_IFMT};
    cpio_buf_t b = {0};
    int n = fz_u8(f) % 25;
    for (int i = 0; i < n; i++) {
        char nm[1024];
        name(f, nm, sizeof nm);
        uint32_t mode = types[fz_u8(f) % 9] | (fz_u16(f) & 07777);
        uint32_t ino = fz_u8(f) % 8 + 1, nlink = fz_u8(f) % 4;
        uint8_t data[512];
        size_t len = fz_u16(f) % sizeof data;
        for (size_t j = 0; j < len; j++)
            data[j] = fz_left(f) ? fz_u8(f) : 'd';
        if ((mode & LX_S_IFMT) == LX_S_IFLNK && fz_u8(f) < 128) /* a target the tree has */
            name(f, (char *)data, sizeof data), len = strlen((char *)data);
        cpio_add_full(&b, nm, mode, ino, nlink, fz_u32(f), data, len);
    }
    if (fz_u8(f) < 224) cpio_trailer(&b);
    for (int k = fz_u8(f) % 6; k > 0 && b.len; k--) { /* header bytes broken */
        uint16_t at = fz_u16(f);
        b.data[at % b.len] = fz_u8(f);
    }
    *out = b.data;
    return b.len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    uint8_t *img;
    size_t n = fz_file(data, size, build, &img);
    fake_t *fk = fz_vfs_new();
    (void)vfs_load_cpio(fk->vfs, img, n);
    free(img);
    fz_vfs_walk(fk, "/", 0);
    fz_vfs_end(fk);
    return 0;
}
