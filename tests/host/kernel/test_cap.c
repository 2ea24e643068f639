/* Host tests of the capability table (microkernel/kern/cap.c, kern/obj.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host_test.h"
#include "fake_kernel.h"
#include "kabi/kcalls.h"

static int setup(void **s)
{
    (void)s;
    fake_kernel_reset();
    return 0;
}

static void test_handles_start_at_one_and_reuse_lowest(void **s)
{
    (void)s;
    struct kobj o = {KOBJ_CONTROL, 1};
    struct cspace *cs = cspace_create(4);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 1);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 2);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 3);
    assert_int_equal(o.refs, 4); /* one per capability */
    cspace_delete(cs, 2);
    assert_int_equal(o.refs, 3);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 2);
    cspace_put(cs);
    assert_int_equal(o.refs, 1); /* the table's references all went */
}

static void test_grows_past_initial_size(void **s)
{
    (void)s;
    struct kobj o = {KOBJ_CONTROL, 1};
    struct cspace *cs = cspace_create(4);
    for (int i = 1; i <= 100; i++)
        assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_SEND, (uint64_t)i, 0), i);
    assert_int_equal(cspace_used(cs), 100);
    int err = 0;
    struct cap *c = cspace_lookup(cs, 77, 0, 0, &err);
    assert_non_null(c);
    assert_int_equal(c->badge, 77); /* entries survived the moves */
    cspace_put(cs);
    assert_int_equal(o.refs, 1);
}

/* Holes anywhere in a large table (across the 64-slot words of its free map, and after it grows)
 * are filled lowest first, and a full table grows at its end. */
static void test_lowest_free_in_large_table(void **s)
{
    (void)s;
    struct kobj o = {KOBJ_CONTROL, 1};
    struct cspace *cs = cspace_create(4);
    for (int i = 1; i < 300; i++)
        assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), i);
    const int holes[] = {299, 5, 250, 64, 63, 128, 191, 1};
    for (size_t k = 0; k < sizeof(holes) / sizeof(holes[0]); k++)
        cspace_delete(cs, holes[k]);
    assert_int_equal(cspace_used(cs), 299 - 8);
    const int order[] = {1, 5, 63, 64, 128, 191, 250, 299, 300, 301};
    for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
        assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), order[k]);
    /* a fixed handle taken out of order is not handed out again */
    cspace_delete(cs, 70);
    cspace_delete(cs, 71);
    assert_int_equal(cspace_insert_at(cs, 70, &o, KOBJ_CONTROL, KR_ALL), 70);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 71);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 302);
    /* past the table's end, insert_at grows it; the slots between stay free and come first */
    assert_int_equal(cspace_insert_at(cs, 1000, &o, KOBJ_CONTROL, KR_ALL), 1000);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 303);
    assert_int_equal(cspace_used(cs), 304);
    cspace_put(cs);
    assert_int_equal(o.refs, 1);
}

static void test_lookup_checks_type_rights_and_range(void **s)
{
    (void)s;
    struct kobj o = {KOBJ_CONTROL, 1};
    struct cspace *cs = cspace_create(8);
    int h = cspace_insert(cs, &o, KOBJ_CONTROL, KR_SEND, 0, 0);
    int err = 0;
    assert_non_null(cspace_lookup(cs, h, KOBJ_CONTROL, KR_SEND, &err));
    assert_null(cspace_lookup(cs, h, KOBJ_ENDPOINT, 0, &err));
    assert_int_equal(err, -KE_BADH);
    assert_null(cspace_lookup(cs, h, KOBJ_CONTROL, KR_SEND | KR_RECV, &err));
    assert_int_equal(err, -KE_PERM);
    int64_t bad[] = {0, -1, 5, 8, 1000000, INT64_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = 0;
        assert_null(cspace_lookup(cs, bad[i], 0, 0, &err));
        assert_int_equal(err, -KE_BADH);
    }
    assert_null(cspace_lookup(NULL, 1, 0, 0, &err));
    cspace_delete(cs, 0);  /* harmless */
    cspace_delete(cs, 99); /* harmless */
    cspace_put(cs);
}

static void test_insert_at_fixed_handles(void **s)
{
    (void)s;
    struct kobj o = {KOBJ_CONTROL, 1};
    struct cspace *cs = cspace_create(4);
    assert_int_equal(cspace_insert_at(cs, 8, &o, KOBJ_CONTROL, KR_ALL), 8);
    assert_int_equal(cspace_insert_at(cs, 8, &o, KOBJ_CONTROL, KR_ALL), -KE_INVAL); /* taken */
    assert_int_equal(cspace_insert_at(cs, 0, &o, KOBJ_CONTROL, KR_ALL), -KE_INVAL);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 1); /* lowest free */
    cspace_put(cs);
    assert_int_equal(o.refs, 1);
}

/* A deleted reply capability's slot is kept for the next one (the list through badge), never
 * given to another kind: the free map keeps it taken, so neither the hint nor the search reaches
 * it, insert_at refuses it, and it leaves with the table. */
static void test_reply_slots_reused_by_replies_only(void **s)
{
    (void)s;
    struct kobj o = {KOBJ_CONTROL, 1}, caller = {KOBJ_THREAD, 1};
    struct cspace *cs = cspace_create(4);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 1);
    assert_int_equal(cspace_insert(cs, &caller, KOBJ_REPLY, 0, 0, 7), 2);
    assert_int_equal(cspace_insert(cs, &caller, KOBJ_REPLY, 0, 0, 8), 3);
    cspace_delete(cs, 2);
    cspace_delete(cs, 3);
    assert_int_equal(caller.refs, 1);
    assert_int_equal(cspace_used(cs), 1);
    int err = 0;
    assert_null(cspace_lookup(cs, 2, 0, 0, &err)); /* empty, whatever its bit says */
    assert_int_equal(err, -KE_BADH);
    /* other kinds go past them, to fresh slots */
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 4);
    assert_int_equal(cspace_insert_at(cs, 2, &o, KOBJ_CONTROL, KR_ALL), -KE_INVAL);
    /* replies take them back, the last freed first, with their own fields */
    assert_int_equal(cspace_insert(cs, &caller, KOBJ_REPLY, 0, 0, 9), 3);
    assert_int_equal(cspace_insert(cs, &caller, KOBJ_REPLY, 0, 0, 10), 2);
    struct cap *c = cspace_lookup(cs, 2, KOBJ_REPLY, 0, &err);
    assert_non_null(c);
    assert_int_equal(c->seq, 10);
    assert_int_equal(c->badge, 0);
    assert_int_equal(cspace_insert(cs, &caller, KOBJ_REPLY, 0, 0, 11), 5); /* list empty */
    assert_int_equal(caller.refs, 4);
    cspace_put(cs);
    assert_int_equal(o.refs, 1);
    assert_int_equal(caller.refs, 1);
}

/* A reply capability kept out of the table (struct cap_pending): its handle is the thread's
 * reserved slot, kept from one call to the next while the replies come at once; any lookup or
 * delete of that handle, or a settle, writes it in the slot as an ordinary reply capability; the
 * slot goes back to the reply slots' list when the thread lets it go. */
static void test_pending_reply_capabilities(void **s)
{
    (void)s;
    struct kobj o = {KOBJ_CONTROL, 1}, caller = {KOBJ_THREAD, 1};
    struct cap_pending p = {0};
    struct cspace *cs = cspace_create(4);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 1);
    /* the first call reserves a slot; the capability is not in it */
    assert_int_equal(cspace_pend(cs, &p, &caller, 7), 2);
    assert_int_equal(caller.refs, 2);
    assert_int_equal(cspace_used(cs), 1);
    /* answered at once (what ipc_reply_recv_fast does): the slot stays reserved for the next */
    p.h = 0;
    caller.refs--;
    int err = 0;
    assert_null(cspace_lookup(cs, 2, KOBJ_REPLY, 0, &err)); /* nothing there now */
    assert_int_equal(err, -KE_BADH);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0, 0), 3); /* skips it */
    assert_int_equal(cspace_pend(cs, &p, &caller, 8), 2);                  /* same slot */
    /* looked up (a reply, a transfer): written in its slot first */
    struct cap *c = cspace_lookup(cs, 2, KOBJ_REPLY, 0, &err);
    assert_non_null(c);
    assert_ptr_equal(c->obj, &caller);
    assert_int_equal(c->seq, 8);
    assert_int_equal(c->badge, 0);
    assert_int_equal(p.h, 0);
    assert_int_equal(p.slot, 0);
    assert_int_equal(caller.refs, 2); /* p's reference is the capability's */
    /* the next call reserves another slot */
    assert_int_equal(cspace_pend(cs, &p, &caller, 9), 4);
    /* deleted unanswered (a server dropping it): settled, then deleted */
    cspace_delete(cs, 4);
    assert_int_equal(caller.refs, 2);
    assert_int_equal(p.h, 0);
    /* a reserved slot with nothing in it: a delete is harmless */
    assert_int_equal(cspace_pend(cs, &p, &caller, 10), 4); /* the reply list gave 4 back */
    cspace_settle(cs, &p);                                 /* the receive after a deferral */
    assert_non_null(cspace_lookup(cs, 4, KOBJ_REPLY, 0, &err));
    assert_int_equal(cspace_pend(cs, &p, &caller, 11), 5);
    p.h = 0;
    caller.refs--;
    cspace_delete(cs, 5);
    assert_int_equal(caller.refs, 3); /* capabilities 2 and 4 */
    /* the thread goes: its reserved slot back onto the list, reused by the next reply */
    cspace_unreserve(cs, &p);
    assert_int_equal(p.slot, 0);
    assert_int_equal(cspace_insert(cs, &caller, KOBJ_REPLY, 0, 0, 12), 5);
    /* a thread going with a capability still kept: it goes into the table */
    struct cap_pending q = {0};
    assert_int_equal(cspace_pend(cs, &q, &caller, 13), 6);
    cspace_unreserve(cs, &q);
    c = cspace_lookup(cs, 6, KOBJ_REPLY, 0, &err);
    assert_non_null(c);
    assert_int_equal(c->seq, 13);
    assert_int_equal(caller.refs, 5);
    cspace_put(cs);
    assert_int_equal(o.refs, 1);
    assert_int_equal(caller.refs, 1);
}

/* A free slot keeps its last badge: one that looks like a kept capability's mark is not one. */
static void test_free_slot_badge_is_no_mark(void **s)
{
    (void)s;
    struct kobj o = {KOBJ_CONTROL, 1};
    struct cspace *cs = cspace_create(4);
    assert_int_equal(cspace_insert(cs, &o, KOBJ_CONTROL, KR_ALL, 0x8000000000001000ull, 0), 1);
    cspace_delete(cs, 1);
    int err = 0;
    assert_null(cspace_lookup(cs, 1, 0, 0, &err));
    assert_int_equal(err, -KE_BADH);
    cspace_delete(cs, 1);
    cspace_put(cs);
    assert_int_equal(o.refs, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_handles_start_at_one_and_reuse_lowest, setup),
        cmocka_unit_test_setup(test_grows_past_initial_size, setup),
        cmocka_unit_test_setup(test_lowest_free_in_large_table, setup),
        cmocka_unit_test_setup(test_lookup_checks_type_rights_and_range, setup),
        cmocka_unit_test_setup(test_insert_at_fixed_handles, setup),
        cmocka_unit_test_setup(test_reply_slots_reused_by_replies_only, setup),
        cmocka_unit_test_setup(test_pending_reply_capabilities, setup),
        cmocka_unit_test_setup(test_free_slot_badge_is_no_mark, setup),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, fake_kernel_release));
}
