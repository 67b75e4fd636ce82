#!/usr/bin/env bash
# Build Debian's linux-source-6.12 with clang-22, function sections and
# LD=sysgc-ld (pass-through: no allowlist), cached outside the clone.
#
# usage: build-kernel.sh CONFIG   (tiny or rich; prints the build directory)
#
# The build directory is keyed by a hash of the config fragment, the flags,
# the kernel source package version and the compiler version: it is rebuilt
# only when one of those changes. LD is a stable symlink in the cache that
# points at the current sysgc-ld, so relinking after a change to sysgc
# recompiles nothing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CONFIG=${1:?usage: build-kernel.sh tiny|rich}
FRAG=$HERE/config/$CONFIG.config
CACHE=${SYSGC_CACHE:-/var/cache/sysgc}
SYSGC_LD=${SYSGC_LD:-$ROOT/build/tools/sysgc-ld/sysgc-ld}
KCFLAGS="-ffunction-sections -fdata-sections"

SRCVER=$(dpkg-query -W -f='${Version}' linux-source-6.12)
CCVER=$(clang-22 --version | head -1)
KEY=$( (cat "$FRAG"; echo "$KCFLAGS"; echo "$SRCVER"; echo "$CCVER") | sha256sum | cut -c1-16)
SRC=$CACHE/src/linux-source-6.12
OUT=$CACHE/build/$CONFIG-$KEY
mkdir -p "$CACHE/bin" "$CACHE/src" "$CACHE/build"
ln -sfn "$SYSGC_LD" "$CACHE/bin/ld.sysgc"

if [ ! -f "$SRC/.unpacked-$SRCVER" ]; then
  rm -rf "$SRC"
  tar -C "$CACHE/src" -xf /usr/src/linux-source-6.12.tar.xz
  touch "$SRC/.unpacked-$SRCVER"
fi

MAKE=(make -C "$SRC" O="$OUT" LLVM=-22 LD="$CACHE/bin/ld.sysgc" -j"${SYSGC_JOBS:-2}"
      KCFLAGS="$KCFLAGS" KBUILD_BUILD_TIMESTAMP="2026-01-01" KBUILD_BUILD_USER=sysgc
      KBUILD_BUILD_HOST=sysgc KBUILD_BUILD_VERSION=1)
if [ ! -f "$OUT/.sysgc-built" ]; then
  mkdir -p "$OUT"
  "${MAKE[@]}" tinyconfig >&2
  "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OUT" "$OUT/.config" "$FRAG" >&2
  "${MAKE[@]}" olddefconfig >&2
  # Every option of the fragment must have survived olddefconfig.
  while read -r line; do
    case "$line" in CONFIG_*=*) grep -qx "$line" "$OUT/.config" ||
      { echo "build-kernel: $line did not stick in $OUT/.config" >&2; exit 1; } ;; esac
  done < "$FRAG"
  "${MAKE[@]}" bzImage >&2
  touch "$OUT/.sysgc-built"
fi
echo "$OUT"
