# Runs a suite of scripts with Debian's busybox sh or bash and compares each one's output with
# its .expected file, which is what the same binary prints on Linux (tests/busybox/run_on_host.sh
# checks that, and makes the files: --update).
#
#   run.sh <suite-dir> <shell> [shell args...]      e.g. run.sh /tests/bash bash
#
# For each <suite-dir>/<name>.sh: a fresh empty directory $TMPDIR/<suite>.<name> is the current
# directory, "<shell> <name>.sh > out 2>&1" runs (at most 120 s: busybox timeout), the output is
# compared with <name>.expected by $CMPOUT (default /tests/cmpout); prints "PASS <name>" or
# "FAIL <name>: line N: expected 'X', got 'Y'" and the actual output, then "N passed, M failed".
# A script named xfail_<name>.sh is expected to fail (its first comment lines say why):
# "XFAIL <name>" when it does, "XPASS <name>" (a pass: the mark should go) when it does not.
# The exit status is 0 iff no script failed. The suite's PATH has busybox's applets first
# ($SUITE_PATH, default /usr/bin:/bin on Kestrel), so a script's commands are the same programs
# on Kestrel and on Linux.
dir=$1
shift
PATH=${SUITE_PATH:-/usr/bin:/bin}
export PATH
suite=${dir%/}
suite=${suite##*/}
cmpout=${CMPOUT:-/tests/cmpout}
tmp=${TMPDIR:-/tmp}
pass=0
fail=0
for t in "$dir"/*.sh; do
    name=${t##*/}
    name=${name%.sh}
    [ "$name" = run ] && continue
    case $name in run_on_host | console_on_host) continue ;; esac
    work=$tmp/$suite.$name
    rm -rf "$work"
    mkdir -p "$work" || { echo "run.sh: cannot create $work"; exit 1; }
    (cd "$work" && TMPDIR=$work timeout 120 "$@" "$t" > "$work.out" 2>&1)
    if "$cmpout" "$dir/$name.expected" "$work.out" > "$work.diff"; then
        case $name in
        xfail_*) echo "XPASS $name (passes now: drop the xfail_ mark)" ;;
        *) echo "PASS $name" ;;
        esac
        pass=$((pass + 1))
    else
        read -r first < "$work.diff"
        case $name in
        xfail_*)
            echo "XFAIL $name: $first"
            pass=$((pass + 1))
            ;;
        *)
            # the FAIL line names the script and its first difference; the actual output follows
            echo "FAIL $name: $first"
            cat "$work.diff"
            fail=$((fail + 1))
            ;;
        esac
    fi
    rm -rf "$work" "$work.out" "$work.diff"
done
echo "$suite: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
