# busybox's system applets, their output made deterministic: ps df free top -b -n 1 timeout
# uname id readlink /proc/self/exe sleep kill env nproc.
echo "== ps"
sleep 30 &
sp=$!
ps | head -n 1
ps | awk -v p=$sp '$1 == p { print "sleep listed:", $NF, $(NF-1) }'
ps -o pid,ppid,comm | awk -v me=$$ -v p=$sp '$1 == p && $2 == me { print "child of the shell:", $3 }'
kill $sp; wait $sp 2>/dev/null
echo "== df"
df / | head -n 1
df | awk '$NF == "/" { print "root listed" }'
df -P / | awk 'NR == 2 { print ($2 >= $3 && $2 > 0) ? "sizes sane" : "sizes wrong", $6 }'
df -k . | awk 'END { print (NR >= 2) ? "has a row" : "no row" }'
echo "== free"
free | awk 'NR == 1 { print $1, $2, $3 }'
# used = total - free - buff/cache: the columns add up, none negative
free | awk '$1 == "Mem:" { print $1, (NF == 7 && $2 > 0 && $3 >= 0 && $2 == $3 + $4 + $6) ? "adds up" : "wrong: " $0 }'
free -m | awk '$1 == "Swap:" { print "swap row" }'
echo "== top"
top -b -n 1 > top.out
awk '/^Mem:/ { print "Mem line" } /^CPU:/ { print "CPU line" } /^Load average:/ { print "Load line" }' top.out
grep -c '^ *PID  *PPID USER  *STAT  *VSZ %VSZ' top.out
grep -q 'top -b -n 1' top.out && echo "top lists itself"
echo "== timeout"
timeout 1 sleep 10; echo "timed out -> $?"
timeout 10 true; echo "in time -> $?"
timeout -s KILL 1 sleep 10; echo "KILL -> $?"
echo "== uname id env"
uname -m
id -u; id -g
env | grep -c '^PATH='
FOO=bar env | grep '^FOO='
nproc | awk '{ print ($1 >= 1) ? "cpus" : "none" }'
echo "== /proc"
# Debian's /bin is a link to /usr/bin: on Linux the path is /usr/bin/busybox, on Kestrel /bin/busybox
readlink /proc/self/exe | sed 's|^/usr/bin/|/bin/|'
readlink /proc/$$/exe | sed 's|^/usr/bin/|/bin/|'
cat /proc/self/comm 2>/dev/null || echo comm
grep -c '^MemTotal:' /proc/meminfo
awk '{ print (NF >= 5) ? "loadavg ok" : "loadavg short" }' /proc/loadavg
awk '{ print ($1 > 0) ? "uptime ok" : "uptime zero" }' /proc/uptime
echo "== sleep and kill"
sleep 1; echo "slept"
sh -c 'kill -TERM $$; echo no'; echo "self TERM -> $?"
kill -l 9; kill -l TERM
