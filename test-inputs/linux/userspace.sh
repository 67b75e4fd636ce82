#!/usr/bin/env bash
# Print the path of a static busybox for ARCH, fetching or building it once
# into $SYSGC_CACHE/userspace (default /var/cache/sysgc). Nothing fetched is
# kept in the clone.
#
# usage: userspace.sh ARCH      (x86_64 riscv arm64 arm)
#   x86_64     /bin/busybox (Debian's busybox-static, installed)
#   arm64, arm Debian's busybox-static:arm64 / :armhf, by apt-get download
#              (after dpkg --add-architecture) and dpkg-deb -x
#   riscv      Debian 12 has no riscv64 port: Debian's busybox source (apt-get
#              source with a private source list; Debian's patches applied)
#              built with clang-22 for riscv64-linux-gnu against static glibc
#              from libc6-dev-riscv64-cross, with the applets the test's
#              /init and workload use (busybox-riscv.config)
# Safe to run concurrently and again: each result is made under flock and
# kept; a foreign architecture is added and apt's lists updated only when
# the package cannot be found without it.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/arch.sh"
ARCH=${1:?usage: userspace.sh ARCH}
sysgc_arch "$ARCH"
CACHE=${SYSGC_CACHE:-/var/cache/sysgc}
U=$CACHE/userspace
mkdir -p "$U"
exec 9>"$U/.lock"
flock -x 9
t=
trap 'rm -rf "$t"' EXIT

apt_quiet() { DEBIAN_FRONTEND=noninteractive apt-get -q -o APT::Sandbox::User=root "$@"; }

candidate() {  # candidate version of package $1, or nothing
  apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '^(none)$' || true
}

debian_busybox() {  # $1: Debian architecture
  local pkg=busybox-static:$1 ver dir
  if ! dpkg --print-foreign-architectures | grep -qx "$1"; then
    dpkg --add-architecture "$1"
  fi
  ver=$(candidate "$pkg")
  if [ -z "$ver" ]; then
    apt_quiet update >&2
    ver=$(candidate "$pkg")
  fi
  [ -n "$ver" ] || { echo "userspace: apt has no $pkg" >&2; exit 1; }
  dir=$U/busybox-static_${ver//:/_}_$1
  if [ ! -x "$dir/bin/busybox" ]; then
    t=$(mktemp -d "$U/tmp.XXXXXX")
    (cd "$t" && apt_quiet download "$pkg=$ver" >&2)
    dpkg-deb -x "$t"/busybox-static_*.deb "$t/root"
    mkdir -p "$t/out/bin"
    cp "$t/root/bin/busybox" "$t/out/bin/busybox"
    rm -rf "$dir"
    mv "$t/out" "$dir"
  fi
  echo "$dir/bin/busybox"
}

source_busybox() {  # built from Debian's source for TRIPLE
  local lists=$U/apt-src ver key dir src
  local aptsrc=(-o Dir::Etc::SourceList="$lists/debian-src.sources"
                -o Dir::Etc::SourceParts=/nonexistent -o Dir::State::Lists="$lists/lists")
  mkdir -p "$lists/lists/partial"
  if [ ! -f "$lists/debian-src.sources" ]; then
    # The deb-src twin of the machine's Debian source (apt's own lists and
    # sources are left alone).
    cat > "$lists/debian-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  fi
  srcver() {
    apt-cache "${aptsrc[@]}" showsrc busybox 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -1 || true
  }
  ver=$(srcver)
  if [ -z "$ver" ]; then
    apt_quiet "${aptsrc[@]}" update >&2
    ver=$(srcver)
  fi
  [ -n "$ver" ] || { echo "userspace: no busybox source package" >&2; exit 1; }
  key=$( (echo "$ver"; cat "$HERE/busybox-riscv.config"; clang-22 --version | head -1
          printf '%s\n' "${TARGET_CLANG[@]}"; dpkg-query -W -f='${Version}\n' "libc6-dev-$DEBARCH-cross") | sha256sum | cut -c1-16)
  dir=$U/busybox-$DEBARCH-${ver//:/_}-$key
  if [ ! -x "$dir/bin/busybox" ]; then
    t=$(mktemp -d "$U/tmp.XXXXXX")
    (cd "$t" && apt_quiet "${aptsrc[@]}" source --download-only "busybox=$ver" >&2)
    tar -C "$t" -xf "$t"/busybox_*.orig.tar.*
    src=$(echo "$t"/busybox-*/)
    tar -C "$src" -xf "$t"/busybox_*.debian.tar.*
    while read -r p; do
      case "$p" in ''|'#'*) continue ;; esac
      patch -d "$src" -p1 -s < "$src/debian/patches/${p%% *}" >&2
    done < "$src/debian/patches/series"
    local kb=(make -C "$src" -j"${SYSGC_JOBS:-2}" HOSTCC=clang-22 HOSTCXX=clang++-22
              CC="${TARGET_CLANG[*]}" LD=ld.lld-22 AR=llvm-ar-22 NM=llvm-nm-22
              STRIP=llvm-strip-22 OBJCOPY=llvm-objcopy-22 OBJDUMP=llvm-objdump-22 SKIP_STRIP=y)
    "${kb[@]}" allnoconfig >&2
    # (busybox's kconfig keeps a symbol's first assignment: drop them first)
    local opts
    opts=$(sed -nE 's/^(# )?(CONFIG_[A-Z0-9_]+)[= ].*/\2/p' "$HERE/busybox-riscv.config" | paste -sd'|')
    grep -vE "^(# )?($opts)[= ]" "$src/.config" > "$src/.config.new" || true
    grep -E '^(CONFIG_|# CONFIG_)' "$HERE/busybox-riscv.config" >> "$src/.config.new"
    mv "$src/.config.new" "$src/.config"
    { yes '' || true; } | "${kb[@]}" oldconfig >/dev/null
    while read -r line; do
      case "$line" in CONFIG_*=*) grep -qx "$line" "$src/.config" ||
        { echo "userspace: busybox option $line did not stick" >&2; exit 1; } ;; esac
    done < "$HERE/busybox-riscv.config"
    "${kb[@]}" busybox >&2
    mkdir -p "$t/out/bin"
    cp "$src/busybox" "$t/out/bin/busybox"
    cp "$src/.config" "$t/out/busybox.config"
    rm -rf "$dir"
    mv "$t/out" "$dir"
  fi
  echo "$dir/bin/busybox"
}

case "$ARCH" in
  x86_64) echo /bin/busybox ;;
  riscv) source_busybox ;;
  *) debian_busybox "$DEBARCH" ;;
esac
