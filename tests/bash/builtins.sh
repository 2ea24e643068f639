# bash builtins and environment: declare, local, export to children, eval, source, getopts,
# type, command, hash-free lookup, set -e / -u behaviour in subshells, ulimit, umask, cd/pwd,
# $RANDOM's range, SECONDS moving forward loosely.
echo "== declare and export"
declare -i num=6*7; echo "num=$num"
declare -r ro=fixed; (ro=changed) 2>/dev/null || echo "readonly kept: $ro"
export EXPORTED=yes; bash -c 'echo "child sees EXPORTED=$EXPORTED"'
NOTEXP=no; bash -c 'echo "child sees NOTEXP=[$NOTEXP]"'
VAR=inline bash -c 'echo "inline VAR=$VAR"'
echo "== eval and source"
cmd='echo evaluated $((1+1))'; eval "$cmd"
echo 'sourced_var=from_file; echo "sourcing"' > lib.sh
. ./lib.sh; echo "sourced_var=$sourced_var"
echo "== getopts"
parse() { local OPTIND o; while getopts "ab:c" o; do case $o in a) echo "-a";; b) echo "-b $OPTARG";; c) echo "-c";; *) echo "bad";; esac; done; shift $((OPTIND-1)); echo "rest: $*"; }
parse -a -b val -c file1 file2
parse -x 2>/dev/null
echo "== type and command"
type -t echo; type -t ls; type -t parse; type -t if
command -v sed | sed 's|.*/||'
command echo "command echo"
echo "== set -e and -u"
( set -e; false; echo "not reached" ); echo "set -e subshell -> $?"
( set -u; echo "$undefined_var" ) 2>/dev/null; echo "set -u subshell -> $?"
echo "== cd pwd umask ulimit"
mkdir -p d1/d2; cd d1/d2; pwd | sed 's|.*/\(d1/d2\)$|\1|'; cd - > /dev/null; basename "$PWD"
umask 027; umask; umask -S; umask 022
ulimit -S -n 64; ulimit -n
echo "== variables"
r=$RANDOM; (( r >= 0 && r < 32768 )) && echo "RANDOM in range"
(( SECONDS >= 0 )) && echo "SECONDS counts"
echo "$BASH_VERSION" | cut -d. -f1
[[ $$ == "$BASHPID" ]] && echo "BASHPID is \$\$ at top level"
[[ $(echo $BASHPID) != "$$" ]] && echo "BASHPID differs in a subshell"
echo "${FUNCNAME[0]:-no function}"
f() { echo "in ${FUNCNAME[0]}, called from line $BASH_LINENO"; }; f | sed 's/line [0-9]*/line N/'
echo "== redirections"
echo out > file1; echo more >> file1; cat file1
{ echo to-stderr >&2; } 2> err; cat err
ls nonexistent_zz > both 2>&1; grep -c "No such file" both
exec 4> fd4; echo "via fd 4" >&4; exec 4>&-; cat fd4
cat < /dev/null; echo "dev null -> $?"
echo hi | tee /dev/null
