# File utilities, normal use and error path: cat ls cp mv rm mkdir rmdir ln touch.
# (Moved from tests/shell when our own utilities gave way to busybox's: the expected output is
# Linux's busybox's; a usage text, which names the package's version, is not shown.)
T=${TMPDIR:-/tmp}/sh-files.$$
rm -rf "$T"; mkdir -p "$T" && cd "$T" || exit 1
umask 022
echo "== cat"
echo one > a; echo two > b
cat a b
echo stdin | cat
echo mid | cat a - b
cat missing_zz; echo "status $?"
cat a missing_zz b; echo "status $?"
echo "== touch"
touch t1 t2; ls t1 t2
echo keep > t3; touch t3; cat t3
touch missing_dir_zz/x; echo "status $?"
echo "== mkdir / rmdir"
mkdir d1; [ -d d1 ] && echo "mkdir d1"
mkdir -p p/q/r; [ -d p/q/r ] && echo "mkdir -p p/q/r"
mkdir -p p/q; echo "mkdir -p existing: $?"
mkdir d1; echo "status $?"
mkdir no/such/parent; echo "status $?"
rmdir d1; [ -d d1 ] || echo "rmdir d1"
rmdir p; echo "status $?"
rmdir missing_zz; echo "status $?"
echo "== ls"
mkdir lsdir; touch lsdir/b lsdir/a lsdir/.dot
ls lsdir
echo "-a:"; ls -a lsdir
ls lsdir/a lsdir/b
ls -d lsdir
ls missing_zz; echo "status $?"
echo hello > lsdir/a
ls -l lsdir/a | while read mode links uid gid size rest; do echo "$mode $links $size ${rest##* }"; done
ls -l lsdir | while read mode links uid gid size rest; do echo "$mode ${rest##* }"; done
echo "== ln"
ln -s a sym; cat sym
# the date fields are read as fields: "Mar  4" (a padded one-digit day) and "Mar 24" alike
ls -l sym | while read mode links uid gid size mon day time rest; do echo "${mode%${mode#?}} $rest"; done
ln -s a sym; echo "status $?"
ln -s a missing_dir_zz/sym; echo "status $?"
echo "== cp"
cp a c; cat c
mkdir cpdir; cp a b cpdir; ls cpdir
cp missing_zz x; echo "status $?"
cp a 2>/dev/null; echo "status $?"
cp -r p pcopy; [ -d pcopy/q/r ] && echo "cp -r copied the tree"
cp p pfail; echo "status $?"
echo "== mv"
mv c moved; cat moved; [ -e c ] || echo "c is gone"
mv moved cpdir; ls cpdir
mv missing_zz y; echo "status $?"
echo "== rm"
rm a; [ -e a ] || echo "rm a"
rm missing_zz; echo "status $?"
rm -f missing_zz; echo "rm -f missing: $?"
rm cpdir; echo "status $?"
rm -r cpdir; [ -e cpdir ] || echo "rm -r cpdir"
rm -rf p pcopy lsdir; ls
cd /; rm -rf "$T"
