# trap actions on real signals: the shell's handler runs and the script goes on (or exits from
# the trap); the signal is sent by kill, the builtin, to the shell itself.
trap 'echo caught USR1' USR1
kill -USR1 $$
echo after USR1
sh -c 'trap "echo child caught TERM; exit 5" TERM; kill -TERM $$; echo not reached'
echo "status $?"
trap - USR1
{ sh -c 'kill -USR1 $$; echo not reached'; } 2>/dev/null
echo "status $?"
