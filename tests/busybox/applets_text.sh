# busybox's text applets: cat grep sed awk sort uniq wc tr cut tee head tail xargs seq printf
# rev expr basename dirname md5sum.
printf 'apple 3\nbanana 1\ncherry 2\napple 5\n' > fruit
printf 'one\ntwo\nthree\nfour\nfive\nsix\nseven\n' > seven
echo "== cat"
cat fruit
cat -n seven | head -n 2
echo stdin | cat - fruit | head -n 2
cat missing 2>&1; echo "status $?"
echo "== grep"
grep apple fruit
grep -c apple fruit
grep -v apple fruit
grep -n -i BANANA fruit
grep -E '^(apple|cherry) [0-9]$' fruit
grep -o '[0-9]' fruit | tr '\n' ' '; echo
grep -q kiwi fruit; echo "no match -> $?"
grep -l apple fruit seven
grep -r three . | sort
echo "== sed"
sed 's/apple/APPLE/' fruit
sed -n '2,3p' seven
sed '/e/d' seven
sed -e 's/^/> /' -e '$a\
the end' seven | tail -n 2
printf 'x=1\n' > conf; sed -i 's/1/2/' conf; cat conf
echo "hello world" | sed -E 's/(hello) (world)/\2 \1/'
echo "== awk"
awk '{ sum += $2 } END { print "total", sum }' fruit
awk '$2 > 2 { print $1 }' fruit
awk -F: '{ print NF, $2 }' <<EOT
a:b:c
d:e
EOT
awk 'BEGIN { printf "%05.1f|%-4s|%x\n", 3.14159, "ab", 255 }'
awk '{ count[$1]++ } END { for (k in count) print k, count[k] }' fruit | sort
echo "a b c" | awk '{ $2 = "X"; print; print length($0) }'
awk 'BEGIN { s = "hello"; print toupper(s), substr(s, 2, 3), index(s, "l"); n = split("a,b,c", arr, ","); print n, arr[3] }'
echo "== sort and uniq"
sort fruit
sort -k2 -n fruit
sort -r seven | head -n 3
cut -d' ' -f1 fruit | sort | uniq -c
cut -d' ' -f1 fruit | sort -u
printf '3\n10\n2\n' | sort -n | tr '\n' ' '; echo
echo "== wc"
wc -l < seven
wc -w fruit
wc -c < fruit
echo "== tr cut tee"
echo "Hello World" | tr 'a-z' 'A-Z'
echo "hello" | tr -d 'l'
echo "aaabbb" | tr -s 'ab'
echo "a:b:c:d" | cut -d: -f2,4
echo "abcdef" | cut -c2-4
echo "teed" | tee copy1 copy2 > /dev/null; cat copy1 copy2
echo "== head tail"
head -n 3 seven
tail -n 2 seven
tail -n +6 seven
head -c 5 seven; echo
echo "== xargs"
echo a b c | xargs -n 1 echo item
printf 'x\ny\n' | xargs echo all:
printf 'f1\nf2\n' | xargs touch; ls f1 f2
echo "== seq printf expr"
seq 3
seq 2 2 8 | tr '\n' ' '; echo
seq -s, 5
printf '%s=%d\n' a 1 b 2
printf '%5s|%-5s|%03d\n' r l 7
expr 3 + 4
expr length "hello"
basename /a/b/c.txt .txt
dirname /a/b/c.txt
echo reversed | rev
echo "hash me" | md5sum
