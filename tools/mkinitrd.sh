#!/usr/bin/env bash
# Builds the initrd: a cpio (newc) archive of the root filesystem.
#   mkinitrd.sh <list> <static-rootfs-dir> <extra-rootfs-dir or ""> <staging-dir> <out.cpio>
# <list> has one "built-file=/dest/path" per line (from os_user_program, and Debian's busybox and
# bash from cmake/Image.cmake), or "link:target=/dest/path" for a symlink (busybox's applets).
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
    if [ "${src#link:}" != "$src" ]; then
        ln -sfn "${src#link:}" "$stage$dst"
        continue
    fi
    cp "$src" "$stage$dst"
    chmod 755 "$stage$dst"
done < "$list"
if [ -n "$extra" ]; then
    [ -d "$extra" ] || { echo "mkinitrd: EXTRA_ROOTFS $extra is not a directory" >&2; exit 1; }
    # Symlinks stay symlinks, absolute or relative (cp -a, and cpio without -L): their targets
    # are paths of the image. Where the extra tree has a symlink and the staging tree a
    # directory (a merged-/usr root: bin -> usr/bin), the directory's files move to where the
    # link points, inside the image, and the link takes its place.
    while IFS= read -r -d '' link; do
        rel=${link#"$extra"/}
        { [ -d "$stage/$rel" ] && [ ! -L "$stage/$rel" ]; } || continue
        target=$(readlink "$link")
        case $target in
            /*) dest=$stage$target ;;
            *) dest=$(dirname "$stage/$rel")/$target ;;
        esac
        mkdir -p "$dest"
        cp -a "$stage/$rel"/. "$dest"/
        rm -rf "${stage:?}/$rel"
    done < <(find "$extra" -type l -print0 | sort -z)
    cp -a "$extra"/. "$stage"/
fi
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
