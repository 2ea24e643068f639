/* t_clone: the raw clone system call with CLONE_VM|CLONE_VFORK|SIGCHLD (0x4111), as musl's
 * posix_spawn makes it, checking every register the kernel must preserve, in the child and in the
 * parent. Then (KESTREL only) the flag combinations our OS refuses.
 *
 * clone_probe(flags, stack) is written in assembly: it loads known values into rbx, rbp, rdx, r8,
 * r9, r10, r12-r15 (rdi and rsi hold the flags and the stack, rax the call number), makes the
 * system call, and stores every register, as seen right after the syscall instruction, into
 * clone_child_seen (in the child, then exit(42) by raw system call, without touching the stack)
 * or clone_parent_seen (in the parent, which then returns rax). rcx and r11 are clobbered by the
 * syscall instruction itself and are not checked. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest.h"

struct regs {
    unsigned long rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8, r9, r10, r11, r12, r13, r14, r15;
};

struct regs clone_child_seen, clone_parent_seen;
unsigned long clone_parent_rsp;
long clone_probe(unsigned long flags, void *stack);

#define K_RBX 0x1b1b1b1b1b1b1b1b
#define K_RBP 0x2b2b2b2b2b2b2b2b
#define K_RDX 0x3d3d3d3d3d3d3d3d
#define K_R8 0x4848484848484848
#define K_R9 0x5959595959595959
#define K_R10 0x6a6a6a6a6a6a6a6a
#define K_R12 0x7c7c7c7c7c7c7c7c
#define K_R13 0x0d0d0d0d0d0d0d0d
#define K_R14 0x1e1e1e1e1e1e1e1e
#define K_R15 0x2f2f2f2f2f2f2f2f

#define STORE_ALL(dst)                                                                             \
    "mov %rax, " dst "+0(%rip)\n\t"                                                                \
    "mov %rbx, " dst "+8(%rip)\n\t"                                                                \
    "mov %rcx, " dst "+16(%rip)\n\t"                                                               \
    "mov %rdx, " dst "+24(%rip)\n\t"                                                               \
    "mov %rsi, " dst "+32(%rip)\n\t"                                                               \
    "mov %rdi, " dst "+40(%rip)\n\t"                                                               \
    "mov %rbp, " dst "+48(%rip)\n\t"                                                               \
    "mov %rsp, " dst "+56(%rip)\n\t"                                                               \
    "mov %r8, " dst "+64(%rip)\n\t"                                                                \
    "mov %r9, " dst "+72(%rip)\n\t"                                                                \
    "mov %r10, " dst "+80(%rip)\n\t"                                                               \
    "mov %r11, " dst "+88(%rip)\n\t"                                                               \
    "mov %r12, " dst "+96(%rip)\n\t"                                                               \
    "mov %r13, " dst "+104(%rip)\n\t"                                                              \
    "mov %r14, " dst "+112(%rip)\n\t"                                                              \
    "mov %r15, " dst "+120(%rip)\n\t"

__asm__(
    ".text\n\t"
    ".globl clone_probe\n\t"
    ".type clone_probe,@function\n"
    "clone_probe:\n\t"
    "push %rbx\n\t"
    "push %rbp\n\t"
    "push %r12\n\t"
    "push %r13\n\t"
    "push %r14\n\t"
    "push %r15\n\t"
    "mov %rsp, clone_parent_rsp(%rip)\n\t"
    "movabs $" GT_STR(
        K_RBX) ", %rbx\n\t"
               "movabs $" GT_STR(
                   K_RBP) ", %rbp\n\t"
                          "movabs $" GT_STR(
                              K_RDX) ", %rdx\n\t"
                                     "movabs $" GT_STR(
                                         K_R8) ", %r8\n\t"
                                               "movabs $" GT_STR(
                                                   K_R9) ", %r9\n\t"
                                                         "movabs $" GT_STR(
                                                             K_R10) ", %r10\n\t"
                                                                    "movabs $" GT_STR(
                                                                        K_R12) ", %r12\n\t"
                                                                               "movabs $" GT_STR(
                                                                                   K_R13) ", "
                                                                                          "%r13\n\t"
                                                                                          "movabs "
                                                                                          "$" GT_STR(
                                                                                              K_R14) ", %r14\n\t"
                                                                                                     "movabs $" GT_STR(
                                                                                                         K_R15) ", %r15\n\t"
                                                                                                                "mov $56, %eax\n\t"
                                                                                                                "syscall\n\t"
                                                                                                                "test %rax, %rax\n\t"
                                                                                                                "jnz 1f\n\t"
    /* child: record, then exit(42) without using the stack */
    STORE_ALL("clone_child_seen") "mov $60, %eax\n\t"
                                  "mov $42, %edi\n\t"
                                  "syscall\n\t"
                                  "ud2\n"
                                  "1:\n\t" STORE_ALL(
                                      "clone_parent_seen") "pop %r15\n\t"
                                                           "pop %r14\n\t"
                                                           "pop %r13\n\t"
                                                           "pop %r12\n\t"
                                                           "pop %rbp\n\t"
                                                           "pop %rbx\n\t"
                                                           "ret\n\t"
                                                           ".size clone_probe, .-clone_probe\n");

#define CLONE_FLAGS_SPAWN 0x4111UL /* CLONE_VM | CLONE_VFORK | SIGCHLD */

static _Alignas(16) unsigned char child_stack[16384];

static void check_preserved(const struct regs *r, const char *who, unsigned long flags, void *stack)
{
    struct {
        const char *name;
        unsigned long got, want;
    } cmp[] = {
        {"rbx", r->rbx, K_RBX}, {"rbp", r->rbp, K_RBP},
        {"rdx", r->rdx, K_RDX}, {"rsi", r->rsi, (unsigned long)stack},
        {"rdi", r->rdi, flags}, {"r8", r->r8, K_R8},
        {"r9", r->r9, K_R9},    {"r10", r->r10, K_R10},
        {"r12", r->r12, K_R12}, {"r13", r->r13, K_R13},
        {"r14", r->r14, K_R14}, {"r15", r->r15, K_R15},
    };
    for (size_t i = 0; i < sizeof cmp / sizeof cmp[0]; i++)
        if (cmp[i].got != cmp[i].want)
            gt_fail(__FILE__, __LINE__, "%s: %s = %#lx, expected %#lx", who, cmp[i].name,
                    cmp[i].got, cmp[i].want);
}

static void test_vfork_clone_registers(void)
{
    memset(&clone_child_seen, 0xCC, sizeof clone_child_seen);
    memset(&clone_parent_seen, 0xCC, sizeof clone_parent_seen);
    void *top = child_stack + sizeof child_stack;
    long r = clone_probe(CLONE_FLAGS_SPAWN, top);
    REQUIRE(r > 0);
    /* CLONE_VFORK: the child has finished with our memory when we get here. */
    CHECK_EQ(clone_child_seen.rax, 0);
    CHECK_EQ(clone_child_seen.rsp, (unsigned long)top);
    check_preserved(&clone_child_seen, "child", CLONE_FLAGS_SPAWN, top);
    CHECK_EQ(clone_parent_seen.rax, (unsigned long)r);
    CHECK_EQ(clone_parent_seen.rsp, clone_parent_rsp);
    check_preserved(&clone_parent_seen, "parent", CLONE_FLAGS_SPAWN, top);
    int st = 0;
    CHECK_EQ(waitpid((pid_t)r, &st, 0), r);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 42);
}

static void test_repeat(void)
{
    /* The same, 100 times, with different stacks. */
    int bad = 0;
    for (int i = 0; i < 100; i++) {
        clone_child_seen.rax = 1;
        clone_child_seen.rsp = 0;
        void *top = child_stack + sizeof child_stack - 16 * (unsigned)(i % 64);
        long r = clone_probe(CLONE_FLAGS_SPAWN, top);
        if (r <= 0) {
            gt_fail(__FILE__, __LINE__, "iteration %d: clone returned %ld", i, r);
            return;
        }
        int st;
        if (clone_child_seen.rax != 0 || clone_child_seen.rsp != (unsigned long)top) bad++;
        if (waitpid((pid_t)r, &st, 0) != r || !WIFEXITED(st) || WEXITSTATUS(st) != 42) bad++;
    }
    CHECK_EQ(bad, 0);
}

/* Probes a refused combination: the call must fail with the given error and create nothing. */
static void expect_refused(unsigned long flags, void *stack, long err)
{
    clone_child_seen.rax = 0xdead;
    long r = clone_probe(flags, stack);
    if (r > 0) {
        gt_fail(__FILE__, __LINE__, "clone(%#lx, %p) created child %ld, expected -%ld", flags,
                stack, r, err);
        waitpid((pid_t)r, NULL, 0);
        return;
    }
    if (r != -err)
        gt_fail(__FILE__, __LINE__, "clone(%#lx, %p) = %ld, expected -%ld", flags, stack, r, err);
    CHECK_EQ(clone_child_seen.rax, 0xdead);
}

/* Linux's own refusals (kernel/fork.c), checked before anything is made, on both systems. */
static void test_linux_refusals(void)
{
    void *top = child_stack + sizeof child_stack;
    expect_refused(CLONE_THREAD | SIGCHLD, top, EINVAL);              /* THREAD needs SIGHAND */
    expect_refused(CLONE_SIGHAND | SIGCHLD, top, EINVAL);             /* SIGHAND needs VM */
    expect_refused(CLONE_FS | CLONE_NEWNS | SIGCHLD, NULL, EINVAL);
    expect_refused(CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, NULL, EINVAL);
    expect_refused(CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, NULL, EINVAL);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static void test_kestrel_refusals(void)
{
    if (!os_is_kestrel()) {
        gt_note("not on Kestrel: the refusal checks are specific to our OS, skipped");
        return;
    }
    /* KESTREL: a child sharing the memory needs a stack of its own (the seed's rule), the
     * thread group's sharing is not built yet, and there are no namespaces. */
    void *top = child_stack + sizeof child_stack;
    expect_refused(0x7d0f00, top, ENOSYS);           /* musl's pthread_create flags */
    expect_refused(CLONE_FILES | SIGCHLD, NULL, ENOSYS);
    expect_refused(CLONE_FLAGS_SPAWN, NULL, EINVAL); /* no stack */
    expect_refused(CLONE_NEWPID | SIGCHLD, NULL, EINVAL);
    CHECK_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

static const struct gt_test tests[] = {
    GT_TEST(vfork_clone_registers),
    GT_TEST(repeat),
    GT_TEST(linux_refusals),
    GT_TEST(kestrel_refusals),
};

int main(int argc, char **argv)
{
    return gt_main(argc, argv, tests, GT_COUNT(tests));
}
