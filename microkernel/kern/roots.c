/* Starting the root servers: each Multiboot2 module named in roots= (default "procmgr,vfs") is a
 * static ELF64 executable; it gets a new address space with its segments, a stack, an IPC buffer,
 * the boot information page and the initrd mapped read-only, a capability table with the handles of
 * kabi/caps.h (the clock page among them), and one native thread at its entry point.
 * Entry point: roots_start. */
#include <string.h>
#include "aspace.h"
#include "clockpage.h"
#include "memobj.h"
#include "cmdline.h"
#include "heap.h"
#include "ipc.h"
#include "kabi/boot.h"
#include "kern.h"
#include "kprintf.h"
#include "mb2.h"
#include "pmm.h"
#include "sched.h"
#include "thread.h"

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static struct kobj control_obj = {KOBJ_CONTROL, 1};

/* Loads the ELF image [img, img+size) into as; returns the entry point or 0. */
static uint64_t load_elf(struct aspace *as, const uint8_t *img, uint64_t size, const char *name)
{
    const struct elf64_ehdr *eh = (const void *)img;
    if (size < sizeof *eh || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 ||
        eh->machine != 62 || eh->type != 2 || eh->phentsize != sizeof(struct elf64_phdr) ||
        eh->phoff > size || eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff) {
        kprintf("roots: %s is not a static x86_64 ELF executable\n", name);
        return 0;
    }
    const struct elf64_phdr *ph = (const void *)(img + eh->phoff);
    for (int i = 0; i < eh->phnum; i++) {
        if (ph[i].type != 1) /* PT_LOAD */
            continue;
        if (ph[i].filesz > ph[i].memsz || ph[i].offset > size || ph[i].filesz > size - ph[i].offset ||
            ph[i].vaddr >= USER_TOP || ph[i].memsz > USER_TOP - ph[i].vaddr) {
            kprintf("roots: %s has a bad segment\n", name);
            return 0;
        }
        uint64_t start = ph[i].vaddr & ~0xFFFull;
        uint64_t end = (ph[i].vaddr + ph[i].memsz + 0xFFF) & ~0xFFFull;
        for (uint64_t va = start; va < end; va += PAGE_SIZE)
            if (!aspace_mapped(as, va) &&
                aspace_map(as, va, PAGE_SIZE, KPROT_READ | KPROT_WRITE | KPROT_EXEC) < 0)
                return 0;
        if (aspace_copy_out(as, ph[i].vaddr, img + ph[i].offset, ph[i].filesz) < 0)
            return 0;
    }
    return eh->entry;
}

static int start_one(int index, const char *const *root_names, const struct mb2_module *m,
                     struct endpoint **eps, int nroots, const struct mb2_module *initrd)
{
    struct aspace *as = aspace_create(PMM_SYSTEM); /* a root server's memory may use the reserve */
    struct cspace *cs = cspace_create(64);
    if (!as || !cs)
        panic("roots: out of memory");
    const char *name = root_names[index];
    uint64_t entry = load_elf(as, phys_to_virt(m->start), m->end - m->start, name);
    if (!entry)
        panic("roots: cannot load %s", name);
    if (aspace_map(as, KBOOT_STACK_TOP - KBOOT_STACK_SIZE, KBOOT_STACK_SIZE,
                   KPROT_READ | KPROT_WRITE) < 0 ||
        aspace_map(as, KBOOT_INFO_VA, PAGE_SIZE, KPROT_READ | KPROT_WRITE) < 0)
        panic("roots: out of memory");

    struct kboot_info *bi = kzalloc(sizeof *bi);
    bi->magic = KBOOT_MAGIC;
    bi->root_index = (uint32_t)index;
    bi->nroots = (uint32_t)nroots;
    bi->tsc_hz = arch_tsc_hz();
    bi->boot_epoch_ns = clockpage_realtime(); /* every server and the clock page agree */
    for (int j = 0; j < nroots; j++)
        strncpy(bi->names[j], root_names[j], sizeof bi->names[j] - 1);
    strncpy(bi->cmdline, kernel_cmdline, sizeof bi->cmdline - 1);
    if (initrd) {
        uint64_t len = (initrd->end - initrd->start + 0xFFF) & ~0xFFFull;
        uint64_t pa = initrd->start & ~0xFFFull;
        if (len && aspace_map_phys(as, KBOOT_INITRD_VA, pa, len, KPROT_READ, 0) < 0)
            panic("roots: cannot map the initrd");
        bi->initrd_va = KBOOT_INITRD_VA + (initrd->start & 0xFFF);
        bi->initrd_size = initrd->end - initrd->start;
    }
    aspace_copy_out(as, KBOOT_INFO_VA, bi, sizeof *bi);
    aspace_protect(as, KBOOT_INFO_VA, PAGE_SIZE, KPROT_READ);

    struct kthread_cfg *cfg = kzalloc(sizeof *cfg);
    cfg->flags = KTHREAD_FPU_INIT | KTHREAD_SUSPENDED;
    cfg->ipc_buf = KBOOT_IPC_VA;
    cfg->fault_ep = -1;
    cfg->regs.rip = entry;
    cfg->regs.rsp = KBOOT_STACK_TOP - 8; /* as if called: rsp % 16 == 8 at entry */
    cfg->regs.rdi = KBOOT_INFO_VA;
    int err;
    struct thread *t = thread_create(as, cs, cfg, NULL, NULL, &err);
    if (!t)
        panic("roots: cannot create the thread of %s (%d)", name, err);
    kfree(cfg);

    if (cspace_insert(cs, &as->o, KOBJ_ASPACE, KR_MAP, 0, 0) != ROOT_H_SELF_AS ||
        cspace_insert(cs, &t->o, KOBJ_THREAD, KR_CONTROL, 0, 0) != ROOT_H_SELF_THREAD ||
        cspace_insert(cs, &control_obj, KOBJ_CONTROL, KR_CONTROL, 0, 0) != ROOT_H_CONTROL ||
        cspace_insert(cs, &clockpage_obj()->o, KOBJ_MEM, KR_READ, 0, 0) != ROOT_H_CLOCK)
        panic("roots: handle layout");
    for (int j = 0; j < nroots; j++) {
        uint32_t rights = j == index ? KR_SEND | KR_RECV | KR_GRANT : KR_SEND | KR_GRANT;
        if (cspace_insert_at(cs, ROOT_H_EP_BASE + j, &eps[j]->o, KOBJ_ENDPOINT, rights) < 0)
            panic("roots: handles");
    }
    obj_put(&as->o);     /* the thread and the table hold it now */
    cspace_put(cs);      /* the thread holds it */
    kprintf("roots: %s started (entry %lx)\n", name, entry);
    sched_ready(t);
    kfree(bi);
    return 0;
}

void roots_start(const struct mb2_info *mb)
{
    char list[256];
    if (!cmdline_get(kernel_cmdline, "roots", list, sizeof list))
        strcpy(list, "procmgr,vfs");
    const char *names[KBOOT_MAX_ROOTS];
    int n = 0;
    for (char *p = list; *p && n < KBOOT_MAX_ROOTS;) {
        names[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = 0;
        p = comma + 1;
    }
    const struct mb2_module *initrd = NULL, *mods[KBOOT_MAX_ROOTS] = {0};
    for (size_t i = 0; i < mb->nmodules; i++) {
        if (strcmp(mb->modules[i].name, "initrd") == 0)
            initrd = &mb->modules[i];
        for (int j = 0; j < n; j++)
            if (strcmp(mb->modules[i].name, names[j]) == 0)
                mods[j] = &mb->modules[i];
    }
    struct endpoint *eps[KBOOT_MAX_ROOTS];
    for (int j = 0; j < n; j++) {
        if (!mods[j])
            panic("roots: no boot module named %s", names[j]);
        eps[j] = endpoint_create();
    }
    for (int j = 0; j < n; j++)
        start_one(j, names, mods[j], eps, n, initrd);
    for (int j = 0; j < n; j++)
        obj_put(&eps[j]->o); /* the tables hold them */
}
