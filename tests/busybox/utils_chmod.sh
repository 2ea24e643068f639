# chmod: octal and symbolic modes (who, + - =, rwxXst, copying u/g/o, the umask without who),
# -R, and the error paths. Modes are shown as ls -l's first field.
# (Moved from tests/shell when our own utilities gave way to busybox's: the expected output is
# Linux's busybox's; a usage text, which names the package's version, is not shown.)
T=${TMPDIR:-/tmp}/sh-chmod.$$
rm -rf "$T"; mkdir -p "$T" && cd "$T" || exit 1
umask 022
m() { set -- $(ls -ld "$1"); echo "$1"; }
touch f
for mode in 644 u+x 666 go-w a=r +x u=rwx,g=rx,o= g=u o+X 4755 u-s 0640 -w u+w,g+w,o+w g-w+x; do
    chmod $mode f; echo "$mode: $(m f)"
done
echo "== X and t on a directory"
mkdir d; chmod 600 d; chmod a+X d; echo "a+X dir: $(m d)"
touch g; chmod 600 g; chmod a+X g; echo "a+X file without x: $(m g)"
chmod 755 d; chmod +t d; echo "+t: $(m d)"
chmod 755 d
echo "== -R"
mkdir -p r/s; touch r/s/file r/top
chmod -R go-rwx r 2>&1; echo "status $?"
echo "r: $(m r) r/s: $(m r/s) r/top: $(m r/top) r/s/file: $(m r/s/file)"
chmod -R 755 r; echo "755: $(m r) $(m r/s) $(m r/s/file)"
echo "== errors"
chmod 999 f; echo "status $?"
chmod u+q f; echo "status $?"
chmod 'u+r,' f; echo "status $?"
chmod 644 missing_zz; echo "status $?"
chmod 644 f missing_zz; echo "status $? $(m f)"
chmod 644 2>/dev/null; echo "status $?"
chmod 2>/dev/null; echo "status $?"
cd /; rm -rf "$T"
