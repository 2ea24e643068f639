#!/usr/bin/env bash
# Installs the reference Linux kernel the benchmark boots (Debian's linux-image-cloud-amd64),
# skipping the install when the package is already present. Idempotent; run by bench/run.py
# when no /boot/vmlinuz-* is found, and safe to run by hand.
# The cloud flavour is used because it boots fast under TCG: few drivers, no modules needed
# for a serial console and an initramfs.
set -euo pipefail

PKG=linux-image-cloud-amd64

if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q "install ok installed"; then
    exit 0
fi

echo "setup-linux: installing $PKG" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# An apt cache without a package list (fresh container) cannot resolve the name: update first
# then. Lists that are present but stale name files the archive no longer has: update and retry.
if ! apt-cache show "$PKG" >/dev/null 2>&1; then
    $SUDO apt-get update -qq
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends "$PKG" >/dev/null; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "$PKG" >/dev/null
fi
