//===- Cost.cpp - What each syscall costs, from one dominator tree --------===//
//
// The planner removes a section when a removed syscall's entry reaches it
// and nothing else does: not the sections no syscall reaches (all roots),
// not the dispatch, not a kept syscall's entry. So removing syscall S alone
// frees exactly the sections every path to which, from those roots, passes
// through S's entry. That is dominance: over the plan's references (the
// ReferenceModel of an allowlist that removes everything, so every dispatch
// relocation to an entry is cut) add a virtual root V whose children are
//   - every root no syscall is needed for (ReferenceModel::nonSyscallRoots),
//   - one virtual node per syscall (ABI and number), whose children are the
//     entries that syscall's own dispatch relocations name: a table slot,
//     or a switch case serving that number alone. An entry shared by two
//     ABIs or two numbers (ia32 and x64 bodies, fcntl/fcntl64) has two
//     parents and is nobody's alone, as it is for the planner;
//   - the entries of switch cases serving several numbers, which removing
//     one syscall never disables.
// Then S's exclusive bytes are the sizes summed over its virtual node's
// dominator subtree: one tree for all syscalls, not one liveness pass each.
// Sections only entries no dispatch names reach (another ABI's stubs) are
// removed whatever the allowlist (Baseline) and never reached from V.
//
// Shared bytes: what S reaches that no non-syscall root reaches, less its
// own. An allowlist's prediction is one mark from V's children less the
// virtual nodes of the syscalls it removes: what it leaves unmarked is what
// the planner marks Dead.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Analysis/Cost.h"
#include "sysgc/Analysis/Dominators.h"
#include "sysgc/Analysis/ReferenceModel.h"
#include "sysgc/Report/Report.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include <chrono>
#include <map>

using namespace sysgc;
using namespace llvm;

RemovalTotals sysgc::removalTotals(const SectionGraph &G,
                                   const BitVector &Dead) {
  // Counted by the report's own code, so the two compare field by field.
  LinkPlan P;
  P.Dead = Dead;
  RemovalTotals T;
  for (const RemovedSymbol &S : removedSymbols(G, P)) {
    (S.IsFunction ? T.FunctionBytes : T.ObjectBytes) += S.Size;
    T.Functions += S.IsFunction;
  }
  for (int N = Dead.find_first(); N != -1; N = Dead.find_next(N))
    T.SectionBytes += G.section(N).Size;
  T.Sections = Dead.count();
  return T;
}

namespace {
class Clock {
public:
  void lap(StringRef Name, std::vector<std::pair<std::string, double>> &To) {
    auto Now = std::chrono::steady_clock::now();
    To.push_back(
        {Name.str(),
         std::chrono::duration<double, std::milli>(Now - Start).count()});
    Start = Now;
  }

private:
  std::chrono::steady_clock::time_point Start =
      std::chrono::steady_clock::now();
};

// The graph the dominator tree is computed on: the model's nodes, then V,
// then one virtual node per syscall row.
struct CostGraph {
  std::vector<uint32_t> Begin, Succ;
  uint32_t Root = 0;
};
} // namespace

Expected<CostReport> sysgc::computeCosts(const SectionGraph &G,
                                         const ArchInfo &Arch,
                                         const PlanOptions &Opts,
                                         const std::vector<DispatchSite> &Sites,
                                         const CostOptions &CO) {
  CostReport R;
  Clock C;
  R.Arch = Arch.Name.str();
  R.Mode = Opts.Mode;
  R.Full = Opts.Full && Opts.Mode == GcMode::Retain;
  R.Output = CO.Output;
  R.AllowPath = CO.AllowPath;
  auto None = ReferenceModel::allowNone(Arch);
  if (!None)
    return None.takeError();
  auto MOrErr = ReferenceModel::build(G, Arch, Opts, Sites, *None);
  if (!MOrErr)
    return withContext(MOrErr.takeError(),
                       "planning the link with every syscall removed");
  const ReferenceModel &M = **MOrErr;
  const LinkPlan &P = M.Plan;
  R.Warnings = P.Warnings;
  R.AllRemoved = removalTotals(G, P.Dead);
  C.lap("plan", R.TimingsMs);

  // One row per syscall the planner gives a status; by name, one per name
  // (the ABIs joined by '+', the first one's number): what an unqualified
  // allowlist line removes.
  std::map<std::pair<std::string, uint32_t>, uint32_t> RowOf;
  std::map<std::string, uint32_t> NameRow;
  for (const SyscallStatus &S : P.Syscalls) {
    if (CO.ByName)
      if (auto It = NameRow.find(S.Name); It != NameRow.end()) {
        SyscallCost &Row = R.Syscalls[It->second];
        RowOf[{S.Abi, S.Nr}] = It->second;
        Row.Abi += "+" + S.Abi;
        if (Row.Entry.empty())
          Row.Entry = S.Entry;
        // Pinned if any ABI's code stays; implemented if any ABI has it.
        if (S.State == SyscallState::RemovedCodeKept ||
            Row.State == SyscallState::NotImplemented)
          Row.State = S.State;
        if (CO.Allow)
          Row.Allowed = *Row.Allowed || CO.Allow->allows(S.Abi, S.Nr);
        continue;
      }
    NameRow[S.Name] = R.Syscalls.size();
    RowOf[{S.Abi, S.Nr}] = R.Syscalls.size();
    SyscallCost Row;
    Row.Abi = S.Abi;
    Row.Nr = S.Nr;
    Row.Name = S.Name;
    Row.Entry = S.Entry;
    Row.State = S.State;
    if (CO.Allow)
      Row.Allowed = CO.Allow->allows(S.Abi, S.Nr);
    R.Syscalls.push_back(std::move(Row));
  }
  uint32_t N = G.numNodes(), Rows = R.Syscalls.size();
  uint32_t V = N, Total = N + 1 + Rows;
  auto Usable = [&](NodeId T) { return T != NoNode && !P.Discarded[T]; };

  // Which entries each syscall's own dispatch relocations name (every one
  // is retargeted in this model: nothing is allowed).
  std::vector<std::vector<NodeId>> Entries(Rows);
  std::vector<NodeId> Shared; // cases serving several numbers
  for (const DispatchEdge &E : P.DispatchEdges) {
    NodeId T = G.relocTarget(E.File, E.Reloc);
    if (!E.Retarget || !Usable(T))
      continue;
    auto It = E.Nrs.size() == 1
                  ? RowOf.find({P.Dispatch[E.Site].Abi, E.Nrs[0]})
                  : RowOf.end();
    if (It == RowOf.end())
      Shared.push_back(T);
    else
      Entries[It->second].push_back(T);
  }
  std::vector<NodeId> Roots = M.nonSyscallRoots();

  // The graph, as CSR.
  CostGraph D;
  D.Root = V;
  D.Begin.reserve(Total + 1);
  D.Succ.reserve(M.Refs.Refs.size() + M.LinkOrder.size() + Roots.size() +
                 Rows);
  for (NodeId I = 0; I < N; ++I) {
    D.Begin.push_back(D.Succ.size());
    M.forEachSuccessor(I, [&](NodeId T) { D.Succ.push_back(T); });
  }
  D.Begin.push_back(D.Succ.size()); // V
  D.Succ.insert(D.Succ.end(), Roots.begin(), Roots.end());
  D.Succ.insert(D.Succ.end(), Shared.begin(), Shared.end());
  for (uint32_t I = 0; I < Rows; ++I)
    D.Succ.push_back(N + 1 + I);
  for (uint32_t I = 0; I < Rows; ++I) {
    D.Begin.push_back(D.Succ.size());
    D.Succ.insert(D.Succ.end(), Entries[I].begin(), Entries[I].end());
  }
  D.Begin.push_back(D.Succ.size());
  C.lap("graph", R.TimingsMs);

  DominatorTree T = computeDominators(D.Begin, D.Succ, D.Root);
  C.lap("dominators", R.TimingsMs);

  // Each node's bytes, and those of its sized functions, counted as the
  // report counts Dead sections.
  std::vector<uint64_t> Bytes(Total), Sections(Total), FuncBytes(Total);
  for (NodeId I = 0; I < N; ++I) {
    if (!G.isAllocNode(I) || P.Discarded[I])
      continue;
    Bytes[I] = G.section(I).Size;
    Sections[I] = 1;
    const ElfObject &O = G.object(G.fileOf(I));
    for (uint32_t S : G.symbolsIn(I))
      if (O.Symbols[S].Type == ELF::STT_FUNC)
        FuncBytes[I] += O.Symbols[S].Size;
  }
  // Subtree sums: every node comes after its immediate dominator in Order.
  {
    std::vector<uint64_t> SB = Bytes, SS = Sections, SF = FuncBytes;
    for (uint32_t X : llvm::reverse(T.Order))
      if (X != V) {
        SB[T.Idom[X]] += SB[X];
        SS[T.Idom[X]] += SS[X];
        SF[T.Idom[X]] += SF[X];
      }
    for (uint32_t I = 0; I < Rows; ++I) {
      SyscallCost &Row = R.Syscalls[I];
      Row.ExclusiveBytes = SB[N + 1 + I];
      Row.ExclusiveSections = SS[N + 1 + I];
      Row.ExclusiveFunctionBytes = SF[N + 1 + I];
    }
    // Each section's owning syscall: the nearest syscall node above it in
    // the dominator tree (Order lists a node after its dominator).
    std::vector<int32_t> Owner(Total, -1);
    for (uint32_t X : T.Order) {
      if (X == V)
        continue;
      if (X > N && X <= N + Rows)
        Owner[X] = int32_t(X - N - 1);
      else
        Owner[X] = Owner[T.Idom[X]];
      if (X >= N || Owner[X] < 0 || !Bytes[X])
        continue;
      const ElfObject &O = G.object(G.fileOf(X));
      for (uint32_t S : G.symbolsIn(X))
        if (O.Symbols[S].Type == ELF::STT_FUNC && O.Symbols[S].Size)
          R.Syscalls[Owner[X]].ExclusiveFunctions.push_back(
              {O.Symbols[S].Name.str(), O.Symbols[S].Size});
    }
    for (SyscallCost &Row : R.Syscalls)
      llvm::sort(Row.ExclusiveFunctions, [](const auto &A, const auto &B) {
        return std::tie(B.second, A.first) < std::tie(A.second, B.first);
      });
  }
  C.lap("exclusive", R.TimingsMs);

  // Marks from a set of V's children (iterative, over the model's graph).
  auto MarkFrom = [&](ArrayRef<NodeId> From, BitVector &Mark) {
    std::vector<NodeId> Stack;
    for (NodeId X : From)
      if (!Mark.test(X)) {
        Mark.set(X);
        Stack.push_back(X);
      }
    while (!Stack.empty()) {
      NodeId X = Stack.back();
      Stack.pop_back();
      for (uint32_t J = D.Begin[X]; J < D.Begin[X + 1]; ++J)
        if (uint32_t Y = D.Succ[J]; !Mark.test(Y)) {
          Mark.set(Y);
          Stack.push_back(Y);
        }
    }
  };
  std::vector<NodeId> Always(Roots);
  Always.insert(Always.end(), Shared.begin(), Shared.end());
  BitVector Live0(N);
  MarkFrom(Always, Live0);
  // Dead with every syscall kept: nothing reaches it from V.
  {
    BitVector AllKept = Live0;
    for (uint32_t I = 0; I < Rows; ++I)
      MarkFrom(Entries[I], AllKept);
    BitVector Dead(N);
    for (NodeId I = 0; I < N; ++I)
      if (G.isAllocNode(I) && !P.Discarded[I] && !AllKept[I])
        Dead.set(I);
    R.Baseline = removalTotals(G, Dead);
  }

  // Shared: a walk per syscall, confined to what only syscalls reach (a
  // node V reaches without a syscall leads only to such nodes).
  {
    std::vector<uint32_t> Stamp(N, 0);
    std::vector<NodeId> Stack;
    for (uint32_t I = 0; I < Rows; ++I) {
      uint64_t ReachBytes = 0, ReachSections = 0;
      uint32_t Gen = I + 1;
      auto Visit = [&](NodeId X) {
        if (Live0[X] || Stamp[X] == Gen)
          return;
        Stamp[X] = Gen;
        ReachBytes += Bytes[X];
        ReachSections += Sections[X];
        Stack.push_back(X);
      };
      for (NodeId E : Entries[I])
        Visit(E);
      while (!Stack.empty()) {
        NodeId X = Stack.back();
        Stack.pop_back();
        for (uint32_t J = D.Begin[X]; J < D.Begin[X + 1]; ++J)
          Visit(D.Succ[J]);
      }
      SyscallCost &Row = R.Syscalls[I];
      Row.SharedBytes = ReachBytes - Row.ExclusiveBytes;
      Row.SharedSections = ReachSections - Row.ExclusiveSections;
    }
  }
  C.lap("shared", R.TimingsMs);

  if (CO.Allow) {
    // The allowlist's dispatch decisions, by the planner's own rule.
    LinkPlan A;
    A.Arch = &Arch;
    A.Mode = P.Mode;
    A.Dispatch = Sites;
    A.Discarded = P.Discarded;
    PlanOptions PO = Opts;
    PO.AllowInlinedDispatch = true;
    if (Error E = planDispatch(G, *CO.Allow, PO, A))
      return withContext(std::move(E), CO.AllowPath);
    if (A.DispatchEdges.size() != P.DispatchEdges.size())
      return makeError("{0}: the dispatch decoded differently for the "
                       "allowlist ({1} relocations, {2} without it)",
                       CO.AllowPath, A.DispatchEdges.size(),
                       P.DispatchEdges.size());
    std::vector<NodeId> Kept(Always);
    for (const DispatchEdge &E : A.DispatchEdges)
      if (!E.Retarget)
        if (NodeId T = G.relocTarget(E.File, E.Reloc); Usable(T))
          Kept.push_back(T);
    BitVector Live(N);
    MarkFrom(Kept, Live);
    BitVector Dead(N);
    for (NodeId I = 0; I < N; ++I)
      if (G.isAllocNode(I) && !P.Discarded[I] && !Live[I])
        Dead.set(I);
    R.Predicted = removalTotals(G, Dead);
    C.lap("allowlist", R.TimingsMs);
  }

  llvm::sort(R.Syscalls, [](const SyscallCost &A, const SyscallCost &B) {
    return std::make_tuple(B.ExclusiveBytes, B.SharedBytes, A.Abi, A.Nr) <
           std::make_tuple(A.ExclusiveBytes, A.SharedBytes, B.Abi, B.Nr);
  });
  return R;
}

static StringRef stateName(SyscallState S) {
  switch (S) {
  case SyscallState::RemovedCodeKept:
    return "pinned";
  case SyscallState::NotImplemented:
  case SyscallState::AllowedNotImplemented:
    return "not_implemented";
  default:
    return "implemented";
  }
}

void sysgc::writeCostText(const CostReport &R, raw_ostream &OS, size_t Limit) {
  OS << formatv("sysgc cost: {0} ({1}, {2}{3}): {4} syscalls\n", R.Output,
                R.Arch, R.Mode == GcMode::Retain ? "retain" : "collect",
                R.Full ? ", gc full" : "", R.Syscalls.size());
  OS << formatv("  every syscall removed: {0} bytes in {1} sections ({2} "
                "function bytes)\n",
                R.AllRemoved.SectionBytes, R.AllRemoved.Sections,
                R.AllRemoved.FunctionBytes);
  OS << formatv("  every syscall kept:    {0} bytes in {1} sections (entries "
                "no dispatch names)\n",
                R.Baseline.SectionBytes, R.Baseline.Sections);
  if (R.Predicted)
    OS << formatv("  allowlist {0}: sysgc-ld removes {1} bytes in {2} "
                  "sections ({3} function bytes in {4} functions, {5} "
                  "object bytes)\n",
                  R.AllowPath, R.Predicted->SectionBytes,
                  R.Predicted->Sections, R.Predicted->FunctionBytes,
                  R.Predicted->Functions, R.Predicted->ObjectBytes);
  OS << formatv("{0,10} {1,10} {2,-8} {3,5} {4,-24} {5}\n", "exclusive",
                "shared", "abi", "nr", "syscall",
                R.Predicted ? "state, allowed" : "state");
  size_t Shown = 0;
  for (const SyscallCost &S : R.Syscalls) {
    if (Limit && Shown++ == Limit) {
      OS << formatv("... {0} more (--limit 0 shows all)\n",
                    R.Syscalls.size() - Limit);
      break;
    }
    OS << formatv("{0,10} {1,10} {2,-8} {3,5} {4,-24} {5}", S.ExclusiveBytes,
                  S.SharedBytes, S.Abi, S.Nr, S.Name, stateName(S.State));
    if (S.Allowed)
      OS << (*S.Allowed ? ", allowed" : ", removed");
    OS << "\n";
  }
  for (const std::string &W : R.Warnings)
    OS << "warning: " << W << "\n";
}

static void totalsJson(json::OStream &J, const RemovalTotals &T) {
  J.attribute("removed_sections", int64_t(T.Sections));
  J.attribute("removed_section_bytes", int64_t(T.SectionBytes));
  J.attribute("removed_functions", int64_t(T.Functions));
  J.attribute("removed_function_bytes", int64_t(T.FunctionBytes));
  J.attribute("removed_object_bytes", int64_t(T.ObjectBytes));
}

void sysgc::writeCostJson(const CostReport &R, raw_ostream &OS) {
  json::OStream J(OS, 2);
  J.objectBegin();
  J.attribute("schema", "sysgc-cost/1");
  J.attribute("arch", R.Arch);
  J.attribute("mode", R.Mode == GcMode::Retain ? "retain" : "collect");
  J.attribute("gc", R.Full ? "full" : "syscall");
  J.attribute("output", R.Output);
  if (R.AllowPath.empty())
    J.attribute("allowlist", nullptr);
  else
    J.attribute("allowlist", R.AllowPath);
  J.attributeObject("all_removed", [&] { totalsJson(J, R.AllRemoved); });
  J.attributeObject("all_kept", [&] { totalsJson(J, R.Baseline); });
  if (R.Predicted)
    J.attributeObject("predicted", [&] { totalsJson(J, *R.Predicted); });
  else
    J.attribute("predicted", nullptr);
  J.attributeArray("syscalls", [&] {
    for (const SyscallCost &S : R.Syscalls)
      J.object([&] {
        J.attribute("abi", S.Abi);
        J.attribute("nr", int64_t(S.Nr));
        J.attribute("name", S.Name);
        J.attribute("entry", S.Entry);
        J.attribute("state", stateName(S.State));
        if (S.Allowed)
          J.attribute("allowed", *S.Allowed);
        else
          J.attribute("allowed", nullptr);
        J.attribute("exclusive_bytes", int64_t(S.ExclusiveBytes));
        J.attribute("exclusive_sections", int64_t(S.ExclusiveSections));
        J.attribute("exclusive_function_bytes",
                    int64_t(S.ExclusiveFunctionBytes));
        J.attribute("shared_bytes", int64_t(S.SharedBytes));
        J.attribute("shared_sections", int64_t(S.SharedSections));
        J.attributeArray("exclusive_functions", [&] {
          for (const auto &[Name, Size] : S.ExclusiveFunctions)
            J.object([&] {
              J.attribute("name", Name);
              J.attribute("size", int64_t(Size));
            });
        });
      });
  });
  J.attributeArray("warnings", [&] {
    for (const std::string &W : R.Warnings)
      J.value(W);
  });
  J.objectEnd();
  OS << "\n";
}

void sysgc::writeCostCsv(const CostReport &R, raw_ostream &OS) {
  OS << "abi,nr,name,entry,state,allowed,exclusive_bytes,exclusive_sections,"
        "exclusive_function_bytes,shared_bytes,shared_sections\n";
  for (const SyscallCost &S : R.Syscalls)
    OS << formatv("{0},{1},{2},{3},{4},{5},{6},{7},{8},{9},{10}\n", S.Abi,
                  S.Nr, S.Name, S.Entry, stateName(S.State),
                  S.Allowed ? (*S.Allowed ? "yes" : "no") : "", S.ExclusiveBytes,
                  S.ExclusiveSections, S.ExclusiveFunctionBytes, S.SharedBytes,
                  S.SharedSections);
}
