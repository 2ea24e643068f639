/* Path resolution with Linux's rules: absolute or relative to a start directory, "." and "..",
 * ".." at the root stays there, symlinks followed mid-path always and in the last component on
 * request or when a '/' follows it, at most 40 of them (ELOOP), ENAMETOOLONG for a path of 4096
 * bytes or more or a component over 255, ENOTDIR when a non-directory is walked through or
 * named with a trailing slash.
 *
 * The walk works on a private copy of the path (vfs->walk) into which each symlink's target is
 * spliced in front of the unresolved rest; the walk never blocks and nothing else runs during
 * it, so it holds no references. /proc/self's target is the pid of the caller the walk is made
 * for (vfs->walk_pid, set by vfs_walk_at), and "/" is that caller's root (vfs->walk_root, after
 * chroot). /proc/<pid>/exe and /proc/<pid>/fd/<n> are Linux's "magic" links: following one
 * goes straight to the file it stands for (even a pipe or a deleted file), not through its
 * text.
 *
 * Entry points: vfs_walk, vfs_walk_at, vfs_walk_user, vfs_walk_node, vfs_walk_new,
 * vfs_lookup_can_create, vfs_dir_path. */
#include <string.h>
#include "vfs_impl.h"

/* Replace buf[0 .. rest) by the link's target, keeping the rest (which starts with '/' or is
 * empty). */
static int walk_splice(char *buf, size_t rest_at, const char *target)
{
    size_t tlen = strlen(target);
    size_t rlen = strlen(buf + rest_at);
    if (tlen == 0)
        return -LX_ENOENT;
    if (tlen + rlen >= LX_PATH_MAX)
        return -LX_ENAMETOOLONG;
    memmove(buf + tlen, buf + rest_at, rlen + 1);
    memcpy(buf, target, tlen);
    return 0;
}

int vfs_walk(vfs_t *vfs, vfs_node_t *start, const char *path, unsigned flags, vfs_lookup_t *lk)
{
    memset(lk, 0, sizeof(*lk));
    size_t len = strlen(path);
    if (len == 0)
        return -LX_ENOENT;
    if (len >= LX_PATH_MAX)
        return -LX_ENAMETOOLONG;
    char *buf = vfs->walk;
    memcpy(buf, path, len + 1);

    vfs_node_t *root = vfs->walk_root ? vfs->walk_root : vfs->root;
    vfs_node_t *cur = start;
    unsigned links = 0;
    size_t pos = 0;
    if (buf[0] == '/')
        cur = root;
    for (;;) {
        while (buf[pos] == '/')
            pos++;
        if (buf[pos] == '\0') {
            /* nothing but slashes: "/" itself, or a link whose target was "/" */
            lk->parent = cur;
            lk->node = cur;
            lk->last = VFS_LAST_ROOT;
            lk->slash = true;
            strcpy(lk->name, "/");
            return 0;
        }
        if (cur->kind != VFS_K_DIR)
            return -LX_ENOTDIR;
        const char *comp = buf + pos;
        size_t clen = 0;
        while (comp[clen] && comp[clen] != '/')
            clen++;
        if (clen > LX_NAME_MAX)
            return -LX_ENAMETOOLONG;
        size_t rest_at = pos + clen;   /* the '/' after the component, or the NUL */
        size_t next_at = rest_at;
        while (buf[next_at] == '/')
            next_at++;
        bool slash = buf[rest_at] == '/';
        bool last = buf[next_at] == '\0';

        vfs_node_t *next;
        enum vfs_last type = VFS_LAST_NORM;
        if (clen == 1 && comp[0] == '.') {
            next = cur;
            type = VFS_LAST_DOT;
        } else if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
            next = cur == root || cur == vfs->root ? cur : cur->u.dir.parent;
            type = VFS_LAST_DOTDOT;
        } else {
            if (cur->u.dir.fd_pid)
                vfs_procfd_sync(vfs, cur);   /* /proc/<pid>/fd: the fds open now */
            next = vfs_dir_lookup(cur, comp, clen);
        }

        bool follow =
            !last || (((flags & VFS_WALK_FOLLOW) || slash) && !(flags & VFS_WALK_PARENT));
        if (next && next->kind == VFS_K_LNK && follow) {
            if (++links > VFS_SYMLOOP_MAX)
                return -LX_ELOOP;
            if (next->u.lnk.magic == VFS_LNK_EXE || next->u.lnk.magic == VFS_LNK_FD) {
                next = vfs_procfd_follow(vfs, next);
                if (!next)
                    return -LX_ENOENT;
                type = VFS_LAST_NORM;
                /* the file itself: go on as if the component had named it */
            } else {
                char self[16];
                int rc = walk_splice(buf, rest_at,
                                     vfs_lnk_target(vfs, next, vfs->walk_pid, self, sizeof self));
                if (rc < 0)
                    return rc;
                pos = 0;
                if (buf[0] == '/')
                    cur = root;
                continue;
            }
        }
        if (last) {
            lk->parent = cur;
            lk->node = next;
            memcpy(lk->name, comp, clen);
            lk->name[clen] = '\0';
            lk->last = type;
            lk->slash = slash;
            if (slash && next && next->kind != VFS_K_DIR)
                return -LX_ENOTDIR;
            return 0;
        }
        if (!next)
            return -LX_ENOENT;
        if (next->kind != VFS_K_DIR)
            return -LX_ENOTDIR;
        cur = next;
        pos = next_at;
    }
}

int vfs_walk_at(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, const char *path, unsigned flags,
                vfs_lookup_t *lk)
{
    if (path[0] == '\0' && !(flags & VFS_WALK_EMPTY))
        return -LX_ENOENT;
    vfs_node_t *start = p->fs->cwd;
    vfs_file_t *f = NULL;
    if (path[0] != '/' && dirfd != LX_AT_FDCWD) {
        f = vfs_fd_get(p, dirfd);
        if (!f)
            return -LX_EBADF;
        start = f->node;
    }
    int rc;
    if (path[0] == '\0' && (flags & VFS_WALK_EMPTY)) {
        /* AT_EMPTY_PATH: the call operates on dirfd itself, whatever it is */
        memset(lk, 0, sizeof(*lk));
        lk->node = start;
        lk->last = VFS_LAST_EMPTY;
        rc = 0;
    } else if (path[0] != '/' && start->kind != VFS_K_DIR) {
        rc = path[0] ? -LX_ENOTDIR : -LX_ENOENT;
    } else {
        vfs->walk_pid = p->pid;   /* /proc/self is the caller, "/" its root */
        vfs->walk_root = p->fs->root;
        rc = vfs_walk(vfs, start, path, flags, lk);
        vfs->walk_pid = 0;
        vfs->walk_root = NULL;
    }
    if (f)
        vfs_file_put(f);
    return rc;
}

int vfs_walk_user(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath, unsigned flags,
                  vfs_lookup_t *lk)
{
    int64_t n = vfs->env.copy_str_in(vfs->env.ctx, p->pid, vfs->path, upath, LX_PATH_MAX);
    if (n < 0)
        return (int)n;
    return vfs_walk_at(vfs, p, dirfd, vfs->path, flags, lk);
}

int vfs_walk_node(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath, unsigned flags,
                  vfs_node_t **out)
{
    vfs_lookup_t lk;
    int rc = vfs_walk_user(vfs, p, dirfd, upath, flags, &lk);
    if (rc < 0)
        return rc;
    if (!lk.node)
        return -LX_ENOENT;
    *out = lk.node;
    return 0;
}

int vfs_walk_new(vfs_t *vfs, vfs_proc_t *p, int32_t dirfd, uint64_t upath, vfs_lookup_t *lk)
{
    int rc = vfs_walk_user(vfs, p, dirfd, upath, VFS_WALK_PARENT, lk);
    return rc < 0 ? rc : vfs_lookup_can_create(lk);
}

int vfs_lookup_can_create(const vfs_lookup_t *lk)
{
    if (lk->node || lk->last != VFS_LAST_NORM)
        return -LX_EEXIST;
    if (lk->parent->nlink == 0)
        return -LX_ENOENT;   /* the directory was removed while we sat in it */
    if (lk->parent->procfs)
        return -LX_EPERM;    /* procfs directories have no mkdir/symlink/link */
    return 0;
}

/* The name under which dir is linked in its parent. */
static const char *dir_name_in_parent(const vfs_node_t *dir)
{
    const vfs_node_t *parent = dir->u.dir.parent;
    for (size_t i = 0; i < parent->u.dir.n; i++)
        if (parent->u.dir.ents[i].node == dir)
            return parent->u.dir.ents[i].name;
    return NULL;
}

int64_t vfs_dir_path(const vfs_node_t *dir, const vfs_node_t *root, char *buf, size_t size)
{
    const vfs_node_t *top = dir->vfs->root;
    if (!root)
        root = top;
    /* build right to left at the end of buf, then slide it to the front */
    if (size < 2)
        return -LX_ERANGE;
    size_t at = size - 1;
    buf[at] = '\0';
    const vfs_node_t *d = dir;
    for (; d != root && d != top; d = d->u.dir.parent) {
        if (d->nlink == 0)
            return -LX_ENOENT;
        const char *name = dir_name_in_parent(d);
        if (!name)
            return -LX_ENOENT;
        size_t len = strlen(name);
        if (len + 1 > at)
            return -LX_ERANGE;
        at -= len;
        memcpy(buf + at, name, len);
        buf[--at] = '/';
    }
    if (d != root) {
        /* outside the caller's root (a cwd left behind by chroot): Linux's prefix */
        static const char unreachable[] = "(unreachable)";
        size_t len = sizeof unreachable - 1;
        if (len + (at == size - 1 ? 1 : 0) > at)
            return -LX_ERANGE;
        if (at == size - 1)
            buf[--at] = '/';
        at -= len;
        memcpy(buf + at, unreachable, len);
    }
    if (at == size - 1)
        buf[--at] = '/';
    size_t total = size - at;
    memmove(buf, buf + at, total);
    return (int64_t)total;
}
