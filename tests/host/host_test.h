/* host_test.h - the end of every host test's main: host_test_exit(cmocka_run_group_tests(...)).
 *
 * A cmocka assertion that fails longjmps out of the test, past the frees the test would have
 * done, so LeakSanitizer would follow the failure with hundreds of lines of leak reports that bury
 * the assertion. When a test has failed, the program therefore ends with _exit, which skips the
 * sanitizer's exit-time leak check; when every test passed, it returns normally and the leak
 * check runs, so a passing test that leaks still fails.
 */
#ifndef HOST_TEST_H
#define HOST_TEST_H

#include <stdio.h>
#include <unistd.h>

static inline int host_test_exit(int failed)
{
    if (failed) {
        fflush(stdout);
        fflush(stderr);
        _exit(failed > 125 ? 125 : failed);
    }
    return 0;
}

#endif
