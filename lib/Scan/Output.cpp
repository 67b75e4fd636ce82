//===- Output.cpp - The scanner's allowlist and JSON outputs --------------===//
//
// Both formats are interfaces (other tools and people read them), so they
// are stable and documented here. The list is what sysgc-ld reads: a '#'
// header (the sysgc version, what was scanned, how many sites stayed
// unresolved), then one "ABI:name" per line, sorted by ABI and number.
// The JSON object holds the same set with the provenance of every syscall
// and every unresolved site:
//   {"sysgc": version, "arch": name, "programs": [{"path", "modules",
//    "missing", "syscalls": [names], "functions", "reachable_functions"}],
//    "syscalls": [{"name", "abi", "nr", "sites": [{"program", "module",
//    "function", "address", "how"}]}],
//    "unresolved": [{"program", "module", "function", "address", "reason"}],
//    "not_in_table": [...same...], "notes": [text],
//    "stats": {"modules_summarised", "summaries_reused"}}
// The seccomp profile is the OCI runtime spec's linux.seccomp object, as
// Docker's --security-opt seccomp=FILE reads it. The header is C (see
// writeHeader in Scan.h): its macros are sorted, its comment names the
// programs, so the same scan gives the same bytes.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/Scan.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace sysgc;
using namespace llvm;

std::string sysgc::allowlistName(const ArchInfo &A, SyscallKey K) {
  const AbiInfo &Abi = A.Abis[K.Abi];
  const SyscallDesc *D = Abi.findByNr(K.Nr);
  return (Abi.Name + ":" + (D ? D->Name : StringRef("?"))).str();
}

void sysgc::writeAllowlist(raw_ostream &OS, const ScanResult &R,
                           const ScanOptions &Opts) {
  OS << "# sysgc scan " << Opts.Version << ": the syscalls reachable in "
     << R.Programs.size() << " " << R.Arch->Name << " program"
     << (R.Programs.size() == 1 ? "" : "s");
  if (!Opts.Root.empty())
    OS << " under " << Opts.Root;
  OS << "\n";
  size_t Listed = 0;
  for (const ProgramResult &P : R.Programs) {
    if (Listed++ == 20) {
      OS << "#   ... and " << R.Programs.size() - 20 << " more\n";
      break;
    }
    OS << "#   " << P.Path << " (" << P.Modules.size() << " module"
       << (P.Modules.size() == 1 ? "" : "s") << ", " << P.Syscalls.size()
       << " syscalls)\n";
  }
  OS << "# " << R.Syscalls.size() << " syscalls; " << R.Unresolved.size()
     << " unresolved site" << (R.Unresolved.size() == 1 ? "" : "s")
     << (R.Unresolved.empty() ? "" : " (listed by --format=json)") << "\n";
  for (const auto &[K, V] : R.Syscalls)
    OS << allowlistName(*R.Arch, K) << "\n";
}

static void site(json::OStream &J, const std::string &Program,
                 const SiteReport &S) {
  J.object([&] {
    J.attribute("program", Program);
    J.attribute("module", S.Module);
    J.attribute("function", S.Function);
    J.attribute("address", formatv("{0:x}", S.Addr).str());
    J.attribute("reason", S.Reason);
  });
}

void sysgc::writeJson(raw_ostream &OS, const ScanResult &R,
                      const ScanOptions &Opts) {
  json::OStream J(OS, 1);
  J.object([&] {
    J.attribute("sysgc", Opts.Version);
    J.attribute("arch", R.Arch->Name);
    if (!Opts.Root.empty())
      J.attribute("root", Opts.Root);
    J.attributeArray("programs", [&] {
      for (const ProgramResult &P : R.Programs)
        J.object([&] {
          J.attribute("path", P.Path);
          J.attributeArray("modules", [&] {
            for (const std::string &M : P.Modules)
              J.value(M);
          });
          J.attributeArray("missing", [&] {
            for (const std::string &M : P.Missing)
              J.value(M);
          });
          J.attribute("functions", int64_t(P.Functions));
          J.attribute("reachable_functions", int64_t(P.ReachableFunctions));
          J.attributeArray("syscalls", [&] {
            for (SyscallKey K : P.Syscalls)
              J.value(allowlistName(*R.Arch, K));
          });
          if (Opts.Naive)
            J.attributeArray("naive_syscalls", [&] {
              for (SyscallKey K : P.NaiveSyscalls)
                J.value(allowlistName(*R.Arch, K));
            });
          J.attribute("unresolved", int64_t(P.Unresolved.size()));
        });
    });
    J.attributeArray("syscalls", [&] {
      for (const auto &[K, Provs] : R.Syscalls)
        J.object([&] {
          J.attribute("name", allowlistName(*R.Arch, K));
          J.attribute("abi", R.Arch->Abis[K.Abi].Name);
          J.attribute("nr", int64_t(K.Nr));
          J.attributeArray("sites", [&] {
            for (const auto &[Prog, Pv] : Provs)
              J.object([&] {
                J.attribute("program", Prog);
                J.attribute("module", Pv.Module);
                J.attribute("function", Pv.Function);
                J.attribute("address", formatv("{0:x}", Pv.Addr).str());
                J.attribute("how", Pv.How);
              });
          });
        });
    });
    J.attributeArray("unresolved", [&] {
      for (const auto &[Prog, S] : R.Unresolved)
        site(J, Prog, S);
    });
    J.attributeArray("not_in_table", [&] {
      for (const auto &[Prog, S] : R.NotInTable)
        site(J, Prog, S);
    });
    J.attributeArray("notes", [&] {
      for (const std::string &N : R.Notes)
        J.value(N);
    });
    J.attributeObject("stats", [&] {
      J.attribute("modules_summarised", int64_t(R.ModulesSummarised));
      J.attribute("summaries_reused", int64_t(R.SummariesReused));
    });
  });
  OS << "\n";
}

// libseccomp's name of an ABI's architecture.
static StringRef seccompArch(StringRef Abi) {
  return StringSwitch<StringRef>(Abi)
      .Case("x64", "SCMP_ARCH_X86_64")
      .Case("ia32", "SCMP_ARCH_X86")
      .Case("x32", "SCMP_ARCH_X32")
      .Case("arm64", "SCMP_ARCH_AARCH64")
      .Case("compat", "SCMP_ARCH_ARM")
      .Case("arm", "SCMP_ARCH_ARM")
      .Case("riscv64", "SCMP_ARCH_RISCV64")
      .Default("");
}

void sysgc::writeSeccomp(raw_ostream &OS, const ScanResult &R,
                         const ScanOptions &Opts) {
  std::vector<std::string> Archs, Names;
  for (const auto &[K, V] : R.Syscalls) {
    const AbiInfo &Abi = R.Arch->Abis[K.Abi];
    StringRef A = seccompArch(Abi.Name);
    if (!A.empty() && !llvm::is_contained(Archs, A.str()))
      Archs.push_back(A.str());
    if (const SyscallDesc *D = Abi.findByNr(K.Nr))
      if (!llvm::is_contained(Names, D->Name.str()))
        Names.push_back(D->Name.str());
  }
  llvm::sort(Names);
  json::OStream J(OS, 1);
  J.object([&] {
    J.attribute("defaultAction", "SCMP_ACT_ERRNO");
    J.attribute("defaultErrnoRet", 38); // ENOSYS
    J.attributeArray("architectures", [&] {
      for (const std::string &A : Archs)
        J.value(A);
    });
    J.attributeArray("syscalls", [&] {
      J.object([&] {
        J.attributeArray("names", [&] {
          for (const std::string &N : Names)
            J.value(N);
        });
        J.attribute("action", "SCMP_ACT_ALLOW");
        J.attribute("comment",
                    ("sysgc scan " + Opts.Version + ": " +
                     Twine(R.Programs.size()) + " program(s), " +
                     Twine(R.Unresolved.size()) + " unresolved site(s)")
                        .str());
      });
    });
  });
  OS << "\n";
}

// A path or name inside a C block comment: "*/" would end it.
static std::string commentSafe(StringRef S) {
  std::string Out;
  for (size_t I = 0; I < S.size(); ++I) {
    Out += S[I];
    if (S[I] == '*' && I + 1 < S.size() && S[I + 1] == '/')
      Out += ' ';
  }
  return Out;
}

void sysgc::writeHeader(raw_ostream &OS, const ScanResult &R,
                        const ScanOptions &Opts) {
  // Entry points (sys_read, compat_sys_fcntl64) and ABI:name pairs.
  std::set<std::string> Entries;
  std::map<std::string, std::vector<std::string>> ByAbi; // in table order
  for (const auto &[K, V] : R.Syscalls) {
    const AbiInfo &Abi = R.Arch->Abis[K.Abi];
    const SyscallDesc *D = Abi.findByNr(K.Nr);
    if (!D)
      continue;
    ByAbi[Abi.Name.str()].push_back(D->Name.str());
    for (StringRef E : {D->Entry, D->CompatEntry})
      if (!E.empty() && E != "sys_ni_syscall")
        Entries.insert(E.str());
  }
  OS << "/*\n * Generated by sysgc scan " << commentSafe(Opts.Version)
     << ": the syscalls reachable in " << R.Programs.size() << " "
     << R.Arch->Name << " program" << (R.Programs.size() == 1 ? "" : "s");
  if (!Opts.Root.empty())
    OS << " under " << commentSafe(Opts.Root);
  OS << ".\n";
  size_t Listed = 0;
  for (const ProgramResult &P : R.Programs) {
    if (Listed++ == 20) {
      OS << " *   ... and " << R.Programs.size() - 20 << " more\n";
      break;
    }
    OS << " *   " << commentSafe(P.Path) << " (" << P.Syscalls.size()
       << " syscalls)\n";
  }
  OS << " * " << R.Syscalls.size() << " syscalls; " << R.Unresolved.size()
     << " unresolved syscall site" << (R.Unresolved.size() == 1 ? "" : "s")
     << (R.Unresolved.empty() ? "" : " (sysgc scan --format=json lists them)")
     << ".\n"
     << " *\n"
     << " * For source-level builds, in the form of the kernel's dead syscall\n"
     << " * elimination proposal (\"DCE/DSE: Add Dead Syscalls Elimination\n"
     << " * support\", 2023): __USED_NR_<call> is defined to 1 for every kept\n"
     << " * entry point, so that a syscall table built with\n"
     << " *   #define __SYSCALL(nr, call) [nr] = __is_defined(__USED_NR_##call) ?\n"
     << " *           call : sys_ni_syscall,\n"
     << " * keeps only these (__is_defined is include/linux/kconfig.h's), and\n"
     << " * SYSGC_USED_SYSCALLS is the same set as its CONFIG_USED_SYSCALLS\n"
     << " * string. SYSGC_ALLOW_<abi>_<name> is defined to 1 for every kept\n"
     << " * syscall of each ABI (names as sysgc-ld's allowlist spells them),\n"
     << " * SYSGC_NR_ALLOWED_<abi> counts them. Do not edit: scan again.\n"
     << " */\n"
     << "#ifndef SYSGC_USED_SYSCALLS_H\n"
     << "#define SYSGC_USED_SYSCALLS_H\n\n";
  for (const std::string &E : Entries)
    OS << "#define __USED_NR_" << E << " 1\n";
  OS << "\n#define SYSGC_USED_SYSCALLS \"";
  ListSeparator LS(" ");
  for (const std::string &E : Entries)
    OS << LS << E;
  OS << "\"\n";
  for (const auto &[Abi, Names] : ByAbi) {
    OS << "\n#define SYSGC_NR_ALLOWED_" << Abi << " " << Names.size() << "\n";
    for (const std::string &N : Names)
      OS << "#define SYSGC_ALLOW_" << Abi << "_" << N << " 1\n";
  }
  OS << "\n#endif /* SYSGC_USED_SYSCALLS_H */\n";
}
