################################################################################
#
# sysgc (host only): sysgc-ld and sysgc built from a local source tree
#
################################################################################

HOST_SYSGC_VERSION = local
# (Evaluated when the package is off too: never empty.)
HOST_SYSGC_SITE = $(or $(call qstrip,$(BR2_PACKAGE_HOST_SYSGC_SOURCE_DIR)),$(BR2_EXTERNAL_SYSGC_PATH)/../..)
HOST_SYSGC_SITE_METHOD = local
# The checkout's own build directories are not part of the source.
HOST_SYSGC_OVERRIDE_SRCDIR_RSYNC_EXCLUSIONS = \
	--exclude='/build*' --exclude='/out' --exclude='/.sysgc-cache'
HOST_SYSGC_LICENSE = PROPRIETARY
HOST_SYSGC_DEPENDENCIES = host-llvm host-lld
# LLVMConfig.cmake and LLDConfig.cmake from host-llvm / host-lld;
# CMAKE_PREFIX_PATH keeps sysgc's /usr/lib/llvm-22 fallback from winning.
HOST_SYSGC_CONF_OPTS = \
	-DCMAKE_PREFIX_PATH=$(HOST_DIR) \
	-DLLVM_DIR=$(HOST_DIR)/lib/cmake/llvm \
	-DLLD_DIR=$(HOST_DIR)/lib/cmake/lld \
	-DBUILD_TESTING=OFF

$(eval $(host-cmake-package))
