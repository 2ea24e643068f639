# busybox ash, the language: pipelines, command substitution, subshells, functions, arithmetic,
# globbing, here-documents, read (from a file, a pipe, with a timeout), trap.
echo "== pipelines"
echo "one two three" | tr ' ' '\n' | sort | tr '\n' ' '; echo
printf 'b\na\nc\n' | sort -r | head -n 2
false | true; echo "status of false | true: $?"
true | false; echo "status of true | false: $?"
! false; echo "negated: $?"
echo "== command substitution"
x=$(echo inner; echo second)
echo "[$x]"
echo "nested: $(echo "a $(echo b $(echo c))")"
echo "backquotes: `echo old style`"
n=$(printf 'trailing\n\n\n'); echo "[$n]"
echo "status: $(exit 3)$?"
echo "== subshells"
v=outer
(v=inner; echo "in: $v"; exit 4); echo "out: $v, status $?"
(cd /; pwd); pwd | grep -c "ash_lang"
{ echo grouped; echo lines; } | wc -l
echo "== functions"
greet() { echo "hello $1 ($#)"; return 7; }
greet world extra; echo "returned $?"
count() { local i=0; while [ "$i" -lt "$1" ]; do i=$((i + 1)); done; echo "$i"; }
count 25
fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }
echo "5! = $(fact 5)"
echo "== arithmetic"
echo $((7 + 3 * 2)) $((17 / 5)) $((17 % 5)) $((2 ** 10)) $((1 << 4)) $((0x1f)) $((010))
i=5; i=$((i += 3)); echo "i=$i"; echo $((i > 7 ? 100 : 200))
echo $(( (3 + 4) * -2 ))
echo "== globbing"
mkdir g && cd g && touch b.txt a.txt c.log .hidden
echo *.txt
echo *
echo .*[a-z]*
echo ?.log
echo [ab].*
echo nomatch*
cd ..
echo "== here-documents"
name=world
cat <<EOT
hello $name
sum $((1 + 2)) $(echo sub)
EOT
cat <<'EOT'
literal $name $(echo no)
EOT
cat <<-EOT
	tabs stripped
	EOT
echo "== read"
printf 'first line\nsecond\tfield\n' > data
read a < data; echo "from file: [$a]"
while read -r w1 w2; do echo "[$w1|$w2]"; done < data
echo "piped words" | { read p q; echo "pipe: $p $q"; }
printf 'a:b:c\n' | { IFS=: read x y z; echo "$z $y $x"; }
printf 'no newline' | { read r; echo "status $? [$r]"; }
mkfifo idle
exec 3<>idle
read -t 1 never <&3; s=$?
[ "$s" -ne 0 ] && echo "read -t 1 timed out: non-zero"
exec 3>&-
echo "== trap"
trap 'echo EXIT trap' EXIT
trap 'echo got USR1' USR1
kill -USR1 $$
echo after USR1
sh -c 'trap "echo child TERM; exit 9" TERM; kill -TERM $$; echo not reached'; echo "child status $?"
sh -c 'kill -TERM $$; echo not reached'; echo "default TERM: $?"
trap - USR1
trap
echo "== case and loops"
for w in alpha beta gamma; do
    case $w in a*) echo "a-word $w" ;; *t*) echo "t-word $w" ;; *) echo "other $w" ;; esac
done
n=0; until [ $n -ge 3 ]; do n=$((n + 1)); done; echo "until: $n"
for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo "loop $i"; done
set -- x y z; echo "$# $2 $*"; shift; echo "$@"
