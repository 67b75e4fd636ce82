//===- sysgc/Allowlist/Allowlist.h - The syscalls a userspace makes -*- C++ -*-===//
//
// An allowlist names the syscalls to keep, one per line, as the kernel's
// syscall tables name them ("read", "uname"); the entry-point spelling
// ("newuname") is accepted as the same syscall. A line may be qualified by an
// ABI ("ia32:read"); an unqualified name means every ABI. '#' starts a
// comment. Parsing resolves every name against an architecture's tables, so
// a typo is caught with its file and line, never silently ignored.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_ALLOWLIST_ALLOWLIST_H
#define SYSGC_ALLOWLIST_ALLOWLIST_H

#include "sysgc/Arch/Arch.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sysgc {

struct AllowlistOptions {
  /// Unknown and duplicate names become warnings instead of errors.
  bool AllowUnknown = false;
};

class Allowlist {
public:
  /// Parse Text (named FileName in diagnostics) against Arch's tables.
  static llvm::Expected<Allowlist> parse(llvm::StringRef Text,
                                         llvm::StringRef FileName,
                                         const ArchInfo &Arch,
                                         const AllowlistOptions &Opts = {});

  /// Every syscall of every ABI of Arch, numbers no table names included:
  /// whole-kernel collection without an allowlist removes no syscall.
  static Allowlist everything(const ArchInfo &Arch);

  bool allowsEverything() const { return All; }

  /// Is syscall number Nr of ABI Abi allowed?
  bool allows(llvm::StringRef Abi, uint32_t Nr) const;
  /// The allowed syscall numbers of one ABI, sorted.
  const std::set<uint32_t> &allowed(llvm::StringRef Abi) const;

  /// Diagnostics that did not stop parsing (unknown or duplicate names
  /// under AllowUnknown), as "file:line: warning: ..." lines.
  std::vector<std::string> Warnings;

  /// "file: warning: ..." for each group of syscalls no userspace boots
  /// without (a read, a write, execve, ...) that one of Abis lacks entirely,
  /// once per ABI and group. Only the ABIs a link dispatches are worth
  /// asking about; an ABI with nothing allowed is switched off on purpose,
  /// unless no ABI of Abis has anything (then the first is checked).
  std::vector<std::string>
  bootCriticalWarnings(llvm::StringRef FileName, const ArchInfo &Arch,
                       llvm::ArrayRef<std::string> Abis) const;

private:
  std::map<std::string, std::set<uint32_t>> ByAbi;
  bool All = false;
};

/// Names from Candidates closest to Name, best first (at most Max).
std::vector<std::string> closestNames(llvm::StringRef Name,
                                      llvm::ArrayRef<std::string> Candidates,
                                      size_t Max = 3);

} // namespace sysgc

#endif
