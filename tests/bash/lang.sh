# bash, the language: pipelines, command substitution, subshells, functions, arithmetic,
# globbing, here-documents and here-strings, arrays, [[ ]], parameter expansion, brace
# expansion. (Process substitution is left out: it needs /dev/fd.)
shopt -s extglob   # before the lines that use it are read
echo "== pipelines"
echo "c b a" | tr ' ' '\n' | sort | paste -sd, -
set -o pipefail; true | false | true; echo "pipefail: $?"; set +o pipefail
false | true; echo "PIPESTATUS: ${PIPESTATUS[*]}"
echo "== command substitution"
x=$(echo inner; echo second)
echo "[$x]"
echo "nested: $(echo "a $(echo b $(echo c))")"
n=$(printf 'trailing\n\n'); echo "[$n]"
lines=$(wc -l <<< "$x"); echo "lines: $lines"
echo "== subshells"
v=outer
(v=inner; echo "in: $v"; exit 4); echo "out: $v, status $?"
( cd /; pwd ); pwd | grep -c lang
echo "BASH_SUBSHELL outside: $BASH_SUBSHELL, inside: $(echo $BASH_SUBSHELL)"
echo "== functions"
greet() { local who=${1:-nobody}; echo "hello $who ($#)"; return 3; }
greet; greet world; echo "returned $?"
fib() { local n=$1; (( n < 2 )) && { echo $n; return; }; echo $(( $(fib $((n-1))) + $(fib $((n-2))) )); }
echo "fib 10 = $(fib 10)"
outer() { inner() { echo "inner defined by outer"; }; inner; }; outer
declare -f greet | head -n 1
echo "== arithmetic"
echo $((7 + 3 * 2)) $((17 / 5)) $((17 % 5)) $((2 ** 10)) $((1 << 4)) $((0x1f)) $((8#17))
i=5; ((i += 3)); ((i++)); echo "i=$i"
(( 3 > 2 )) && echo "(( )) true"
let "j = i * 2"; echo "j=$j"
echo $(( (3 + 4) * -2 )) $(( i > 7 ? 100 : 200 ))
echo "== globbing"
mkdir g && cd g && touch b.txt a.txt c.log .hidden
echo *.txt
echo *
echo ?.log [ab].*
shopt -s nullglob; echo "nullglob: [" nomatch* "]"; shopt -u nullglob
shopt -s dotglob; echo *; shopt -u dotglob
echo !(*.txt)
cd ..
echo "== brace and parameter expansion"
echo {a,b,c}-{1,2} {1..5} {a..e..2}
s="Hello, World"
echo "${#s} ${s:7} ${s:0:5} ${s/World/bash} ${s,,} ${s^^} ${s#*, } ${s%,*}"
unset u; echo "${u:-default} ${u:=assigned} $u"
f=path/to/file.tar.gz; echo "${f##*/} ${f%%.*} ${f%.*}"
echo "== arrays"
a=(one two three); a+=(four)
echo "${#a[@]} ${a[1]} ${a[-1]} ${a[*]:1:2}"
for e in "${a[@]}"; do printf '<%s>' "$e"; done; echo
declare -A m=([k1]=v1 [k2]=v2); echo "${m[k2]} ${#m[@]}"
echo "${!m[@]}" | tr ' ' '\n' | sort | tr '\n' ' '; echo
echo "== [[ ]]"
[[ abc == a* ]] && echo "pattern match"
[[ abc =~ ^a(b)c$ ]] && echo "regex match, group ${BASH_REMATCH[1]}"
[[ -z "" && -n x ]] && echo "string tests"
[[ 10 -gt 9 ]] && echo "numeric"
echo "== here-documents and here-strings"
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
tr a-z A-Z <<< "here string"
echo "== case, loops, select-free control"
for w in alpha beta gamma; do
    case $w in a*) echo "a-word $w" ;; *t*) echo "t-word $w" ;; *) echo "other $w" ;; esac
done
for ((k = 0; k < 3; k++)); do printf '%d ' $k; done; echo
n=0; while :; do ((n++ >= 2)) && break; done; echo "while: $n"
set -- x y z; echo "$# $2 $*"; shift; echo "$@"
echo "== printf and strings"
printf '%s=%d|%5.2f|%-4s|%x\n' a 42 3.14159 ab 255
printf -v out '%03d' 7; echo "$out"
echo "$'escapes'" $'tab\tend'
