/*
 * test_jobtab.c - host tests of the shell's job table (user/sh/jobtab.c), driven with made-up
 * pids and wait statuses: job numbers, the states of pipelines whose processes stop, continue
 * and end separately, the current (+) and previous (-) jobs, job specs, $? of a job, and the
 * lines jobs, bg, & and the notices print (bash's layout).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host_test.h"

#include "jobtab.h"

/* Wait statuses as Linux encodes them. */
#define EXITED(c) (((c)&0xff) << 8)
#define KILLED(s) ((s)&0x7f)
#define CORE(s) (KILLED(s) | 0x80)
#define STOPPED(s) ((((s)&0xff) << 8) | 0x7f)
#define CONTINUED 0xffff

static char *line(const jobtab_t *t, const job_t *j, job_format_t f)
{
    static char buf[256];
    strbuf_t b = {0};
    job_format(t, j, f, &b);
    snprintf(buf, sizeof buf, "%s", b.s ? b.s : "");
    sb_free(&b);
    return buf;
}

static void test_numbers(void **state)
{
    (void)state;
    jobtab_t t = {0};
    job_t *a = jobtab_add(&t, "a", 0), *b = jobtab_add(&t, "b", 0), *c = jobtab_add(&t, "c", 0);
    assert_int_equal(a->id, 1);
    assert_int_equal(b->id, 2);
    assert_int_equal(c->id, 3);
    jobtab_remove(&t, b);
    assert_int_equal(jobtab_add(&t, "d", 0)->id, 4); /* above every number in use */
    jobtab_remove(&t, c);
    jobtab_remove(&t, t.v[1]);
    assert_int_equal(jobtab_add(&t, "e", 0)->id, 2);
    jobtab_free(&t);
    assert_int_equal(jobtab_add(&t, NULL, 0)->id, 1); /* an empty table starts again at 1 */
    assert_string_equal(t.v[0]->cmd, "");
    jobtab_free(&t);
}

static void test_pipeline_states(void **state)
{
    (void)state;
    jobtab_t t = {0};
    job_t *j = jobtab_add(&t, "cat | sort", 100);
    job_add_proc(j, 100);
    job_add_proc(j, 101);
    assert_int_equal(job_state(j), JOB_RUNNING);
    assert_ptr_equal(jobtab_update(&t, 100, STOPPED(SIGTSTP)), j);
    assert_int_equal(job_state(j), JOB_RUNNING); /* one still runs */
    assert_false(j->changed);
    jobtab_update(&t, 101, STOPPED(SIGTSTP));
    assert_int_equal(job_state(j), JOB_STOPPED);
    assert_true(j->changed);
    assert_int_equal(job_status(j), 128 + SIGTSTP);
    j->changed = false;
    jobtab_update(&t, 100, CONTINUED);
    assert_int_equal(job_state(j), JOB_RUNNING);
    assert_true(j->changed);
    jobtab_update(&t, 101, CONTINUED);
    jobtab_update(&t, 100, EXITED(0));
    assert_int_equal(job_state(j), JOB_RUNNING);
    jobtab_update(&t, 101, EXITED(3));
    assert_int_equal(job_state(j), JOB_DONE);
    assert_int_equal(job_status(j), 3); /* the last process's */
    assert_null(jobtab_update(&t, 555, EXITED(0)));
    assert_ptr_equal(jobtab_find_pid(&t, 101), j);
    assert_null(jobtab_find_pid(&t, 102));
    jobtab_free(&t);
}

static void test_status_of_killed_and_stopped(void **state)
{
    (void)state;
    jobtab_t t = {0};
    job_t *j = jobtab_add(&t, "x | y", 0);
    job_add_proc(j, 10);
    job_add_proc(j, 11);
    jobtab_update(&t, 10, KILLED(SIGPIPE));
    jobtab_update(&t, 11, KILLED(SIGINT));
    assert_int_equal(job_status(j), 128 + SIGINT);
    job_t *k = jobtab_add(&t, "y", 0);
    job_add_proc(k, 12);
    job_add_proc(k, 13);
    jobtab_update(&t, 12, EXITED(0));
    jobtab_update(&t, 13, STOPPED(SIGTTIN));
    assert_int_equal(job_state(k), JOB_STOPPED);
    assert_int_equal(job_status(k), 128 + SIGTTIN);
    jobtab_free(&t);
}

static void test_current_and_previous(void **state)
{
    (void)state;
    jobtab_t t = {0};
    assert_null(jobtab_current(&t));
    assert_null(jobtab_previous(&t));
    job_t *a = jobtab_add(&t, "sleep 1", 0);
    job_add_proc(a, 1);
    assert_ptr_equal(jobtab_current(&t), a);
    assert_null(jobtab_previous(&t));
    job_t *b = jobtab_add(&t, "sleep 2", 0);
    job_add_proc(b, 2);
    job_t *c = jobtab_add(&t, "sleep 3", 0);
    job_add_proc(c, 3);
    /* the most recent first */
    assert_ptr_equal(jobtab_current(&t), c);
    assert_ptr_equal(jobtab_previous(&t), b);
    /* a stopped job comes before running ones, however old */
    jobtab_update(&t, 1, STOPPED(SIGTSTP));
    assert_ptr_equal(jobtab_current(&t), a);
    assert_ptr_equal(jobtab_previous(&t), c);
    jobtab_update(&t, 2, STOPPED(SIGSTOP));
    assert_ptr_equal(jobtab_current(&t), b); /* the most recently stopped */
    assert_ptr_equal(jobtab_previous(&t), a);
    /* continuing a (as bg does) makes it recent, but stopped jobs still come first */
    jobtab_update(&t, 1, CONTINUED);
    jobtab_touch(&t, a);
    assert_ptr_equal(jobtab_current(&t), b);
    assert_ptr_equal(jobtab_previous(&t), a);
    jobtab_free(&t);
}

static void test_specs(void **state)
{
    (void)state;
    jobtab_t t = {0};
    job_t *a = jobtab_add(&t, "sleep 100", 0);
    job_t *b = jobtab_add(&t, "cat file | sort", 0);
    job_t *c = jobtab_add(&t, "sleep 200", 0);
    job_t *j;
    assert_int_equal(jobtab_find(&t, "%1", &j), JOBSPEC_OK);
    assert_ptr_equal(j, a);
    assert_int_equal(jobtab_find(&t, "%3", &j), JOBSPEC_OK);
    assert_ptr_equal(j, c);
    assert_int_equal(jobtab_find(&t, "%4", &j), JOBSPEC_NONE);
    assert_int_equal(jobtab_find(&t, "%1x", &j), JOBSPEC_NONE);
    assert_int_equal(jobtab_find(&t, "%%", &j), JOBSPEC_OK);
    assert_ptr_equal(j, c);
    assert_int_equal(jobtab_find(&t, "%+", &j), JOBSPEC_OK);
    assert_ptr_equal(j, c);
    assert_int_equal(jobtab_find(&t, "%", &j), JOBSPEC_OK);
    assert_ptr_equal(j, c);
    assert_int_equal(jobtab_find(&t, "%-", &j), JOBSPEC_OK);
    assert_ptr_equal(j, b);
    assert_int_equal(jobtab_find(&t, "%cat", &j), JOBSPEC_OK);
    assert_ptr_equal(j, b);
    assert_int_equal(jobtab_find(&t, "%sleep", &j), JOBSPEC_AMBIGUOUS);
    assert_int_equal(jobtab_find(&t, "%?sort", &j), JOBSPEC_OK);
    assert_ptr_equal(j, b);
    assert_int_equal(jobtab_find(&t, "%?200", &j), JOBSPEC_OK);
    assert_ptr_equal(j, c);
    assert_int_equal(jobtab_find(&t, "%?e", &j), JOBSPEC_AMBIGUOUS);
    assert_int_equal(jobtab_find(&t, "%vi", &j), JOBSPEC_NONE);
    assert_int_equal(jobtab_find(&t, "1", &j), JOBSPEC_NONE); /* not a job spec */
    jobtab_free(&t);
    assert_int_equal(jobtab_find(&t, "%%", &j), JOBSPEC_NONE);
}

static void test_lines(void **state)
{
    (void)state;
    jobtab_t t = {0};
    job_t *a = jobtab_add(&t, "sleep 100", 0);
    job_add_proc(a, 4321);
    a->bg = true;
    job_t *b = jobtab_add(&t, "cat | sort", 555);
    job_add_proc(b, 555);
    job_add_proc(b, 556);
    assert_string_equal(line(&t, a, JF_START), "[1] 4321\n");
    assert_string_equal(line(&t, b, JF_START), "[2] 556\n"); /* $!: the last process */
    assert_string_equal(line(&t, a, JF_STATUS), "[1]-  Running                 sleep 100 &\n");
    jobtab_update(&t, 555, STOPPED(SIGTSTP));
    jobtab_update(&t, 556, STOPPED(SIGTSTP));
    assert_string_equal(line(&t, b, JF_STATUS), "[2]+  Stopped                 cat | sort\n");
    assert_string_equal(line(&t, b, JF_LONG), "[2]+ 555 Stopped                 cat | sort\n");
    assert_string_equal(line(&t, b, JF_PIDS), "555\n");
    assert_string_equal(line(&t, a, JF_PIDS), "4321\n"); /* no group: its first process */
    assert_string_equal(line(&t, b, JF_BG), "[2]+ cat | sort &\n");
    jobtab_update(&t, 556, STOPPED(SIGTTOU));
    assert_string_equal(line(&t, b, JF_STATUS), "[2]+  Stopped                 cat | sort\n");
    jobtab_update(&t, 555, STOPPED(SIGTTIN));
    assert_string_equal(line(&t, b, JF_STATUS), "[2]+  Stopped (tty input)     cat | sort\n");
    jobtab_update(&t, 4321, EXITED(0));
    assert_string_equal(line(&t, a, JF_STATUS), "[1]-  Done                    sleep 100\n");
    jobtab_update(&t, 4321, EXITED(2));
    assert_string_equal(line(&t, a, JF_STATUS), "[1]-  Exit 2                  sleep 100\n");
    jobtab_update(&t, 4321, KILLED(SIGTERM));
    assert_string_equal(line(&t, a, JF_STATUS), "[1]-  Terminated              sleep 100\n");
    jobtab_update(&t, 4321, CORE(SIGSEGV));
    assert_string_equal(line(&t, a, JF_STATUS),
                        "[1]-  Segmentation fault (core dumped) sleep 100\n");
    jobtab_update(&t, 555, CONTINUED);
    jobtab_update(&t, 556, CONTINUED);
    b->bg = true;
    assert_string_equal(line(&t, b, JF_STATUS), "[2]+  Running                 cat | sort &\n");
    job_t *c = jobtab_add(&t, "vi", 0);
    job_add_proc(c, 9);
    assert_string_equal(line(&t, a, JF_STATUS),
                        "[1]   Segmentation fault (core dumped) sleep 100\n"); /* neither + nor - */
    jobtab_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_pipeline_states),
        cmocka_unit_test(test_status_of_killed_and_stopped),
        cmocka_unit_test(test_current_and_previous),
        cmocka_unit_test(test_specs),
        cmocka_unit_test(test_lines),
    };
    return host_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
