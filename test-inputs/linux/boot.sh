#!/usr/bin/env bash
# Boot a kernel with the test initramfs in QEMU (TCG, serial console) and
# print the serial output. The workload ends with `reboot -f`, which with
# -no-reboot makes QEMU exit; a timeout catches a hang.
# usage: boot.sh [--arch ARCH] IMAGE INITRAMFS [TIMEOUT_SECONDS]
#   ARCH x86_64 (the default: q35, bzImage), riscv (virt, OpenSBI, Image),
#        arm64 (virt, cortex-a57, Image), arm (virt, cortex-a15, zImage)
set -euo pipefail
ARCH=x86_64
case "${1:-}" in
  --arch) ARCH=${2:?--arch ARCH}; shift 2 ;;
  --arch=*) ARCH=${1#--arch=}; shift ;;
esac
KERNEL=${1:?usage: boot.sh [--arch ARCH] IMAGE INITRAMFS [TIMEOUT]}
INITRD=${2:?usage: boot.sh [--arch ARCH] IMAGE INITRAMFS [TIMEOUT]}
APPEND="panic=-1 oops=panic loglevel=1"
case "$ARCH" in
  x86_64) QEMU=(qemu-system-x86_64 -machine q35 -cpu max); CONSOLE=ttyS0 ;;
  riscv) QEMU=(qemu-system-riscv64 -M virt -bios default); CONSOLE=ttyS0 ;;
  arm64) QEMU=(qemu-system-aarch64 -M virt -cpu cortex-a57); CONSOLE=ttyAMA0 ;;
  arm) QEMU=(qemu-system-arm -M virt -cpu cortex-a15); CONSOLE=ttyAMA0 ;;
  *) echo "boot.sh: unknown architecture $ARCH (x86_64 riscv arm64 arm)" >&2; exit 2 ;;
esac
timeout "${3:-180}" "${QEMU[@]}" -m 256M -smp 2 \
  -kernel "$KERNEL" -initrd "$INITRD" -append "console=$CONSOLE $APPEND" \
  -nographic -no-reboot -monitor none -serial stdio </dev/null || true
