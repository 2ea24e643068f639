/* The server state as a whole: creation (root, devices, console), teardown, the description
 * counter, and what procmgr's exec needs (open a program file by path with exec's rules).
 *
 * Entry points: vfs_create, vfs_destroy, vfs_open_descriptions, vfs_exec_open. */
#include <stdlib.h>
#include <string.h>
#include "vfs_impl.h"

vfs_t *vfs_create(const struct vfs_env *env)
{
    vfs_t *vfs = calloc(1, sizeof(*vfs));
    if (!vfs)
        return NULL;
    vfs->env = *env;
    vfs->next_ino = 1;   /* the root is inode 1, as on tmpfs */
    vfs_node_t *root = vfs_node_new(vfs, VFS_K_DIR, LX_S_IFDIR | 0755);
    if (!root) {
        free(vfs);
        return NULL;
    }
    root->nlink = 2;
    root->u.dir.parent = root;
    root->u.dir.next_cookie = VFS_COOKIE_FIRST;
    vfs->root = root;
    vfs_pcache_init(vfs);
    vfs_console_init(&vfs->con);
    if (vfs_dev_populate(vfs) < 0) {
        vfs_destroy(vfs);
        return NULL;
    }
    return vfs;
}

void vfs_destroy(vfs_t *vfs)
{
    while (vfs->procs)
        vfs_proc_exit(vfs, vfs->procs->pid);
    while (vfs->pending)
        vfs_pending_drop(vfs, vfs->pending);
    vfs_procfs_destroy(vfs);   /* their descriptions go before the tree does */
    vfs_exec_denials_free(vfs);
    vfs_node_free_tree(vfs->root);
    free(vfs);
}

uint64_t vfs_open_descriptions(vfs_t *vfs)
{
    return vfs->nfiles;
}

int vfs_exec_open(vfs_t *vfs, int32_t pid, const char *path, struct vfs_file **out,
                  uint64_t *size)
{
    vfs_proc_t *p = vfs_proc_find(vfs, pid);
    if (!p)
        return -LX_ESRCH;
    vfs_lookup_t lk;
    int rc = vfs_walk_at(vfs, p, LX_AT_FDCWD, path, VFS_WALK_FOLLOW, &lk);
    if (rc < 0)
        return rc;
    vfs_node_t *n = lk.node;
    if (!n)
        return -LX_ENOENT;
    /* root may execute anything with at least one x bit, but only regular files */
    if (n->kind != VFS_K_REG || !(n->mode & 0111))
        return -LX_EACCES;
    if (n->u.reg.writers)
        return -LX_ETXTBSY;   /* Linux's deny_write_access: someone has it open for writing */
    vfs_file_t *f;
    rc = vfs_file_new(vfs, n, LX_O_RDONLY | LX_O_LARGEFILE, &f);
    if (rc < 0)
        return rc;
    /* the path /proc/<pid>/exe will show if this exec commits: where the walk ended, with the
     * symlinks resolved (as Linux's d_path of the file exec opened). A magic link at the end
     * (/proc/self/exe: busybox runs its applets by exec'ing it) jumps to the file without a
     * name of its own there: the path is the one the link shows. */
    size_t nlen = strlen(lk.name);
    const vfs_node_t *last = lk.parent ? vfs_dir_lookup(lk.parent, lk.name, nlen) : NULL;
    bool magic = last && last->kind == VFS_K_LNK && last->u.lnk.magic != VFS_LNK_TEXT;
    int64_t len = magic ? -1 : vfs_dir_path(lk.parent, NULL, vfs->path2, sizeof vfs->path2);
    char *exe = NULL;
    if (magic) {
        vfs_lnk_target(vfs, last, pid, vfs->path2, sizeof vfs->path2);
        exe = vfs->path2[0] == '/' ? vfs_strdup(vfs->path2) : NULL;
    } else if (len > 0 && (size_t)len + nlen + 1 <= sizeof vfs->path2) {
        char *end = vfs->path2 + len - 1;   /* at the NUL */
        if (end[-1] != '/')
            *end++ = '/';
        memcpy(end, lk.name, nlen + 1);
        exe = vfs_strdup(vfs->path2);
    }
    if (exe)
        vfs_proc_exec_opened(p, n, exe);
    *out = f;
    *size = n->u.reg.size;
    return 0;
}
