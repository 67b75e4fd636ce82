//===- SectionGraph.cpp - Build the section reference graph --------------===//
//
// Resolution follows a static ELF link: a strong definition beats a weak one,
// the first of equals wins, and a lazy archive member joins the link only
// when a linked object has an undefined (non-weak) reference it defines,
// repeated to a fixed point. Edges are stored compressed (CSR): vmlinux.o
// has millions of relocations.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Graph/SectionGraph.h"
#include "llvm/ADT/CachedHashString.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include <algorithm>

using namespace sysgc;
using namespace llvm;

SectionGraph::SectionGraph(const InputSet &In) : In(In) {
  FileBase.push_back(0);
  for (const InputObject &O : In.Objects)
    FileBase.push_back(FileBase.back() + O.Elf->Sections.size());
  Linked.resize(In.Objects.size());
  resolveSymbols();
  indexAllocNodes();
  buildEdges();
  indexSymbols();
}

void SectionGraph::indexSymbols() {
  // CSR of named, defined, non-section symbols by the node defining them.
  uint32_t N = numNodes();
  SymBegin.assign(N + 1, 0);
  auto Each = [&](auto Fn) {
    for (uint32_t F = 0; F < In.Objects.size(); ++F) {
      const ElfObject &O = object(F);
      for (uint32_t I = 1; I < O.Symbols.size(); ++I) {
        const ElfSymbol &S = O.Symbols[I];
        if (S.inSection() && !S.Name.empty() &&
            S.Type != ELF::STT_SECTION && S.Type != ELF::STT_FILE)
          Fn(node(F, S.Shndx), I);
      }
    }
  };
  Each([&](NodeId Nd, uint32_t) { ++SymBegin[Nd + 1]; });
  for (uint32_t I = 0; I < N; ++I)
    SymBegin[I + 1] += SymBegin[I];
  SymIndex.resize(SymBegin[N]);
  std::vector<uint32_t> Fill(SymBegin.begin(), SymBegin.end() - 1);
  Each([&](NodeId Nd, uint32_t Sym) { SymIndex[Fill[Nd]++] = Sym; });
}

uint32_t SectionGraph::fileOf(NodeId N) const {
  auto It = std::upper_bound(FileBase.begin(), FileBase.end(), N);
  return (It - FileBase.begin()) - 1;
}

std::string SectionGraph::describe(NodeId N) const {
  return object(fileOf(N)).describe(secOf(N));
}

void SectionGraph::indexAllocNodes() {
  AllocNodes.assign(numNodes(), false);
  for (uint32_t F = 0; F < In.Objects.size(); ++F) {
    if (!Linked[F] || In.Objects[F].Shared)
      continue;
    const ElfObject &O = object(F);
    for (uint32_t I = 1; I < O.Sections.size(); ++I) {
      const ElfSection &S = O.Sections[I];
      AllocNodes[node(F, I)] = (S.Flags & ELF::SHF_ALLOC) &&
                               S.Type != ELF::SHT_GROUP &&
                               S.Type != ELF::SHT_REL &&
                               S.Type != ELF::SHT_RELA;
    }
  }
}

static bool isGlobalDef(const ElfSymbol &S) {
  return S.Binding != ELF::STB_LOCAL && S.isDefined() && !S.Name.empty();
}

// Higher wins: strong over weak; objects over shared libraries.
static int symbolRank(const ElfSymbol &S, bool Shared) {
  int R = S.Binding == ELF::STB_WEAK ? 1 : 2;
  return Shared ? R : R + 2;
}

void SectionGraph::resolveSymbols() {
  const auto &Objs = In.Objects;
  DenseMap<CachedHashStringRef, uint32_t> LazyDefiner;
  std::vector<uint32_t> Work;
  // Each global name hashed once (kept for the resolution pass below).
  std::vector<std::vector<uint32_t>> Hashes(Objs.size());
  auto HashNames = [&](uint32_t F) {
    const ElfObject &O = *Objs[F].Elf;
    std::vector<uint32_t> &H = Hashes[F];
    if (!H.empty() || O.Symbols.size() <= O.FirstGlobal)
      return;
    H.resize(O.Symbols.size() - O.FirstGlobal);
    for (uint32_t I = O.FirstGlobal; I < O.Symbols.size(); ++I)
      H[I - O.FirstGlobal] =
          DenseMapInfo<StringRef>::getHashValue(O.Symbols[I].Name);
  };
  auto Key = [&](uint32_t F, uint32_t I) {
    return CachedHashStringRef(Objs[F].Elf->Symbols[I].Name,
                               Hashes[F][I - Objs[F].Elf->FirstGlobal]);
  };
  {
    size_t Defs = 0;
    for (const InputObject &O : Objs)
      if (!O.Lazy)
        Defs += O.Elf->Symbols.size() - std::min<size_t>(O.Elf->FirstGlobal,
                                                         O.Elf->Symbols.size());
    Globals.reserve(Defs);
  }
  auto AddDefs = [&](uint32_t F) {
    const ElfObject &O = *Objs[F].Elf;
    HashNames(F);
    for (uint32_t I = O.FirstGlobal; I < O.Symbols.size(); ++I) {
      const ElfSymbol &S = O.Symbols[I];
      if (!isGlobalDef(S))
        continue;
      auto [It, New] = Globals.try_emplace(Key(F, I), SymbolRef{F, I});
      if (!New) {
        const SymbolRef Old = It->second;
        if (symbolRank(S, Objs[F].Shared) >
            symbolRank(symbol(Old), Objs[Old.File].Shared))
          It->second = {F, I};
      }
    }
  };
  for (uint32_t F = 0; F < Objs.size(); ++F) {
    if (Objs[F].Lazy) {
      const ElfObject &O = *Objs[F].Elf;
      for (uint32_t I = O.FirstGlobal; I < O.Symbols.size(); ++I)
        if (isGlobalDef(O.Symbols[I]))
          LazyDefiner.try_emplace(CachedHashStringRef(O.Symbols[I].Name), F);
      continue;
    }
    Linked[F] = true;
    AddDefs(F);
    Work.push_back(F);
  }
  // Pull lazy members for undefined strong references, to a fixed point.
  while (!Work.empty()) {
    uint32_t F = Work.back();
    Work.pop_back();
    const ElfObject &O = *Objs[F].Elf;
    for (uint32_t I = O.FirstGlobal; I < O.Symbols.size(); ++I) {
      const ElfSymbol &S = O.Symbols[I];
      if (!S.isUndefined() || S.Binding == ELF::STB_WEAK || S.Name.empty())
        continue;
      if (Globals.count(Key(F, I)))
        continue;
      auto It = LazyDefiner.find(CachedHashStringRef(S.Name));
      if (It == LazyDefiner.end() || Linked[It->second])
        continue;
      Linked[It->second] = true;
      AddDefs(It->second);
      Work.push_back(It->second);
    }
  }

  Resolved.resize(Objs.size());
  for (uint32_t F = 0; F < Objs.size(); ++F) {
    if (!Linked[F])
      continue;
    const ElfObject &O = *Objs[F].Elf;
    std::vector<SymbolRef> &R = Resolved[F];
    R.resize(O.Symbols.size());
    for (uint32_t I = 0; I < O.Symbols.size(); ++I) {
      const ElfSymbol &S = O.Symbols[I];
      if (S.Binding == ELF::STB_LOCAL || S.Name.empty()) {
        if (S.isDefined())
          R[I] = {F, I};
        continue;
      }
      auto It = Globals.find(I >= O.FirstGlobal ? Key(F, I)
                                                : CachedHashStringRef(S.Name));
      if (It != Globals.end())
        R[I] = It->second;
    }
  }
}

SymbolRef SectionGraph::resolve(uint32_t File, uint32_t Sym) const {
  if (File >= Resolved.size() || Sym >= Resolved[File].size())
    return {};
  return Resolved[File][Sym];
}

SymbolRef SectionGraph::lookup(StringRef Name) const {
  auto It = Globals.find(CachedHashStringRef(Name));
  return It == Globals.end() ? SymbolRef{} : It->second;
}

NodeId SectionGraph::sectionOf(SymbolRef S) const {
  if (!S.valid() || In.Objects[S.File].Shared)
    return NoNode;
  const ElfSymbol &Sym = symbol(S);
  if (!Sym.inSection())
    return NoNode;
  return node(S.File, Sym.Shndx);
}

NodeId SectionGraph::relocTarget(uint32_t File, uint32_t Reloc) const {
  const ElfReloc &R = object(File).Relocs[Reloc];
  return sectionOf(resolve(File, R.Symbol));
}

void SectionGraph::buildEdges() {
  uint32_t N = numNodes();
  EdgeBegin.assign(N + 1, 0);
  // Count, then fill: one pass over the relocations each.
  for (uint32_t F = 0; F < In.Objects.size(); ++F) {
    if (!Linked[F] || In.Objects[F].Shared)
      continue;
    const ElfObject &O = object(F);
    for (uint32_t S = 1; S < O.Sections.size(); ++S)
      if (O.Sections[S].NumRelocs && isAllocNode(node(F, S)))
        EdgeBegin[node(F, S) + 1] = O.Sections[S].NumRelocs;
  }
  for (uint32_t I = 0; I < N; ++I)
    EdgeBegin[I + 1] += EdgeBegin[I];
  Edges.resize(EdgeBegin[N]);
  std::vector<uint32_t> Fill(EdgeBegin.begin(), EdgeBegin.end() - 1);
  for (uint32_t F = 0; F < In.Objects.size(); ++F) {
    if (!Linked[F] || In.Objects[F].Shared)
      continue;
    const ElfObject &O = object(F);
    if (O.Relocs.empty())
      continue;
    // The node each symbol leads to, in one sequential pass: per
    // relocation, the symbol's 56-byte entry missed the cache.
    std::vector<NodeId> TargetOf(O.Symbols.size());
    for (uint32_t I = 0; I < O.Symbols.size(); ++I)
      TargetOf[I] = sectionOf(resolve(F, I));
    for (uint32_t S = 1; S < O.Sections.size(); ++S) {
      NodeId From = node(F, S);
      if (!O.Sections[S].NumRelocs || !isAllocNode(From))
        continue;
      for (uint32_t R = O.Sections[S].FirstReloc,
                    E = R + O.Sections[S].NumRelocs;
           R < E; ++R)
        Edges[Fill[From]++] = {TargetOf[O.Relocs[R].Symbol], R};
    }
  }
  // Drop edges that lead nowhere (undefined, absolute) but keep the order.
  // They are kept as NoNode so that Reloc indices stay reachable; users skip
  // NoNode targets.
}

std::vector<uint32_t> SectionGraph::symbolsIn(NodeId N) const {
  std::vector<uint32_t> Out;
  const ElfObject &O = object(fileOf(N));
  for (uint32_t I = SymBegin[N]; I < SymBegin[N + 1]; ++I) {
    const ElfSymbol &S = O.Symbols[SymIndex[I]];
    if (S.Type == ELF::STT_FUNC || S.Type == ELF::STT_OBJECT)
      Out.push_back(SymIndex[I]);
  }
  return Out;
}

SymbolRef SectionGraph::symbolAt(NodeId N, uint64_t Offset) const {
  uint32_t F = fileOf(N);
  const ElfObject &O = object(F);
  SymbolRef Best;
  for (uint32_t J = SymBegin[N]; J < SymBegin[N + 1]; ++J) {
    uint32_t I = SymIndex[J];
    const ElfSymbol &S = O.Symbols[I];
    if (S.Value != Offset)
      continue;
    if (!Best.valid() || (S.Type == ELF::STT_FUNC &&
                          symbol(Best).Type != ELF::STT_FUNC) ||
        (S.Binding != ELF::STB_LOCAL &&
         symbol(Best).Binding == ELF::STB_LOCAL))
      Best = {F, I};
  }
  return Best;
}
