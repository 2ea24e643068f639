/* What a root server finds when it starts: its address-space layout and the boot information page.
 * The first thread starts at the ELF entry with rdi = KBOOT_INFO_VA and rsp = KBOOT_STACK_TOP,
 * its IPC buffer at KBOOT_IPC_VA, and the handles listed in caps.h. */
#ifndef KABI_BOOT_H
#define KABI_BOOT_H
#include <stdint.h>

#define KBOOT_INFO_VA 0x00007FFFFFFFE000ull   /* struct kboot_info, read-only */
#define KBOOT_IPC_VA 0x00007FFFFFFFC000ull    /* the first thread's IPC buffer */
#define KBOOT_STACK_TOP 0x00007FFFFFF00000ull /* the first thread's stack (grows down) */
#define KBOOT_STACK_SIZE (512ull << 10)
#define KBOOT_INITRD_VA 0x0000100000000000ull /* the initrd, read-only, for every root server */
#define KBOOT_HEAP_VA 0x0000200000000000ull   /* suggested start of the server's heap */

#define KBOOT_MAGIC 0x4b45535452454c31ull    /* "KESTREL1" */
#define KBOOT_MAX_ROOTS 8

struct kboot_info {
    uint64_t magic;
    uint32_t root_index;   /* this server's position in the roots= list */
    uint32_t nroots;
    char names[KBOOT_MAX_ROOTS][16]; /* root i's endpoint is ROOT_H_EP_BASE + i */
    uint64_t initrd_va, initrd_size;
    uint64_t tsc_hz;
    uint64_t boot_epoch_ns; /* wall-clock time when the monotonic clock was 0 */
    char cmdline[1024];    /* the whole kernel command line (words after " -- " are init's) */
};

#endif
