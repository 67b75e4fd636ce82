//===- LldRunner.h - ld.lld-22 on objects a test wrote ----------*- C++ -*-===//
//
// Writer tests check their objects against the linker itself: the objects
// go to a temporary directory, ld.lld-22 links them, and the test reads the
// exit code, stderr and output. ld.lld-22 is a build dependency
// (scripts/install-deps.sh): a machine without it fails these tests.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_UNITTESTS_LLDRUNNER_H
#define SYSGC_UNITTESTS_LLDRUNNER_H

#include "llvm/Support/MemoryBuffer.h"
#include <memory>
#include <string>
#include <vector>

namespace sysgc::test {

struct LldRun {
  /// Did ld.lld-22 run at all? When not, Err says why.
  bool Ran = false;
  /// lld's exit code.
  int RC = -1;
  std::string Err;
  /// The output file, when lld wrote one.
  std::unique_ptr<llvm::MemoryBuffer> Out;
};

/// Link Objects (written as 0.o, 1.o, ... in a fresh directory) with
/// ld.lld-22 and Flags before them ("-o DIR/out" is added).
LldRun runLld(const std::vector<std::vector<char>> &Objects,
              const std::vector<std::string> &Flags);

} // namespace sysgc::test

#endif
