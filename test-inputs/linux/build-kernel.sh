#!/usr/bin/env bash
# Build Debian's linux-source-6.12 with clang-22, function sections and
# LD=sysgc-ld (pass-through: no allowlist), cached outside the clone.
#
# usage: build-kernel.sh [--dir] [ARCH/]CONFIG
#   prints the build directory (--dir: only print it, build nothing)
#   ARCH   x86_64 (the default), riscv, arm64 or arm: cross-built with
#          LLVM=-22 (no cross gcc); image bzImage, Image, Image, zImage
#   CONFIG x86_64: config/CONFIG.config (tiny, rich);
#          others: config/ARCH-CONFIG.config (e.g. riscv/tiny)
#
# A fragment is merged on tinyconfig; every option it sets must survive
# olddefconfig. Comment lines in a fragment may say
#   # sysgc-base: NAME    merge config/NAME.config first (recursively)
#   # sysgc-patch: FILE   apply config/FILE (-p1) to a private copy of the
#                         tree used by this config only, never the shared one
# With CONFIG_LD_DEAD_CODE_DATA_ELIMINATION=y Kbuild adds the function
# section flags itself, so KCFLAGS stays empty: the compiler command lines
# are then those of the base config and ccache shares its objects.
#
# The build directory is keyed by a hash of the fragments, the flags, the
# kernel source package version and the compiler version (and, off x86, the
# architecture, the compiler command and the patches): it is rebuilt only
# when one of those changes. The x86 configs keep the key and directory they
# always had ($CACHE/build/CONFIG-KEY). LD is a stable symlink in the cache
# that points at the current sysgc-ld, so relinking after a change to sysgc
# recompiles nothing.
#
# Off x86 the compiler runs through ccache ($CACHE/ccache, base_dir $CACHE;
# SYSGC_KERNEL_CCACHE=0 turns it off, which is another build directory).
# The build directory records how to run make in it again: .sysgc-make (one
# argument a line, no target), .sysgc-env (VAR=value lines to export),
# .sysgc-image (the image's path in it), .sysgc-arch, .sysgc-build-seconds.
# Concurrent builds are safe: the source unpack, a patched copy and each
# build directory are taken under flock.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ONLY_DIR=0
if [ "${1:-}" = --dir ]; then ONLY_DIR=1; shift; fi
SPEC=${1:?usage: build-kernel.sh [--dir] [ARCH/]CONFIG}
case "$SPEC" in
  */*) ARCH=${SPEC%%/*}; CONFIG=${SPEC#*/} ;;
  *) ARCH=x86_64; CONFIG=$SPEC ;;
esac
case "$ARCH" in
  x86_64) KARCH=; TARGET=bzImage; IMAGE=arch/x86/boot/bzImage; FRAGNAME=$CONFIG ;;
  riscv) KARCH=riscv; TARGET=Image; IMAGE=arch/riscv/boot/Image; FRAGNAME=riscv-$CONFIG ;;
  arm64) KARCH=arm64; TARGET=Image; IMAGE=arch/arm64/boot/Image; FRAGNAME=arm64-$CONFIG ;;
  arm) KARCH=arm; TARGET=zImage; IMAGE=arch/arm/boot/zImage; FRAGNAME=arm-$CONFIG ;;
  *) echo "build-kernel: unknown architecture $ARCH (x86_64 riscv arm64 arm)" >&2; exit 2 ;;
esac
CACHE=${SYSGC_CACHE:-/var/cache/sysgc}
SYSGC_LD=${SYSGC_LD:-$ROOT/build/tools/sysgc-ld/sysgc-ld}

# The fragments, base first, and the patches they ask for.
FRAGS=()
PATCHES=()
add_fragment() {
  local f=$HERE/config/$1.config base p
  [ -f "$f" ] || { echo "build-kernel: no fragment $f" >&2; exit 2; }
  for base in $(sed -nE 's/^# sysgc-base: *([^ ]+) *$/\1/p' "$f"); do add_fragment "$base"; done
  FRAGS+=("$f")
  for p in $(sed -nE 's/^# sysgc-patch: *([^ ]+) *$/\1/p' "$f"); do
    [ -f "$HERE/config/$p" ] || { echo "build-kernel: no patch $HERE/config/$p" >&2; exit 2; }
    PATCHES+=("$HERE/config/$p")
  done
}
add_fragment "$FRAGNAME"

KCFLAGS="-ffunction-sections -fdata-sections"
KEY_KCFLAGS=$KCFLAGS
if cat "${FRAGS[@]}" | grep -qx CONFIG_LD_DEAD_CODE_DATA_ELIMINATION=y; then
  KCFLAGS=
fi
SRCVER=$(dpkg-query -W -f='${Version}' linux-source-6.12)
CCVER=$(clang-22 --version | head -1)
MAKEVARS=(LLVM=-22)
EXTRA=()
if [ -n "$KARCH" ]; then
  MAKEVARS+=(ARCH="$KARCH")
  if [ "${SYSGC_KERNEL_CCACHE:-1}" = 1 ]; then
    MAKEVARS+=(CC="ccache clang-22" HOSTCC="ccache clang-22")
  fi
  EXTRA=("arch=$KARCH" "kcflags=$KCFLAGS" "${MAKEVARS[@]}")
  for p in "${PATCHES[@]}"; do EXTRA+=("patch=$(basename "$p")" "$(cat "$p")"); done
fi
# x86: exactly the key it always had (one fragment, nothing extra).
KEY=$( (cat "${FRAGS[@]}"; echo "$KEY_KCFLAGS"; echo "$SRCVER"; echo "$CCVER"
        if [ ${#EXTRA[@]} -gt 0 ]; then printf '%s\n' "${EXTRA[@]}"; fi) | sha256sum | cut -c1-16)
OUT=$CACHE/build/$CONFIG-$KEY
[ -z "$KARCH" ] || OUT=$CACHE/build/$ARCH-$CONFIG-$KEY
if [ ${#PATCHES[@]} -gt 0 ]; then
  PKEY=$( (echo "$SRCVER"; cat "${PATCHES[@]}") | sha256sum | cut -c1-16)
  PROOT=$CACHE/patched/$PKEY
  OUT=$PROOT/build/$ARCH-$CONFIG-$KEY
fi
if [ "$ONLY_DIR" = 1 ]; then echo "$OUT"; exit 0; fi

mkdir -p "$CACHE/bin" "$CACHE/src" "$CACHE/build"
ln -sfn "$SYSGC_LD" "$CACHE/bin/ld.sysgc"

# The shared source: held under a shared lock while this build reads it;
# unpacked (once per package version) under an exclusive one, which waits
# for the builds reading an older version.
SRC=$CACHE/src/linux-source-6.12
exec 8>"$CACHE/src/linux-source-6.12.lock"
flock -s 8
if [ ! -f "$SRC/.unpacked-$SRCVER" ]; then
  flock -u 8
  flock -x 8
  if [ ! -f "$SRC/.unpacked-$SRCVER" ]; then
    rm -rf "$SRC"
    tar -C "$CACHE/src" -xf /usr/src/linux-source-6.12.tar.xz
    touch "$SRC/.unpacked-$SRCVER"
  fi
  flock -s 8
fi

if [ ${#PATCHES[@]} -gt 0 ]; then
  # A private copy of the tree (hard links; every patched file is a new
  # file), keyed by the source version and the patches. Its build
  # directories sit beside it as $CACHE/build sits beside $CACHE/src, so
  # the paths relative to a build directory are those of an unpatched build
  # (ccache's base_dir then shares objects between the two).
  mkdir -p "$PROOT/src" "$PROOT/build"
  exec 7>"$PROOT.lock"
  flock -s 7
  if [ ! -f "$PROOT/src/linux-source-6.12/.sysgc-patched" ]; then
    flock -u 7
    flock -x 7
  fi
  if [ ! -f "$PROOT/src/linux-source-6.12/.sysgc-patched" ]; then
    rm -rf "$PROOT/src/linux-source-6.12" "$PROOT/src/tmp"
    mkdir -p "$PROOT/src/tmp"
    cp -al "$SRC" "$PROOT/src/tmp/linux-source-6.12"
    for p in "${PATCHES[@]}"; do
      for f in $(sed -nE 's#^\+\+\+ [^/]+/([^\t ]+).*#\1#p' "$p"); do
        g=$PROOT/src/tmp/linux-source-6.12/$f
        if [ -e "$g" ]; then cp -p "$g" "$g.sysgc-tmp" && mv -f "$g.sysgc-tmp" "$g"; fi
      done
      patch -d "$PROOT/src/tmp/linux-source-6.12" -p1 -s --no-backup-if-mismatch < "$p" >&2
    done
    touch "$PROOT/src/tmp/linux-source-6.12/.sysgc-patched"
    mv "$PROOT/src/tmp/linux-source-6.12" "$PROOT/src/linux-source-6.12"
    rmdir "$PROOT/src/tmp"
  fi
  flock -s 7
  SRC=$PROOT/src/linux-source-6.12
fi

if [ -n "$KARCH" ] && [ "${SYSGC_KERNEL_CCACHE:-1}" = 1 ]; then
  export CCACHE_DIR=${SYSGC_CCACHE_DIR:-$CACHE/ccache} CCACHE_BASEDIR=$CACHE
  CCENV=("CCACHE_DIR=$CCACHE_DIR" "CCACHE_BASEDIR=$CCACHE_BASEDIR")
else
  CCENV=()
fi
MAKE=(make -C "$SRC" O="$OUT" "${MAKEVARS[@]}" LD="$CACHE/bin/ld.sysgc" -j"${SYSGC_JOBS:-2}"
      KCFLAGS="$KCFLAGS" KBUILD_BUILD_TIMESTAMP="2026-01-01" KBUILD_BUILD_USER=sysgc
      KBUILD_BUILD_HOST=sysgc KBUILD_BUILD_VERSION=1)

mkdir -p "$OUT"
exec 9>"$OUT.lock"
flock -x 9
if [ ! -f "$OUT/.sysgc-built" ]; then
  start=$(date +%s)
  "${MAKE[@]}" tinyconfig >&2
  "$SRC/scripts/kconfig/merge_config.sh" -m -O "$OUT" "$OUT/.config" "${FRAGS[@]}" >&2
  "${MAKE[@]}" olddefconfig >&2
  # Every option of the fragments must have survived olddefconfig.
  for frag in "${FRAGS[@]}"; do
    while read -r line; do
      case "$line" in
        CONFIG_*=*) grep -qx "$line" "$OUT/.config" ||
          { echo "build-kernel: $line did not stick in $OUT/.config" >&2; exit 1; } ;;
        "# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}
          ! grep -q "^$opt=" "$OUT/.config" ||
          { echo "build-kernel: $line did not stick in $OUT/.config" >&2; exit 1; } ;;
      esac
    done < "$frag"
  done
  "${MAKE[@]}" "$TARGET" >&2
  echo $(( $(date +%s) - start )) > "$OUT/.sysgc-build-seconds"
  touch "$OUT/.sysgc-built"
fi
printf '%s\n' "${MAKE[@]}" > "$OUT/.sysgc-make"
if [ ${#CCENV[@]} -gt 0 ]; then printf '%s\n' "${CCENV[@]}"; fi > "$OUT/.sysgc-env"
echo "$IMAGE" > "$OUT/.sysgc-image"
echo "$ARCH" > "$OUT/.sysgc-arch"
echo "$OUT"
