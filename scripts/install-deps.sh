#!/usr/bin/env bash
# Install what sysgc needs to build and test, from Debian 12's apt only.
# Idempotent: does nothing when every package is already installed.
set -euo pipefail

PACKAGES=(
  # toolchain and the LLVM/LLD 22 libraries sysgc links against
  cmake ninja-build ccache clang-22 lld-22 llvm-22 llvm-22-dev liblld-22-dev
  libclang-rt-22-dev libzstd-dev zlib1g-dev
  libboost-program-options-dev libgtest-dev libgmock-dev python3
)
# What the whole test suite needs besides (scripts/test.sh sets this; the
# demo does not need it).
if [ "${SYSGC_WITH_KERNEL_DEPS:-0}" = 1 ]; then
  PACKAGES+=(
             # sysgc scan's ground truth (unittests/Integration/scan_test.py):
             # the programs traced, strace, and qemu-user for the foreign
             # architectures
             busybox-static strace qemu-user-static
             # the package test: CPack's dpkg-shlibdeps, a second Debian root
             dpkg-dev debootstrap
             # report --html is rendered by headless Chromium in its test
             chromium
             # the real kernels
             linux-source-6.12 qemu-system-x86 busybox-static flex bison bc
             libelf-dev libssl-dev cpio gzip xz-utils make gcc-multilib
             libc6-dev-i386 python3
             # riscv64, arm64 and 32-bit arm kernels: QEMU (qemu-system-misc
             # has riscv64 and OpenSBI), qemu-user for tracing their
             # userspace, cross glibc and libgcc for their static programs,
             # what building riscv64's busybox from source needs
             qemu-system-arm qemu-system-misc qemu-user-static
             libc6-dev-riscv64-cross libgcc-12-dev-riscv64-cross
             libc6-dev-arm64-cross libgcc-12-dev-arm64-cross
             libc6-dev-armhf-cross libgcc-12-dev-armhf-cross
             patch bzip2 util-linux)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
