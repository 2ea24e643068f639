# Pipelines: three and more stages, builtins, functions and compound commands as
# elements, exit status of the last element, ! and status of failing stages.
echo "three stages:"
printf 'cherry\napple\nbanana\napple\n' | sort | sort -u
echo "four stages:"
printf 'b\na\nc\nb\n' | sort | grep -v c | wc -l
echo "builtin in the middle:"
printf 'x\ny\n' | while read line; do echo "<$line>"; done | sort -r
f() { while read w; do echo "f:$w"; done; }
echo "function stage:"
echo one | f | f
echo "group and subshell stages:"
{ echo g1; echo g2; } | ( while read l; do echo "sub:$l"; done ) | cat
echo "if and for stages:"
for i in 3 1 2; do echo $i; done | sort | if read first; then echo "first=$first"; fi
echo "status of the last element:"
true | false; echo "true|false -> $?"
false | true; echo "false|true -> $?"
! true | false; echo "! (true|false) -> $?"
! echo hidden | grep nothing; echo "! no-match -> $?"
echo "a stage that is not found:"
echo x | nosuchcommand_zz 2>/dev/null | cat; echo "-> $?"
echo x | nosuchcommand_zz 2>/dev/null; echo "last not found -> $?"
echo "long pipeline:"
echo 5 | cat | cat | cat | cat | cat | cat | cat
echo "stderr through a pipe:"
{ echo to-stdout; echo to-stderr >&2; } 2>&1 | sort
echo "variables set in a pipeline stay there:"
v=before; echo x | { read v; echo "inside v=$v"; }; echo "after v=$v"
echo "pipeline of cat over a file:"
T=${TMPDIR:-/tmp}/sh-pipeline.$$
printf 'l1\nl2\nl3\nl4\n' > "$T"
cat "$T" | head -n 3 | tail -n 1
rm -f "$T"
