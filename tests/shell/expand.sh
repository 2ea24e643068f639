# Word expansion: quoting, parameters and their forms, special parameters, field
# splitting, pathname expansion, arithmetic, tilde.
T=${TMPDIR:-/tmp}/sh-expand.$$
rm -rf "$T"; mkdir -p "$T" && cd "$T" || exit 1
v=value; e=
echo 'single $v' "double $v" \$v "\$v \"q\" \\"
echo "a"'b'c"$v"
echo "${v}s" "${#v}"
echo "unset: [${u-default}] [${u:-default}] [${e-default}] [${e:-default}]"
echo "assign: ${a1=first} ${a1=second} ${a2:=x}$a2"
echo "alternate: [${v+alt}] [${u+alt}] [${e:+alt}] [${v:+alt}]"
(echo "${u?custom}") 2>/dev/null || echo "\${u?} fails"
f=archive.tar.gz
echo "${f%.*} ${f%%.*} ${f#*.} ${f##*.}"
p=/usr/local/bin
echo "${p##*/} ${p%/*} ${p#/}"
echo "pattern from a variable: ${f%.$(echo gz)}"
set -- one "two words" three
echo "count $#: $1 / $2 / $3"
for a in "$@"; do echo "[$a]"; done
for a in $@; do printf '<%s>' "$a"; done; echo
IFS=,; echo "star joined: $*"; IFS=' 	
'
echo "\${10}: $(set -- 1 2 3 4 5 6 7 8 9 ten; echo ${10})"
echo "\$0 is set: $([ -n "$0" ] && echo yes)"
echo "\$? after false: $(false; echo $?)"
echo "\$- has no e: $(case $- in *e*) echo no;; *) echo yes;; esac)"
x="a  b   c"
set -- $x; echo "split: $#"
set -- "$x"; echo "quoted: $#"
IFS=:; y="1:2::3"; set -- $y; echo "IFS=: gives $#"; IFS=' 	
'
e=""; set -- $e; echo "empty unquoted: $#"
set -- "$e"; echo "empty quoted: $#"
set -- "$@"; echo "\"\$@\" of one empty: $#"
set --; set -- "$@"; echo "\"\$@\" of none: $#"
touch b.txt a.txt c.log .hidden
echo *.txt
echo ?.log
echo [ab].txt
echo *.none
echo "*.txt"
echo .h*
g='*.txt'; echo $g "$g"
set -f; echo *.txt; set +f
echo "arith: $((1 + 2 * 3)) $(( (1 + 2) * 3 )) $((7 / 2)) $((7 % 3)) $((-7 / 2))"
echo "arith: $((1 << 3)) $((6 & 3)) $((6 | 3)) $((6 ^ 3)) $((~0)) $((!5))"
echo "arith: $((2 < 3)) $((2 >= 3)) $((1 && 0)) $((1 || 0)) $((1 ? 10 : 20))"
n=5; echo "arith vars: $((n * 2)) $((n += 3)) $n $((m = 4)) $m"
echo "arith hex/octal: $((0x1f)) $((010))"
HOME=/home/tester
echo ~ ~/sub "~" x~
echo "tilde in assignment:"; path=~/bin:~/lib; echo $path
printf '%s\n' "backslashes: a\\b 'a\b' \a" a\\b
cd /; rm -rf "$T"
