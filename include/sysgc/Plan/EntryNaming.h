//===- sysgc/Plan/EntryNaming.h - How a link names its syscall entries -*- C++ -*-===//
//
// One naming decides, for one ABI of one link, which symbols are syscall
// entries, which syscall numbers each serves, the symbol each table row's
// entry point has, and the not-implemented stub disabled slots go to. By
// default the names are the ABI's prefix plus the entry point
// (__x64_sys_read, __x64_sys_ni_syscall); with --sysgc-entry-regex they are
// whatever the regex's capture group turns into an entry point (sys_read,
// sys_ni_syscall). The dispatch planner, the statuses and the verifier all
// ask the same naming, so "implemented" and the stub never disagree with the
// dispatch.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_PLAN_ENTRYNAMING_H
#define SYSGC_PLAN_ENTRYNAMING_H

#include "sysgc/Arch/Arch.h"
#include "sysgc/Graph/SectionGraph.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Regex.h"
#include <optional>
#include <string>
#include <vector>

namespace sysgc {

class EntryNaming {
public:
  /// The naming of Abi in G: the ABI's prefix, or Regex (one capture group
  /// giving the entry point). A bad regex is an error.
  static llvm::Expected<EntryNaming>
  create(const AbiInfo &Abi, const std::optional<std::string> &Regex,
         const SectionGraph &G);

  const AbiInfo &abi() const { return *Abi; }
  /// The entry point Symbol names ("sys_read"), or nullopt if it is none.
  std::optional<llvm::StringRef> entryPoint(llvm::StringRef Symbol) const;
  /// The syscall numbers entry Symbol dispatches (its row's, native or
  /// compat), or null if it is no entry of a row that names code
  /// (sys_ni_syscall rows are none).
  const std::vector<uint32_t> *numbersOf(llvm::StringRef Symbol) const;
  /// The symbol that names entry point EP in this link ("" if none does).
  std::string symbolFor(llvm::StringRef EP) const;
  /// The symbols row D can be dispatched through (native and compat).
  std::vector<std::string> entrySymbols(const SyscallDesc &D) const;
  /// The stub every disabled slot is pointed at: sys_ni_syscall as this
  /// naming names it, or, for a regex that names no stub (one that picks
  /// a few entries out), the ABI's own (__x64_sys_ni_syscall).
  std::string niSymbol() const;
  /// "prefix __x64_" or "--sysgc-entry-regex '^(sys_.*)$'", for messages.
  std::string describe() const;

private:
  const AbiInfo *Abi = nullptr;
  std::optional<llvm::Regex> Re;
  std::string ReText;
  llvm::StringMap<std::vector<uint32_t>> ByEntryPoint;
  /// With a regex: entry point -> the link's symbol (the first defined
  /// global, in input order, for determinism).
  llvm::StringMap<std::string> SymbolOf;
};

} // namespace sysgc

#endif
