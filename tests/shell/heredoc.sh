# Here-documents: << with and without expansion, <<- tab stripping, quoted
# delimiters, several on one line, in loops, functions, pipelines and substitutions,
# and one too big for a pipe buffer.
name=world
cat <<EOF2
hello $name
sum: $((2 + 3))
subst: $(echo inner)
escaped: \$name \\ \`x\`
quotes stay: "a" 'b'
EOF2
cat <<'END'
literal $name $(echo no) `no` \n
END
cat <<"END"
also literal $name
END
cat <<\END
backslash-quoted $name
END
cat <<-END
	leading tabs removed
		all of them
	END
cat <<A; cat <<B
first body
A
second body
B
echo "while reading a here-document:"
while read a b; do echo "$b $a"; done <<END
1 one
2 two
END
f() { cat; }
echo "into a function:"
f <<END
to f: $name
END
echo "through a pipeline:"
cat <<END | sort -r | head -n 2
b
c
a
END
echo "in a command substitution:"
x=$(cat <<END
captured $name
END
)
echo "$x"
echo "on a descriptor other than 0:"
cat 3<<END <&3
via fd 3
END
echo "empty body:"
cat <<END
END
echo "(end)"
echo "large body:"
line=0123456789012345678901234567890123456789012345678901234567890123456789012345678
T=${TMPDIR:-/tmp}/sh-heredoc.$$
i=0
while [ $i -lt 2000 ]; do echo "$line"; i=$((i + 1)); done > "$T"
cat <<END | wc -c
$(cat "$T")
END
rm -f "$T"
