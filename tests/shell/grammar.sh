# Every construct of the grammar: ; && || ! | & ( ) { } if/elif/else while until
# for (with and without in) case functions (recursive) comments, break/continue n,
# line continuations and multi-line forms.
echo a; echo b
true && echo "and: yes"; false && echo "and: no"
false || echo "or: yes"; true || echo "or: no"
true && false || echo "and-or chain"
! false && echo "bang"
echo piped | cat
sleep 0 & wait
( echo "subshell" )
{ echo "group"; }
{ echo "group on"
  echo "two lines"; }
if false; then echo no; elif true; then echo "elif taken"; else echo no; fi
if false; then echo no; else echo "else taken"; fi
if true
then
    echo "multi-line if"
fi
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo "while ran to $i"
i=0; until [ $i -ge 2 ]; do i=$((i + 1)); done; echo "until ran to $i"
for w in x y z; do printf '%s ' "$w"; done; echo
set -- p q
for w; do printf '%s ' "$w"; done; echo "(positional)"
for w
do
    printf '%s ' "$w"
done; echo "(multi-line)"
for w in; do echo never; done
for i in 1 2 3 4 5; do
    case $i in
        2) continue ;;
        4) break ;;
    esac
    echo "loop $i"
done
for i in 1 2; do
    for j in a b c; do
        [ $j = b ] && continue 2
        [ $i = 2 ] && break 2
        echo "$i$j"
    done
done
echo "after nested loops"
case foo in
    bar) echo no ;;
    f*) echo "case glob" ;;
esac
case x in (x) echo "case with open paren";; esac
case b in a|b|c) echo "case alternatives";; esac
case "*" in \*) echo "case quoted star";; esac
case nothing in a) echo no;; esac
case "" in "") echo "case empty";; esac
case z in *) echo "case default"
esac
fact() {
    if [ $1 -le 1 ]; then echo 1; return; fi
    echo $(( $1 * $(fact $(( $1 - 1 ))) ))
}
echo "recursive 5! = $(fact 5)"
count() { n=0; for x; do n=$((n + 1)); done; echo $n; }
echo "function args: $(count a "b c" d)"
outer() { inner() { echo "inner defined by outer"; }; }
outer; inner
redefine() { echo first; }; redefine() { echo second; }; redefine
# a comment line
echo "comment after" # trailing comment
echo line\
continued
echo "and" \
    "continued words"
x=1; { x=2; }; echo "group shares variables: $x"
x=1; ( x=2 ); echo "subshell does not: $x"
echo "done"
