//===- sysgc/Report/Report.h - What a rewrite did, for people and tools -*- C++ -*-===//
//
// Two views of one result: a JSON report whose fields are a stable interface
// (documented in README.md, sorted and deterministic: timings are the only
// field that varies, and can be left out), and a bloat-o-meter style summary
// for the terminal.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_REPORT_REPORT_H
#define SYSGC_REPORT_REPORT_H

#include "sysgc/Plan/Plan.h"
#include "sysgc/Verify/Verifier.h"
#include "llvm/Support/raw_ostream.h"
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sysgc {

struct RemovedSymbol {
  std::string Name;
  uint64_t Size = 0;
  bool IsFunction = true;
  std::string Section; // input section
  std::string File;
};

struct ReportData {
  std::string Output;
  std::string AllowlistPath;
  const SectionGraph *Graph = nullptr;
  const LinkPlan *Plan = nullptr;
  VerifyResult Verify;
  /// Phase name -> milliseconds, in pipeline order; asked for when they are
  /// written (the report's last member), so that the report's own phase
  /// covers its writing. Unset: none.
  std::function<std::vector<std::pair<std::string, double>>()> Timings;
  bool IncludeTimings = true;
};

/// Sized symbols of the Dead sections, largest first.
std::vector<RemovedSymbol> removedSymbols(const SectionGraph &G,
                                          const LinkPlan &Plan);
/// Bytes of Dead sections per output section, named the way lld names
/// output sections by default (.text.foo -> .text).
std::map<std::string, uint64_t> removedBytesByOutputSection(
    const SectionGraph &G, const LinkPlan &Plan);
/// Full mode: (bytes, sections) of what whole-kernel collection removed
/// beyond the syscall-scoped plan, per output section as above.
std::map<std::string, std::pair<uint64_t, uint64_t>>
beyondScopedByOutputSection(const SectionGraph &G, const LinkPlan &Plan);
/// lld's default output section for an input section name.
std::string outputSectionName(llvm::StringRef InputName);

void writeJsonReport(const ReportData &D, llvm::raw_ostream &OS);
void printSummary(const ReportData &D, llvm::raw_ostream &OS);

} // namespace sysgc

#endif
