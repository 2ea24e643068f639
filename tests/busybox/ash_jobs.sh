# busybox ash, background jobs: &, $!, wait (all, one pid, a job), kill %1, jobs, exit statuses
# of killed jobs, a pipeline in the background, sleep and wait ordering.
echo "== wait for all"
(sleep 1; echo "slow done") &
(echo "fast done") &
wait
echo "after wait: $?"
echo "== wait for a pid"
sh -c 'exit 5' &
p=$!
wait $p; echo "wait \$! -> $?"
echo "== kill %1"
sleep 30 &
jobs
kill %1
# (wait prints "Terminated" only if the job dies while it waits: a race on Linux too)
wait %1 2>/dev/null; echo "killed job status: $?"
jobs
echo "== kill by pid, several jobs"
sleep 30 & a=$!
sleep 30 & b=$!
kill -KILL $a
kill -HUP $b
wait $a 2>/dev/null; echo "KILL -> $?"
wait $b 2>/dev/null; echo "HUP -> $?"
echo "== a pipeline in the background"
{ echo one; echo two; } | sort -r > piped &
wait $!
cat piped
echo "== jobs run at the same time"
mkfifo pipe1
(read line < pipe1; echo "reader got: $line") &
echo "through the fifo" > pipe1
wait
echo "== wait for a job that is already done"
true &
sleep 1
wait $!; echo "done job -> $?"
wait; echo "nothing left -> $?"
