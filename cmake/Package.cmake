# What `cmake --install` puts under the prefix and how CPack turns it into a
# Debian package: the two tools (sysgc-ld is self-contained: lld is linked in
# statically; both need libLLVM.so.22.1 and sysgc needs Boost's
# program_options), and the README. dpkg-shlibdeps
# derives the Depends line from the installed binaries, so the .deb asks apt
# for exactly the runtime libraries (libllvm22, libboost-program-options, ...)
# and nothing of the build's -dev packages.
install(TARGETS sysgc-ld sysgc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# A masquerade directory, as ccache has /usr/lib/ccache: ld.lld and
# ld.lld-22 there are sysgc-ld. A kernel tree built with plain lld relinks
# through it (PATH=PREFIX/lib/sysgc/bin:$PATH make LLVM=1 ...) with the
# same LD= on every command line, so Kbuild recompiles nothing; LD=sysgc-ld
# would change the vDSO's link command and rebuild what includes its offsets.
set(SYSGC_MASQ_DIR lib/sysgc/bin)
file(RELATIVE_PATH SYSGC_MASQ_TARGET /${SYSGC_MASQ_DIR} /${CMAKE_INSTALL_BINDIR}/sysgc-ld)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/masq)
foreach(name ld.lld ld.lld-${LLVM_VERSION_MAJOR})
  file(CREATE_LINK ${SYSGC_MASQ_TARGET} ${CMAKE_BINARY_DIR}/masq/${name} SYMBOLIC)
  install(FILES ${CMAKE_BINARY_DIR}/masq/${name} DESTINATION ${SYSGC_MASQ_DIR})
endforeach()
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME sysgc)
set(CPACK_PACKAGE_VENDOR "sysgc developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
  "sysgc-ld is a drop-in ld.lld that links Linux kernels with only the\n\
syscalls an allowlist names; sysgc inspects and reports.")
set(CPACK_PACKAGE_CONTACT "sysgc developers <sysgc@localhost>")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# lld is linked in; a kernel build still wants clang-22, and ld.lld-22 is
# what sysgc's own tests compare against: suggested, not required.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "clang-22, lld-22")
# Debug info stays in the build tree; the package ships stripped binaries.
set(CPACK_STRIP_FILES ON)
include(CPack)
