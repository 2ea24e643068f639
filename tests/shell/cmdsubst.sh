# Command substitution: $( ) and backquotes, nesting, trailing newlines, exit status,
# field splitting of the result, and what the subshell can see and change.
echo "simple: $(echo hello)"
echo "backquotes: `echo world`"
echo "nested: $(echo "a $(echo "b $(echo c)")")"
echo "nested backquotes: `echo \`echo inner\``"
x=$(printf 'line1\nline2\n\n\n')
echo "trailing newlines stripped: [$x]"
echo "status: $(exit 3)$?"
y=$(false); echo "assignment status: $?"
y=$(true); echo "assignment status: $?"
set -- $(echo "one two   three")
echo "split into $# fields"
set -- "$(echo "one two   three")"
echo "quoted: $# field: $1"
v=visible
f() { echo "function sees $v and $1"; }
echo "$(f arg)"
echo "$(v=changed; echo "inside: $v")"; echo "outside: $v"
echo "with a case: $(case abc in a*) echo matched;; esac)"
echo "with parentheses: $(echo '(' ; echo ")")"
echo "arithmetic of a substitution: $(( $(echo 6) * 7 ))"
echo "in a here-document:"
cat <<END
[$(echo in heredoc)]
END
echo "of a pipeline: $(printf 'b\na\n' | sort | head -n 1)"
echo "of a builtin: $(printf '%s-%s' x y)"
echo "empty: [$( )]"
echo "with redirection: $(echo err >&2) $(echo out 2>/dev/null)" 2>/dev/null
n=0; for w in $(echo a b c d); do n=$((n + 1)); done; echo "loop over substitution: $n"
