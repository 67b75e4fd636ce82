//===- sysgc/Scan/RootFs.h - A target root filesystem, never the host's -*- C++ -*-===//
//
// Paths of a target root (a Buildroot/Yocto target directory, an unpacked
// initramfs) resolved the way its own dynamic loader would resolve them:
// symlinks followed inside the root (an absolute link target is relative to
// the root), libraries searched through DT_RPATH, DT_RUNPATH ($ORIGIN
// expanded), the root's /etc/ld.so.conf (with its includes) and the usual
// library directories. Nothing outside the root is ever read.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_SCAN_ROOTFS_H
#define SYSGC_SCAN_ROOTFS_H

#include "sysgc/Scan/Image.h"
#include <optional>
#include <string>
#include <vector>

namespace sysgc {

class RootFs {
public:
  /// Root is a host directory ("/" for the host itself).
  explicit RootFs(std::string Root);

  /// The host path of Path (absolute inside the root), every symlink
  /// resolved inside the root; nullopt if it does not exist.
  std::optional<std::string> resolve(llvm::StringRef Path) const;
  /// Path inside the root of a host path under it ("/usr/bin/ls").
  std::string inside(llvm::StringRef HostPath) const;
  /// The host path of library Name needed by Requester (whose path inside
  /// the root is RequesterPath), found as the loader finds it, with the
  /// same ELF class and machine.
  std::optional<std::string> findLibrary(llvm::StringRef Name,
                                         const ScanImage &Requester,
                                         const ScanImage &Exe) const;
  /// Every ELF executable under the root (host paths, sorted): regular
  /// files with an execute bit that are ET_EXEC or have PT_INTERP.
  std::vector<std::string> executables() const;
  /// The NSS services the root's /etc/nsswitch.conf names ("files",
  /// "systemd", ...): glibc dlopens libnss_SERVICE.so.2 for each.
  std::vector<std::string> nssServices() const;
  /// The library directories from ld.so.conf and the defaults.
  const std::vector<std::string> &libraryDirs() const { return LibDirs; }

private:
  void readLdSoConf(llvm::StringRef Path, unsigned Depth);
  std::string Root;
  std::vector<std::string> LibDirs;
};

} // namespace sysgc

#endif
