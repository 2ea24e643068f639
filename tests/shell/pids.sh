# $$ and $!: $$ is the top shell's pid in every kind of subshell; $! is the pid of
# the last asynchronous command, which wait can collect with its status.
top=$$
echo "\$! before any background command: [${!-unset}]"
echo "\$\$ is a number: $(case $$ in *[!0-9]*) echo no;; *) echo yes;; esac)"
[ "$(echo $$)" = "$top" ] && echo "same in command substitution"
( [ "$$" = "$top" ] && echo "same in ( )" )
echo | { [ "$$" = "$top" ] && echo "same in a pipeline"; }
{ [ "$$" = "$top" ] && echo "same in { } &"; } & wait
f() { [ "$$" = "$top" ] && echo "same in a function in a pipeline"; }; f | cat
sleep 1 &
bg=$!
echo "\$! is a number: $(case $bg in *[!0-9]*) echo no;; *) echo yes;; esac)"
[ "$bg" != "$top" ] && echo "\$! differs from \$\$"
kill -0 $bg && echo "background sleep is alive"
wait $bg; echo "wait \$! -> $?"
kill -0 $bg 2>/dev/null || echo "and gone after wait"
(exit 7) &
wait $!; echo "wait for (exit 7) -> $?"
true & p1=$!; false & p2=$!
wait $p2; echo "second -> $?"; wait $p1; echo "first -> $?"
sleep 1 & sleep 1 &
last=$!
wait; echo "wait without operands -> $?"
( [ "$!" = "$last" ] && echo "\$! is passed into subshells" ) || echo "\$! differs in subshell"
echo "\$! changes with each background command:"
sleep 0 & a=$!; sleep 0 & b=$!; wait
[ "$a" != "$b" ] && echo "two different pids"
