# Guest shell test runner, run by our own sh (as init: init=/bin/sh -- /tests/shell/run.sh).
# For each tests/shell/<name>.sh it runs "sh <name>.sh > out 2>&1", compares the output
# with <name>.expected using cmpout, prints "PASS <name>" or "FAIL <name>: line N: expected
# 'X', got 'Y'" (then the actual output) per test and ends with
# "N passed, M failed"; the exit status is 0 iff M is 0.
# Environment: CMPOUT (default /tests/cmpout), TMPDIR (default /tmp).
dir=${0%/*}
[ "$dir" = "$0" ] && dir=.
cmpout=${CMPOUT:-/tests/cmpout}
out=${TMPDIR:-/tmp}/shelltests.$$
mkdir -p "$out" || { echo "run.sh: cannot create $out"; exit 1; }
pass=0
fail=0
for t in "$dir"/*.sh; do
    name=${t##*/}
    name=${name%.sh}
    [ "$name" = run ] && continue
    sh "$t" > "$out/$name.out" 2>&1
    if "$cmpout" "$dir/$name.expected" "$out/$name.out" > "$out/$name.diff"; then
        echo "PASS $name"
        pass=$((pass + 1))
    else
        # the FAIL line names the case and its first difference (the QEMU runner shows
        # FAIL lines first); the whole actual output follows
        read -r first < "$out/$name.diff"
        echo "FAIL $name: $first"
        cat "$out/$name.diff"
        fail=$((fail + 1))
    fi
done
rm -rf "$out"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
