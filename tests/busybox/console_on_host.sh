#!/usr/bin/env bash
# The console session of Debian's bash and busybox (tests/qemu/userland.txt, which
# guest/console_userland types into Kestrel's console) typed into the same programs on this Linux
# machine, in a pseudo-terminal, with our sh (built for the host) as the outer shell: the
# session's expectations are Linux's.
#   console_on_host.sh <source-dir> <our sh>
set -uo pipefail
src=$1 sh=$2
tmp=$(mktemp -d /tmp/bbconsole.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
for a in $(/bin/busybox --list); do ln -s /bin/busybox "$tmp/bin/$a"; done
ln -s /bin/bash-static "$tmp/bin/bash"
cd "$tmp" && env -i PATH="$tmp/bin" HOME=/ TERM=vt100 "$(command -v python3)" \
    "$src/tests/qemu/typist.py" --timeout 30 --script "$src/tests/qemu/userland.txt" \
    --script "$src/tests/qemu/exit.txt" --pty -- "$sh"
