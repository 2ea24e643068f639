# Text utilities, normal use and error path: echo head tail wc grep sort.
# (Moved from tests/shell when our own utilities gave way to busybox's: the expected output is
# Linux's busybox's; a usage text, which names the package's version, is not shown.)
T=${TMPDIR:-/tmp}/sh-text.$$
rm -rf "$T"; mkdir -p "$T" && cd "$T" || exit 1
i=1; while [ $i -le 12 ]; do echo "line $i"; i=$((i + 1)); done > twelve
echo "== echo (the program, through env to bypass the builtin)"
env echo plain words
env echo -n "no newline"; env echo " <"
env echo -e 'tab\there'
env echo 'no escapes\t'
echo "== head"
head twelve | wc -l
head -n 3 twelve
head -2 twelve
printf 'a\nb\nc\n' | head -n 1
head -n 1 twelve twelve
head missing_zz; echo "status $?"
head -n x twelve; echo "status $?"
echo "== tail"
tail twelve | head -n 1
tail -n 2 twelve
tail -1 twelve
tail -n +11 twelve
printf 'a\nb\nc' | tail -n 2; echo
tail missing_zz; echo "status $?"
echo "== wc"
printf 'one two\nthree\n' > words
wc words
wc -l words
wc -w < words
wc -c < words
wc -l words twelve
wc missing_zz; echo "status $?"
echo "== grep"
printf 'apple\nBanana\ncherry\napple pie\n' > fruit
grep apple fruit
grep -v apple fruit
grep -i banana fruit
grep -c apple fruit
grep -n an fruit
grep -E '^(apple|cherry)$' fruit
grep 'ch.r*y' fruit
grep -q cherry fruit && echo "grep -q found"
grep -l apple fruit words
grep apple fruit words
grep zzz fruit; echo "no match -> $?"
grep apple missing_zz; echo "missing file -> $?"
grep -E '(' fruit 2>/dev/null; echo "bad regex -> $?"
echo "== sort"
printf 'pear\napple\nfig\napple\n' > names
sort names
sort -r names
sort -u names
printf '10\n9\n100\n-1\n' | sort -n
printf '10\n9\n100\n-1\n' | sort -rn
printf '3\n1\n3\n2\n1\n' | sort -nu
sort missing_zz; echo "status $?"
cd /; rm -rf "$T"
