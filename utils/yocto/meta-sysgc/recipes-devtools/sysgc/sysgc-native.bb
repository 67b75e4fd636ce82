SUMMARY = "sysgc-ld: a drop-in ld.lld that links Linux kernels with only the allowed syscalls"
DESCRIPTION = "sysgc-ld (lld 22 linked in) rebuilds the syscall dispatch of a \
vmlinux link from an allowlist and drops the code only removed syscalls \
reached; every other link is plain lld. sysgc inspects and reports."
HOMEPAGE = "https://github.com/sysgc/sysgc"
SECTION = "devel"
LICENSE = "CLOSED"

# The version of project(sysgc VERSION ...) in the top-level CMakeLists.txt.
PV = "0.5.0"

# Built from a sysgc checkout: by default the one this layer lives in
# (utils/yocto/meta-sysgc); set SYSGC_SRCDIR in local.conf for another.
SYSGC_SRCDIR ??= "${@os.path.normpath(os.path.join(d.getVar('THISDIR'), '../../../../..'))}"
EXTERNALSRC = "${SYSGC_SRCDIR}"
EXTERNALSRC_BUILD = "${WORKDIR}/build"

inherit cmake native externalsrc

# libLLVM.so.22.1 (llvm-native builds it: PACKAGECONFIG shared-libs), lld's
# static libraries and LLDConfig.cmake, Boost.Program_options (for sysgc).
DEPENDS = "llvm-native lld-native boost-native"

EXTRA_OECMAKE = "\
    -DBUILD_TESTING=OFF \
    -DLLVM_DIR=${STAGING_LIBDIR_NATIVE}/cmake/llvm \
    -DLLD_DIR=${STAGING_LIBDIR_NATIVE}/cmake/lld \
"
