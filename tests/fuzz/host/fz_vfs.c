/* The vfs fuzz targets' shared pieces (see fz_vfs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fz_vfs.h"

static uint64_t scratch; /* 4 slots of FZ_PATH_MAX bytes in process 1's memory */
static int visited;      /* entries seen by the current walk */

fake_t *fz_vfs_new(void)
{
    fake_t *fk = fake_new();
    if (vfs_proc_create(fk->vfs, FZ_PID, -1) != 0) abort();
    scratch = fake_alloc(fk, FZ_PID, 4 * FZ_PATH_MAX);
    return fk;
}

uint64_t fz_vfs_str(fake_t *fk, int slot, const char *s)
{
    uint64_t u = scratch + (uint64_t)slot * FZ_PATH_MAX;
    size_t n = strnlen(s, FZ_PATH_MAX - 1);
    char *p = fake_ptr(fk, FZ_PID, u);
    memcpy(p, s, n);
    p[n] = '\0';
    if (getenv("FZ_TRACE")) fprintf(stderr, "  %#lx = \"%.200s\"\n", (unsigned long)u, s);
    return u;
}

uint64_t fz_vfs_buf(fake_t *fk)
{
    (void)fk;
    return scratch + 3 * FZ_PATH_MAX;
}

int64_t fz_vfs_sys(fake_t *fk, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                   uint64_t a4)
{
    int64_t r = fake_sys(fk, FZ_PID, nr, a0, a1, a2, a3, a4, 0);
    if (r == VFS_SUSPEND) {
        vfs_token_t tok;
        if (fk->nprocfs) { /* a /proc read handed to "procmgr": it answers 0 bytes */
            fk->nprocfs = 0;
            vfs_procfs_done(fk->vfs, fk->procfs[0].id, 0);
            r = 0;
        } else if (fk->njobctl) { /* a terminal call handed to "procmgr": EIO */
            fk->njobctl = 0;
            r = -LX_EIO;
        } else if (vfs_thread_withdraw(fk->vfs, FZ_PID, &tok, NULL)) {
            r = -LX_EINTR; /* taken back, as for a signal */
        } else if (!fake_reply_find(fk, fk->last_token, &r)) {
            abort(); /* deferred, yet vfs holds it nowhere */
        }
    }
    if (getenv("FZ_TRACE")) /* reproducing a finding: every call and its result */
        fprintf(stderr, "vfs %lu(%#lx, %#lx, %#lx, %#lx, %#lx) = %ld\n", (unsigned long)nr,
                (unsigned long)a0, (unsigned long)a1, (unsigned long)a2, (unsigned long)a3,
                (unsigned long)a4, (long)r);
    fk->nreplies = 0; /* the fake's record of replies is bounded */
    fk->console_len = 0;
    return r;
}

void fz_vfs_walk(fake_t *fk, const char *dir, int depth)
{
    if (depth == 0) visited = 0;
    int64_t fd =
        fz_vfs_sys(fk, VFS_NR_open, fz_vfs_str(fk, 0, dir), LX_O_RDONLY | LX_O_DIRECTORY, 0, 0, 0);
    if (fd < 0) return;
    static char names[64][256];
    int n = 0;
    uint64_t buf = fz_vfs_buf(fk);
    int64_t got;
    while (n < 64 && (got = fz_vfs_sys(fk, VFS_NR_getdents64, (uint64_t)fd, buf, 4096, 0, 0)) > 0) {
        const uint8_t *p = fake_ptr(fk, FZ_PID, buf);
        for (int64_t off = 0; off < got && n < 64;) {
            uint16_t reclen;
            memcpy(&reclen, p + off + 16, 2);
            if (reclen < 20 || off + reclen > got) abort(); /* a malformed record */
            const char *name = (const char *)p + off + 19;
            if (strcmp(name, ".") && strcmp(name, ".."))
                snprintf(names[n++], sizeof names[0], "%s", name);
            off += reclen;
        }
    }
    fz_vfs_sys(fk, VFS_NR_close, (uint64_t)fd, 0, 0, 0, 0);
    char(*mine)[256] = malloc((size_t)n * 256 + 1); /* the static table is reused by recursion */
    memcpy(mine, names, (size_t)n * 256);
    for (int i = 0; i < n && visited < 512; i++, visited++) {
        char path[FZ_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") ? dir : "", mine[i]);
        uint64_t st = fz_vfs_buf(fk);
        if (fz_vfs_sys(fk, VFS_NR_lstat, fz_vfs_str(fk, 0, path), st, 0, 0, 0) != 0) continue;
        struct lx_stat s;
        memcpy(&s, fake_ptr(fk, FZ_PID, st), sizeof s);
        if ((s.st_mode & LX_S_IFMT) == LX_S_IFLNK) {
            fz_vfs_sys(fk, VFS_NR_readlink, fz_vfs_str(fk, 0, path), buf, 300, 0, 0);
        } else if (LX_S_ISREG(s.st_mode)) {
            int64_t f = fz_vfs_sys(fk, VFS_NR_open, fz_vfs_str(fk, 0, path),
                                   LX_O_RDONLY | LX_O_NONBLOCK, 0, 0, 0);
            if (f >= 0) {
                fz_vfs_sys(fk, VFS_NR_read, (uint64_t)f, buf, FZ_PATH_MAX, 0, 0);
                fz_vfs_sys(fk, VFS_NR_close, (uint64_t)f, 0, 0, 0, 0);
            }
        } else if (LX_S_ISDIR(s.st_mode) && depth < 4 && strcmp(path, "/proc")) {
            fz_vfs_walk(fk, path, depth + 1);
        }
    }
    free(mine);
}

void fz_vfs_end(fake_t *fk)
{
    vfs_proc_exit(fk->vfs, FZ_PID);
    uint64_t left = vfs_open_descriptions(fk->vfs);
    if (left) {
        fprintf(stderr, "fz_vfs: %llu open file descriptions leaked\n", (unsigned long long)left);
        abort();
    }
    fake_free(fk);
}
