# exec: replacing the shell (same pid, nothing after it runs), exec with
# redirections only, and a failing exec.
T=${TMPDIR:-/tmp}/sh-exec.$$
rm -rf "$T"; mkdir -p "$T" && cd "$T" || exit 1
echo "exec in a child shell keeps its pid:"
sh -c 'p=$$; exec sh -c "[ \$\$ = $p ] && echo same pid after exec"'
echo "nothing after exec runs:"
sh -c 'exec echo replaced; echo not reached'
echo "exec status is the new program's:"
sh -c 'exec sh -c "exit 5"; echo not reached'; echo "status $?"
echo "exec with arguments and variables:"
V=exported; export V
sh -c 'exec sh -c "echo \$0 \$1 \$V" zero one'
echo "exec with redirections only:"
sh -c 'exec > out; echo into file; echo also'; cat out
sh -c 'exec 2>&1; ls /nonexistent_zz' | grep -c nonexistent_zz
echo "exec of a missing program fails the shell:"
sh -c 'exec nonexistent_zz; echo not reached' 2>/dev/null; echo "status $?"
echo "exec in a pipeline element:"
echo piped | sh -c 'exec cat'
echo "exec inside ( ) only replaces the subshell:"
(exec echo from-subshell); echo "parent continues"
cd /; rm -rf "$T"
echo "finally the script replaces itself:"
exec echo "last line by exec"
echo "never printed"
