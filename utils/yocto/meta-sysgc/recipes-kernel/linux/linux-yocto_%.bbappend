# linux-yocto built with clang and linked by sysgc-ld.
#
# In local.conf:
#   SYSGC_ALLOWLIST = "/absolute/path/to/product.allow"
# (and KERNEL_TOOLCHAIN = "clang" there too if out-of-tree modules are
# built: every kernel-arch recipe reads it, and modules must be compiled
# by the compiler that compiled the kernel.)

# The kernel's toolchain (kernel-arch.bbclass: KERNEL_TOOLCHAIN ?= "gcc").
KERNEL_TOOLCHAIN = "clang"

# kernel.bbclass passes LD="${KERNEL_LD}" to every make of the kernel
# (olddefconfig, the image, modules, modules_install). With the clang
# toolchain KERNEL_LD:toolchain-clang is the value used (an override
# beats a plain KERNEL_LD), so that is the one replaced.
KERNEL_LD:toolchain-clang = "sysgc-ld ${TARGET_LD_KERNEL_ARCH}"
DEPENDS:append = " sysgc-native"

# One function (and one data object) a section: what sysgc-ld removes.
SYSGC_KCFLAGS ?= "-ffunction-sections -fdata-sections"
EXTRA_OEMAKE += 'KCFLAGS="${SYSGC_KCFLAGS}"'

# sysgc-ld reads its allowlist from the environment (Kbuild calls $(LD)
# with arguments of its own). Exported only when set: an empty
# SYSGC_ALLOW is an error to sysgc-ld, an unset one makes it plain lld.
SYSGC_ALLOWLIST ??= ""
python () {
    allow = d.getVar('SYSGC_ALLOWLIST')
    if allow:
        d.setVar('SYSGC_ALLOW', allow)
        d.setVarFlag('SYSGC_ALLOW', 'export', '1')
    else:
        bb.warn('%s: SYSGC_ALLOWLIST is not set: sysgc-ld links the kernel as plain lld'
                % d.getVar('PN'))
}

# The allowlist's contents are part of do_compile's signature: a new list
# runs do_compile again, which deletes vmlinux when the list differs from
# the one it was linked with, so Kbuild relinks it (nothing is recompiled).
do_compile[file-checksums] += "${@'%s:True' % d.getVar('SYSGC_ALLOWLIST') if d.getVar('SYSGC_ALLOWLIST') else ''}"
do_compile:prepend() {
	if [ -n "${SYSGC_ALLOWLIST}" ] && ! cmp -s "${SYSGC_ALLOWLIST}" ${B}/.sysgc-allow; then
		rm -f ${B}/vmlinux
		cp "${SYSGC_ALLOWLIST}" ${B}/.sysgc-allow
	fi
}
