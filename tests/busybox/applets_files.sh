# busybox's file applets: ls find stat tar dd mkfifo cp mv rm ln mkdir touch chmod readlink
# realpath du cmp diff gzip, on files this script makes (no dates, no sizes that vary).
mkdir -p tree/sub/deeper
printf 'hello\n' > tree/a.txt
printf 'world!\n' > tree/sub/b.txt
printf '12345678' > tree/sub/deeper/c.dat
echo "== ls"
ls tree
ls -a tree
ls -R tree
ls -1 tree/sub
ls -d tree/*/
ls missing 2>&1; echo "status $?"
ls -l tree/a.txt | awk '{ print $1, $5, $NF }'
echo "== find"
find tree | sort
find tree -name '*.txt' | sort
find tree -type d | sort
find tree -type f -size -2 | sort
find tree -name c.dat -exec cat {} \; ; echo
find tree -maxdepth 1 -type f
echo "== stat"
stat -c '%n %s %F %a' tree/a.txt
stat -c '%n %F %a' tree/sub
chmod 640 tree/a.txt; stat -c '%a %A' tree/a.txt
echo "== cp mv rm ln"
cp tree/a.txt copy.txt; cat copy.txt
cp -r tree tree2; find tree2 | sort
mv copy.txt moved.txt; ls moved.txt; ls copy.txt 2>&1
ln -s tree/a.txt link; readlink link; cat link
ln tree/a.txt hard; stat -c '%h' hard
rm -r tree2; ls -d tree2 2>&1
rmdir tree/sub 2>&1; echo "rmdir non-empty -> $?"
realpath tree/sub/../a.txt | sed "s|$PWD|.|"
echo "== dd"
dd if=tree/sub/deeper/c.dat of=part bs=2 skip=1 count=2 2>/dev/null; cat part; echo
dd if=/dev/zero bs=512 count=4 2>/dev/null | wc -c
printf 'abcdef' | dd of=out bs=1 seek=2 2>/dev/null; od -c out | head -n 1
echo "== tar"
tar cf t.tar tree
tar tf t.tar | sort
mkdir unpack && tar xf t.tar -C unpack && cat unpack/tree/sub/b.txt
tar czf t.tgz tree && tar tzf t.tgz | sort | head -n 2
echo "== gzip"
cp tree/a.txt z.txt; gzip z.txt; ls z.txt*; gunzip z.txt.gz; cat z.txt
echo "== cmp diff"
printf 'a\nb\nc\n' > f1; printf 'a\nB\nc\n' > f2
cmp f1 f2; echo "cmp -> $?"
diff f1 f2 | tail -n +3; echo "diff -> $?"
echo "== mkfifo"
mkfifo fifo
stat -c '%F' fifo
ls -l fifo | cut -c1
(echo "through a fifo" > fifo) &
cat fifo
wait
echo "== du"
du -s tree/sub/deeper | awk '{ print ($1 > 0) ? "nonzero" : "zero", $2 }'
