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
/// The whole of sysgc-ld's main(). Returns the process exit code. With
/// FastExit the link's state (inputs, graph, plan: a kernel's worth) is not
/// freed: the caller exits straight after, as ld.lld itself does.
int sysgcLdMain(llvm::ArrayRef<const char *> Argv, bool FastExit = false);
} // namespace sysgc

#endif
