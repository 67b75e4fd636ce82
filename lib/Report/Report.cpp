//===- Report.cpp - JSON report and terminal summary ----------------------===//
//
// The JSON schema (version 1) is documented in README.md; keys are written
// in a fixed order and every list is sorted, so that the same inputs give
// the same bytes.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Report/Report.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace sysgc;
using namespace llvm;

std::string sysgc::outputSectionName(StringRef Name) {
  // The prefixes lld's getOutputSectionName folds, most specific first.
  static const char *const Prefixes[] = {
      ".data.rel.ro", ".text", ".rodata", ".data", ".bss.rel.ro", ".bss",
      ".tbss", ".tdata", ".ldata", ".lrodata", ".lbss", ".init_array",
      ".fini_array", ".gcc_except_table", ".ARM.exidx", ".ARM.extab",
      ".ctors", ".dtors", ".sbss", ".sdata", ".srodata"};
  for (StringRef P : Prefixes)
    if (Name == P || Name.starts_with((P + ".").str()))
      return P.str();
  return Name.str();
}

std::vector<RemovedSymbol> sysgc::removedSymbols(const SectionGraph &G,
                                                 const LinkPlan &Plan) {
  std::vector<RemovedSymbol> Out;
  for (int N = Plan.Dead.find_first(); N != -1; N = Plan.Dead.find_next(N)) {
    const ElfObject &O = G.object(G.fileOf(N));
    for (uint32_t S : G.symbolsIn(N)) {
      const ElfSymbol &Sym = O.Symbols[S];
      if (!Sym.Size)
        continue;
      Out.push_back({Sym.Name.str(), Sym.Size, Sym.Type == ELF::STT_FUNC,
                     G.section(N).Name.str(), G.inputs().Objects[G.fileOf(N)].Name});
    }
  }
  llvm::sort(Out, [](const RemovedSymbol &A, const RemovedSymbol &B) {
    return std::tie(B.Size, A.Name, A.File) < std::tie(A.Size, B.Name, B.File);
  });
  return Out;
}

std::map<std::string, uint64_t>
sysgc::removedBytesByOutputSection(const SectionGraph &G, const LinkPlan &Plan) {
  std::map<std::string, uint64_t> Out;
  for (int N = Plan.Dead.find_first(); N != -1; N = Plan.Dead.find_next(N))
    Out[outputSectionName(G.section(N).Name)] += G.section(N).Size;
  return Out;
}

std::map<std::string, std::pair<uint64_t, uint64_t>>
sysgc::beyondScopedByOutputSection(const SectionGraph &G,
                                   const LinkPlan &Plan) {
  std::map<std::string, std::pair<uint64_t, uint64_t>> Out;
  if (!Plan.Full)
    return Out;
  for (int N = Plan.Dead.find_first(); N != -1; N = Plan.Dead.find_next(N))
    if (!Plan.ScopedDead[N]) {
      auto &T = Out[outputSectionName(G.section(N).Name)];
      T.first += G.section(N).Size;
      ++T.second;
    }
  return Out;
}

void sysgc::writeJsonReport(const ReportData &D, raw_ostream &RawOS) {
  const SectionGraph &G = *D.Graph;
  const LinkPlan &P = *D.Plan;
  json::OStream J(RawOS, 2);
  J.objectBegin();
  J.attribute("schema", "sysgc-report/1");
  J.attribute("arch", P.Arch->Name);
  J.attribute("mode", P.Mode == GcMode::Retain ? "retain" : "collect");
  J.attribute("gc", P.Full ? "full" : "syscall");
  J.attribute("output", D.Output);
  J.attribute("allowlist", D.AllowlistPath);

  J.attributeArray("dispatch", [&] {
    for (const DispatchSite &S : P.Dispatch)
      J.object([&] {
        J.attribute("abi", S.Abi);
        J.attribute("symbol", S.Symbol);
        J.attribute("kind", S.IsTable ? "table" : "switch");
        J.attribute("section", G.describe(S.Node));
        size_t Total = 0, Retargeted = 0;
        for (const DispatchEdge &E : P.DispatchEdges)
          if (&P.Dispatch[E.Site] == &S) {
            ++Total;
            Retargeted += E.Retarget;
          }
        J.attribute("entries", int64_t(Total));
        J.attribute("retargeted", int64_t(Retargeted));
        J.attribute("collected",
                    llvm::is_contained(D.Verify.CollectedDispatch,
                                       size_t(&S - P.Dispatch.data())));
      });
  });

  // syscalls: { abi: { state: [names] } } plus the reasons.
  std::map<std::string, std::map<std::string, std::vector<std::string>>> ByAbi;
  for (const SyscallStatus &S : P.Syscalls)
    ByAbi[S.Abi][toString(S.State).str()].push_back(S.Name);
  J.attributeObject("syscalls", [&] {
    for (auto &[Abi, States] : ByAbi)
      J.attributeObject(Abi, [&] {
        for (const char *St : {"kept", "removed", "removed_code_kept",
                               "not_implemented", "allowed_not_implemented"}) {
          std::vector<std::string> Names = States[St];
          llvm::sort(Names);
          J.attributeArray(St, [&] {
            for (const std::string &N : Names)
              J.value(N);
          });
        }
      });
  });
  J.attributeArray("kept_alive", [&] {
    for (const SyscallStatus &S : P.Syscalls)
      if (S.State == SyscallState::RemovedCodeKept)
        J.object([&] {
          J.attribute("abi", S.Abi);
          J.attribute("syscall", S.Name);
          J.attribute("entry", S.Entry);
          J.attribute("reason", S.Reason);
        });
  });

  std::vector<RemovedSymbol> Removed = removedSymbols(G, P);
  uint64_t FuncBytes = 0, ObjBytes = 0;
  size_t Funcs = 0;
  for (const RemovedSymbol &R : Removed) {
    (R.IsFunction ? FuncBytes : ObjBytes) += R.Size;
    Funcs += R.IsFunction;
  }
  std::map<std::string, uint64_t> BySec = removedBytesByOutputSection(G, P);
  uint64_t SecBytes = 0;
  for (auto &[_, B] : BySec)
    SecBytes += B;
  J.attributeObject("totals", [&] {
    J.attribute("removed_functions", int64_t(Funcs));
    J.attribute("removed_function_bytes", int64_t(FuncBytes));
    J.attribute("removed_object_bytes", int64_t(ObjBytes));
    J.attribute("removed_section_bytes", int64_t(SecBytes));
    J.attribute("removed_sections", int64_t(P.Dead.count()));
  });
  // How much of the syscall-exclusive code (every back-reference ignored)
  // was really removed.
  uint64_t CodeRemoved = 0, CodeBound = 0;
  for (NodeId N = 0; N < G.numNodes(); ++N) {
    const ElfSection &S = G.section(N);
    if (!(S.Flags & ELF::SHF_EXECINSTR))
      continue;
    if (P.Dead.size() > N && P.Dead[N])
      CodeRemoved += S.Size;
    if (P.IdealDead.size() > N && P.IdealDead[N])
      CodeBound += S.Size;
  }
  J.attributeObject("capture", [&] {
    J.attribute("removed_code_bytes", int64_t(CodeRemoved));
    J.attribute("exclusive_code_bytes", int64_t(CodeBound));
    J.attribute("ratio", CodeBound ? std::round(1e4 * double(CodeRemoved) /
                                                double(CodeBound)) / 1e4
                                   : 1.0);
  });
  J.attributeObject("removed_bytes_by_output_section", [&] {
    for (auto &[Name, Bytes] : BySec)
      J.attribute(Name, int64_t(Bytes));
  });
  if (P.Full)
    J.attributeObject("full", [&] {
      // What the syscall-scoped plan alone would have removed, and what
      // whole-kernel collection removed beyond it, per output section.
      uint64_t ScopedFunc = 0, ScopedObj = 0, ScopedSec = 0;
      for (int N = P.ScopedDead.find_first(); N != -1;
           N = P.ScopedDead.find_next(N)) {
        ScopedSec += G.section(N).Size;
        const ElfObject &O = G.object(G.fileOf(N));
        for (uint32_t S : G.symbolsIn(N))
          (O.Symbols[S].Type == ELF::STT_FUNC ? ScopedFunc : ScopedObj) +=
              O.Symbols[S].Size;
      }
      J.attributeObject("syscall_scoped", [&] {
        J.attribute("removed_function_bytes", int64_t(ScopedFunc));
        J.attribute("removed_object_bytes", int64_t(ScopedObj));
        J.attribute("removed_section_bytes", int64_t(ScopedSec));
        J.attribute("removed_sections", int64_t(P.ScopedDead.count()));
      });
      J.attributeObject("beyond_syscall_scoped", [&] {
        J.attribute("removed_function_bytes", int64_t(FuncBytes - ScopedFunc));
        J.attribute("removed_object_bytes", int64_t(ObjBytes - ScopedObj));
        J.attributeObject("by_output_section", [&] {
          for (auto &[Name, T] : beyondScopedByOutputSection(G, P))
            J.attributeObject(Name, [&] {
              J.attribute("bytes", int64_t(T.first));
              J.attribute("sections", int64_t(T.second));
            });
        });
      });
    });
  J.attributeArray("removed_symbols", [&] {
    for (const RemovedSymbol &R : Removed)
      J.object([&] {
        J.attribute("name", R.Name);
        J.attribute("kind", R.IsFunction ? "function" : "object");
        J.attribute("size", int64_t(R.Size));
        J.attribute("section", R.Section);
        J.attribute("file", R.File);
      });
  });
  J.attributeArray("tables", [&] {
    for (const TableSplit &S : P.Splits)
      J.object([&] {
        const ElfObject &O = G.object(S.File);
        size_t Entries = S.Remainder.size(), Dropped = 0;
        for (const TablePiece &Pc : S.Pieces) {
          Entries += Pc.Entries.size();
          if (P.Dead[G.node(S.File, Pc.Owner)])
            Dropped += Pc.Entries.size();
        }
        J.attribute("section", O.Sections[S.Sec].Name);
        J.attribute("file", G.inputs().Objects[S.File].Name);
        J.attribute("entries", int64_t(Entries));
        J.attribute("pieces", int64_t(S.Pieces.size()));
        J.attribute("entries_in_place", int64_t(S.Remainder.size()));
        J.attribute("removed_entries", int64_t(Dropped));
      });
  });
  J.attributeArray("snippets", [&] {
    for (const RangeSplit &S : P.RangeSplits)
      J.object([&] {
        size_t Dropped = 0;
        uint64_t DroppedBytes = 0;
        for (const RangePiece &Pc : S.Pieces)
          if (P.Dead[G.node(S.File, Pc.Owner)])
            for (uint32_t R : Pc.Ranges) {
              ++Dropped;
              DroppedBytes += S.Ranges[R].second - S.Ranges[R].first;
            }
        J.attribute("section", G.object(S.File).Sections[S.Sec].Name);
        J.attribute("file", G.inputs().Objects[S.File].Name);
        J.attribute("snippets", int64_t(S.Ranges.size()));
        J.attribute("pieces", int64_t(S.Pieces.size()));
        J.attribute("removed_snippets", int64_t(Dropped));
        J.attribute("removed_bytes", int64_t(DroppedBytes));
      });
  });
  J.attributeObject("verify", [&] {
    J.attribute("dispatch_slots_checked", int64_t(D.Verify.SlotsChecked));
    J.attribute("dispatch_branches_checked", int64_t(D.Verify.BranchesChecked));
    J.attributeArray("notes", [&] {
      for (const std::string &N : D.Verify.Notes)
        J.value(N);
    });
  });
  J.attributeArray("warnings", [&] {
    for (const std::string &W : P.Warnings)
      J.value(W);
  });
  if (D.IncludeTimings)
    J.attributeObject("timings_ms", [&] {
      if (D.Timings)
        for (auto &[Phase, Ms] : D.Timings())
          J.attribute(Phase, std::round(Ms * 1000) / 1000);
    });
  J.objectEnd();
  RawOS << "\n";
}

void sysgc::printSummary(const ReportData &D, raw_ostream &OS) {
  const LinkPlan &P = *D.Plan;
  std::map<std::string, std::map<SyscallState, size_t>> Counts;
  for (const SyscallStatus &S : P.Syscalls)
    ++Counts[S.Abi][S.State];
  for (auto &[Abi, C] : Counts) {
    size_t Implemented = C[SyscallState::Kept] + C[SyscallState::Removed] +
                         C[SyscallState::RemovedCodeKept];
    OS << formatv("sysgc-ld: {0} {1}: kept {2} of {3} implemented syscalls, "
                  "removed {4}",
                  P.Arch->Name, Abi, C[SyscallState::Kept], Implemented,
                  C[SyscallState::Removed] + C[SyscallState::RemovedCodeKept]);
    if (C[SyscallState::RemovedCodeKept])
      OS << formatv(" ({0} disabled but their code is still referenced)",
                    C[SyscallState::RemovedCodeKept]);
    OS << "\n";
  }
  std::vector<RemovedSymbol> Removed = removedSymbols(*D.Graph, P);
  int64_t Down = 0;
  for (const RemovedSymbol &R : Removed)
    Down -= R.Size;
  // bloat-o-meter's totals line.
  OS << formatv("add/remove: 0/{0} grow/shrink: 0/0 up/down: 0/{1} ({1})\n",
                Removed.size(), Down);
  for (auto &[Name, Bytes] : removedBytesByOutputSection(*D.Graph, P))
    OS << formatv("  {0,-24} -{1}\n", Name, Bytes);
  if (P.Full) {
    uint64_t Beyond = 0;
    auto By = beyondScopedByOutputSection(*D.Graph, P);
    for (auto &[_, T] : By)
      Beyond += T.first;
    OS << formatv("sysgc-ld: full mode: {0} section bytes removed beyond the "
                  "syscall-scoped plan:",
                  Beyond);
    for (auto &[Name, T] : By)
      OS << " " << Name << " -" << T.first;
    OS << "\n";
  }
  for (const std::string &N : D.Verify.Notes)
    OS << "sysgc-ld: note: " << N << "\n";
}
