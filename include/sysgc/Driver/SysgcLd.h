//===- sysgc/Driver/SysgcLd.h - The sysgc-ld pipeline ------------*- C++ -*-===//
//
// read -> graph -> plan -> rewrite -> link -> verify -> report, for one link.
// Links that are not kernel links (no allowlist, -r, no dispatch symbol)
// go to lld untouched.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_DRIVER_SYSGCLD_H
#define SYSGC_DRIVER_SYSGCLD_H

#include "sysgc/Graph/SectionGraph.h"
#include "sysgc/Input/InputSet.h"
#include "sysgc/Link/LinkCommand.h"
#include "sysgc/Link/LinkerScript.h"
#include "sysgc/Plan/Plan.h"
#include "llvm/ADT/ArrayRef.h"
#include <optional>

namespace sysgc {
/// A final link sysgc transforms: its architecture and dispatch, found once.
struct KernelLink {
  const ArchInfo *Arch = nullptr;
  std::vector<DispatchSite> Dispatch;
  std::vector<std::string> Warnings; // findDispatch's
};

/// Is this a kernel link sysgc transforms (an architecture sysgc knows and
/// a dispatch it finds)? nullopt: not a kernel; an error: a link that asks
/// for a shrink (an allowlist) and cannot get one. The steps of sysgc-ld,
/// exposed for the tools that read a link as it does (sysgc cost, why).
llvm::Expected<std::optional<KernelLink>>
findKernel(const LinkCommand &Cmd, const SysgcOptions &Opts,
           const InputSet &In, const SectionGraph &G);

/// The planner's options for this link: sysgc's own and what the link says
/// (--gc-sections, entry and -u symbols, its scripts' /DISCARD/ patterns and
/// symbol names). Placement, if given, gets the scripts' section patterns.
llvm::Expected<PlanOptions> planOptions(const LinkCommand &Cmd,
                                        const SysgcOptions &Opts,
                                        SectionPlacement *Placement);

/// The whole of sysgc-ld's main(). Returns the process exit code. With
/// FastExit the link's state (inputs, graph, plan: a kernel's worth) is not
/// freed: the caller exits straight after, as ld.lld itself does.
int sysgcLdMain(llvm::ArrayRef<const char *> Argv, bool FastExit = false);
} // namespace sysgc

#endif
