//===- Allowlist.cpp - Parse and resolve an allowlist ---------------------===//
//
// Each line resolves to a set of (ABI, number) slots through the generated
// syscall tables. Resolution is by syscall name first, then by entry point
// without its "sys_" prefix ("newuname" -> uname), so both the strace name
// and the kernel's spelling work.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Allowlist/Allowlist.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include <algorithm>

using namespace sysgc;
using namespace llvm;

std::vector<std::string> sysgc::closestNames(StringRef Name,
                                             ArrayRef<std::string> Candidates,
                                             size_t Max) {
  std::vector<std::pair<unsigned, std::string>> Scored;
  for (const std::string &C : Candidates) {
    unsigned D = Name.edit_distance(C, /*AllowReplacements=*/true,
                                    /*MaxEditDistance=*/0);
    // Prefix matches ("clock_get" -> "clock_gettime") rank as close.
    if (StringRef(C).starts_with(Name) || Name.starts_with(C))
      D = std::min<unsigned>(D, 1);
    if (D <= std::max<size_t>(2, Name.size() / 3))
      Scored.push_back({D, C});
  }
  llvm::sort(Scored);
  Scored.erase(std::unique(Scored.begin(), Scored.end()), Scored.end());
  std::vector<std::string> Out;
  for (auto &[D, C] : Scored) {
    if (Out.size() == Max)
      break;
    if (!llvm::is_contained(Out, C))
      Out.push_back(C);
  }
  return Out;
}

// Find the rows of Abi that Name denotes: by name, then by entry point.
static std::vector<uint32_t> resolve(const AbiInfo &Abi, StringRef Name) {
  std::vector<uint32_t> Nrs;
  for (const SyscallDesc &D : Abi.Syscalls)
    if (D.Name == Name)
      Nrs.push_back(D.Nr);
  if (!Nrs.empty())
    return Nrs;
  for (const SyscallDesc &D : Abi.Syscalls) {
    StringRef E = D.Entry;
    if (E.consume_front("sys_") && E == Name)
      Nrs.push_back(D.Nr);
  }
  return Nrs;
}

// "f:3: msg" -> "f:3: warning: msg".
static std::string warningOf(StringRef Msg) {
  auto [Where, What] = Msg.split(": ");
  return (Where + ": warning: " + What).str();
}

namespace {
/// Syscalls a Linux userspace cannot boot without: at least one of each
/// group (the names an ABI lacks are skipped).
struct CriticalGroup {
  std::vector<StringRef> Names;
  StringRef Consequence;
};
} // namespace

static const CriticalGroup BootCritical[] = {
    {{"execve", "execveat"}, "init cannot start any program"},
    {{"exit", "exit_group"}, "no process can exit"},
    {{"clone", "clone3", "fork", "vfork"}, "no process can start another"},
    {{"wait4", "waitid", "waitpid"},
     "nothing (init included) can reap a child"},
    {{"read", "readv", "pread64"}, "no program can read"},
    {{"write", "writev", "pwrite64"}, "no program can write"},
    {{"open", "openat", "openat2"}, "no file can be opened"},
    {{"mmap", "mmap2"}, "no program can map memory or a shared library"},
    {{"rt_sigreturn", "sigreturn"},
     "a process dies as soon as a signal handler returns"},
};

// Warn, by name, about every boot-critical group an ABI in use lacks
// entirely.
std::vector<std::string>
Allowlist::bootCriticalWarnings(StringRef FileName, const ArchInfo &Arch,
                                ArrayRef<std::string> Abis) const {
  std::vector<std::string> Out;
  std::vector<const AbiInfo *> Checked;
  for (const std::string &Name : Abis)
    if (const AbiInfo *A = Arch.findAbi(Name))
      if (!llvm::is_contained(Checked, A))
        Checked.push_back(A);
  bool AnyUsed = llvm::any_of(
      Checked, [&](const AbiInfo *A) { return !allowed(A->Name).empty(); });
  for (size_t I = 0; I < Checked.size(); ++I) {
    const AbiInfo &A = *Checked[I];
    if (allowed(A.Name).empty() && (AnyUsed || I != 0))
      continue;
    for (const CriticalGroup &Gr : BootCritical) {
      std::vector<std::string> Present;
      bool Allowed = false;
      for (StringRef N : Gr.Names)
        for (uint32_t Nr : resolve(A, N)) {
          if (!llvm::is_contained(Present, N.str()))
            Present.push_back(N.str());
          Allowed |= allows(A.Name, Nr);
        }
      if (Present.empty() || Allowed)
        continue;
      Out.push_back(
          formatv("{0}: warning: {1}: the allowlist drops {2}{3}: {4}; the "
                  "kernel will not boot a normal userspace",
                  FileName, A.Name,
                  Present.size() == 1 ? "" : "every one of ",
                  join(Present, ", "), Gr.Consequence)
              .str());
    }
  }
  return Out;
}

Allowlist Allowlist::everything(const ArchInfo &Arch) {
  Allowlist L;
  L.All = true;
  for (const AbiInfo &A : Arch.Abis)
    for (const SyscallDesc &D : A.Syscalls)
      L.ByAbi[A.Name.str()].insert(D.Nr);
  return L;
}

Expected<Allowlist> Allowlist::parse(StringRef Text, StringRef FileName,
                                     const ArchInfo &Arch,
                                     const AllowlistOptions &Opts) {
  Allowlist L;
  for (const AbiInfo &A : Arch.Abis)
    L.ByAbi[A.Name.str()];
  std::map<std::string, std::pair<unsigned, std::string>> FirstSeen;
  SmallVector<StringRef, 0> Lines;
  Text.split(Lines, '\n');
  for (size_t I = 0; I < Lines.size(); ++I) {
    unsigned LineNo = I + 1;
    StringRef Line = Lines[I].split('#').first.trim();
    if (Line.empty())
      continue;
    if (Line.find_first_of(" \t") != StringRef::npos)
      return makeError("{0}:{1}: expected one syscall name per line, got "
                       "'{2}'",
                       FileName, LineNo, Line);
    StringRef AbiName, Name = Line;
    if (Line.contains(':'))
      std::tie(AbiName, Name) = Line.split(':');
    std::vector<const AbiInfo *> Abis;
    if (!AbiName.empty()) {
      const AbiInfo *A = Arch.findAbi(AbiName);
      if (!A) {
        std::string Known;
        for (const AbiInfo &X : Arch.Abis)
          Known += (Known.empty() ? "" : ", ") + X.Name.str();
        return makeError("{0}:{1}: unknown ABI '{2}' for {3} (known: {4})",
                         FileName, LineNo, AbiName, Arch.Name, Known);
      }
      Abis.push_back(A);
    } else {
      for (const AbiInfo &A : Arch.Abis)
        Abis.push_back(&A);
    }

    // What the line denotes, spelling aside ("uname" = "newuname"): the
    // same qualifier and the same slots twice is a duplicate.
    std::string Key = AbiName.str() + ":";
    bool Found = false;
    for (const AbiInfo *A : Abis) {
      for (uint32_t Nr : resolve(*A, Name)) {
        Found = true;
        L.ByAbi[A->Name.str()].insert(Nr);
        Key += A->Name.str() + "/" + std::to_string(Nr) + ",";
      }
    }
    if (Found) {
      auto [It, New] = FirstSeen.insert({Key, {LineNo, Line.str()}});
      if (New)
        continue;
      std::string Msg = formatv("{0}:{1}: '{2}' is a duplicate of '{3}' on "
                                "line {4}",
                                FileName, LineNo, Line, It->second.second,
                                It->second.first);
      if (!Opts.AllowUnknown)
        return makeError("{0}: remove one (--sysgc-allow-unknown makes this "
                         "a warning)",
                         Msg);
      L.Warnings.push_back(warningOf(Msg));
      continue;
    }

    std::vector<std::string> Candidates;
    for (const AbiInfo *A : Abis)
      for (const SyscallDesc &D : A->Syscalls)
        Candidates.push_back(D.Name.str());
    std::vector<std::string> Close = closestNames(Name, Candidates);
    std::string Msg = formatv("{0}:{1}: '{2}' is not a syscall of {3}{4}",
                              FileName, LineNo, Line, Arch.Name,
                              AbiName.empty() ? ""
                                              : (" ABI " + AbiName).str())
                          .str();
    if (!Close.empty())
      Msg += "; did you mean " + join(Close, ", ") + "?";
    if (!Opts.AllowUnknown)
      return makeError("{0} (--sysgc-allow-unknown makes this a warning)",
                       Msg);
    L.Warnings.push_back(warningOf(Msg));
  }
  return L;
}

bool Allowlist::allows(StringRef Abi, uint32_t Nr) const {
  if (All)
    return true;
  auto It = ByAbi.find(Abi.str());
  return It != ByAbi.end() && It->second.count(Nr);
}

const std::set<uint32_t> &Allowlist::allowed(StringRef Abi) const {
  static const std::set<uint32_t> Empty;
  auto It = ByAbi.find(Abi.str());
  return It == ByAbi.end() ? Empty : It->second;
}
