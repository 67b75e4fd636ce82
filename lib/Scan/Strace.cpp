//===- Strace.cpp - Merge a trace into the scanned set; explain a syscall --===//
//
// `--add-strace FILE` unites an `strace -f` log with the static result:
// a workload's trace is ground truth for what it ran, so whatever it shows
// that the scan missed joins the allowlist, and is reported (a missed
// syscall is a bug in the scanner worth knowing about). `--explain NAME`
// prints the provenance the scan kept for one syscall.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/Scan.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace sysgc;
using namespace llvm;

Expected<std::vector<std::string>>
sysgc::mergeStrace(ScanResult &R, StringRef Text, StringRef FileName) {
  const AbiInfo &Abi = R.Arch->Abis[0];
  std::vector<std::string> Missed;
  SmallVector<StringRef, 0> Lines;
  Text.split(Lines, '\n');
  for (size_t I = 0; I < Lines.size(); ++I) {
    // "1234  openat(AT_FDCWD, ...) = 3", "openat(...)", "[pid 12] read(";
    // "+++ exited" and "--- SIGCHLD" lines name no syscall.
    StringRef L = Lines[I].trim();
    if (L.consume_front("[pid")) {
      L = L.drop_until([](char C) { return C == ']'; }).drop_front().ltrim();
    } else {
      StringRef Pid = L.take_while(isDigit);
      if (!Pid.empty())
        L = L.drop_front(Pid.size()).ltrim();
    }
    StringRef Name = L.take_while([](char C) { return isAlnum(C) || C == '_'; });
    if (Name.empty() || !L.drop_front(Name.size()).starts_with("("))
      continue;
    const SyscallDesc *D = Abi.findByName(Name);
    if (!D)
      return makeError("{0}:{1}: '{2}' is no {3} syscall; is this an strace "
                       "log of a {4} program?",
                       FileName, I + 1, Name, Abi.Name, R.Arch->Name);
    auto &Provs = R.Syscalls[{0, D->Nr}];
    if (Provs.empty()) {
      Missed.push_back(Name.str());
      Provs.push_back({FileName.str(),
                       {"", "", 0, formatv("traced at {0}:{1}", FileName, I + 1)}});
    }
  }
  return Missed;
}

bool sysgc::writeExplain(raw_ostream &OS, const ScanResult &R, StringRef Name) {
  bool Found = false;
  for (const auto &[K, Provs] : R.Syscalls) {
    std::string Full = allowlistName(*R.Arch, K);
    if (Full != Name && StringRef(Full).split(':').second != Name)
      continue;
    Found = true;
    OS << Full << " (" << K.Nr << "):\n";
    for (const auto &[Prog, P] : Provs)
      OS << formatv("  {0}: {1}: {2} at {3:x}: {4}\n", Prog, P.Module,
                    P.Function.empty() ? "-" : P.Function, P.Addr, P.How);
  }
  if (!Found)
    OS << Name << ": not in the scanned set\n";
  return Found;
}
