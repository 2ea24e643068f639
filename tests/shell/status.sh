# Exit statuses: 0/1, exit n, 127 not found, 126 not executable, 128+n killed by
# signal n, and the message on standard error for each failure.
T=${TMPDIR:-/tmp}/sh-status.$$
rm -rf "$T"; mkdir -p "$T" && cd "$T" || exit 1
true; echo "true $?"
false; echo "false $?"
sh -c 'exit 3'; echo "exit 3 -> $?"
sh -c 'exit 256'; echo "exit 256 -> $?"
nonexistent_zz 2>/dev/null; echo "not found -> $?"
msg=$(nonexistent_zz 2>&1); case $msg in *"nonexistent_zz: not found") echo "message: not found";; *) echo "message: [$msg]";; esac
./nonexistent_zz 2>/dev/null; echo "not found by path -> $?"
echo 'echo should not run' > noexec.sh
./noexec.sh 2>/dev/null; echo "not executable -> $?"
msg=$(./noexec.sh 2>&1); case $msg in *"Permission denied"*) echo "message: permission denied";; *) echo "message: [$msg]";; esac
# An executable file without #! is run by the shell (cp keeps the mode bits, and
# > keeps the mode of an existing file).
cp "$(command -v cat)" plain
printf 'echo script without shebang: $1\n' > plain
./plain arg; echo "plain script -> $?"
echo "killed by signals (the shell reports them):"
sh -c 'kill -9 $$'; echo "KILL -> $?"
sh -c 'kill -TERM $$'; echo "TERM -> $?"
sh -c 'kill -USR1 $$'; echo "USR1 -> $?"
sh -c 'kill -INT $$'; echo "INT -> $?"
x=$(sh -c 'kill -9 $$'); echo "in a substitution -> $?"
echo "statuses in lists:"
false && echo no; echo "&& after false -> $?"
true || echo no; echo "|| after true -> $?"
! false; echo "! false -> $?"
! true; echo "! true -> $?"
f() { return 42; }; f; echo "return 42 -> $?"
(exit 9); echo "(exit 9) -> $?"
{ false; }; echo "{ false; } -> $?"
if false; then :; fi; echo "if with no branch taken -> $?"
for i in; do :; done; echo "empty for -> $?"
echo "error in a special builtin ends a script:"
sh -c 'shift 5; echo not reached' 2>/dev/null; echo "shift too far -> $?"
sh -c 'x=${unset_zz?}; echo not reached' 2>/dev/null; echo "\${x?} -> $?"
sh -c 'set -e; false; echo not reached'; echo "set -e -> $?"
sh -c 'set -e; false || true; if false; then :; fi; ! true; echo set -e spares conditions'
echo "syntax error -> $(sh -c 'if then fi' 2>/dev/null; echo $?)"
cd /; rm -rf "$T"
