//===- sysgc/Analysis/WhyLive.h - Why a symbol survives an allowlist -*- C++ -*-===//
//
// sysgc why: the shortest chain of references from a root of the plan to a
// symbol's section, under an allowlist, over the references the planner
// follows (ReferenceModel). Each hop names the relocation. The roots are the
// ones no syscall is needed for (every section no syscall reaches, the
// dispatch, the entry, -u and script symbols): a kept syscall's code is
// explained through the dispatch, a removed one's that survives by what
// pins it (the planner's own kept_alive reason, and the chain).
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_ANALYSIS_WHYLIVE_H
#define SYSGC_ANALYSIS_WHYLIVE_H

#include "sysgc/Plan/Plan.h"
#include "llvm/Support/raw_ostream.h"

namespace sysgc {

/// One reference of a chain: a relocation in ViaSection (FromSection
/// itself, or a back-reference table whose piece FromSection owns), or
/// FromSection's SHF_LINK_ORDER section (Type "SHF_LINK_ORDER", no
/// relocation).
struct WhyHop {
  std::string FromSymbol; // the symbol the relocation lies in, or ""
  std::string FromSection, ViaSection, ToSection; // "file:(section)"
  uint64_t Offset = 0;
  std::string Type;   // "R_X86_64_PLT32"
  std::string Target; // the symbol the relocation names ("sym" or "sec+0x10")
  int64_t Addend = 0;
};

enum class WhyVerdict {
  Root,       // a root of the plan: no syscall reaches it, or always kept
  Live,       // reached from a root through Chain
  Removed,    // sysgc-ld removes it under this allowlist
  NotInImage, // not an allocated section lld keeps (discarded, not linked)
};

struct WhyAnswer {
  std::string Symbol, Section;
  WhyVerdict Verdict = WhyVerdict::Root;
  /// Root/Live: the chain's first section and why it is a root.
  std::string RootSection, RootReason;
  /// Live: root -> ... -> Section. Removed: from the entry of the removed
  /// syscall RemovedBy that reaches it (empty if only entries no dispatch
  /// names reach it).
  std::vector<WhyHop> Chain;
  std::string RemovedBy;
  /// Removed syscalls whose entry is Section and whose code survives: the
  /// planner's reasons (the report's kept_alive).
  std::vector<SyscallStatus> Pinned;
  std::vector<std::string> Warnings;
};

llvm::StringRef toString(WhyVerdict V);

/// Why Symbol (a global, else the first local of that name in a linked
/// object) survives sysgc-ld under Allow.
llvm::Expected<WhyAnswer> explainSymbol(const SectionGraph &G,
                                        const ArchInfo &Arch,
                                        const PlanOptions &Opts,
                                        const std::vector<DispatchSite> &Sites,
                                        const Allowlist &Allow,
                                        llvm::StringRef Symbol);

void writeWhyText(const WhyAnswer &A, llvm::raw_ostream &OS);
void writeWhyJson(const WhyAnswer &A, llvm::raw_ostream &OS);

} // namespace sysgc

#endif
