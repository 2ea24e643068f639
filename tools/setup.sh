#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, skipping those already present.
# Idempotent; safe to run on every `make run` / `make test`.
set -euo pipefail

# clang and libclang-rt-14-dev: the host fuzz targets (clang -fsanitize=fuzzer; Debian 12's clang
# only recommends the runtime that holds libFuzzer, so it is named here)
PKGS=(build-essential cmake nasm grub-pc-bin grub-common xorriso mtools cpio
      qemu-system-x86 musl-tools libcmocka-dev gdb python3 clang libclang-rt-14-dev
      busybox-static bash-static)   # the image carries Debian's busybox and bash (docs/userland.md)

missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
