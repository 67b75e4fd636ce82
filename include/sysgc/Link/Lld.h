//===- sysgc/Link/Lld.h - lld 22, in process ----------------------*- C++ -*-===//
//
// Runs lld's ELF driver inside this process, exactly as the ld.lld binary
// would (byte-identical output, same messages and exit codes). A fatal lld
// error is caught by CrashRecoveryContext and returned as an exit code
// instead of ending the process, so sysgc-ld can clean up.
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

} // namespace sysgc

#endif
