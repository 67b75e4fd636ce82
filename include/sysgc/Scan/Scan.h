//===- sysgc/Scan/Scan.h - `sysgc scan`: the allowlist from the binaries -*- C++ -*-===//
//
// The scanner's entry point and its outputs. runScan reads the programs
// (given, or every executable under a root), loads each one's interpreter
// and DT_NEEDED closure inside the root, summarises every module once (by
// build-id) and unites the syscalls reachable in each program. The list
// output is an allowlist sysgc-ld reads; the JSON output says where every
// syscall comes from and which sites could not be resolved.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_SCAN_SCAN_H
#define SYSGC_SCAN_SCAN_H

#include "sysgc/Scan/Program.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace sysgc {

struct ScanOptions {
  /// The target root; empty: the host's "/" (for BINARY paths only).
  std::string Root;
  /// Programs to scan; with Root, paths inside it. Empty with Root: every
  /// executable under Root.
  std::vector<std::string> Binaries;
  /// Only programs of this architecture (others are skipped with a note);
  /// null: the first program's.
  const ArchInfo *Arch = nullptr;
  /// Also compute each program's naive set (no reachability).
  bool Naive = false;
  /// Printed in the output headers.
  std::string Version = "unknown";
};

struct ProgramResult {
  std::string Path;                 // as inside the root
  std::vector<std::string> Modules; // host paths, load order
  std::vector<std::string> Missing;
  std::set<SyscallKey> Syscalls;
  std::set<SyscallKey> NaiveSyscalls; // with ScanOptions::Naive
  size_t ReachableFunctions = 0, Functions = 0;
  std::vector<SiteReport> Unresolved;
};

struct ScanResult {
  const ArchInfo *Arch = nullptr;
  std::vector<ProgramResult> Programs;
  /// The union, with where each syscall was found (first program first).
  std::map<SyscallKey, std::vector<std::pair<std::string, Provenance>>> Syscalls;
  /// Every unresolved site (program, site), deduplicated by module+address.
  std::vector<std::pair<std::string, SiteReport>> Unresolved;
  std::vector<std::pair<std::string, SiteReport>> NotInTable;
  /// Files skipped (not ELF, another architecture, damaged): why.
  std::vector<std::string> Notes;
  size_t ModulesSummarised = 0, SummariesReused = 0;
};

llvm::Expected<ScanResult> runScan(const ScanOptions &Opts);

/// "x64:read" lines, with a '#' header: what sysgc-ld reads.
void writeAllowlist(llvm::raw_ostream &OS, const ScanResult &R,
                    const ScanOptions &Opts);
/// The same set with the provenance of every syscall and every unresolved
/// site.
void writeJson(llvm::raw_ostream &OS, const ScanResult &R,
               const ScanOptions &Opts);
/// An OCI (Docker, podman, runc) seccomp profile allowing exactly the set:
/// architectures from the ABIs used, every other syscall failing with
/// ENOSYS (defaultErrnoRet) as on a kernel built without it.
void writeSeccomp(llvm::raw_ostream &OS, const ScanResult &R,
                  const ScanOptions &Opts);
/// A C header for source-level builds, the form of the kernel's dead
/// syscall elimination proposal (Zhangjin Wu, "DCE/DSE: Add Dead Syscalls
/// Elimination support", 2023: CONFIG_USED_SYSCALLS and, for the table,
/// `#define __USED_NR_<call> 1` tested by __is_defined() in __SYSCALL):
/// a comment saying what was scanned and with which sysgc, an include
/// guard, `#define __USED_NR_sys_read 1` per kept entry point,
/// `#define SYSGC_ALLOW_<abi>_<name> 1` per kept syscall and ABI,
/// SYSGC_NR_ALLOWED_<abi> and SYSGC_USED_SYSCALLS (the Kconfig string).
void writeHeader(llvm::raw_ostream &OS, const ScanResult &R,
                 const ScanOptions &Opts);
/// Where syscall Name ("openat" or "x64:openat") comes from, one site a
/// line; false if the scanned set does not have it.
bool writeExplain(llvm::raw_ostream &OS, const ScanResult &R,
                  llvm::StringRef Name);
/// Merge an `strace -f` log (FileName's Text) into R: every traced name
/// of the native ABI joins the set with provenance "strace". Returns the
/// names the static scan had missed; a name the tables do not know is an
/// error (with the file and line).
llvm::Expected<std::vector<std::string>>
mergeStrace(ScanResult &R, llvm::StringRef Text, llvm::StringRef FileName);
/// "ABI:name" as the allowlist spells a syscall.
std::string allowlistName(const ArchInfo &A, SyscallKey K);

} // namespace sysgc

#endif
