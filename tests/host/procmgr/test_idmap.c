/* Host tests of procmgr's id maps (pm_idmap.c) and of the lookups built on them (pm_proc.c):
 * the map's own rules, then 60 live processes found by pid and by badge, and every trace of
 * one gone from the maps once it is reaped. (The guest suite's t_fork and t_exhaust run
 * thousands of processes through the same code.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "host_test.h"
#include <lx/errno.h>
#include <lx/signal.h>
#include <lx/syscalls.h>
#include "fake_env.h"
#include "pm_internal.h"

static void test_map_rules(void **state)
{
    (void)state;
    pm_idmap_t m = {0};
    int a, b;
    assert_null(pm_idmap_get(&m, 5));
    pm_idmap_set(&m, 5, &a);
    pm_idmap_set(&m, 32767, &b);
    assert_ptr_equal(pm_idmap_get(&m, 5), &a);
    assert_ptr_equal(pm_idmap_get(&m, 32767), &b);
    assert_null(pm_idmap_get(&m, 6));
    assert_null(pm_idmap_get(&m, 32768));   /* out of range: nothing, never a wild read */
    assert_null(pm_idmap_get(&m, UINT64_MAX));
    pm_idmap_clear(&m, 5, &b);              /* another record: left alone */
    assert_ptr_equal(pm_idmap_get(&m, 5), &a);
    pm_idmap_set(&m, 6, &b);
    pm_idmap_clear(&m, 5, &a);
    assert_null(pm_idmap_get(&m, 5));
    assert_non_null(m.chunk[0]);            /* 6 still lives in it */
    pm_idmap_clear(&m, 6, &b);
    assert_null(m.chunk[0]);                /* its last id gone: the chunk goes too */
    void **spare = m.spare;                 /* kept aside, and the next chunk made */
    assert_non_null(spare);
    pm_idmap_set(&m, 300, &a);
    assert_ptr_equal(m.chunk[1], spare);
    assert_null(m.spare);
    pm_idmap_clear(&m, 300, &a);
    /* counts: uses of an id (process groups, sessions) */
    pm_idmap_ref(&m, 7);
    pm_idmap_ref(&m, 7);
    assert_int_equal(pm_idmap_count(&m, 7), 2);
    pm_idmap_unref(&m, 7);
    assert_int_equal(pm_idmap_count(&m, 7), 1);
    pm_idmap_unref(&m, 7);
    pm_idmap_unref(&m, 7);                  /* never below 0 */
    assert_int_equal(pm_idmap_count(&m, 7), 0);
    assert_null(m.chunk[0]);
    assert_false(m.incomplete);
    pm_idmap_set(&m, 40000, &a);            /* cannot hold it: says so, lookups will scan */
    assert_true(m.incomplete);
    pm_idmap_free(&m);
}

static void test_many_processes(void **state)
{
    (void)state;
    fake_t *fk = fk_new_booted();
    enum { N = 60 };   /* the fake kernel's logs of mappings have room for this many */
    uint64_t *pids = calloc(N, sizeof *pids);
    assert_non_null(pids);
    for (int i = 0; i < N; i++)
        pids[i] = fk_spawn(fk, 1);
    /* every child answers kill(pid, 0) from init and getppid from itself (its badge) */
    for (int i = 0; i < N; i++) {
        assert_int_equal(fk_sys(fk, 1, LX_SYS_kill, pids[i], 0, 0, 0, 0, 0), 0);
        assert_int_equal(fk_sys(fk, pids[i], LX_SYS_getppid, 0, 0, 0, 0, 0, 0), 1);
    }
    /* kill and reap every other one: those are gone (ESRCH), the rest still found */
    for (int i = 0; i < N; i += 2) {
        assert_int_equal(fk_sys(fk, 1, LX_SYS_kill, pids[i], LX_SIGKILL, 0, 0, 0, 0), 0);
        int st = 0;
        assert_int_equal(fk_wait(fk, 1, (int32_t)pids[i], 0, &st), (int64_t)pids[i]);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(fk_sys(fk, 1, LX_SYS_kill, pids[i], 0, 0, 0, 0, 0),
                         i % 2 ? 0 : -LX_ESRCH);
    free(pids);
    fk_free(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_rules),
        cmocka_unit_test(test_many_processes),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
