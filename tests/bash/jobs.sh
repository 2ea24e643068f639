# bash, background jobs and signals: &, $!, wait (all, one pid, -n), kill %1, jobs, trap, exit
# statuses of killed jobs, read from a file, from a pipe, and with a timeout.
echo "== kill %1"
# On Kestrel a kill has acted when it returns; on Linux the job dies a moment later. The
# sleep 1 makes both the same: the job is dead and reaped before wait (so wait by pid: bash
# forgets a reaped job's %1, and says so for a KILL, with its pid, on stderr).
sleep 30 &
jobs
{ kill %1; sleep 1; } 2>/dev/null
wait $!; echo "killed job status: $?"
echo "== wait for all"
(sleep 1; echo "slow done") &
(echo "fast done") &
wait
echo "after wait: $?"
echo "== wait for a pid"
bash -c 'exit 5' &
p=$!
wait $p; echo "wait \$! -> $?"
echo "== kill by pid, several jobs"
sleep 30 & a=$!
sleep 30 & b=$!
{ kill -KILL $a; kill -HUP $b; sleep 1; } 2>/dev/null
wait $a; echo "KILL -> $?"
wait $b; echo "HUP -> $?"
echo "== wait -n"
# (in a bash of its own: here, jobs that ended earlier would answer first)
bash -c '(sleep 1; exit 7) &
sleep 30 & s=$!
wait -n; echo "first done -> $?"
{ kill $s; sleep 1; } 2>/dev/null
wait $s; echo "the other -> $?"'
echo "== a pipeline in the background"
{ echo one; echo two; } | sort -r > piped &
wait $!
cat piped
echo "== fifo between jobs"
mkfifo pipe1
(read line < pipe1; echo "reader got: $line") &
echo "through the fifo" > pipe1
wait
echo "== read"
printf 'first line\nsecond\tfield\n' > data
read a < data; echo "from file: [$a]"
while read -r w1 w2; do echo "[$w1|$w2]"; done < data
echo "piped words" | { read p q; echo "pipe: $p $q"; }
IFS=: read -r x y z <<< "a:b:c"; echo "$z $y $x"
read -a arr <<< "x y z"; echo "array: ${arr[2]}"
mapfile -t ls < data; echo "mapfile: ${#ls[@]} [${ls[1]}]"
printf 'no newline' | { read r; echo "status $? [$r]"; }
mkfifo idle
exec 3<>idle
read -t 1 never <&3; s=$?
[ "$s" -gt 128 ] && echo "read -t 1 timed out: status above 128"
exec 3>&-
echo "== trap"
trap 'echo EXIT trap' EXIT
trap 'echo got USR1' USR1
kill -USR1 $$
echo after USR1
bash -c 'trap "echo child TERM; exit 9" TERM; kill -TERM $$; echo not reached'; echo "child status $?"
bash -c 'kill -TERM $$; echo not reached'; echo "default TERM: $?"
trap 'echo ERR trap' ERR; false; trap - ERR
trap - USR1
trap -p EXIT
