#!/usr/bin/env bash
# Build the boot test's initramfs: busybox-static, /init, the workload and
# the syscall probes (64-bit, and 32-bit for the ia32 path).
# usage: mkinitramfs.sh OUT.cpio.gz [--with-ia32]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(realpath -m "${1:?usage: mkinitramfs.sh OUT.cpio.gz [--with-ia32]}")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/root/bin"
cp /bin/busybox "$T/root/bin/busybox"
install -m 755 "$HERE/initramfs/init" "$T/root/init"
cp "$HERE/initramfs/workload.sh" "$T/root/workload.sh"
clang-22 -static -O2 -Wall "$HERE/initramfs/probe.c" -o "$T/root/probe64"
if [ "${2:-}" = --with-ia32 ]; then
  clang-22 -m32 -static -O2 -Wall "$HERE/initramfs/probe.c" -o "$T/root/probe32"
fi
(cd "$T/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible) |
  gzip -n -9 > "$OUT"
