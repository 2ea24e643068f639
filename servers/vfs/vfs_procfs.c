/* /proc as vfs keeps it: the symlink /proc/self, one directory per live process holding stat,
 * cmdline, comm, maps and status, whose reads vfs does not answer itself (it passes along what it
 * knows of the process: its terminal, umask and descriptor table size), and exe, fd/ and mounts
 * (vfs_procfd.c); the machine-wide files are vfs_procinfo.c's.
 *
 * vfs owns the shape of /proc (it hears of every process from procmgr: vfs_proc_create and
 * vfs_proc_exit), so lookups, stat, open and getdents64 of /proc are ordinary tree operations.
 * The text of the files is process state, which is procmgr's, and vfs may never call procmgr and
 * wait (two single-threaded servers calling each other deadlock). So a read is handed over:
 * env->procfs_read queues it with the reader's token and notifies procmgr, which formats the
 * text, copies the slice the reader asked for into its buffer, reports the byte count here
 * (vfs_procfs_done) and answers the reader. Meanwhile an op record holds the description, so the
 * offset advance lands on the right one even if the reader closed its fd.
 *
 * Entry points: vfs_procfs_populate, vfs_procfs_add, vfs_procfs_remove, vfs_procfs_delegate,
 * vfs_procfs_done, vfs_procfs_destroy. */
#include <stdlib.h>
#include <string.h>
#include "proto/pm_vfs.h"
#include "vfs_impl.h"

struct vfs_procfs_op {
    vfs_procfs_op_t *next;
    uint64_t id;
    vfs_file_t *file;   /* counted */
    bool at_pos;        /* read/readv: advance the position; pread/preadv: not */
};

static const struct {
    const char *name;
    uint32_t which;
} pid_files[] = {
    {"stat", VFS_PROCFS_STAT},
    {"cmdline", VFS_PROCFS_CMDLINE},
    {"comm", VFS_PROCFS_COMM},
    {"maps", VFS_PROCFS_MAPS},
    {"status", VFS_PROCFS_STATUS},
};

static void pid_name(int32_t pid, char buf[16])
{
    buf[vfs_fmt_u64(buf, (uint64_t)(uint32_t)pid)] = '\0';
}

static void mark_tree(vfs_node_t *n)
{
    n->procfs = true;
    if (n->kind == VFS_K_DIR)
        for (size_t i = 0; i < n->u.dir.n; i++)
            mark_tree(n->u.dir.ents[i].node);
}

int vfs_procfs_populate(vfs_t *vfs, vfs_node_t *proc)
{
    vfs->proc = proc;
    if (!vfs_dir_lookup(proc, "self", 4)) {
        vfs_node_t *self;
        int rc = vfs_dir_create(proc, "self", VFS_K_LNK, LX_S_IFLNK | 0777, &self);
        if (rc < 0)
            return rc;
        self->u.lnk.magic = VFS_LNK_SELF;   /* resolved per caller: vfs_lnk_target */
    }
    int rc = vfs_procinfo_populate(vfs, proc);
    if (rc < 0)
        return rc;
    mark_tree(proc);
    return 0;
}

int vfs_procfs_add(vfs_t *vfs, int32_t pid)
{
    char name[16];
    pid_name(pid, name);
    if (vfs_dir_lookup(vfs->proc, name, strlen(name)))
        return -LX_EEXIST;
    vfs_node_t *dir;
    int rc = vfs_dir_create(vfs->proc, name, VFS_K_DIR, LX_S_IFDIR | 0555, &dir);
    if (rc < 0)
        return rc;
    dir->procfs = true;
    for (size_t i = 0; i < sizeof(pid_files) / sizeof(pid_files[0]); i++) {
        vfs_node_t *f;
        rc = vfs_dir_create(dir, pid_files[i].name, VFS_K_PROC, LX_S_IFREG | 0444, &f);
        if (rc < 0) {
            vfs_procfs_remove(vfs, pid);
            return rc;
        }
        f->procfs = true;
        f->u.proc.file = VFS_PROC_PID;
        f->u.proc.pid = pid;
        f->u.proc.which = pid_files[i].which;
    }
    rc = vfs_procfd_add(vfs, dir, pid);
    if (rc < 0)
        vfs_procfs_remove(vfs, pid);
    return rc;
}

/* The nodes lose their names; one still open (an fd, a cwd) lives on unlinked, which is how a
 * later read knows its process is gone. */
void vfs_procfs_remove(vfs_t *vfs, int32_t pid)
{
    char name[16], ent[LX_NAME_MAX + 1];
    pid_name(pid, name);
    vfs_node_t *dir = vfs_dir_lookup(vfs->proc, name, strlen(name));
    if (!dir || !dir->procfs || dir->kind != VFS_K_DIR)
        return;
    while (dir->u.dir.n) {
        /* a copy: unlinking frees the entry's own name */
        strcpy(ent, dir->u.dir.ents[0].name);
        vfs_node_t *sub = dir->u.dir.ents[0].node;
        if (sub->kind == VFS_K_DIR && sub->u.dir.fd_pid) {
            sub->nlink = 0;   /* fd/ first loses its links (a cwd there then lists nothing) */
            vfs_procfd_sync(vfs, sub);
        }
        vfs_dir_unlink(dir, ent);
    }
    vfs_dir_unlink(vfs->proc, name);
}

/* Where the bytes go: the buffer of read/pread, or the first non-empty segment of a readv
 * (procfs may return less than asked; the reader reads again). */
static void first_segment(const vfs_uio_t *uio, uint64_t *uaddr, uint64_t *len)
{
    *uaddr = uio->one.iov_base;
    *len = uio->many ? 0 : uio->one.iov_len;
    for (uint32_t i = 0; uio->many && i < uio->iovcnt && *len == 0; i++) {
        *uaddr = uio->many[i].iov_base;
        *len = uio->many[i].iov_len;
    }
    if (*len > uio->total)
        *len = uio->total;
}

int64_t vfs_procfs_delegate(vfs_t *vfs, const vfs_req_t *req, vfs_file_t *f,
                            const vfs_uio_t *uio, uint64_t off, bool at_pos)
{
    vfs_node_t *n = f->node;
    if (n->nlink == 0)
        return -LX_ESRCH;   /* its process exited (and the pid may be someone else's now) */
    uint64_t uaddr, len;
    first_segment(uio, &uaddr, &len);
    if (len == 0)
        return 0;
    if (!vfs->env.procfs_read)
        return -LX_EIO;
    vfs_procfs_op_t *op = calloc(1, sizeof(*op));
    if (!op)
        return -LX_ENOMEM;
    op->id = ++vfs->procfs_next_id;
    struct vfs_proc_facts facts = {0, -1, VFS_DEFAULT_UMASK, 64};
    vfs_proc_t *target = vfs_proc_find(vfs, n->u.proc.pid);
    if (target) {
        vfs_console_facts(vfs, target, &facts);
        facts.umask = target->fs->umask;
        /* Linux's table grows by doubling and never shrinks: the most slots ours had */
        while (facts.fdsize < (uint32_t)target->files->peak)
            facts.fdsize *= 2;
    }
    int rc = vfs->env.procfs_read(vfs->env.ctx, req->token, req->pid, req->tid, n->u.proc.pid,
                                  n->u.proc.which, uaddr, len, off, op->id, &facts);
    if (rc < 0) {
        free(op);
        return rc;
    }
    op->file = f;
    vfs_file_get(f);
    op->at_pos = at_pos;
    op->next = vfs->procfs_ops;
    vfs->procfs_ops = op;
    return VFS_SUSPEND;
}

int vfs_procfs_done(vfs_t *vfs, uint64_t id, int64_t count)
{
    for (vfs_procfs_op_t **pp = &vfs->procfs_ops; *pp; pp = &(*pp)->next) {
        vfs_procfs_op_t *op = *pp;
        if (op->id != id)
            continue;
        *pp = op->next;
        if (op->at_pos && count > 0)
            op->file->pos += count;
        vfs_file_put(op->file);
        free(op);
        return 0;
    }
    return -LX_ENOENT;
}

void vfs_procfs_destroy(vfs_t *vfs)
{
    while (vfs->procfs_ops) {
        vfs_procfs_op_t *op = vfs->procfs_ops;
        vfs->procfs_ops = op->next;
        vfs_file_put(op->file);
        free(op);
    }
}
