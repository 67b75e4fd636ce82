//===- Coalesce.cpp - Join adjacent sections lld would place together -----===//
//
// A kernel object with function sections holds tens of thousands of small
// sections that lld would lay out one after the other anyway; reading each
// costs it time. In Retain mode (lld collects nothing, so a joined section
// lives or dies whole) each run of them is joined into its first section,
// laid out exactly as lld would lay out the parts, so the output does not
// change. compact() then removes the emptied sections.
//
//===----------------------------------------------------------------------===//
#include "Edits.h"
#include "sysgc/Link/LinkerScript.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/MathExtras.h"

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;

// May section I join a run? A plain allocated section lld would take as
// it is: no link-order, group, merge, TLS or linked section, and none
// whose contents lld parses (.eh_frame).
static bool coalescable(const ObjectModel &M, uint32_t I) {
  const OutSection &X = M.Secs[I];
  if (X.Type != ELF::SHT_PROGBITS && X.Type != ELF::SHT_NOBITS)
    return false;
  if (X.Flags & (ELF::SHF_LINK_ORDER | ELF::SHF_GROUP | ELF::SHF_MERGE |
                 ELF::SHF_STRINGS | ELF::SHF_TLS | ELF::SHF_EXCLUDE))
    return false;
  if (X.Link || X.Info || !X.Parts.empty())
    return false;
  StringRef Name = M.sectionName(X.Name);
  return !Name.starts_with(".eh_frame") && !Name.starts_with(".llvm");
}

// See ObjectEdits::Placement. Runs are cut in section index order, which
// is the order lld gives a file's sections matching one input section
// description: only sections of one name (so matching the same
// description), with no other kept allocated section between them, are
// joined, so the output order is lld's own. Non-allocated sections
// (relocations, debug info) and excluded ones do not end a run.
void sysgc::rewrite::coalesce(ObjectModel &M,
                              const SectionPlacement &Placement,
                              const std::array<uint8_t, 4> &CodeFill) {
  std::vector<OutSection> &Secs = M.Secs;
  uint32_t N = M.O.Sections.size();
  // lld orders the sections of a call graph profile by it: leave them.
  for (uint32_t I = 1; I < N; ++I)
    if (Secs[I].Type == ELF::SHT_LLVM_CALL_GRAPH_PROFILE)
      return;
  // Each run: its sections in order. Runs of several names may be open
  // at once (.text and .data sections alternate in a kernel object); a
  // section closes every open run it may come between (one of its
  // placement classes), its own name's too unless it joins that run.
  std::vector<std::vector<uint32_t>> Runs;
  std::vector<bool> RunOpen;
  StringMap<int> OpenRunOf;                        // name -> open run
  DenseMap<uint32_t, std::vector<uint32_t>> OpenIn; // class -> runs
  for (uint32_t I = 1; I < N; ++I) {
    const OutSection &X = Secs[I];
    if (!(X.Flags & ELF::SHF_ALLOC) || (X.Flags & ELF::SHF_EXCLUDE))
      continue;
    StringRef Name = M.sectionName(X.Name);
    int &Own = OpenRunOf.try_emplace(Name, -1).first->second;
    bool Joinable = coalescable(M, I);
    bool Joins = false;
    if (Joinable && Own >= 0 && RunOpen[Own]) {
      // No part aligned more than the head: lld places the head where
      // it would have anyway, and every part then lands at the address
      // lld would give it on its own (byte-identical output).
      const OutSection &H = Secs[Runs[Own].front()];
      Joins = X.Type == H.Type && X.Flags == H.Flags &&
              X.EntSize == H.EntSize &&
              std::max<uint64_t>(X.AddrAlign, 1) <=
                  std::max<uint64_t>(H.AddrAlign, 1);
    }
    const std::vector<uint32_t> &Classes = Placement.classesOf(Name);
    for (uint32_t C : Classes) {
      std::vector<uint32_t> &L = OpenIn[C];
      for (uint32_t R : L)
        if (!(Joins && int(R) == Own))
          RunOpen[R] = false;
      L.clear();
      if (Joins)
        L.push_back(Own);
    }
    if (Joins) {
      Runs[Own].push_back(I);
      continue;
    }
    if (!Joinable)
      continue;
    Own = Runs.size();
    Runs.push_back({I});
    RunOpen.push_back(true);
    for (uint32_t C : Classes)
      OpenIn[C].push_back(Own);
  }
  // Where each joined section went: (head, offset there).
  std::vector<std::pair<uint32_t, uint64_t>> Moved(N, {0, 0});
  M.Joined.resize(Secs.size());
  bool Any = false;
  for (const std::vector<uint32_t> &Run : Runs) {
    if (Run.size() < 2)
      continue;
    Any = true;
    uint32_t Head = Run.front();
    OutSection &H = Secs[Head];
    bool NoBits = H.Type == ELF::SHT_NOBITS;
    uint64_t Off = 0, Align = 1;
    std::vector<std::pair<uint64_t, ArrayRef<uint8_t>>> Parts;
    for (uint32_t I : Run) {
      const OutSection &X = Secs[I];
      uint64_t A = std::max<uint64_t>(1, X.AddrAlign);
      Align = std::max(Align, A);
      Off = alignTo(Off, A);
      Moved[I] = {Head, Off};
      if (!NoBits)
        Parts.push_back({Off, X.Data});
      Off += NoBits ? X.Size : X.Data.size();
    }
    // The relocations at their new offsets, in the first relocation
    // section of the run, now the head's. They go in the order of their
    // relocation sections, which is the order lld copies them in under
    // --emit-relocs.
    std::vector<std::pair<uint32_t, uint32_t>> ByRelSec; // (rel, part)
    for (uint32_t I : Run)
      if (uint32_t RS = M.O.Sections[I].RelocSection)
        ByRelSec.push_back({RS, I});
    llvm::sort(ByRelSec);
    uint32_t RelSec = ByRelSec.empty() ? 0 : ByRelSec.front().first;
    std::vector<std::pair<ArrayRef<ElfReloc>, uint64_t>> RelocParts;
    RelocParts.reserve(ByRelSec.size());
    for (auto [RS, I] : ByRelSec) {
      RelocParts.push_back({M.relocsOf(I), Moved[I].second});
      Secs[RS].EncodeRelocs = true;
      Secs[RS].Relocs = {};
      if (RS != ByRelSec.front().first)
        M.Joined.set(RS);
    }
    if (RelSec) {
      Secs[RelSec].Info = Head;
      Secs[RelSec].RelocParts = std::move(RelocParts);
    }
    for (uint32_t I : drop_begin(Run)) {
      OutSection &X = Secs[I];
      X.Flags |= ELF::SHF_EXCLUDE;
      X.Data = {};
      X.Size = 0;
      M.Joined.set(I);
    }
    H.AddrAlign = Align;
    H.Size = Off;
    if (!NoBits) {
      H.Parts = std::move(Parts);
      if (H.Flags & ELF::SHF_EXECINSTR)
        H.Fill = CodeFill;
    }
  }
  if (!Any)
    return;
  // Symbols follow their section (section symbols too: a section symbol
  // of a joined section points at its part, so no relocation changes).
  for (ElfSymbol &S : M.Syms) {
    if (!S.inSection() || S.Shndx >= N || !Moved[S.Shndx].first)
      continue;
    auto [Head, Off] = Moved[S.Shndx];
    S.Value += Off;
    S.Shndx = Head;
    S.XIndex = Head >= ELF::SHN_LORESERVE;
  }
  // Link-order sections (table pieces among them) ordered after a joined
  // section follow it.
  for (uint32_t I = 1; I < Secs.size(); ++I)
    if ((Secs[I].Flags & ELF::SHF_LINK_ORDER) && Secs[I].Link < N &&
        Moved[Secs[I].Link].first)
      Secs[I].Link = Moved[Secs[I].Link].first;
}
