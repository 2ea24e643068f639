#!/usr/bin/env bash
# Builds the initrd: a cpio (newc) archive of the root filesystem.
#   mkinitrd.sh <list> <static-rootfs-dir> <extra-rootfs-dir or ""> <staging-dir> <out.cpio>
# <list> has one "built-file=/dest/path" per line (from os_user_program).
set -euo pipefail
list=$1 static=$2 extra=$3 stage=$4 out=$5

rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,tmp,dev,etc,tests,proc}
chmod 1777 "$stage/tmp"
[ -d "$static" ] && cp -a "$static"/. "$stage"/
while IFS= read -r line; do
    [ -z "$line" ] && continue
    src=${line%%=*} dst=${line#*=}
    mkdir -p "$stage$(dirname "$dst")"
    cp "$src" "$stage$dst"
    chmod 755 "$stage$dst"
done < "$list"
if [ -n "$extra" ]; then
    [ -d "$extra" ] || { echo "mkinitrd: EXTRA_ROOTFS $extra is not a directory" >&2; exit 1; }
    cp -a "$extra"/. "$stage"/
fi
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
