#!/usr/bin/env bash
# Build the boot test's initramfs: a static busybox, /init, the workload and
# the syscall probes (the native one, and with --with-compat the 32-bit one
# of a 64-bit kernel's compat ABI: ia32 on x86-64, AArch32 on arm64).
# usage: mkinitramfs.sh OUT.cpio.gz [--arch ARCH] [--with-compat|--with-ia32]
#   ARCH x86_64 (the default; the host's /bin/busybox), riscv, arm64, arm
#        (busybox from userspace.sh). The native probe is /probe64 on a
#        64-bit ABI and /probe32 on 32-bit arm.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/arch.sh"
OUT=$(realpath -m "${1:?usage: mkinitramfs.sh OUT.cpio.gz [--arch ARCH] [--with-compat]}")
shift
ARCH=x86_64
COMPAT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) ARCH=${2:?--arch ARCH}; shift 2 ;;
    --arch=*) ARCH=${1#--arch=}; shift ;;
    --with-ia32|--with-compat) COMPAT=1; shift ;;
    *) echo "mkinitramfs: unknown argument $1" >&2; exit 2 ;;
  esac
done
sysgc_arch "$ARCH"
BUSYBOX=$("$HERE/userspace.sh" "$ARCH")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/root/bin"
cp "$BUSYBOX" "$T/root/bin/busybox"
install -m 755 "$HERE/initramfs/init" "$T/root/init"
cp "$HERE/initramfs/workload.sh" "$T/root/workload.sh"
NATIVE=probe64
[ "$ARCH" != arm ] || NATIVE=probe32
"${TARGET_CC[@]}" "$HERE/initramfs/probe.c" -o "$T/root/$NATIVE"
if [ "$COMPAT" = 1 ]; then
  [ ${#COMPAT_CC[@]} -gt 0 ] || { echo "mkinitramfs: $ARCH has no compat ABI" >&2; exit 2; }
  "${COMPAT_CC[@]}" "$HERE/initramfs/probe.c" -o "$T/root/probe32"
fi
(cd "$T/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible) |
  gzip -n -9 > "$OUT"
