//===- sysgc/Link/Lld.h - lld 22, in process ----------------------*- C++ -*-===//
//
// Runs lld's ELF driver inside this process, exactly as the ld.lld binary
// would (byte-identical output, same messages and exit codes). A fatal lld
// error is caught by CrashRecoveryContext and returned as an exit code
// instead of ending the process, so sysgc-ld can clean up. A transformed
// link runs lld contained: a crash inside lld is an error, not a signal.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_LINK_LLD_H
#define SYSGC_LINK_LLD_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"
#include <string>

namespace sysgc {

/// Call once at start-up, before the first runLld.
void initLld();

/// Link with Args (Args[0] is the program name; lld sees "ld.lld").
int runLld(llvm::ArrayRef<std::string> Args, llvm::raw_ostream &Out,
           llvm::raw_ostream &Err);

/// A file lld reads in place of a link input (an object sysgc rewrote) and
/// the input it stands for, as diagnostics name it ("vmlinux.o").
struct LldInput {
  std::string Path;
  std::string Input;
};

/// runLld for a link whose inputs sysgc rewrote: lld must never take the
/// process down. lld runs on the calling thread alone (--threads=1: its
/// crash recovery covers only that thread), so a crash anywhere in lld is
/// caught, reported as "lld crashed with signal N while linking OUT;
/// inputs: ..." and returned as exit code 1, with what lld had begun to
/// write removed. When lld fails, a note names the input behind each
/// rewritten file its messages name.
int runLldContained(llvm::ArrayRef<std::string> Args, llvm::raw_ostream &Out,
                    llvm::raw_ostream &Err,
                    llvm::ArrayRef<LldInput> Rewritten = {});

} // namespace sysgc

#endif
