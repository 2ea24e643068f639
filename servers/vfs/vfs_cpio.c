/* The initrd: a cpio "newc" archive (what `cpio -o -H newc` and tools/mkinitrd.sh write) merged
 * into the tree at start-up.
 *
 * Each entry is a 110-byte ASCII header ("070701" or "070702" and thirteen 8-digit hex fields),
 * the NUL-terminated name padded to 4 bytes, then the data padded to 4 bytes; "TRAILER!!!" ends
 * the archive. Directories, regular files and symlinks (target = data) are created with their
 * modes and mtimes; missing parent directories are made 0755; existing directories are merged
 * (mode updated); other entry types (device nodes, fifos) are skipped. Hard links (same ino,
 * nlink > 1) become links to one node, the data coming with whichever entry carries it.
 *
 * The whole archive is validated before anything is created, so a malformed one changes
 * nothing. Conflicts with the tree (a file where the archive has a directory) stop the load
 * with -EINVAL, leaving the entries before it in place.
 *
 * vfs_load_initrd leaves the files' bytes in the archive, which must stay in place for as long as
 * vfs lives (the boot initrd, mapped read-only for good), until a file is changed or mapped
 * (vfs_pcache.c); vfs_load_cpio copies them into the page cache at once.
 *
 * Entry points: vfs_load_cpio, vfs_load_initrd. */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

#define CPIO_HDR 110

typedef struct cpio_entry {
    uint32_t ino, mode, uid, gid, nlink, mtime, filesize, namesize;
    const char *name;
    const uint8_t *data;
} cpio_entry_t;

static int cpio_hex(const uint8_t *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        uint8_t c = s[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

/* Offset of the first NUL in s[0..n), or n (memchr is outside the libc subset logic uses). */
static size_t cpio_nul_at(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i])
        i++;
    return i;
}

static size_t cpio_align(size_t off)
{
    return (off + 3) & ~(size_t)3;
}

/* Parse the entry at *off and move *off past it. Checks everything the loader relies on. */
static int cpio_next(const uint8_t *base, size_t len, size_t *off, cpio_entry_t *e)
{
    size_t at = *off;
    if (len - at < CPIO_HDR)
        return -LX_EINVAL;
    const uint8_t *h = base + at;
    if (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0)
        return -LX_EINVAL;
    uint32_t f[13];
    for (int i = 0; i < 13; i++)
        if (cpio_hex(h + 6 + 8 * i, &f[i]) < 0)
            return -LX_EINVAL;
    e->ino = f[0], e->mode = f[1], e->uid = f[2], e->gid = f[3], e->nlink = f[4];
    e->mtime = f[5], e->filesize = f[6], e->namesize = f[11];
    if (e->namesize == 0 || e->namesize > LX_PATH_MAX || e->namesize > len - at - CPIO_HDR)
        return -LX_EINVAL;
    e->name = (const char *)h + CPIO_HDR;
    if (cpio_nul_at(h + CPIO_HDR, e->namesize) != e->namesize - 1)
        return -LX_EINVAL;   /* the name must end exactly at its stated size */
    size_t data = cpio_align(at + CPIO_HDR + e->namesize);
    if (data > len || e->filesize > len - data)
        return -LX_EINVAL;
    e->data = base + data;
    size_t next = cpio_align(data + e->filesize);
    *off = next < len ? next : len;
    return 0;
}

static bool cpio_is_trailer(const cpio_entry_t *e)
{
    return strcmp(e->name, "TRAILER!!!") == 0;
}

/* Structural check of the whole archive, plus what pass 2 cannot recover from. */
static int cpio_validate(const uint8_t *base, size_t len)
{
    size_t off = 0;
    cpio_entry_t e;
    for (;;) {
        int rc = cpio_next(base, len, &off, &e);
        if (rc < 0)
            return rc;
        if (cpio_is_trailer(&e))
            return 0;
        uint32_t type = e.mode & LX_S_IFMT;
        if (type == 0)
            return -LX_EINVAL;
        if (type == LX_S_IFLNK &&
            (e.filesize == 0 || e.filesize >= LX_PATH_MAX ||
             cpio_nul_at(e.data, e.filesize) != e.filesize))
            return -LX_EINVAL;
        size_t clen = 0;
        for (const char *c = e.name; *c; c++) {
            clen = *c == '/' ? 0 : clen + 1;
            if (clen > LX_NAME_MAX)
                return -LX_EINVAL;
        }
    }
}

/* The archive name as a path relative to the root: "./a/b" and "/a/b" become "a/b", "." and
 * "" the root itself (empty result). */
static const char *cpio_relname(const char *name)
{
    for (;;) {
        if (name[0] == '/')
            name++;
        else if (name[0] == '.' && name[1] == '/')
            name += 2;
        else if (name[0] == '.' && name[1] == '\0')
            name++;
        else
            return name;
    }
}

/* Walk to name's parent, creating missing directories (0755) on the way. */
static int cpio_lookup(vfs_t *vfs, const char *rel, vfs_lookup_t *lk)
{
    int rc = vfs_walk(vfs, vfs->root, rel, VFS_WALK_PARENT, lk);
    if (rc != -LX_ENOENT)
        return rc;
    /* build the prefixes one by one in vfs->path (vfs_walk works on its own copy) */
    size_t len = strlen(rel);
    for (size_t i = 1; i < len; i++) {
        if (rel[i] != '/' || rel[i - 1] == '/')
            continue;
        memcpy(vfs->path, rel, i);
        vfs->path[i] = '\0';
        rc = vfs_walk(vfs, vfs->root, vfs->path, VFS_WALK_FOLLOW, lk);
        if (rc < 0)
            return rc;
        if (!lk->node) {
            rc = vfs_dir_create(lk->parent, lk->name, VFS_K_DIR, LX_S_IFDIR | 0755, NULL);
            if (rc < 0)
                return rc;
        }
    }
    return vfs_walk(vfs, vfs->root, rel, VFS_WALK_PARENT, lk);
}

typedef struct cpio_links {
    struct {
        uint32_t ino;
        vfs_node_t *node;
    } *v;
    size_t n, cap;
} cpio_links_t;

static vfs_node_t *cpio_links_find(const cpio_links_t *l, uint32_t ino)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].ino == ino)
            return l->v[i].node;
    return NULL;
}

static int cpio_links_add(cpio_links_t *l, uint32_t ino, vfs_node_t *node)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        void *v = realloc(l->v, cap * sizeof(*l->v));
        if (!v)
            return -LX_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n].ino = ino;
    l->v[l->n].node = node;
    l->n++;
    return 0;
}

static void cpio_set_attrs(vfs_node_t *n, const cpio_entry_t *e)
{
    n->mode = (n->mode & LX_S_IFMT) | (e->mode & 07777);
    n->uid = e->uid;
    n->gid = e->gid;
    n->mtime.tv_sec = e->mtime;
    n->mtime.tv_nsec = 0;
    n->atime = n->ctime = n->mtime;
}

/* A file's bytes: left in the archive (the initrd, which stays mapped) or copied now. */
static int cpio_set_data(vfs_node_t *n, const cpio_entry_t *e, bool keep)
{
    if (e->filesize == 0)
        return 0;   /* a hard link's entry without the data */
    if (keep) {
        vfs_reg_set_initrd(n, e->data, e->filesize);
        return 0;
    }
    return vfs_reg_set_bytes(n, e->data, e->filesize);
}

static int cpio_add(vfs_t *vfs, const cpio_entry_t *e, cpio_links_t *links, bool keep)
{
    uint32_t type = e->mode & LX_S_IFMT;
    if (type != LX_S_IFDIR && type != LX_S_IFREG && type != LX_S_IFLNK)
        return 0;
    const char *rel = cpio_relname(e->name);
    if (*rel == '\0') {
        if (type == LX_S_IFDIR)
            cpio_set_attrs(vfs->root, e);
        return 0;
    }
    vfs_lookup_t lk;
    int rc = cpio_lookup(vfs, rel, &lk);
    if (rc < 0)
        return rc;
    if (lk.last != VFS_LAST_NORM)
        return lk.node && lk.node->kind == VFS_K_DIR && type == LX_S_IFDIR ? 0 : -LX_EINVAL;
    vfs_node_t *n = lk.node;
    if (type == LX_S_IFDIR) {
        if (n && n->kind != VFS_K_DIR)
            return -LX_EINVAL;
        if (!n && (rc = vfs_dir_create(lk.parent, lk.name, VFS_K_DIR, LX_S_IFDIR, &n)) < 0)
            return rc;
        cpio_set_attrs(n, e);
        return 0;
    }
    /* a file or symlink replaces whatever non-directory had the name */
    if (n && n->kind == VFS_K_DIR)
        return -LX_EINVAL;
    if (n) {
        for (size_t i = 0; i < links->n; i++) /* the node may die: forget it as a link target */
            if (links->v[i].node == n)
                links->v[i--] = links->v[--links->n];
        vfs_dir_unlink(lk.parent, lk.name);
    }
    if (type == LX_S_IFLNK) {
        char *target = malloc(e->filesize + 1);
        if (!target)
            return -LX_ENOMEM;
        memcpy(target, e->data, e->filesize);
        target[e->filesize] = '\0';
        rc = vfs_dir_create(lk.parent, lk.name, VFS_K_LNK, LX_S_IFLNK, &n);
        if (rc < 0) {
            free(target);
            return rc;
        }
        n->u.lnk.target = target;
        cpio_set_attrs(n, e);
        return 0;
    }
    vfs_node_t *linked = e->nlink > 1 ? cpio_links_find(links, e->ino) : NULL;
    if (linked) {
        rc = vfs_dir_link(lk.parent, lk.name, linked);
        return rc < 0 ? rc : cpio_set_data(linked, e, keep);
    }
    rc = vfs_dir_create(lk.parent, lk.name, VFS_K_REG, LX_S_IFREG, &n);
    if (rc < 0)
        return rc;
    cpio_set_attrs(n, e);
    if (e->nlink > 1 && (rc = cpio_links_add(links, e->ino, n)) < 0)
        return rc;
    return cpio_set_data(n, e, keep);
}

static int cpio_load(vfs_t *vfs, const void *data, size_t len, bool keep)
{
    const uint8_t *base = data;
    int rc = cpio_validate(base, len);
    if (rc < 0)
        return rc;
    cpio_links_t links = {0};
    size_t off = 0;
    cpio_entry_t e;
    while ((rc = cpio_next(base, len, &off, &e)) == 0 && !cpio_is_trailer(&e)) {
        rc = cpio_add(vfs, &e, &links, keep);
        if (rc < 0)
            break;
    }
    free(links.v);
    return rc;
}

int vfs_load_cpio(vfs_t *vfs, const void *data, size_t len)
{
    return cpio_load(vfs, data, len, false);
}

int vfs_load_initrd(vfs_t *vfs, const void *data, size_t len)
{
    return cpio_load(vfs, data, len, true);
}
