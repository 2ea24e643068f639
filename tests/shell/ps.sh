# ps lists processes from /proc: "sleep 2 & ps; wait" shows the shell and sleep.
# (posix_spawn returns only once the child has exec'd sleep; under a fork-based shell
# such as dash, ps may now and then still see the forked child as "sh ps.sh".)
T=${TMPDIR:-/tmp}/sh-ps.$$
sleep 2 &
ps > "$T"
wait
read h1 h2 h3 h4 < "$T"
echo "header: $h1 $h2 $h3 $h4"
while read pid ppid st word cmd; do
    if [ "$pid" = "$$" ]; then
        case $cmd in *sh*) echo "the shell is listed";; esac
    fi
    if [ "$pid" = "$!" ]; then
        echo "sleep is listed: $cmd"
        [ "$ppid" = "$$" ] && echo "its parent is the shell"
        echo "state: $st $word"
    fi
done < "$T"
rm -f "$T"
