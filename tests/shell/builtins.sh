# Builtins: cd pwd echo printf read test [ kill export unset set shift eval . type
# umask true false : wait exit return break continue trap.
T=${TMPDIR:-/tmp}/sh-builtins.$$
rm -rf "$T"; mkdir -p "$T/sub" && cd "$T" || exit 1
cd sub; pwd | grep -c "/sub$"; cd ..
cd /; echo "cd /: $(pwd)"; cd - > /dev/null; [ "$(pwd)" = "$T" ] && echo "cd - goes back"
cd /nonexistent_zz 2>/dev/null; echo "cd failure -> $?"
echo -n "echo -n "; echo "done"
echo 'echo escapes: a\tb\nc'
printf '%s|%5s|%-5s|%d|%03d|%x|%o|%c|%%\n' str right left 42 7 255 8 char
printf '%s\n' several args
printf 'no args: %s %d\n'
printf '%b\n' 'b-escape\ttab'
read a b <<END
first second third
END
echo "read: [$a] [$b]"
read -r raw <<'END'
back\slash
END
echo "read -r: $raw"
read c <<'END'
back\slash
END
echo "read: $c"
echo "" | { read x; echo "read empty -> $? [$x]"; }
printf 'no newline' | { read x; echo "read at eof -> $? [$x]"; }
test 1 -eq 1 && echo "test -eq"
[ abc = abc ] && echo "[ = ]"
[ abc != abd ] && echo "[ != ]"
[ -n "x" ] && [ -z "" ] && echo "[ -n -z ]"
[ -d . ] && [ -f /nonexistent_zz ] || echo "[ -d -f ]"
[ 3 -gt 2 -a 1 -lt 2 ] && echo "[ -a ]"
[ 3 -lt 2 -o 1 -lt 2 ] && echo "[ -o ]"
[ ! -e /nonexistent_zz ] && echo "[ ! -e ]"
[ \( 1 -eq 1 \) ] && echo "[ ( ) ]"
[ 1 -eq x ] 2>/dev/null; echo "bad number -> $?"
sleep 5 & pid=$!
kill -TERM $pid; wait $pid; echo "kill -TERM -> $?"
sleep 5 & pid=$!
kill -9 $pid; wait $pid; echo "kill -9 -> $?"
sleep 5 & pid=$!
kill -s USR1 $pid; wait $pid; echo "kill -s USR1 -> $?"
sleep 5 & pid=$!
kill -USR2 $pid; wait $pid; echo "kill -USR2 -> $?"
kill -l 15; kill -l 137
kill -NOSUCHSIG $$ 2>/dev/null; echo "bad signal -> $?"
export EXP=exported; sh -c 'echo "child sees $EXP"'
NOEXP=plain; sh -c 'echo "child sees [${NOEXP-}]"'
TEMPV=temp sh -c 'echo "prefix: $TEMPV"'; echo "after prefix: [${TEMPV-}]"
unset EXP; echo "unset: [${EXP-gone}]"
f() { echo f; }; unset -f f; type f >/dev/null 2>&1 || echo "unset -f"
set -- a b c d; shift; echo "shift: $*"; shift 2; echo "shift 2: $*"
set -- x y; echo "set --: $# $1 $2"
set -u; (echo $undefined_zz) 2>/dev/null || echo "set -u catches unset"; set +u
eval 'e1=1; e2=$((e1 + 1))'; echo "eval: $e1 $e2"
cmd='echo evaluated'; eval "$cmd"
echo 'sourced=yes; echo "in sourced file"' > inc.sh
. ./inc.sh; echo "after .: $sourced"
type cd | grep -c builtin
type nonexistent_zz >/dev/null 2>&1; echo "type missing -> $?"
umask 027; umask; umask 022; umask
true; echo "true $?"; false; echo "false $?"; :; echo ": $?"
g() { for i in 1 2 3; do [ $i = 2 ] && return 7; done; }; g; echo "return -> $?"
i=0; while :; do i=$((i + 1)); [ $i = 3 ] && break; done; echo "break at $i"
sh -c 'exit 4'; echo "exit -> $?"
sh -c 'trap "echo exit trap ran with \$?" EXIT; echo body; exit 3'; echo "after trap -> $?"
sh -c 'trap "" TERM; kill -TERM $$; echo ignored TERM'
sh -c 'trap "echo x" TERM; trap - TERM; trap'; echo "trap - resets"
cd /; rm -rf "$T"
