# Redirections: < > >> 2> <> <& >& and closing, the order of 2>&1 and >file, fds
# beyond 2, exec with redirections only, and redirections of builtins, functions
# and compound commands that must not leak into the shell.
T=${TMPDIR:-/tmp}/sh-redir.$$
rm -rf "$T"; mkdir -p "$T" && cd "$T" || exit 1
echo first > f; echo second >> f; cat < f
echo "order: 2>&1 >file sends errors to the old stdout:"
ls /nonexistent_zz 2>&1 > out1 | grep -c nonexistent_zz
echo "file has $(wc -c < out1) bytes"
echo "order: >file 2>&1 sends both to the file:"
ls /nonexistent_zz > out2 2>&1
grep -c nonexistent_zz out2
echo "2> alone:"
ls /nonexistent_zz 2> err; [ $? -ne 0 ] && echo "status non-zero"; grep -c nonexistent_zz err
echo "<> opens for reading and writing:"
echo data > rw; cat <> rw
echo ">& onto another descriptor:"
{ echo "to 3" >&3; } 3> three; cat three
echo "<& duplicates an input:"
exec 4< f; read l1 <&4; read l2 <&4; exec 4<&-; echo "$l1/$l2"
echo "closing stdout makes echo fail:"
(echo x >&-) 2>/dev/null; echo "status nonzero: $([ $? -ne 0 ] && echo yes)"
echo "exec with only redirections stays in effect:"
exec 5> five; echo "via 5" >&5; echo "again" >&5; exec 5>&-; cat five
echo "builtin redirection does not leak:"
echo to-file > b1; echo to-stdout
echo "function redirection:"
fn() { echo "in fn"; echo "fn err" >&2; }
fn > fo 2> fe; cat fo fe
echo "compound command redirection:"
{ echo g1; echo g2; } > go; cat go
for i in 1 2; do echo "loop $i"; done > lo; cat lo
if true; then echo "if body"; fi > io; cat io
while read l; do echo "read: $l"; done < f
echo "redirection to /dev/null:"
echo gone > /dev/null; cat /dev/null; echo "(nothing above)"
echo "missing input file:"
2>/dev/null cat < missing_zz; echo "status $?"
{ cat < missing_zz; } 2>/dev/null; echo "status $?"
echo "cannot create in a missing directory:"
2>/dev/null echo x > /nonexistent_dir_zz/f; echo "status $?"
2>/dev/null cat /dev/null > /nonexistent_dir_zz/f; echo "status $?"
echo "append keeps earlier content:"
echo a > ap; echo b >> ap; echo c >> ap; cat ap
echo "truncate on >:"
echo long-content > tr; echo s > tr; cat tr
echo "2>&1 inside a substitution: $(ls /nonexistent_zz 2>&1 | grep -c nonexistent_zz)"
cd /; rm -rf "$T"
