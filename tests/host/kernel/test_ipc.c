/* Host tests of endpoint and reply logic (microkernel/kern/ipc.c with kern/cap.c, kern/tqueue.c,
 * kern/obj.c) against a fake scheduler that records wake-ups instead of switching threads. A test
 * plays each thread in turn by setting `current`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "host_test.h"
#include "fake_kernel.h"
#include "ipc.h"
#include "kabi/kcalls.h"
#include "sched.h"

static struct endpoint *ep;
static struct thread *A, *A2, *B, *C, *F;

static int setup(void **s)
{
    (void)s;
    fake_kernel_reset();
    ep = endpoint_create();
    A = fake_thread(1), A2 = fake_thread(1), B = fake_thread(1), C = fake_thread(1);
    F = fake_thread(0);
    return 0;
}

static int teardown(void **s)
{
    (void)s;
    /* tables first: they may hold reply capabilities to the other threads */
    fake_thread_drop_caps(A), fake_thread_drop_caps(A2), fake_thread_drop_caps(B);
    fake_thread_drop_caps(C);
    fake_thread_free(A), fake_thread_free(A2), fake_thread_free(B), fake_thread_free(C);
    fake_thread_free(F);
    obj_put(&ep->o);
    return 0;
}

static void put_msg(struct thread *t, uint32_t label, uint64_t w0, uint64_t w1)
{
    t->ipc->label = label;
    t->ipc->len = 2;
    t->ipc->ncaps = 0;
    t->ipc->mr[0] = w0;
    t->ipc->mr[1] = w1;
}

static void test_call_queued_then_received_and_replied(void **s)
{
    (void)s;
    current = A;
    put_msg(A, 7, 100, 200);
    ipc_send(ep, 0xBAD6E, SK_CALL);
    assert_int_equal(A->state, TS_SEND);
    assert_ptr_equal(ep->senders.head, A);

    current = B;
    int64_t h = ipc_recv(ep);
    assert_true(h > 0);
    assert_int_equal(A->state, TS_REPLY); /* parked until the reply */
    assert_null(ep->senders.head);
    assert_int_equal(B->ipc->label, 7);
    assert_int_equal(B->ipc->mr[0], 100);
    assert_int_equal(B->ipc->mr[1], 200);
    assert_int_equal(B->ipc->badge, 0xBAD6E);

    put_msg(B, 9, 300, 0);
    assert_int_equal(ipc_reply(h), 0);
    assert_int_equal(A->state, TS_READY);
    assert_int_equal(A->wake_result, 0);
    assert_int_equal(A->ipc->label, 9);
    assert_int_equal(A->ipc->mr[0], 300);
    int err;
    assert_null(cspace_lookup(B->cs, h, 0, 0, &err)); /* one-shot: consumed */
    assert_int_equal(ipc_reply(h), -KE_BADH);
}

static void test_receiver_waiting_gets_handoff(void **s)
{
    (void)s;
    current = B;
    ipc_recv(ep);
    assert_int_equal(B->state, TS_RECV);
    current = A;
    put_msg(A, 1, 42, 0);
    ipc_send(ep, 5, SK_CALL);
    assert_int_equal(ready_count, 1);
    assert_ptr_equal(ready_log[0], B); /* the server runs at once */
    assert_true(B->wake_result > 0);   /* its recv returns the reply handle */
    assert_int_equal(B->ipc->mr[0], 42);
    assert_int_equal(A->state, TS_REPLY);
}

static void test_replies_in_reverse_order(void **s)
{
    (void)s;
    current = A;
    put_msg(A, 1, 1, 0);
    ipc_send(ep, 0, SK_CALL);
    current = A2;
    put_msg(A2, 1, 2, 0);
    ipc_send(ep, 0, SK_CALL);
    current = B;
    int64_t h1 = ipc_recv(ep);
    assert_int_equal(B->ipc->mr[0], 1); /* senders are served in FIFO order */
    int64_t h2 = ipc_recv(ep);
    assert_int_equal(B->ipc->mr[0], 2);
    ready_count = 0;
    assert_int_equal(ipc_reply(h2), 0);
    assert_int_equal(ipc_reply(h1), 0);
    assert_ptr_equal(ready_log[0], A2);
    assert_ptr_equal(ready_log[1], A);
}

static void test_reply_to_dead_or_recalled_caller(void **s)
{
    (void)s;
    current = A;
    ipc_send(ep, 0, SK_CALL);
    current = B;
    int64_t h = ipc_recv(ep);
    A->state = TS_DEAD; /* killed while parked */
    assert_int_equal(ipc_reply(h), -KE_DEAD);
    int err;
    assert_null(cspace_lookup(B->cs, h, 0, 0, &err));

    /* a reply capability answers one call only: after A's next call the old one is stale */
    A->state = TS_READY;
    current = A;
    ipc_send(ep, 0, SK_CALL);
    current = B;
    int64_t h_old = ipc_recv(ep);
    struct cap keep = B->cs->slots[h_old];
    current = A; /* simulate: answered, then A calls again */
    A->state = TS_REPLY;
    A->call_seq++;
    current = B;
    assert_int_equal(ipc_reply(h_old), -KE_DEAD);
    (void)keep;
}

static void test_forwarding_a_reply_capability(void **s)
{
    (void)s;
    struct endpoint *ep2 = endpoint_create();
    current = A;
    put_msg(A, 1, 11, 0);
    ipc_send(ep, 0, SK_CALL);
    current = B;
    int64_t h = ipc_recv(ep);
    /* B forwards the call to C, moving the reply capability */
    B->ipc->label = 2;
    B->ipc->len = 1;
    B->ipc->mr[0] = 11;
    B->ipc->ncaps = 1;
    B->ipc->caps[0] = (int32_t)h;
    B->ipc->cap_move = 1;
    current = C;
    ipc_recv(ep2); /* C waits first */
    current = B;
    assert_int_equal(ipc_send(ep2, 0, SK_SEND), 0);
    int err;
    assert_null(cspace_lookup(B->cs, h, 0, 0, &err)); /* moved */
    assert_int_equal(C->ipc->ncaps, 1);
    int64_t hc = C->ipc->caps[0];
    assert_non_null(cspace_lookup(C->cs, hc, KOBJ_REPLY, 0, &err));
    current = C;
    put_msg(C, 3, 99, 0);
    assert_int_equal(ipc_reply(hc), 0); /* C answers A directly */
    assert_int_equal(A->state, TS_READY);
    assert_int_equal(A->ipc->label, 3);
    assert_int_equal(A->ipc->mr[0], 99);
    obj_put(&ep2->o);
}

static void test_notifications_accumulate_and_wake(void **s)
{
    (void)s;
    ipc_notify(ep, 1);
    ipc_notify(ep, 4);
    current = B;
    assert_int_equal(ipc_recv(ep), 0);
    assert_int_equal(B->ipc->label, IPC_LABEL_NOTIFY);
    assert_int_equal(B->ipc->mr[0], 5);
    assert_int_equal(ep->notify_bits, 0);
    ipc_recv(ep); /* nothing pending: blocks */
    assert_int_equal(B->state, TS_RECV);
    ipc_notify(ep, 2);
    assert_int_equal(B->state, TS_READY);
    assert_int_equal(B->ipc->mr[0], 2);
}

static void test_foreign_syscall_becomes_a_message(void **s)
{
    (void)s;
    F->frame->rax = 39;
    F->frame->rdi = 1, F->frame->rsi = 2, F->frame->rdx = 3;
    F->frame->r10 = 4, F->frame->r8 = 5, F->frame->r9 = 6;
    current = F;
    ipc_send(ep, 0x77, SK_SYSCALL);
    current = B;
    int64_t h = ipc_recv(ep);
    assert_true(h > 0);
    assert_int_equal(B->ipc->label, IPC_LABEL_SYSCALL);
    assert_int_equal(B->ipc->badge, 0x77);
    uint64_t want[7] = {39, 1, 2, 3, 4, 5, 6};
    assert_memory_equal(B->ipc->mr, want, sizeof want);
    put_msg(B, 0, (uint64_t)-38, 0);
    assert_int_equal(ipc_reply(h), 0);
    assert_int_equal(F->wake_result, -38); /* becomes RAX */
}

static void test_endpoint_death_wakes_blocked_threads(void **s)
{
    (void)s;
    struct endpoint *e = endpoint_create();
    current = A;
    ipc_send(e, 0, SK_SEND);
    current = B;
    obj_put(&e->o);
    assert_int_equal(A->state, TS_READY);
    assert_int_equal(A->wake_result, -KE_DEAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_call_queued_then_received_and_replied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_receiver_waiting_gets_handoff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replies_in_reverse_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_to_dead_or_recalled_caller, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forwarding_a_reply_capability, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notifications_accumulate_and_wake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_syscall_becomes_a_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endpoint_death_wakes_blocked_threads, setup, teardown),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, fake_kernel_release));
}
