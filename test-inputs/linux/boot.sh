#!/usr/bin/env bash
# Boot a kernel with the test initramfs in QEMU (TCG, serial console) and
# print the serial output. The workload ends with `reboot -f`, which with
# -no-reboot makes QEMU exit; a timeout catches a hang.
# usage: boot.sh BZIMAGE INITRAMFS [TIMEOUT_SECONDS]
set -euo pipefail
KERNEL=${1:?usage: boot.sh BZIMAGE INITRAMFS [TIMEOUT]}
INITRD=${2:?usage: boot.sh BZIMAGE INITRAMFS [TIMEOUT]}
timeout "${3:-180}" qemu-system-x86_64 -machine q35 -cpu max -m 256M -smp 2 \
  -kernel "$KERNEL" -initrd "$INITRD" -append "console=ttyS0 panic=-1 oops=panic loglevel=1" \
  -nographic -no-reboot -monitor none -serial stdio </dev/null || true
