/* The in-memory tree: nodes (inodes) of every kind, their lifetime (nlink + refs), directory
 * entries, regular file data, timestamps and stat.
 *
 * A directory's entries are an array in insertion order; each entry gets a never-reused
 * cookie so getdents can resume after entries are added or removed. A directory holds a counted
 * reference on its parent so ".." of a removed (but still used) directory stays valid.
 *
 * Entry points: vfs_node_new/get/put/free_tree/touch/stat/dtype, vfs_dir_lookup/link/unlink/
 * create/is_empty, vfs_lnk_target, vfs_now, vfs_strdup. (Regular files' bytes: vfs_pcache.c.) */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

char *vfs_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

void vfs_now(vfs_t *vfs, struct lx_timespec *ts)
{
    ts->tv_sec = 0;
    ts->tv_nsec = 0;
    if (vfs->env.now)
        vfs->env.now(vfs->env.ctx, ts);
}

vfs_node_t *vfs_node_new(vfs_t *vfs, enum vfs_kind kind, uint32_t mode)
{
    vfs_node_t *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    n->vfs = vfs;
    n->kind = kind;
    n->mode = mode;
    n->ino = vfs->next_ino++;
    vfs_now(vfs, &n->mtime);
    n->atime = n->ctime = n->mtime;
    return n;
}

void vfs_node_get(vfs_node_t *n)
{
    n->refs++;
}

static void node_free(vfs_node_t *n)
{
    switch (n->kind) {
    case VFS_K_DIR:
        for (size_t i = 0; i < n->u.dir.n; i++)
            free(n->u.dir.ents[i].name);
        free(n->u.dir.ents);
        vfs_dirhash_free(n);
        if (n->u.dir.parent && n->u.dir.parent != n)
            vfs_node_put(n->u.dir.parent);
        break;
    case VFS_K_REG:
        vfs_reg_free(n);
        break;
    case VFS_K_LNK:
        free(n->u.lnk.target);
        break;
    case VFS_K_PIPE:
        if (n->u.pipe)
            vfs_pipe_free(n->u.pipe);
        break;
    case VFS_K_EVENTFD:
        vfs_eventfd_free(n->u.efd);
        break;
    case VFS_K_TIMERFD:
        vfs_timerfd_free(n->vfs, n->u.tfd);
        break;
    case VFS_K_EPOLL:
        vfs_epoll_free(n->vfs, n->u.ep);
        break;
    default:
        break;
    }
    free(n);
}

static void node_maybe_free(vfs_node_t *n)
{
    if (n->nlink == 0 && n->refs == 0)
        node_free(n);
}

void vfs_node_put(vfs_node_t *n)
{
    n->refs--;
    node_maybe_free(n);
}

/* Free a whole subtree regardless of counts: only when the server goes away and every
 * description and cwd is already gone, so only the tree's own links remain. */
void vfs_node_free_tree(vfs_node_t *dir)
{
    for (size_t i = 0; i < dir->u.dir.n; i++) {
        vfs_node_t *c = dir->u.dir.ents[i].node;
        if (c->kind == VFS_K_DIR) {
            vfs_node_free_tree(c);
            continue;
        }
        if (--c->nlink == 0 && c->refs == 0)
            node_free(c);
    }
    for (size_t i = 0; i < dir->u.dir.n; i++)
        free(dir->u.dir.ents[i].name);
    free(dir->u.dir.ents);
    vfs_dirhash_free(dir);
    dir->u.dir.ents = NULL;
    dir->u.dir.n = 0;
    /* children put their ".." references as they went; what is left is ours */
    vfs_node_t *parent = dir->u.dir.parent;
    dir->u.dir.parent = NULL;
    if (parent && parent != dir)
        parent->refs--;
    free(dir);
}

void vfs_node_touch(vfs_node_t *n, bool modify)
{
    vfs_now(n->vfs, &n->ctime);
    if (modify)
        n->mtime = n->ctime;
}

static int64_t node_size(const vfs_node_t *n)
{
    switch (n->kind) {
    case VFS_K_REG:
        return (int64_t)n->u.reg.size;
    case VFS_K_LNK:
        /* /proc/self and exe have no stored target (procfs reports 0), fd links 64 */
        if (n->u.lnk.magic == VFS_LNK_FD)
            return 64;
        return n->u.lnk.target ? (int64_t)strlen(n->u.lnk.target) : 0;
    case VFS_K_DIR:
        /* tmpfs's convention: a bogus 20 bytes per entry, "." and ".." included */
        return (int64_t)(n->u.dir.n + 2) * 20;
    default:
        return 0;
    }
}

void vfs_node_stat(const vfs_node_t *n, struct lx_stat *st)
{
    memset(st, 0, sizeof(*st));
    /* pipes and the anonymous files (eventfd, timerfd, epoll) are in no directory yet count as
     * linked once, on file systems of their own (Linux's pipefs and anon_inodefs) */
    bool anon = (n->kind == VFS_K_PIPE && !n->fifo) || n->kind == VFS_K_EVENTFD ||
                n->kind == VFS_K_TIMERFD || n->kind == VFS_K_EPOLL;
    st->st_dev = !anon ? VFS_STDEV : n->kind == VFS_K_PIPE ? 0xc : 0xd;
    st->st_ino = n->ino;
    st->st_nlink = anon ? 1 : n->nlink;
    st->st_mode = n->mode;
    st->st_uid = n->uid;
    st->st_gid = n->gid;
    st->st_rdev = n->rdev;
    st->st_size = node_size(n);
    st->st_blksize = 4096;
    if (n->kind == VFS_K_REG)
        st->st_blocks = (int64_t)((n->u.reg.size + 4095) / 4096) * 8;
    st->st_atim = n->atime;
    st->st_mtim = n->mtime;
    st->st_ctim = n->ctime;
}

const char *vfs_lnk_target(vfs_t *vfs, const vfs_node_t *n, int32_t pid, char *buf, size_t size)
{
    size_t len = 0;
    switch (n->u.lnk.magic) {
    case VFS_LNK_TEXT:
        return n->u.lnk.target;
    case VFS_LNK_SELF:
        len = pid > 0 ? vfs_fmt_u64(buf, (uint64_t)pid) : 0;
        break;
    case VFS_LNK_EXE:
    case VFS_LNK_FD:
        len = vfs_procfd_describe(vfs, n, buf, size);
        break;
    }
    buf[len] = '\0';
    return buf;
}

uint8_t vfs_node_dtype(const vfs_node_t *n)
{
    switch (n->mode & LX_S_IFMT) {
    case LX_S_IFDIR:
        return LX_DT_DIR;
    case LX_S_IFREG:
        return LX_DT_REG;
    case LX_S_IFLNK:
        return LX_DT_LNK;
    case LX_S_IFCHR:
        return LX_DT_CHR;
    case LX_S_IFIFO:
        return LX_DT_FIFO;
    case LX_S_IFBLK:
        return LX_DT_BLK;
    case LX_S_IFSOCK:
        return LX_DT_SOCK;
    default:
        return LX_DT_UNKNOWN;
    }
}

static vfs_dirent_t *dir_find(const vfs_node_t *dir, const char *name, size_t len)
{
    if (dir->u.dir.hash)
        return vfs_dirhash_find(dir, name, len);
    for (size_t i = 0; i < dir->u.dir.n; i++) {
        vfs_dirent_t *e = &dir->u.dir.ents[i];
        if (strncmp(e->name, name, len) == 0 && e->name[len] == '\0')
            return e;
    }
    return NULL;
}

vfs_node_t *vfs_dir_lookup(const vfs_node_t *dir, const char *name, size_t len)
{
    vfs_dirent_t *e = dir_find(dir, name, len);
    return e ? e->node : NULL;
}

int vfs_dir_link(vfs_node_t *dir, const char *name, vfs_node_t *node)
{
    if (dir->u.dir.n == dir->u.dir.cap) {
        size_t cap = dir->u.dir.cap ? dir->u.dir.cap * 2 : 8;
        vfs_dirent_t *ents = realloc(dir->u.dir.ents, cap * sizeof(*ents));
        if (!ents)
            return -LX_ENOMEM;
        dir->u.dir.ents = ents;
        dir->u.dir.cap = cap;
    }
    size_t len = strlen(name);
    char *copy = malloc(len + 1);
    if (!copy)
        return -LX_ENOMEM;
    memcpy(copy, name, len + 1);
    vfs_dirent_t *e = &dir->u.dir.ents[dir->u.dir.n++];
    e->name = copy;
    e->node = node;
    e->cookie = dir->u.dir.next_cookie++;
    vfs_dirhash_added(dir, e);
    if (node->kind == VFS_K_DIR) {
        /* its entry here and its own "." ; the parent gains the child's ".." */
        node->nlink = 2;
        dir->nlink++;
        vfs_node_t *old = node->u.dir.parent;
        vfs_node_get(dir);
        node->u.dir.parent = dir;
        if (old)
            vfs_node_put(old);
    } else {
        node->nlink++;
    }
    vfs_node_touch(dir, true);
    return 0;
}

void vfs_dir_unlink(vfs_node_t *dir, const char *name)
{
    vfs_dirent_t *e = dir_find(dir, name, strlen(name));
    if (!e)
        return;
    vfs_node_t *node = e->node;
    vfs_dirhash_removed(dir, e);
    free(e->name);
    size_t idx = (size_t)(e - dir->u.dir.ents);
    memmove(e, e + 1, (dir->u.dir.n - idx - 1) * sizeof(*e));
    dir->u.dir.n--;
    vfs_node_touch(dir, true);
    if (node->kind == VFS_K_DIR) {
        /* an empty directory loses both links at once; it keeps its ".." reference until
         * freed so a process sitting in it can still walk out */
        node->nlink = 0;
        dir->nlink--;
    } else {
        node->nlink--;
    }
    vfs_node_touch(node, false);
    node_maybe_free(node);
}

int vfs_dir_create(vfs_node_t *dir, const char *name, enum vfs_kind kind, uint32_t mode,
                   vfs_node_t **out)
{
    vfs_node_t *n = vfs_node_new(dir->vfs, kind, mode);
    if (!n)
        return -LX_ENOMEM;
    if (kind == VFS_K_DIR)
        n->u.dir.next_cookie = VFS_COOKIE_FIRST;
    int rc = vfs_dir_link(dir, name, n);
    if (rc < 0) {
        node_free(n);
        return rc;
    }
    if (out)
        *out = n;
    return 0;
}

bool vfs_dir_is_empty(const vfs_node_t *dir)
{
    return dir->u.dir.n == 0;
}
