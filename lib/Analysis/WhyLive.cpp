//===- WhyLive.cpp - Why a symbol survives an allowlist -------------------===//
//
// Two models of the link (ReferenceModel): one that removes every syscall,
// for the roots no syscall is needed for, and one of the allowlist, for its
// references (the dispatch relocations of kept syscalls stay, those of
// removed ones are cut) and its Dead set. A breadth-first search from those
// roots over the allowlist's references finds the shortest chain; it
// reaches exactly what the planner keeps (checked: a section the planner
// keeps that the search misses is an error, never a made-up chain).
//
//===----------------------------------------------------------------------===//
#include "sysgc/Analysis/WhyLive.h"
#include "sysgc/Analysis/ReferenceModel.h"
#include "sysgc/Support/Error.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include <algorithm>
#include <deque>
#include <map>

using namespace sysgc;
using namespace llvm;

StringRef sysgc::toString(WhyVerdict V) {
  switch (V) {
  case WhyVerdict::Root:
    return "root";
  case WhyVerdict::Live:
    return "live";
  case WhyVerdict::Removed:
    return "removed";
  case WhyVerdict::NotInImage:
    return "not_in_image";
  }
  return "unknown";
}

namespace {
// The definition of Name: the global one, else the first local one in a
// linked object's allocated section.
SymbolRef findSymbol(const SectionGraph &G, StringRef Name) {
  if (SymbolRef S = G.lookup(Name); S.valid())
    return S;
  for (uint32_t F = 0; F < G.inputs().Objects.size(); ++F) {
    if (!G.isLinked(F))
      continue;
    const ElfObject &O = G.object(F);
    for (uint32_t I = 0; I < O.Symbols.size(); ++I)
      if (O.Symbols[I].Name == Name && O.Symbols[I].isDefined() &&
          G.sectionOf({F, I}) != NoNode)
        return {F, I};
  }
  return {};
}

// The named symbol a relocation at Off of node N lies in (functions
// preferred, the innermost), or "".
std::string symbolContaining(const SectionGraph &G, NodeId N, uint64_t Off) {
  const ElfObject &O = G.object(G.fileOf(N));
  std::string Best;
  uint64_t BestValue = 0;
  for (uint32_t S : G.symbolsIn(N)) {
    const ElfSymbol &Sym = O.Symbols[S];
    if (Sym.Value <= Off && Off < Sym.Value + std::max<uint64_t>(Sym.Size, 1) &&
        (Best.empty() || Sym.Value >= BestValue)) {
      Best = Sym.Name.str();
      BestValue = Sym.Value;
    }
  }
  return Best;
}

WhyHop makeHop(const SectionGraph &G, const ArchInfo &Arch, NodeId From,
               NodeId Via, uint32_t Reloc, NodeId To) {
  WhyHop H;
  H.FromSection = G.describe(From);
  H.ToSection = G.describe(To);
  if (Via == NoNode) { // From's SHF_LINK_ORDER section
    H.ViaSection = H.FromSection;
    H.Type = "SHF_LINK_ORDER";
    H.Target = G.section(To).Name.str();
    return H;
  }
  H.ViaSection = G.describe(Via);
  const ElfObject &O = G.object(G.fileOf(Via));
  const ElfReloc &R = O.Relocs[Reloc];
  H.Offset = R.Offset;
  H.Addend = R.Addend;
  H.FromSymbol = symbolContaining(G, Via, R.Offset);
  H.Type = object::getELFRelocationTypeName(O.Machine, R.Type).str();
  const ElfSymbol &S = O.Symbols[R.Symbol];
  if (S.Type != ELF::STT_SECTION) {
    H.Target = S.Name.str();
  } else {
    bool Exec = G.section(Via).Flags & ELF::SHF_EXECINSTR;
    int64_t At = R.Addend + Arch.targetBias(R.Type, Exec);
    SymbolRef Sym = G.symbolAt(To, At);
    H.Target = Sym.valid() ? G.symbol(Sym).Name.str()
                           : formatv("{0}+{1:x}", G.section(To).Name, At).str();
  }
  return H;
}

// Breadth-first search over M's references from Sources; Parent[X] is the
// (from, via, reloc) that first reached X (from == NoNode: a source).
struct Search {
  struct Step {
    NodeId From = NoNode, Via = NoNode;
    uint32_t Reloc = 0;
  };
  std::vector<Step> Parent;
  llvm::BitVector Seen;

  Search(const ReferenceModel &M, ArrayRef<NodeId> Sources) {
    uint32_t N = M.G->numNodes();
    Parent.resize(N);
    Seen.resize(N);
    std::deque<NodeId> Queue;
    for (NodeId S : Sources)
      if (!Seen[S]) {
        Seen.set(S);
        Queue.push_back(S);
      }
    while (!Queue.empty()) {
      NodeId X = Queue.front();
      Queue.pop_front();
      auto Reach = [&](NodeId To, NodeId Via, uint32_t Reloc) {
        if (Seen[To])
          return;
        Seen.set(To);
        Parent[To] = {X, Via, Reloc};
        Queue.push_back(To);
      };
      for (const LiveRefs::Ref &R : M.Refs.of(X))
        Reach(R.To, R.From, R.Reloc);
      for (uint32_t I = M.LinkOrderBegin[X]; I < M.LinkOrderBegin[X + 1]; ++I)
        Reach(M.LinkOrder[I], NoNode, 0);
    }
  }

  /// The chain from a source to T (T reached), first hop first.
  std::vector<WhyHop> chain(const SectionGraph &G, const ArchInfo &Arch,
                            NodeId T, NodeId &Source) const {
    std::vector<WhyHop> Hops;
    NodeId X = T;
    while (Parent[X].From != NoNode) {
      const Step &S = Parent[X];
      Hops.push_back(makeHop(G, Arch, S.From, S.Via, S.Reloc, X));
      X = S.From;
    }
    Source = X;
    std::reverse(Hops.begin(), Hops.end());
    return Hops;
  }
};
} // namespace

Expected<WhyAnswer> sysgc::explainSymbol(const SectionGraph &G,
                                         const ArchInfo &Arch,
                                         const PlanOptions &Opts,
                                         const std::vector<DispatchSite> &Sites,
                                         const Allowlist &Allow,
                                         StringRef Symbol) {
  WhyAnswer A;
  A.Symbol = Symbol.str();
  SymbolRef Sym = findSymbol(G, Symbol);
  NodeId T = Sym.valid() ? G.sectionOf(Sym) : NoNode;
  if (T == NoNode)
    return makeError("{0}: no linked section defines this symbol (an "
                     "absolute, undefined or unknown name)",
                     Symbol);
  A.Section = G.describe(T);

  auto None = ReferenceModel::allowNone(Arch);
  if (!None)
    return None.takeError();
  auto M0 = ReferenceModel::build(G, Arch, Opts, Sites, *None);
  if (!M0)
    return withContext(M0.takeError(),
                       "planning the link with every syscall removed");
  auto MA = ReferenceModel::build(G, Arch, Opts, Sites, Allow);
  if (!MA)
    return withContext(MA.takeError(), "planning the link");
  const LinkPlan &P = (*MA)->Plan;
  A.Warnings = P.Warnings;

  if (!G.isAllocNode(T) || P.Discarded[T]) {
    A.Verdict = WhyVerdict::NotInImage;
    A.RootReason = !G.isAllocNode(T)
                       ? "not an allocated section of a linked object"
                       : "the linker script discards it";
    return A;
  }
  // A removed syscall whose entry this is, and what the planner says pins
  // its code.
  for (const SyscallStatus &S : P.Syscalls)
    if (S.State == SyscallState::RemovedCodeKept && !S.Entry.empty())
      if (SymbolRef E = findSymbol(G, S.Entry);
          E.valid() && G.sectionOf(E) == T)
        A.Pinned.push_back(S);

  if (P.Dead[T]) {
    A.Verdict = WhyVerdict::Removed;
    // The removed entry that reaches it, by the shortest chain.
    std::vector<NodeId> Removed;
    std::map<NodeId, std::string> EntryOf;
    for (const DispatchEdge &E : P.DispatchEdges)
      if (E.Retarget)
        if (NodeId X = G.relocTarget(E.File, E.Reloc); X != NoNode) {
          Removed.push_back(X);
          EntryOf.try_emplace(X, P.Dispatch[E.Site].Abi + ":" + E.Entry);
        }
    Search S(**MA, Removed);
    if (S.Seen[T]) {
      NodeId Source;
      A.Chain = S.chain(G, Arch, T, Source);
      A.RemovedBy = EntryOf[Source];
    } else if (P.Full) {
      A.RootReason = "whole-kernel collection: nothing live references it";
    }
    return A;
  }

  std::vector<NodeId> Roots = (*M0)->nonSyscallRoots();
  Search S(**MA, Roots);
  if (!S.Seen[T])
    return makeError("{0} ({1}): the planner keeps it but no chain of "
                     "references from a root reaches it; this is a bug in "
                     "sysgc why, please report it",
                     Symbol, A.Section);
  NodeId Source;
  A.Chain = S.chain(G, Arch, T, Source);
  A.Verdict = A.Chain.empty() ? WhyVerdict::Root : WhyVerdict::Live;
  A.RootSection = G.describe(Source);
  A.RootReason = (*M0)->rootReason(Source);
  return A;
}

void sysgc::writeWhyText(const WhyAnswer &A, raw_ostream &OS) {
  OS << A.Symbol << " (" << A.Section << "): ";
  switch (A.Verdict) {
  case WhyVerdict::NotInImage:
    OS << "not in the image: " << A.RootReason << "\n";
    break;
  case WhyVerdict::Removed:
    OS << "removed by sysgc-ld under this allowlist";
    if (!A.RemovedBy.empty())
      OS << "; only removed syscalls reach it, e.g. " << A.RemovedBy;
    else if (!A.RootReason.empty())
      OS << "; " << A.RootReason;
    else
      OS << "; only entries no dispatch names reach it";
    OS << "\n";
    break;
  case WhyVerdict::Root:
    OS << "kept: a root (" << A.RootReason << ")\n";
    break;
  case WhyVerdict::Live:
    OS << "kept: reached in " << A.Chain.size() << " reference"
       << (A.Chain.size() == 1 ? "" : "s") << " from " << A.RootSection
       << " (" << A.RootReason << ")\n";
    break;
  }
  for (size_t I = 0; I < A.Chain.size(); ++I) {
    const WhyHop &H = A.Chain[I];
    OS << formatv("  #{0} {1}{2}", I + 1,
                  H.FromSymbol.empty() ? "" : H.FromSymbol + " in ",
                  H.FromSection);
    if (H.Type == "SHF_LINK_ORDER") {
      OS << " owns SHF_LINK_ORDER section " << H.ToSection << "\n";
      continue;
    }
    if (H.ViaSection != H.FromSection)
      OS << " via its entries in " << H.ViaSection;
    std::string Addend =
        H.Addend == 0 ? ""
        : H.Addend < 0 ? "-" + std::to_string(-uint64_t(H.Addend))
                       : "+" + std::to_string(H.Addend);
    OS << formatv("\n      +{0:x} {1} {2}{3} -> {4}\n", H.Offset, H.Type,
                  H.Target, Addend, H.ToSection);
  }
  for (const SyscallStatus &S : A.Pinned)
    OS << formatv("  {0}:{1} is removed from the dispatch but its code "
                  "stays: {2}\n",
                  S.Abi, S.Name, S.Reason);
  for (const std::string &W : A.Warnings)
    OS << "warning: " << W << "\n";
}

void sysgc::writeWhyJson(const WhyAnswer &A, raw_ostream &OS) {
  json::OStream J(OS, 2);
  J.objectBegin();
  J.attribute("schema", "sysgc-why/1");
  J.attribute("symbol", A.Symbol);
  J.attribute("section", A.Section);
  J.attribute("verdict", toString(A.Verdict));
  J.attribute("root_section", A.RootSection);
  J.attribute("root_reason", A.RootReason);
  J.attribute("removed_by", A.RemovedBy);
  J.attributeArray("chain", [&] {
    for (const WhyHop &H : A.Chain)
      J.object([&] {
        J.attribute("from_symbol", H.FromSymbol);
        J.attribute("from_section", H.FromSection);
        J.attribute("via_section", H.ViaSection);
        J.attribute("offset", int64_t(H.Offset));
        J.attribute("type", H.Type);
        J.attribute("target", H.Target);
        J.attribute("addend", H.Addend);
        J.attribute("to_section", H.ToSection);
      });
  });
  J.attributeArray("pinned", [&] {
    for (const SyscallStatus &S : A.Pinned)
      J.object([&] {
        J.attribute("abi", S.Abi);
        J.attribute("syscall", S.Name);
        J.attribute("entry", S.Entry);
        J.attribute("reason", S.Reason);
      });
  });
  J.attributeArray("warnings", [&] {
    for (const std::string &W : A.Warnings)
      J.value(W);
  });
  J.objectEnd();
  OS << "\n";
}
