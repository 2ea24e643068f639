/* Guest tests of the microkernel's mechanisms, run as the only root server (roots=kcoretest).
 * Other address spaces get a copy of this program's image, so their threads run functions of this
 * file: real IPC between address spaces without a second program. Prints one line per test and
 * "KCORE: N passed, M failed", then powers off with status 0 (all passed) or 1.
 * With "kbench" on the command line it measures the null IPC round trip instead (BENCH lines).
 *
 * Tests: bad handles and addresses; IPC ping-pong; two reply handles answered in reverse order;
 * a call forwarded with its reply handle and answered by a second server; a foreign thread's
 * syscall as a message, its registers read, changed and resumed; a thread created from a copy of a
 * blocked thread's registers in the same space (the vfork child); a page fault delivered to a
 * handler and resumed after mapping; preemption of a spinning thread; a reply to a killed thread;
 * interrupting a thread that computes in user mode (and one not yet started, and one blocked), its
 * CPU time, and a CPU-time alarm. The memory layer's tests (fork, objects, the reserve, leaks) and
 * kbench figures: kcore_mem.c. The helpers (spaces, stacks, threads of this image): kcore_util.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kcore.h"
#include "kcore_perop.h"

extern char __executable_start[];

int failures;
static int passed, failed;

/* ---- helpers ---------------------------------------------------------------------------- */

/* ---- code run by other threads ----------------------------------------------------------- */

/* shared configuration, set before a space is cloned (each space gets its own copy) */
static struct {
    int ep, ep2, ep3;
    uint64_t rounds;
} cfgv;

enum { L_PING = 1, L_DONE, L_ORDER, L_FWD };

static void client_pingpong(uint64_t n)
{
    uint64_t errors = 0;
    for (uint64_t i = 0; i < n; i++) {
        msg(L_PING, i);
        if (k_call(cfgv.ep) < 0 || kipc()->mr[0] != i + 1 || kipc()->label != L_PING)
            errors++;
    }
    msg(L_DONE, errors);
    k_call(cfgv.ep); /* never answered: the test kills us */
}

static void client_order(uint64_t id)
{
    msg(L_PING, id);
    k_call(cfgv.ep);          /* the server answers the two clients in reverse order */
    msg(L_ORDER, id);
    k_send(cfgv.ep2);         /* tell the server who got its reply first */
    park();
}

static void client_forward(uint64_t id)
{
    msg(L_FWD, id);
    k_call(cfgv.ep);          /* answered by the second server, not the one we called */
    msg(L_ORDER, kipc()->mr[0]);
    k_send(cfgv.ep2);
    park();
}

static void second_server(uint64_t unused)
{
    (void)unused;
    int64_t r = k_recv(cfgv.ep3); /* a plain send carrying the caller's reply capability */
    struct ipc_buf *b = kipc();
    int64_t reply = b->ncaps == 1 ? b->caps[0] : -1;
    uint64_t v = b->mr[0];
    (void)r;
    msg(0, v * 1000 + 777);
    k_reply(reply);
    park();
}

static void bench_client(uint64_t n)
{
    /* warm-up, then 7 batches of n round trips, each batch timed with rdtsc (instructions under
     * -icount): the server prints the median */
    for (uint64_t i = 0; i < 200; i++) {
        msg(L_PING, i);
        k_call(cfgv.ep);
    }
    uint64_t t[7];
    for (int b = 0; b < 7; b++) {
        uint64_t t0 = k_rdtsc();
        for (uint64_t i = 0; i < n; i++) {
            msg(L_PING, i);
            k_call(cfgv.ep);
        }
        t[b] = k_rdtsc() - t0;
    }
    struct ipc_buf *buf = kipc();
    buf->label = L_DONE;
    buf->len = 7;
    buf->ncaps = 0;
    for (int b = 0; b < 7; b++)
        buf->mr[b] = t[b];
    k_call(cfgv.ep);
}

volatile uint64_t foreign_shared, spin_counter;
void foreign_code(void), foreign_after_syscall(void), fault_code(void), fault_insn(void),
    spin_code(void);
__asm__(".text\n"
        ".globl foreign_code\n"
        "foreign_code:\n"
        "  mov $39, %eax\n"
        "  mov $0x1111, %rdi\n"
        "  mov $0x2222, %rsi\n"
        "  mov $0x3333, %rdx\n"
        "  mov $0x4444, %r10\n"
        "  mov $0x5555, %r8\n"
        "  mov $0x6666, %r9\n"
        "  mov $0x7777, %rbx\n"
        "  syscall\n"
        ".globl foreign_after_syscall\n"
        "foreign_after_syscall:\n"
        "  mov %rax, foreign_shared(%rip)\n"
        "  mov %rax, %rdi\n"
        "  mov %rbx, %rsi\n"
        "  mov %rsp, %rdx\n"
        "  mov $60, %eax\n"
        "  syscall\n"
        "  ud2\n"
        ".globl fault_code\n"
        "fault_code:\n"
        ".globl fault_insn\n"
        "fault_insn:\n"
        "  movq $0x77, 0x50000000\n"
        "  mov 0x50000000, %rdi\n"
        "  mov $60, %eax\n"
        "  syscall\n"
        "  ud2\n"
        ".globl spin_code\n"
        "spin_code:\n"
        "  lock incq spin_counter(%rip)\n"
        "  jmp spin_code\n");

/* ---- the tests ------------------------------------------------------------------------------ */

static void test_bad_handles_and_addresses(void)
{
    char buf[16];
    CHECK_EQ(k_send(999), -KE_BADH);
    CHECK_EQ(k_send(0), -KE_BADH);
    CHECK_EQ(k_send(-5), -KE_BADH);
    CHECK_EQ(k_recv(ROOT_H_SELF_AS), -KE_BADH); /* wrong type */
    CHECK_EQ(k_thread_read_regs(ROOT_H_CONTROL, NULL), -KE_BADH);
    CHECK_EQ(k_poweroff(ROOT_H_SELF_AS, 0), -KE_BADH);
    CHECK_EQ(k_as_read(ROOT_H_SELF_AS, 0xdead0000ull, buf, 8), -KE_FAULT);
    CHECK_EQ(k_as_read(ROOT_H_SELF_AS, (uint64_t)__executable_start, (void *)0x10, 8), -KE_FAULT);
    CHECK_EQ(k_as_write(ROOT_H_SELF_AS, (uint64_t)-4096, buf, 8), -KE_FAULT); /* kernel address */
    CHECK_EQ(k_debug_write((void *)0xffff800000000000ull, 4), -KE_FAULT);
    CHECK_EQ(k_as_map(ROOT_H_SELF_AS, 0x123, 4096, KPROT_READ), -KE_INVAL);
    CHECK_EQ(k_as_map(ROOT_H_SELF_AS, 0x7ffffffff000ull, 8192, KPROT_READ), -KE_INVAL);
    CHECK_EQ(k_as_map(ROOT_H_SELF_AS, (uint64_t)__executable_start & ~0xFFFull, 4096, KPROT_READ),
             -KE_EXIST);
    CHECK_EQ(k_thread_create(ROOT_H_SELF_AS, (void *)0x1000), -KE_FAULT);
    CHECK_EQ(kcall6(999, 0, 0, 0, 0, 0, 0), -KE_NOSYS);
    /* rights: a send-only copy of an endpoint cannot receive */
    int ep = (int)k_ep_create();
    int sendonly = (int)k_cap_copy(ep, KR_SEND, 42);
    CHECK(sendonly > 0);
    CHECK_EQ(k_recv(sendonly), -KE_PERM);
    CHECK_EQ(k_cap_info(sendonly), KOBJ_ENDPOINT);
    CHECK_EQ(k_cap_delete(sendonly), 0);
    CHECK_EQ(k_cap_info(sendonly), -KE_BADH);
    CHECK_EQ(k_reply(ep), -KE_BADH); /* not a reply capability */
    /* registers: a running thread's cannot be read; bad register images are refused */
    struct kregs *r = malloc(sizeof *r);
    CHECK_EQ(k_thread_read_regs(ROOT_H_SELF_THREAD, r), -KE_BUSY);
    int64_t t = spawn_foreign(ROOT_H_SELF_AS, foreign_code, ep, -1, 1, 0);
    CHECK(t > 0);
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = KTHREAD_FOREIGN | KTHREAD_FPU_INIT;
    cfg.syscall_ep = ep;
    cfg.regs.rip = 0x8000000000000000ull; /* non-canonical */
    CHECK_EQ(k_thread_create(ROOT_H_SELF_AS, &cfg), -KE_INVAL);
    /* the thread just made has called getpid on ep: take the message, then test its registers */
    int64_t rep = k_recv(ep);
    CHECK(rep > 0);
    CHECK_EQ(k_thread_read_regs(t, r), 0);
    r->rip = 0xffff800000001000ull; /* a kernel address: refused */
    CHECK_EQ(k_thread_write_regs(t, r), -KE_INVAL);
    CHECK_EQ(k_thread_kill(t), 0);
    CHECK_EQ(k_reply(rep), -KE_DEAD); /* the caller is gone: the reply is dead, and consumed */
    CHECK_EQ(k_reply(rep), -KE_BADH);
    CHECK_EQ(k_cap_delete(t), 0);
    CHECK_EQ(k_cap_delete(ep), 0);
    free(r);
}

static void test_ipc_pingpong(void)
{
    cfgv.ep = (int)k_ep_create();
    int as = clone_space();
    CHECK(as > 0);
    int64_t t = spawn_native(as, client_pingpong, 1000);
    CHECK(t > 0);
    uint64_t n = 0;
    int64_t reply = k_recv(cfgv.ep);
    struct ipc_buf *b = kipc();
    while (reply > 0 && b->label == L_PING) {
        CHECK_EQ(b->mr[0], n);
        n++;
        b->mr[0]++;
        reply = k_reply_recv(reply, cfgv.ep);
    }
    CHECK_EQ(n, 1000);
    CHECK_EQ(b->label, L_DONE);
    CHECK_EQ(b->mr[0], 0); /* the client saw every answer right */
    k_cap_delete(reply);
    k_thread_kill(t);
    k_cap_delete(t);
    k_cap_delete(as);
    k_cap_delete(cfgv.ep);
}

static void test_reverse_order_replies(void)
{
    cfgv.ep = (int)k_ep_create();
    cfgv.ep2 = (int)k_ep_create();
    cfgv.ep3 = (int)k_ep_create();
    int as = clone_space();
    int64_t t1 = spawn_native(as, client_order, 1);
    int64_t t2 = spawn_native(as, client_order, 2);
    int64_t r[3];
    uint64_t who[3];
    for (int i = 1; i <= 2; i++) {
        r[i] = k_recv(cfgv.ep);
        who[i] = kipc()->mr[0];
        CHECK(r[i] > 0);
    }
    CHECK(who[1] != who[2]);
    /* answer the second caller first, then the first */
    msg(0, 0);
    CHECK_EQ(k_reply(r[2]), 0);
    CHECK_EQ(k_reply(r[1]), 0);
    k_recv(cfgv.ep2);
    CHECK_EQ(kipc()->mr[0], who[2]);
    k_recv(cfgv.ep2);
    CHECK_EQ(kipc()->mr[0], who[1]);
    k_thread_kill(t1), k_thread_kill(t2);
    k_cap_delete(t1), k_cap_delete(t2), k_cap_delete(as);
    k_cap_delete(cfgv.ep), k_cap_delete(cfgv.ep2), k_cap_delete(cfgv.ep3);
}

static void test_forwarded_call(void)
{
    cfgv.ep = (int)k_ep_create();
    cfgv.ep2 = (int)k_ep_create();
    cfgv.ep3 = (int)k_ep_create();
    int as = clone_space();
    int64_t srv = spawn_native(as, second_server, 0);
    int64_t cli = spawn_native(as, client_forward, 5);
    int64_t reply = k_recv(cfgv.ep);
    CHECK(reply > 0);
    CHECK_EQ(kipc()->label, L_FWD);
    uint64_t v = kipc()->mr[0];
    /* forward: move the reply capability to the second server in a plain send */
    struct ipc_buf *b = kipc();
    b->label = L_FWD;
    b->len = 1;
    b->mr[0] = v;
    b->ncaps = 1;
    b->caps[0] = (int32_t)reply;
    b->cap_move = 1;
    CHECK_EQ(k_send(cfgv.ep3), 0);
    /* moved away: the slot no longer holds the reply (the second server, sharing our capability
     * table, may already have reused the slot for something else if a tick let it run) */
    CHECK(k_cap_info(reply) != KOBJ_REPLY);
    b->ncaps = 0;
    b->cap_move = 0;
    k_recv(cfgv.ep2);
    CHECK_EQ(kipc()->mr[0], 5 * 1000 + 777); /* the client got the second server's answer */
    k_thread_kill(srv), k_thread_kill(cli);
    k_cap_delete(srv), k_cap_delete(cli), k_cap_delete(as);
    k_cap_delete(cfgv.ep), k_cap_delete(cfgv.ep2), k_cap_delete(cfgv.ep3);
}

static void test_foreign_syscall_and_register_copy(void)
{
    int ep = (int)k_ep_create();
    int as = clone_space();
    int64_t f1 = spawn_foreign(as, foreign_code, ep, -1, 0xF1, 0);
    CHECK(f1 > 0);
    int64_t r1 = k_recv(ep);
    struct ipc_buf *b = kipc();
    CHECK(r1 > 0);
    CHECK_EQ(b->label, IPC_LABEL_SYSCALL);
    CHECK_EQ(b->badge, 0xF1);
    CHECK_EQ(b->mr[0], 39);
    CHECK_EQ(b->mr[1], 0x1111);
    CHECK_EQ(b->mr[2], 0x2222);
    CHECK_EQ(b->mr[3], 0x3333);
    CHECK_EQ(b->mr[4], 0x4444);
    CHECK_EQ(b->mr[5], 0x5555);
    CHECK_EQ(b->mr[6], 0x6666);

    static struct kregs regs;
    CHECK_EQ(k_thread_read_regs(f1, &regs), 0);
    CHECK_EQ(regs.rip, (uint64_t)foreign_after_syscall);
    CHECK_EQ(regs.rcx, (uint64_t)foreign_after_syscall); /* SYSCALL put the return rip in rcx */
    CHECK_EQ(regs.rdi, 0x1111);
    CHECK_EQ(regs.rbx, 0x7777);
    CHECK_EQ(regs.rax, 39);

    /* the "vfork child": a second thread in the same space from a copy of f1's registers, with
     * rax = 0 and its own stack */
    uint64_t ipc_unused;
    uint64_t child_top = new_stack(as, &ipc_unused);
    memset(&cfg, 0, sizeof cfg);
    cfg.flags = KTHREAD_FOREIGN;
    cfg.syscall_ep = ep;
    cfg.fault_ep = -1;
    cfg.badge = 0xF2;
    cfg.regs = regs;
    cfg.regs.rax = 0;
    cfg.regs.rsp = child_top - 64;
    int64_t f2 = k_thread_create(as, &cfg);
    CHECK(f2 > 0);
    int64_t r2 = k_recv(ep);
    CHECK(r2 > 0);
    CHECK_EQ(b->badge, 0xF2);
    CHECK_EQ(b->mr[0], 60);
    CHECK_EQ(b->mr[1], 0);             /* the child saw rax = 0 */
    CHECK_EQ(b->mr[2], 0x7777);        /* and the parent's rbx */
    CHECK_EQ(b->mr[3], child_top - 64); /* on its own stack */
    uint64_t shared = 99;
    CHECK_EQ(k_as_read(as, (uint64_t)&foreign_shared, &shared, 8), 0);
    CHECK_EQ(shared, 0); /* the child's store is in the shared space */

    /* resume the parent with a changed register and a result */
    regs.rbx = 0xABCD;
    CHECK_EQ(k_thread_write_regs(f1, &regs), 0);
    msg(0, 1234);
    CHECK_EQ(k_reply(r1), 0);
    int64_t r3 = k_recv(ep);
    CHECK(r3 > 0);
    CHECK_EQ(b->badge, 0xF1);
    CHECK_EQ(b->mr[0], 60);
    CHECK_EQ(b->mr[1], 1234);   /* rax from the reply */
    CHECK_EQ(b->mr[2], 0xABCD); /* rbx as we wrote it */
    CHECK_EQ(k_as_read(as, (uint64_t)&foreign_shared, &shared, 8), 0);
    CHECK_EQ(shared, 1234);
    k_thread_kill(f1), k_thread_kill(f2);
    k_cap_delete(r2), k_cap_delete(r3);
    k_cap_delete(f1), k_cap_delete(f2), k_cap_delete(as), k_cap_delete(ep);
}

static void test_page_fault_handler(void)
{
    int ep = (int)k_ep_create();
    int as = clone_space();
    int64_t f = spawn_foreign(as, fault_code, ep, ep, 0xFA, 0);
    int64_t r = k_recv(ep);
    struct ipc_buf *b = kipc();
    CHECK(r > 0);
    CHECK_EQ(b->label, IPC_LABEL_FAULT);
    CHECK_EQ(b->badge, 0xFA);
    CHECK_EQ(b->mr[0], 14);                  /* #PF */
    CHECK_EQ(b->mr[1] & 2, 2);               /* a write */
    CHECK_EQ(b->mr[2], 0x50000000);          /* CR2 */
    CHECK_EQ(b->mr[3], (uint64_t)fault_insn);
    CHECK_EQ(b->mr[4], KFAULT_NONE);          /* nothing mapped there */
    CHECK_EQ(k_as_map(as, 0x50000000, 4096, KPROT_READ | KPROT_WRITE), 0);
    msg(0, 0);
    CHECK_EQ(k_reply(r), 0); /* resume: the store is retried and succeeds */
    r = k_recv(ep);
    CHECK_EQ(b->label, IPC_LABEL_SYSCALL);
    CHECK_EQ(b->mr[0], 60);
    CHECK_EQ(b->mr[1], 0x77);
    k_thread_kill(f);
    k_cap_delete(r), k_cap_delete(f), k_cap_delete(as), k_cap_delete(ep);
}

static void test_preemption(void)
{
    int ep = (int)k_ep_create();
    /* a foreign thread in our own space that spins forever, at our priority */
    int64_t spinner = spawn_foreign(ROOT_H_SELF_AS, spin_code, ep, -1, 0x5, 2);
    CHECK(spinner > 0);
    uint64_t c0 = spin_counter, t0 = k_clock_ns();
    uint64_t my_loops = 0;
    while (k_clock_ns() - t0 < 200000000ull) /* we never yield either */
        my_loops++;
    uint64_t c1 = spin_counter;
    CHECK(c1 > c0 + 1000);   /* the spinner ran while we were busy ... */
    CHECK(my_loops > 100);   /* ... and so did we: the timer preempts both */
    /* and a blocked receive still wakes on time while it spins */
    CHECK_EQ(k_timer_set(ep, 4, k_clock_ns() + 30000000ull), 0);
    CHECK_EQ(k_recv(ep), 0);
    CHECK_EQ(kipc()->label, IPC_LABEL_NOTIFY);
    CHECK_EQ(kipc()->mr[0], 4);
    k_thread_kill(spinner);
    k_cap_delete(spinner), k_cap_delete(ep);
}

/* Sleeps ms on a private endpoint's timer (lower-priority threads run meanwhile). */
static void nap(int ep, uint64_t ms)
{
    k_timer_set(ep, 1, k_clock_ns() + ms * 1000000ull);
    k_recv(ep);
}

static struct kthread_times times_of(int64_t t)
{
    struct kthread_times tt = {0, 0};
    CHECK_EQ(k_thread_times(t, &tt), 0);
    return tt;
}

static void test_interrupt(void)
{
    int ep = (int)k_ep_create(), tmr = (int)k_ep_create();
    static struct kregs regs;
    /* a spinner below our priority: it runs only while we wait */
    int64_t s = spawn_foreign(ROOT_H_SELF_AS, spin_code, ep, ep, 0x51, 1);
    CHECK(s > 0);
    /* interrupted before it ever ran: it stops at its first instruction */
    CHECK_EQ(k_thread_interrupt(s, 0), 0);
    int64_t r = k_recv(ep);
    struct ipc_buf *b = kipc();
    CHECK(r > 0);
    CHECK_EQ(b->label, IPC_LABEL_INTERRUPT);
    CHECK_EQ(b->badge, 0x51);
    CHECK_EQ(b->mr[0], KINT_REQUEST);
    CHECK_EQ(b->mr[1], (uint64_t)spin_code);
    CHECK_EQ(k_thread_read_regs(s, &regs), 0);
    CHECK_EQ(regs.rip, (uint64_t)spin_code);
    CHECK_EQ(k_thread_interrupt(s, 0), KTI_BLOCKED); /* we hold it: nothing to do */
    msg(0, 0);
    CHECK_EQ(k_reply(r), 0);

    /* computing in user mode: it is stopped on the spot, and stays stopped */
    nap(tmr, 30);
    struct kthread_times t0 = times_of(s);
    CHECK(t0.user_ns > 1000000);  /* it ran most of those 30 ms */
    CHECK(spin_counter > 0);
    CHECK_EQ(k_thread_interrupt(s, 0), 0);
    r = k_recv(ep);
    CHECK_EQ(b->label, IPC_LABEL_INTERRUPT);
    CHECK_EQ(b->mr[0], KINT_REQUEST);
    CHECK_EQ(k_thread_read_regs(s, &regs), 0);
    CHECK(regs.rip >= (uint64_t)spin_code && regs.rip < (uint64_t)spin_code + 16);
    uint64_t c0 = spin_counter;
    struct kthread_times t1 = times_of(s);
    nap(tmr, 20);
    CHECK_EQ(spin_counter, c0);                         /* no progress while held */
    CHECK_EQ(times_of(s).user_ns, t1.user_ns);          /* and no CPU time */
    CHECK(t1.user_ns >= t0.user_ns);
    /* its registers are ours to change: send it to a syscall */
    regs.rip = (uint64_t)foreign_code;
    CHECK_EQ(k_thread_write_regs(s, &regs), 0);
    msg(0, 0);
    CHECK_EQ(k_reply(r), 0);
    r = k_recv(ep);
    CHECK_EQ(b->label, IPC_LABEL_SYSCALL);
    CHECK_EQ(b->mr[0], 39);
    CHECK_EQ(k_thread_interrupt(s, 0), KTI_BLOCKED);        /* blocked in its syscall */
    k_cap_delete(r);
    k_thread_kill(s);
    CHECK_EQ(k_thread_interrupt(s, 0), -KE_DEAD);
    CHECK(times_of(s).user_ns >= t1.user_ns);           /* a dead thread's totals stay readable */
    k_cap_delete(s);

    /* no fault endpoint: no way to interrupt it */
    int64_t n = spawn_foreign(ROOT_H_SELF_AS, spin_code, ep, -1, 0x52, 1);
    CHECK_EQ(k_thread_interrupt(n, 0), -KE_INVAL);
    CHECK_EQ(k_thread_cpu_alarm(n, 1000), -KE_INVAL);
    k_thread_kill(n);
    k_cap_delete(n);
    k_cap_delete(ep), k_cap_delete(tmr);
}

static void test_cpu_alarm(void)
{
    int ep = (int)k_ep_create(), tmr = (int)k_ep_create();
    int64_t s = spawn_foreign(ROOT_H_SELF_AS, spin_code, ep, ep, 0x53, 1);
    nap(tmr, 10);
    struct kthread_times t0 = times_of(s);
    uint64_t due = t0.user_ns + t0.system_ns + 25000000ull;
    CHECK_EQ(k_thread_cpu_alarm(s, due), 0);
    int64_t r = k_recv(ep); /* it spins until it has used 25 ms more, then stops */
    struct ipc_buf *b = kipc();
    CHECK_EQ(b->label, IPC_LABEL_INTERRUPT);
    CHECK_EQ(b->mr[0], KINT_CPU_ALARM);
    struct kthread_times t1 = times_of(s);
    CHECK(t1.user_ns + t1.system_ns >= due);
    /* cancelled: it runs on and no message comes */
    msg(0, 0);
    CHECK_EQ(k_thread_cpu_alarm(s, t1.user_ns + t1.system_ns + 5000000ull), 0);
    CHECK_EQ(k_thread_cpu_alarm(s, 0), 0);
    CHECK_EQ(k_reply(r), 0);
    nap(tmr, 30);
    CHECK(times_of(s).user_ns > t1.user_ns + 5000000ull);
    k_thread_kill(s);
    k_cap_delete(s), k_cap_delete(ep), k_cap_delete(tmr);
}

/* thread_trace(KTRACE_SYSEXIT): after its syscall's reply the thread reports the value (and
 * the call's number) to its syscall endpoint and waits; the report's reply is what user mode
 * sees. A call answered by someone else (forwarded) is reported too. */
static void test_syscall_exit_report(void)
{
    int ep = (int)k_ep_create();
    int as = clone_space();
    int64_t f = spawn_foreign(as, foreign_code, ep, -1, 0xE1, 0);
    CHECK_EQ(k_thread_trace(f, 0x80), -KE_INVAL);        /* unknown flag */
    CHECK_EQ(k_thread_trace(ROOT_H_SELF_AS, KTRACE_SYSEXIT), -KE_BADH); /* not a thread */
    CHECK_EQ(k_thread_trace(f, KTRACE_SYSEXIT), 0);
    struct ipc_buf *b = kipc();
    int64_t r = k_recv(ep);
    CHECK_EQ(b->label, IPC_LABEL_SYSCALL);
    CHECK_EQ(b->mr[0], 39);
    msg(0, 4321);
    CHECK_EQ(k_reply(r), 0);
    r = k_recv(ep);                                       /* not user mode yet: the report */
    CHECK_EQ(b->label, IPC_LABEL_SYSEXIT);
    CHECK_EQ(b->badge, 0xE1);
    CHECK_EQ(b->mr[0], 4321);
    CHECK_EQ(b->mr[1], 39);
    static struct kregs regs;
    CHECK_EQ(k_thread_read_regs(f, &regs), 0);
    CHECK_EQ(regs.rax, 4321);                             /* the frame shows the value */
    CHECK_EQ(regs.rip, (uint64_t)foreign_after_syscall);
    uint64_t shared = 99;
    CHECK_EQ(k_as_read(as, (uint64_t)&foreign_shared, &shared, 8), 0);
    CHECK_EQ(shared, 0);                                  /* it has not run on */
    CHECK_EQ(k_thread_trace(f, 0), 0);                    /* off: its exit call is not reported */
    msg(0, 777);                                          /* the report's reply is the result */
    CHECK_EQ(k_reply(r), 0);
    r = k_recv(ep);
    CHECK_EQ(b->label, IPC_LABEL_SYSCALL);
    CHECK_EQ(b->mr[0], 60);
    CHECK_EQ(b->mr[1], 777);
    CHECK_EQ(k_as_read(as, (uint64_t)&foreign_shared, &shared, 8), 0);
    CHECK_EQ(shared, 777);
    k_cap_delete(r);
    k_thread_kill(f);
    k_cap_delete(f), k_cap_delete(as), k_cap_delete(ep);
}

/* thread_route: the numbers the mask names go to the route's endpoint with its badge, the rest
 * to the syscall endpoint; KTI_AFTER marks a thread blocked in such a call, which stops on its
 * way back to user mode (the route's server answered, not its fault endpoint's). */
static void test_route(void)
{
    int ep = (int)k_ep_create(), rep = (int)k_ep_create();
    int as = clone_space();
    int64_t f = spawn_foreign(as, foreign_code, ep, ep, 0xF1, 0);
    static uint64_t mask[KROUTE_NRS / 64];
    memset(mask, 0, sizeof mask);
    mask[0] = 1ull << 39;
    CHECK_EQ(k_thread_route(ROOT_H_SELF_THREAD, rep, 1, mask), -KE_INVAL); /* a native thread */
    CHECK_EQ(k_thread_route(f, ROOT_H_SELF_AS, 1, mask), -KE_BADH);       /* not an endpoint */
    CHECK_EQ(k_thread_route(f, rep, 1, (const uint64_t *)0x10), -KE_FAULT);
    CHECK_EQ(k_thread_interrupt(f, 0x80), -KE_INVAL);                   /* unknown flag */
    CHECK_EQ(k_thread_route(f, rep, 0x77, mask), 0);
    struct ipc_buf *b = kipc();
    int64_t r = k_recv(rep);                                  /* getpid (39) took the route */
    CHECK(r > 0);
    CHECK_EQ(b->label, IPC_LABEL_SYSCALL);
    CHECK_EQ(b->badge, 0x77);
    CHECK_EQ(b->mr[0], 39);
    CHECK_EQ(b->mr[1], 0x1111);
    CHECK_EQ(k_thread_interrupt(f, 0), KTI_BLOCKED);          /* blocked: not marked */
    CHECK_EQ(k_thread_interrupt(f, KTI_AFTER), KTI_BLOCKED);  /* blocked: marked all the same */
    msg(0, 55);
    CHECK_EQ(k_reply(r), 0);
    r = k_recv(ep);                                           /* stopped before user mode */
    CHECK_EQ(b->label, IPC_LABEL_INTERRUPT);
    CHECK_EQ(b->badge, 0xF1);
    CHECK_EQ(b->mr[0], KINT_REQUEST);
    CHECK_EQ(b->mr[1], (uint64_t)foreign_after_syscall);
    uint64_t shared = 99;
    CHECK_EQ(k_as_read(as, (uint64_t)&foreign_shared, &shared, 8), 0);
    CHECK_EQ(shared, 0);                                      /* it has not run on */
    msg(0, 0);
    CHECK_EQ(k_reply(r), 0);
    r = k_recv(ep);                                           /* exit (60): not in the mask */
    CHECK_EQ(b->label, IPC_LABEL_SYSCALL);
    CHECK_EQ(b->badge, 0xF1);
    CHECK_EQ(b->mr[0], 60);
    CHECK_EQ(b->mr[1], 55);
    k_cap_delete(r);
    k_thread_kill(f);
    k_cap_delete(f);

    /* a badged capability keeps its own badge; ep 0 takes the route away */
    int badged = (int)k_cap_copy(rep, KR_SEND, 0x99);
    f = spawn_foreign(as, foreign_code, ep, ep, 0xF2, 0);
    CHECK_EQ(k_thread_route(f, badged, 0x77, mask), 0);
    k_cap_delete(badged); /* the route holds the endpoint itself */
    r = k_recv(rep);
    CHECK_EQ(b->badge, 0x99);
    CHECK_EQ(b->mr[0], 39);
    CHECK_EQ(k_thread_route(f, 0, 0, NULL), 0);
    static struct kregs regs;
    CHECK_EQ(k_thread_read_regs(f, &regs), 0);
    regs.rip = (uint64_t)foreign_code;                        /* the same call again */
    CHECK_EQ(k_thread_write_regs(f, &regs), 0);
    msg(0, 0);
    CHECK_EQ(k_reply(r), 0);
    r = k_recv(ep);                                           /* no route: the syscall endpoint */
    CHECK_EQ(b->label, IPC_LABEL_SYSCALL);
    CHECK_EQ(b->badge, 0xF2);
    CHECK_EQ(b->mr[0], 39);
    k_cap_delete(r);
    k_thread_kill(f);
    k_cap_delete(f), k_cap_delete(as), k_cap_delete(ep), k_cap_delete(rep);
}

static void test_no_leaks(void)
{
    /* everything above was torn down: the objects are gone and their memory is back. The first
     * round warms the kernel's caches (a heap page, a cached kernel stack: which one depends on
     * what ran before), the second must give back exactly what it took */
    struct kmem_info a;
    for (int round = 0; round < 2; round++) {
        k_mem_info(&a);
        test_ipc_pingpong();
        test_foreign_syscall_and_register_copy();
        test_syscall_exit_report();
        test_route();
    }
    check_all_back(&a);
}

void check_all_back(const struct kmem_info *a)
{
    struct kmem_info b;
    k_mem_info(&b);
    CHECK_EQ(b.threads, a->threads);
    CHECK_EQ(b.aspaces, a->aspaces);
    CHECK_EQ(b.endpoints, a->endpoints);
    CHECK_EQ(b.mem_objects, a->mem_objects);
    CHECK_EQ(b.free_frames, a->free_frames);
}

static void run(const char *name, void (*fn)(void))
{
    failures = 0;
    fn();
    printf("KCORE %s: %s\n", name, failures ? "FAIL" : "ok");
    failures ? failed++ : passed++;
}

/* One `BENCH <name> <count/calls> per-op` line (kcore_perop.h: why not %lu.%02lu). */
static void bench_per_op(const char *name, uint64_t count, uint64_t calls)
{
    char text[KCORE_PER_OP_TEXT];
    kcore_per_op_text(text, count, calls);
    printf("BENCH %s %s per-op\n", name, text);
}

static void bench(void)
{
    cfgv.ep = (int)k_ep_create();
    int as = clone_space();
    struct kmem_info m0, m1;
    k_mem_info(&m0);
    int64_t t = spawn_native(as, bench_client, 2000);
    int64_t reply = k_recv(cfgv.ep);
    uint64_t calls = 0;
    while (kipc()->label == L_PING) {
        calls++;
        reply = k_reply_recv(reply, cfgv.ep);
    }
    k_mem_info(&m1);
    uint64_t v[7];
    for (int i = 0; i < 7; i++)
        v[i] = kipc()->mr[i];
    for (int i = 0; i < 7; i++) /* median of 7 */
        for (int j = i + 1; j < 7; j++)
            if (v[j] < v[i]) {
                uint64_t x = v[i];
                v[i] = v[j];
                v[j] = x;
            }
    printf("BENCH ipc_roundtrip %lu instr\n", v[3] / 2000);
    bench_per_op("ipc_roundtrip_kernel_entries", m1.kernel_entries - m0.kernel_entries, calls);
    bench_per_op("ipc_roundtrip_messages", m1.ipc_messages - m0.ipc_messages, calls);
    bench_per_op("ipc_roundtrip_as_switches", m1.as_switches - m0.as_switches, calls);
    k_cap_delete(reply);
    k_thread_kill(t);
    kcore_mem_bench();
    k_poweroff(ROOT_H_CONTROL, 0);
}

int main(const struct kboot_info *bi)
{
    if (kcore_has_word(bi->cmdline, "kbench"))
        bench();
    run("bad_handles_and_addresses", test_bad_handles_and_addresses);
    run("ipc_pingpong", test_ipc_pingpong);
    run("reverse_order_replies", test_reverse_order_replies);
    run("forwarded_call", test_forwarded_call);
    run("foreign_syscall_and_register_copy", test_foreign_syscall_and_register_copy);
    run("page_fault_handler", test_page_fault_handler);
    run("preemption", test_preemption);
    run("interrupt", test_interrupt);
    run("cpu_alarm", test_cpu_alarm);
    run("syscall_exit_report", test_syscall_exit_report);
    run("route", test_route);
    run("no_leaks", test_no_leaks);
    for (const struct kcore_test *t = kcore_mem_tests; t->name; t++)
        run(t->name, t->fn);
    printf("KCORE: %d passed, %d failed\n", passed, failed);
    k_poweroff(ROOT_H_CONTROL, failed ? 1 : 0);
    return 0;
}
