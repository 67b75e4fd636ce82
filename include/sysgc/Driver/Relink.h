//===- sysgc/Driver/Relink.h - A recorded kernel link replayed ---*- C++ -*-===//
//
// `sysgc relink RECORD --allow FILE -o OUT`: the final vmlinux link that
// sysgc-ld recorded (SYSGC_RECORD) linked again with another allowlist,
// without Kbuild, followed by the post-link step Kbuild runs on vmlinux
// (sorttable). A kernel whose final link embeds data Kbuild made from an
// earlier pass (kallsyms, BTF) is refused: that data describes the old
// layout, and only Kbuild's passes can make it again.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_DRIVER_RELINK_H
#define SYSGC_DRIVER_RELINK_H

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace sysgc {

/// One line of a SYSGC_RECORD file: where and with what sysgc-ld ran.
struct RecordedLink {
  std::string Cwd;
  std::vector<std::string> Args; // without argv[0]
};

/// Every link of a record file, in the order they ran.
llvm::Expected<std::vector<RecordedLink>> readLinkRecord(llvm::StringRef Path);

/// The input of Link that Kbuild generated from an earlier pass's output
/// (".tmp_vmlinux1.kallsyms.o", ".tmp_vmlinux1.btf.o"), or "".
std::string passDependentInput(const RecordedLink &Link);

struct RelinkOptions {
  std::string Record;
  /// Which link of the record (0-based; negative counts from the end: -1 is
  /// the last, the final vmlinux).
  int Link = -1;
  /// The allowlist; empty only with Gc "full" (every syscall kept).
  std::string Allow;
  std::string Output;
  /// --sysgc-gc for the replay: "syscall" or "full".
  std::string Gc = "syscall";
};

/// Relink, then sort the tables as Kbuild would; OUT is written atomically
/// (nothing is left behind on failure). Log gets a line per step.
llvm::Error relink(const RelinkOptions &Opts, llvm::raw_ostream &Log);

} // namespace sysgc

#endif
