# System utilities, normal use and error path: pwd env true false sleep kill uname
# clear. Programs that are also builtins are run through env.
# (Moved from tests/shell when our own utilities gave way to busybox's: the expected output is
# Linux's busybox's; a usage text, which names the package's version, is not shown.)
T=${TMPDIR:-/tmp}/sh-sys.$$
rm -rf "$T"; mkdir -p "$T" && cd "$T" || exit 1
echo "== pwd"
[ "$(env pwd)" = "$(cd -P . && pwd -P)" ] && echo "pwd matches the shell"
env pwd -Z 2>/dev/null; echo "status $?"
echo "== env"
FOO=bar env | grep '^FOO='
env A=1 B=2 sh -c 'echo "$A$B"'
env -i sh -c 'echo "empty: [${HOME-}]"'
env -u HOME sh -c 'echo "unset HOME: [${HOME-}]"'
env nonexistent_zz; echo "status $?"
echo "== true / false"
env true; echo "true $?"
env false; echo "false $?"
echo "== sleep"
sleep 0; echo "sleep 0 -> $?"
sleep 0.1; echo "sleep 0.1 -> $?"
sleep 2>/dev/null; echo "status $?"
sleep abc; echo "status $?"
echo "== kill"
sleep 5 & p=$!
env kill $p; wait $p 2>/dev/null; echo "kill (TERM) -> $?"
sleep 5 & p=$!
env kill -9 $p; wait $p 2>/dev/null; echo "kill -9 -> $?"
sleep 5 & p=$!
env kill -s HUP $p; wait $p 2>/dev/null; echo "kill -s HUP -> $?"
env kill -l 9
env kill -BOGUS $$; echo "status $?"
env kill; echo "status $?"
echo "== uname"
s=$(uname -s); a=$(uname -a)
[ "$(uname)" = "$s" ] && echo "uname defaults to -s"
case $a in "$s "*) echo "uname -a starts with -s";; esac
case $a in *" $(uname -m)") echo "uname -a ends with -m";; esac
[ "$(uname -s -n)" = "$s $(uname -n)" ] && echo "uname -s -n"
[ -n "$(uname -r)" ] && echo "uname -r is set"
uname -q 2>/dev/null; echo "status $?"
echo "== clear"
clear | wc -c
cd /; rm -rf "$T"
