# Sourced by the kernel test's scripts: what each architecture needs to run
# its userspace. `sysgc_arch ARCH` (x86_64 riscv arm64 arm) sets
#   TRIPLE        the clang target of its static userspace programs
#   COMPAT_TRIPLE the 32-bit ABI its kernel may also run (x86: i386, arm64:
#                 armhf), empty if none
#   DEBARCH       Debian's name of the architecture
#   QEMU_USER     the qemu-user binary that runs its programs on this host
#                 (empty on x86-64: they run natively)
#   QEMU_COMPAT   the same for COMPAT_TRIPLE
#   TARGET_CLANG  an array: clang-22 for TRIPLE, linking with lld 22 against
#                 Debian's libc6-dev-*-cross and libgcc-12-dev-*-cross (clang
#                 finds their crt files and libgcc itself: no --sysroot; never
#                 /usr/bin/ld.lld, which is lld 14)
#   TARGET_CC     TARGET_CLANG -static -O2 -Wall (the probes)
#   COMPAT_CC     the same for COMPAT_TRIPLE
sysgc_arch() {
  local clang=(clang-22 -fuse-ld=lld --ld-path=/usr/bin/ld.lld-22)
  case "$1" in
    x86_64) TRIPLE=x86_64-linux-gnu; DEBARCH=amd64; QEMU_USER=
            COMPAT_TRIPLE=i386-linux-gnu; QEMU_COMPAT=
            TARGET_CLANG=(clang-22)
            TARGET_CC=(clang-22 -static -O2 -Wall)
            COMPAT_CC=(clang-22 -m32 -static -O2 -Wall) ;;
    riscv)  TRIPLE=riscv64-linux-gnu; DEBARCH=riscv64; QEMU_USER=qemu-riscv64-static
            COMPAT_TRIPLE=; QEMU_COMPAT= ;;
    arm64)  TRIPLE=aarch64-linux-gnu; DEBARCH=arm64; QEMU_USER=qemu-aarch64-static
            COMPAT_TRIPLE=arm-linux-gnueabihf; QEMU_COMPAT=qemu-arm-static ;;
    arm)    TRIPLE=arm-linux-gnueabihf; DEBARCH=armhf; QEMU_USER=qemu-arm-static
            COMPAT_TRIPLE=; QEMU_COMPAT= ;;
    *) echo "unknown architecture $1 (x86_64 riscv arm64 arm)" >&2; return 2 ;;
  esac
  if [ "$1" != x86_64 ]; then
    TARGET_CLANG=("${clang[@]}" --target="$TRIPLE")
    TARGET_CC=("${TARGET_CLANG[@]}" -static -O2 -Wall)
    COMPAT_CC=()
    [ -z "$COMPAT_TRIPLE" ] || COMPAT_CC=("${clang[@]}" --target="$COMPAT_TRIPLE" -static -O2 -Wall)
  fi
}
