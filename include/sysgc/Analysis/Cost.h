//===- sysgc/Analysis/Cost.h - What each syscall costs, in bytes -*- C++ -*-===//
//
// For every syscall of every ABI a link dispatches: the bytes that removing
// it alone would save (what sysgc-ld would remove for an allowlist naming
// every other syscall, beyond what it removes for one naming all of them)
// and the bytes it shares with other syscalls only. All at once, from one
// dominator tree over the plan's references (see Cost.cpp). With an
// allowlist, the bytes sysgc-ld would remove for it, predicted from the
// same graph without linking.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_ANALYSIS_COST_H
#define SYSGC_ANALYSIS_COST_H

#include "sysgc/Plan/Plan.h"
#include "llvm/Support/raw_ostream.h"
#include <optional>

namespace sysgc {

struct SyscallCost {
  std::string Abi; // by name: every ABI that has it, joined by '+'
  uint32_t Nr = 0; // by name: the first ABI's number
  std::string Name;
  std::string Entry; // "" when this kernel does not implement it
  /// Its status once removed: Removed, RemovedCodeKept ("pinned": code a
  /// reference outside the dispatch keeps) or NotImplemented.
  SyscallState State = SyscallState::Removed;
  std::optional<bool> Allowed; // with an allowlist
  /// Sections (and their bytes, and the sized functions in them) only this
  /// syscall reaches.
  uint64_t ExclusiveBytes = 0, ExclusiveSections = 0,
           ExclusiveFunctionBytes = 0;
  /// The sized functions in those sections (name, size), largest first:
  /// what the treemap of `sysgc report --html` draws under the syscall.
  std::vector<std::pair<std::string, uint64_t>> ExclusiveFunctions;
  /// Sections it reaches that no non-syscall root reaches, but other
  /// syscalls do.
  uint64_t SharedBytes = 0, SharedSections = 0;
};

/// What sysgc-ld removes for an allowlist: the fields of its JSON report's
/// "totals".
struct RemovalTotals {
  uint64_t Sections = 0, SectionBytes = 0, Functions = 0, FunctionBytes = 0,
           ObjectBytes = 0;
};

struct CostOptions {
  /// Predict the removal of this allowlist (its path for the output).
  const Allowlist *Allow = nullptr;
  std::string AllowPath;
  /// The link's output, for the output's header.
  std::string Output;
  /// One row per syscall name, all ABIs together (what an unqualified
  /// allowlist line keeps or removes), instead of one per ABI and number.
  bool ByName = false;
};

struct CostReport {
  std::string Arch;
  GcMode Mode = GcMode::Retain;
  /// Whole-kernel collection (--gc full on a retain-mode link).
  bool Full = false;
  std::string Output, AllowPath;
  /// Sorted: exclusive bytes (largest first), then shared, ABI, number.
  std::vector<SyscallCost> Syscalls;
  /// Removed with every syscall kept (entries no dispatch references).
  RemovalTotals Baseline;
  /// Removed with every syscall removed.
  RemovalTotals AllRemoved;
  std::optional<RemovalTotals> Predicted;
  std::vector<std::string> Warnings;
  /// Wall time of the phases, ms (not printed unless asked: outputs are
  /// deterministic).
  std::vector<std::pair<std::string, double>> TimingsMs;
};

llvm::Expected<CostReport> computeCosts(const SectionGraph &G,
                                        const ArchInfo &Arch,
                                        const PlanOptions &Opts,
                                        const std::vector<DispatchSite> &Sites,
                                        const CostOptions &CO);

/// The removal of Plan.Dead, counted as the JSON report counts it.
RemovalTotals removalTotals(const SectionGraph &G, const llvm::BitVector &Dead);

void writeCostText(const CostReport &R, llvm::raw_ostream &OS,
                   size_t Limit = 0);
void writeCostJson(const CostReport &R, llvm::raw_ostream &OS);
void writeCostCsv(const CostReport &R, llvm::raw_ostream &OS);

} // namespace sysgc

#endif
