# which: the first executable of that name in $PATH, or all of them with -a; names with a slash;
# not found, not executable, directories; an empty PATH entry (the working directory).
# (Moved from tests/shell when our own utilities gave way to busybox's: the expected output is
# Linux's busybox's; a usage text, which names the package's version, is not shown.)
T=${TMPDIR:-/tmp}/sh-which.$$
rm -rf "$T"; mkdir -p "$T/d1" "$T/d2" "$T/d3/tool" && cd "$T" || exit 1
for d in d1 d2; do printf '#!/bin/sh\n' > $d/tool; chmod 755 $d/tool; done
printf 'data\n' > d1/plain
printf '#!/bin/sh\n' > d2/plain; chmod 755 d2/plain
WHICH=$(command -v which)
P="$T/d3:$T/d1:$T/d2"
w() { PATH=$P "$WHICH" "$@" | while read -r p; do echo "${p#"$T"/}"; done; }
w tool
w -a tool
w plain
w -a tool plain
echo "== not found"
PATH=$P "$WHICH" nosuch_zz; echo "status $?"
PATH=$P "$WHICH" tool nosuch_zz > /dev/null; echo "one missing: $?"
PATH=$P "$WHICH" tool plain > /dev/null; echo "both found: $?"
echo "== slashes and the working directory"
"$WHICH" ./d1/tool; echo "status $?"
"$WHICH" ./d1/plain; echo "status $?"
"$WHICH" ./d3/tool; echo "directory: $?"
cd d1; PATH=":$T/d2" "$WHICH" tool; PATH="$T/d2:" "$WHICH" -a tool | while read -r p; do echo "${p#"$T"/}"; done; cd ..
echo "== usage"
"$WHICH" 2>/dev/null; echo "status $?"
"$WHICH" -x tool 2>/dev/null; echo "status $?"
cd /; rm -rf "$T"
