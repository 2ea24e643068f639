# Jobs in a script, where there is no job control: & lists, jobs, %n job specs in kill and wait,
# fg and bg refused, and an asynchronous list reading /dev/null instead of the terminal.
case $- in *m*) echo "monitor on" ;; *) echo "monitor off" ;; esac
echo "== jobs"
sleep 100 &
jobs
sh -c 'exit 3' &
wait %2; echo "wait %2 -> $?"
jobs
[ "$(jobs -p)" = "$(jobs -l | { read -r a b c; echo "$b"; })" ] && echo "jobs -p and -l agree"
echo "== kill and wait by job spec"
kill %1; wait %1; echo "kill %1; wait %1 -> $?"
jobs; echo "jobs with none -> $?"
sleep 100 & sleep 200 &
kill %sleep; echo "ambiguous -> $?"
kill %?200; wait %?200; echo "kill %?200 -> $?"
kill -s KILL %%; wait %%; echo "kill -s KILL %% -> $?"
kill %9; echo "kill %9 -> $?"
wait %9; echo "wait %9 -> $?"
echo "== fg and bg"
sleep 100 &
fg; echo "fg -> $?"
bg %1; echo "bg -> $?"
kill %1; wait
echo "== asynchronous input"
echo data | { cat & wait; }
echo "[$(echo data | { cat & wait; })]"
echo "== \$! and wait for a pipeline"
false | sh -c 'exit 5' &
wait $!; echo "wait \$! -> $?"
