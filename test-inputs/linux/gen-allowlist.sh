#!/usr/bin/env bash
# Regenerate busybox-workload.allow: the syscalls the boot test's userspace
# makes, measured with strace on the build host (x86-64 Debian 12), until
# `sysgc scan` can derive them from the initramfs itself.
#
# It traces: the workload (busybox applets, run as /init runs them), a
# static glibc program's start-up (what the probes need before main), and
# /init's own set-up commands. mount and reboot cannot run on the host and
# are added by name. The probes' deliberate calls are not traced.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin" "$T/etc"
/bin/busybox --install -s "$T/bin"
echo "welcome" > "$T/etc/motd"
sed -e "s#/etc/motd#$T/etc/motd#" -e '/probe/d' "$HERE/initramfs/workload.sh" > "$T/workload.sh"
printf '#include <stdio.h>\nint main(void){puts("x");return 0;}\n' > "$T/start.c"
clang-22 -static -O2 "$T/start.c" -o "$T/start64"
clang-22 -m32 -static -O2 "$T/start.c" -o "$T/start32"
(
  cd "$T"
  PATH=$T/bin /usr/bin/strace -f -qq -o "$T/trace" /bin/busybox sh "$T/workload.sh" > /dev/null
  strace -f -qq -o "$T/trace.init" /bin/busybox sh -c \
    "/bin/busybox mkdir -p $T/x/proc; /bin/busybox --install -s $T/x; echo x > $T/x/m" > /dev/null
  strace -qq -o "$T/trace.start64" "$T/start64" > /dev/null
  strace -qq -o "$T/trace.start32" "$T/start32" > /dev/null
)
names() { sed -nE 's/^([0-9]+ +)?([a-z_0-9]+)\(.*/\2/p' "$@" | sort -u; }
{
  echo "# The syscalls of the boot test's userspace (busybox 1.35 workload, /init"
  echo "# set-up, static glibc start-up), measured with strace on x86-64 Debian 12"
  echo "# by test-inputs/linux/gen-allowlist.sh. The 32-bit probe's start-up is"
  echo "# listed with the ia32: prefix. mount and reboot are added by hand."
  names "$T/trace" "$T/trace.init" "$T/trace.start64"
  echo mount
  echo reboot
  # strace names the i386 calls it saw in a 64-bit trace the same way.
  names "$T/trace.start32" | sed 's/^/ia32:/'
} | awk '!seen[$0]++'
