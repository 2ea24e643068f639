#!/usr/bin/env bash
# EXTRA_ROOTFS keeps symlinks as symlinks (tools/mkinitrd.sh, cmake/Image.cmake):
#  1. mkinitrd.sh puts an absolute link (usr/bin/awk -> /bin/busybox, which does not exist on
#     this machine), a relative one and a merged-/usr directory link (bin -> usr/bin, over the
#     staging tree's own bin/) into the archive as links, the programs moved under usr/bin;
#  2. a build configured with that tree can make the initrd: make must not look for the absolute
#     link's target on this machine ("No rule to make target").
#   initrd_symlinks.sh <source dir>
set -euo pipefail
src=$1
tmp=$(mktemp -d /tmp/initrd_symlinks.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

extra=$tmp/extra
mkdir -p "$extra/usr/bin" "$extra/etc"
echo motd > "$extra/etc/motd"
echo busybox > "$extra/usr/bin/busybox"
ln -s /bin/busybox "$extra/usr/bin/awk"
ln -s ../../etc/motd "$extra/usr/bin/rel"
ln -s usr/bin "$extra/bin"
mkdir -p "$tmp/static"
echo prog > "$tmp/prog"
echo "$tmp/prog=/bin/prog" > "$tmp/list"

bash "$src/tools/mkinitrd.sh" "$tmp/list" "$tmp/static" "$extra" "$tmp/stage" "$tmp/out.cpio"
listing=$(cd "$tmp" && cpio -itv --quiet < out.cpio)
expect() {
    grep -Eq "$1" <<< "$listing" || { echo "$listing"; fail "no archive entry like: $1"; }
}
expect '^l.* usr/bin/awk -> /bin/busybox$'
expect '^l.* usr/bin/rel -> \.\./\.\./etc/motd$'
expect '^l.* bin -> usr/bin$'
expect '^-.* usr/bin/prog$'
expect '^-.* usr/bin/busybox$'

build=$tmp/build
cmake -S "$src" -B "$build" -G "Unix Makefiles" -DOS_EXTRA_ROOTFS="$extra" > "$tmp/cmake.log" 2>&1 ||
    { cat "$tmp/cmake.log"; fail "configure"; }
# what make would do for the initrd, without doing it
(cd "$build" && make -n -f CMakeFiles/iso.dir/build.make initrd.cpio > "$tmp/make.log" 2>&1) ||
    { cat "$tmp/make.log"; fail "make cannot build the initrd"; }
grep -q mkinitrd.sh "$tmp/make.log" || fail "make would not run mkinitrd.sh"
echo "initrd symlinks: ok"
