#!/usr/bin/env bash
# Regenerate a workload allowlist: the syscalls the boot test's userspace
# makes, until `sysgc scan` can derive them from the initramfs itself.
#
# usage: gen-allowlist.sh                > busybox-workload.allow   (x86-64)
#        gen-allowlist.sh ARCH           > ARCH-workload.allow      (riscv arm64 arm)
#
# It traces: the workload (busybox applets, run as /init runs them), a
# static glibc program's start-up (what the probes need before main), and
# /init's own set-up commands. mount and reboot cannot run on the host and
# are added by name. The probes' deliberate calls are not traced.
#
# x86-64 is traced with strace on the build host. The other architectures
# run their initramfs's busybox under qemu-user (`qemu-*-static -strace`,
# one log per process): the traced shell finds every applet through a host
# wrapper that starts it under its own traced qemu, so no binfmt_misc is
# needed. Names are checked against the kernel's syscall table for the ABI
# (qemu names a few calls by number: those are mapped back); a 32-bit ABI a
# 64-bit kernel also runs gets its prefix (ia32:, compat:).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ARCH=${1:-x86_64}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin" "$T/etc"
echo "welcome" > "$T/etc/motd"
sed -e "s#/etc/motd#$T/etc/motd#" -e '/probe/d' "$HERE/initramfs/workload.sh" > "$T/workload.sh"
printf '#include <stdio.h>\nint main(void){puts("x");return 0;}\n' > "$T/start.c"
names() { sed -nE 's/^([0-9]+ +)?([a-z_0-9]+)\(.*/\2/p' "$@" | sort -u; }

if [ "$ARCH" = x86_64 ]; then
/bin/busybox --install -s "$T/bin"
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
exit 0
fi

. "$HERE/arch.sh"
sysgc_arch "$ARCH"
BB=$("$HERE/userspace.sh" "$ARCH")
SRC=${SYSGC_CACHE:-/var/cache/sysgc}/src/linux-source-6.12
[ -f "$SRC/Makefile" ] || SRC=$("$HERE/build-kernel.sh" --dir "$ARCH/tiny" >/dev/null; echo "$SRC")
[ -f "$SRC/Makefile" ] || { echo "gen-allowlist: no kernel source in $SRC (run build-kernel.sh once)" >&2; exit 1; }
# The syscall tables: file and ABI column values, per ABI.
case "$ARCH" in
  riscv) TBL=$SRC/scripts/syscall.tbl; ABIS=common,64,riscv,rlimit,memfd_secret ;;
  arm64) TBL=$SRC/arch/arm64/tools/syscall_64.tbl; ABIS=common,64,renameat,rlimit,memfd_secret
         CTBL=$SRC/arch/arm64/tools/syscall_32.tbl; CABIS=common; CPREFIX=compat: ;;
  arm)   TBL=$SRC/arch/arm/tools/syscall.tbl; ABIS=common,eabi ;;
esac

QEMU_USER=$(command -v "$QEMU_USER")
[ -z "$QEMU_COMPAT" ] || QEMU_COMPAT=$(command -v "$QEMU_COMPAT")
"${TARGET_CC[@]}" "$T/start.c" -o "$T/start"
[ ${#COMPAT_CC[@]} -eq 0 ] || "${COMPAT_CC[@]}" "$T/start.c" -o "$T/start32"
cp "$BB" "$T/busybox"
# Every applet: a host script that runs it under a traced qemu.
for a in $("$QEMU_USER" "$T/busybox" --list); do
  printf '#!/bin/sh\nexec %s -D %s/log.%%d -strace %s/busybox %s "$@"\n' \
    "$QEMU_USER" "$T" "$T" "$a" > "$T/bin/$a"
  chmod +x "$T/bin/$a"
done
printf '#!/bin/sh\nexec %s -D %s/log.%%d -strace %s/busybox "$@"\n' \
  "$QEMU_USER" "$T" "$T" > "$T/bin/busybox"
chmod +x "$T/bin/busybox"
(
  cd "$T"
  PATH=$T/bin "$QEMU_USER" -D "$T/log.%d" -strace "$T/busybox" sh "$T/workload.sh" > /dev/null
  "$QEMU_USER" -D "$T/log.%d" -strace "$T/busybox" sh -c \
    "$T/bin/busybox mkdir -p $T/x/proc; $T/bin/busybox --install -s $T/x; echo x > $T/x/m" > /dev/null
  "$QEMU_USER" -D "$T/log.%d" -strace "$T/start" > /dev/null
)
mkdir -p "$T/compat"
[ ! -f "$T/start32" ] || "$QEMU_COMPAT" -D "$T/compat/log.%d" -strace "$T/start32" > /dev/null

# qemu's names (and "Unknown syscall N") to the kernel's names, checked.
tonames() {  # TABLE ABIS LOGS...
  python3 - "$@" <<'EOF'
import re, sys
tbl, abis, logs = sys.argv[1], set(sys.argv[2].split(",")), sys.argv[3:]
by_nr, names = {}, set()
for line in open(tbl):
    f = line.split()
    if not f or f[0].startswith("#") or f[1] not in abis:
        continue
    by_nr[int(f[0])] = f[2]
    names.add(f[2])
# qemu-user's strace names that differ from the kernel's table.
alias = {"llseek": "_llseek", "select": "_newselect"}
out, bad = [], []
for log in logs:
    for line in open(log):
        m = re.match(r"^\d+ (?:Unknown syscall (\d+)|([a-z_0-9]+)\()", line)
        if not m:
            continue
        n = by_nr.get(int(m.group(1))) if m.group(1) else m.group(2)
        if n not in names:
            n = alias.get(n, n)
        if n is None or n not in names:
            bad.append(line.strip())
        elif n not in out:
            out.append(n)
if bad:
    sys.exit("gen-allowlist: not in %s: %s" % (tbl, "; ".join(bad[:5])))
print("\n".join(sorted(out)))
EOF
}
{
  echo "# The syscalls of the boot test's $ARCH userspace (busybox 1.35 workload,"
  echo "# /init set-up, static glibc start-up), measured under qemu-user -strace"
  echo "# ($QEMU_USER, Debian 12) by test-inputs/linux/gen-allowlist.sh $ARCH."
  [ -z "${CTBL:-}" ] || echo "# The 32-bit probe's start-up is listed with the $CPREFIX prefix."
  echo "# mount and reboot are added by hand."
  tonames "$TBL" "$ABIS" "$T"/log.*
  echo mount
  echo reboot
  [ -z "${CTBL:-}" ] || tonames "$CTBL" "$CABIS" "$T"/compat/log.* | sed "s/^/$CPREFIX/"
} | awk '!seen[$0]++'
