//===- sysgc/Driver/SysgcLd.h - The sysgc-ld pipeline ------------*- C++ -*-===//
//
// read -> graph -> plan -> rewrite -> link -> verify -> report, for one link.
// Links that are not kernel links (no allowlist, -r, no dispatch symbol)
// go to lld untouched.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_DRIVER_SYSGCLD_H
#define SYSGC_DRIVER_SYSGCLD_H

#include "llvm/ADT/ArrayRef.h"

namespace sysgc {
/// The whole of sysgc-ld's main(). Returns the process exit code.
int sysgcLdMain(llvm::ArrayRef<const char *> Argv);
} // namespace sysgc

#endif
