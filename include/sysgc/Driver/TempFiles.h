//===- sysgc/Driver/TempFiles.h - Files a link writes on the way -*- C++ -*-===//
//
// Every file sysgc-ld creates for a link lives next to the output and is
// named after it ("OUT.sysgc-tmp.PID-HOST.*"): the same file system, so the
// final rename is atomic, and recognisable, so what a SIGKILL leaves is
// removed by the next run. They are removed on destruction and on signals.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_DRIVER_TEMPFILES_H
#define SYSGC_DRIVER_TEMPFILES_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include <string>
#include <vector>

namespace sysgc {

class TempFiles {
public:
  TempFiles() = default;
  TempFiles(const TempFiles &) = delete;
  TempFiles &operator=(const TempFiles &) = delete;
  /// Removes every file created (unless Keep: then prints their paths).
  ~TempFiles() { removeAll(); }
  /// The same, now (once).
  void removeAll();

  /// A new private path "OUT.sysgc-tmp.PID-HOST.Suffix", removed on signals.
  std::string create(llvm::StringRef Output, const llvm::Twine &Suffix);
  /// The output's own temporary, "OUT.sysgc-tmp.PID-HOST".
  std::string createForOutput(llvm::StringRef Output);

  /// --sysgc-keep-temps.
  bool Keep = false;

private:
  std::string add(std::string Path);
  std::vector<std::string> Files;
};

} // namespace sysgc

#endif
