################################################################################
#
# sysgc: the kernel built with clang/LLVM and linked by sysgc-ld
#
# Buildroot includes this file after linux/linux.mk (and after the linux
# package's $(eval)): LINUX_MAKE_FLAGS, LINUX_MAKE_ENV and LINUX_CFLAGS
# are recursive variables that the kernel's make command lines expand
# only when they run, so the appends below reach every one of them
# (olddefconfig and the other kconfig targets through LINUX_KCONFIG_OPTS,
# "all", the image, modules_install, the DTBs). Prerequisites of the
# linux package's rules, however, were fixed at its $(eval): a package
# it needs is added as an order-only prerequisite of the steps' stamp
# files, not (only) to LINUX_DEPENDENCIES.
#
################################################################################

include $(sort $(wildcard $(BR2_EXTERNAL_SYSGC_PATH)/package/*/*.mk))

ifeq ($(BR2_LINUX_KERNEL)$(BR2_SYSGC),yy)

SYSGC_ALLOWLIST = $(call qstrip,$(BR2_SYSGC_ALLOWLIST))
SYSGC_KERNEL_LLVM = $(call qstrip,$(BR2_SYSGC_KERNEL_LLVM))
SYSGC_KCFLAGS = -ffunction-sections -fdata-sections

# The build host's sysgc-ld (PATH=$(BR_PATH) ends with the host's PATH:
# /usr/bin/sysgc-ld of the .deb), or the one host-sysgc installs.
ifeq ($(BR2_PACKAGE_HOST_SYSGC),y)
SYSGC_LD = $(HOST_DIR)/bin/sysgc-ld
# (LINUX_DEPENDENCIES includes LINUX_KCONFIG_DEPENDENCIES.)
LINUX_KCONFIG_DEPENDENCIES += host-sysgc
$(LINUX_DIR)/$(LINUX_KCONFIG_STAMP_DOTCONFIG) $(LINUX_TARGET_CONFIGURE): | host-sysgc
else
SYSGC_LD = sysgc-ld
endif

# LLVM= makes Kbuild use clang and the LLVM tools; LD= replaces ld.lld.
# CROSS_COMPILE (Buildroot's gcc tuple) may stay: with clang's integrated
# assembler (LLVM_IAS=1, Kbuild's default for LLVM=) Kbuild takes clang's
# --target from ARCH and runs none of the $(CROSS_COMPILE) tools.
LINUX_MAKE_FLAGS += LLVM=$(SYSGC_KERNEL_LLVM) LD=$(SYSGC_LD)

# KCFLAGS="$(LINUX_CFLAGS)" is already on the command line: add to it.
# -Wno-attribute-alias (added for gcc >= 8) is an unknown warning option
# to clang, which Kbuild makes an error (-Werror=unknown-warning-option).
LINUX_CFLAGS := $(strip $(filter-out -Wno-attribute-alias,$(LINUX_CFLAGS)) $(SYSGC_KCFLAGS))

LINUX_MAKE_ENV += SYSGC_ALLOW=$(SYSGC_ALLOWLIST)
ifeq ($(BR2_SYSGC_REPORT),y)
LINUX_MAKE_ENV += SYSGC_REPORT=$(BINARIES_DIR)/sysgc-report.json
endif

# A new allowlist changes no Kbuild command line: the build step runs
# again when the allowlist is newer than its stamp, and deletes vmlinux
# first when the allowlist differs from the one the kernel was linked
# with, so that Kbuild relinks it (nothing is recompiled).
$(LINUX_TARGET_BUILD): $(SYSGC_ALLOWLIST)

define SYSGC_RELINK_ON_NEW_ALLOWLIST
	if ! cmp -s $(SYSGC_ALLOWLIST) $(@D)/.sysgc-allow; then \
		rm -f $(@D)/vmlinux; \
		cp $(SYSGC_ALLOWLIST) $(@D)/.sysgc-allow; \
	fi
endef
LINUX_PRE_BUILD_HOOKS += SYSGC_RELINK_ON_NEW_ALLOWLIST

ifeq ($(BR_BUILDING),y)
ifeq ($(SYSGC_ALLOWLIST),)
$(error BR2_SYSGC is set but BR2_SYSGC_ALLOWLIST is empty)
endif
ifeq ($(wildcard $(SYSGC_ALLOWLIST)),)
$(error BR2_SYSGC_ALLOWLIST: no file $(SYSGC_ALLOWLIST))
endif
endif

endif
