//===- Verifier.cpp - Check the linked output before it lands -------------===//
//
// Works on the output's symbol table and section contents only: it does not
// trust the plan's view of addresses, it reads them back.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Verify/Verifier.h"
#include "sysgc/Object/Disassembler.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/xxhash.h"
#include "llvm/TargetParser/Triple.h"
#include <map>
#include <set>

using namespace sysgc;
using namespace llvm;

namespace {
/// The output's symbols sysgc asks about by name (the dispatch, the entries,
/// sys_ni_syscall), found in one pass; the by-address index, for messages
/// only, is built on first use.
struct OutputSymbols {
  const ElfObject &O;
  StringMap<const ElfSymbol *> ByName;
  mutable DenseMap<uint64_t, std::vector<const ElfSymbol *>> ByAddr;

  OutputSymbols(const ElfObject &O, ArrayRef<StringRef> Wanted) : O(O) {
    for (StringRef N : Wanted)
      ByName.try_emplace(N, nullptr);
    for (const ElfSymbol &S : O.Symbols) {
      if (!S.inSection() || S.Name.empty() || S.Type == ELF::STT_SECTION)
        continue;
      auto It = ByName.find(S.Name);
      if (It == ByName.end())
        continue;
      // The first definition, unless a global one follows a local one.
      if (!It->second || (It->second->Binding == ELF::STB_LOCAL &&
                          S.Binding != ELF::STB_LOCAL))
        It->second = &S;
    }
  }
  const ElfSymbol *get(StringRef N) const {
    auto It = ByName.find(N);
    assert(It != ByName.end() && "a name not asked for");
    return It == ByName.end() ? nullptr : It->second;
  }
  std::string namesAt(uint64_t Addr) const {
    if (ByAddr.empty())
      for (const ElfSymbol &S : O.Symbols)
        if (S.inSection() && !S.Name.empty() &&
            (S.Type == ELF::STT_FUNC || S.Type == ELF::STT_NOTYPE))
          ByAddr[S.Value].push_back(&S);
    auto It = ByAddr.find(Addr);
    if (It == ByAddr.end())
      return formatv("{0:x}", Addr).str();
    std::string S;
    for (const ElfSymbol *Sym : It->second)
      S += (S.empty() ? "" : "/") + Sym->Name.str();
    return S;
  }
};

// The file bytes of [Addr, Addr+Size) in a linked file.
Expected<ArrayRef<uint8_t>> bytesAt(const ElfObject &O, uint64_t Addr,
                                    uint64_t Size) {
  for (const ElfSection &S : O.Sections) {
    if (!(S.Flags & ELF::SHF_ALLOC) || S.Type == ELF::SHT_NOBITS)
      continue;
    if (Addr >= S.Addr && Addr + Size <= S.Addr + S.Size &&
        S.Contents.size() == S.Size)
      return S.Contents.slice(Addr - S.Addr, Size);
  }
  return makeError("{0}: no section holds [{1:x}, +{2})", O.Name, Addr, Size);
}

// The pointer-sized slots of a data table at [Addr, Addr + Bytes.size()):
// read from the file, then, for a position-independent output, overlaid
// with the addends of the RELATIVE dynamic relocations that fill them at
// load time (the file holds 0 there: lld's -z rel / --no-apply-dynamic-relocs
// or a PIE's .data.rel.ro).
std::vector<uint64_t> tableSlots(const ElfObject &O, const ArchInfo &Arch,
                                 uint64_t Addr, ArrayRef<uint8_t> Bytes) {
  unsigned PS = Arch.PointerSize;
  std::vector<uint64_t> Slots;
  for (uint64_t Off = 0; Off + PS <= Bytes.size(); Off += PS) {
    const uint8_t *P = Bytes.data() + Off;
    Slots.push_back(PS == 8 ? (O.IsLittleEndian ? support::endian::read64le(P)
                                                : support::endian::read64be(P))
                            : (O.IsLittleEndian ? support::endian::read32le(P)
                                                : support::endian::read32be(P)));
  }
  if (!Arch.RelativeReloc)
    return Slots;
  for (const ElfSection &S : O.Sections) {
    // Only RELA carries the value; a REL RELATIVE keeps it in place.
    if (S.Type != ELF::SHT_RELA || !(S.Flags & ELF::SHF_ALLOC))
      continue;
    size_t EntSize = O.Is64 ? 24 : 12;
    for (uint64_t E = 0; E + EntSize <= S.Contents.size(); E += EntSize) {
      const uint8_t *P = S.Contents.data() + E;
      auto Word = [&](unsigned I) -> uint64_t {
        const uint8_t *W = P + I * (O.Is64 ? 8 : 4);
        if (O.Is64)
          return O.IsLittleEndian ? support::endian::read64le(W)
                                  : support::endian::read64be(W);
        return O.IsLittleEndian ? support::endian::read32le(W)
                                : support::endian::read32be(W);
      };
      uint64_t ROff = Word(0), Info = Word(1);
      uint32_t Type = O.Is64 ? uint32_t(Info) : uint8_t(Info);
      if (Type != Arch.RelativeReloc || ROff < Addr ||
          ROff + PS > Addr + Bytes.size() || (ROff - Addr) % PS)
        continue;
      uint64_t Addend = Word(2);
      Slots[(ROff - Addr) / PS] = O.Is64 ? Addend : uint32_t(Addend);
    }
  }
  return Slots;
}

// Direct branch targets leaving [Begin, Begin + Bytes.size()).
Expected<std::vector<uint64_t>> branchTargets(const ElfObject &O,
                                              const ArchInfo &Arch,
                                              ArrayRef<uint8_t> Bytes,
                                              uint64_t Begin) {
  auto DOrErr = Disassembler::create(Arch.Triple);
  if (!DOrErr)
    return withContext(DOrErr.takeError(), O.Name);
  MCDisassembler &Dis = (*DOrErr)->dis();
  const MCInstrAnalysis &MIA = (*DOrErr)->analysis();
  std::vector<uint64_t> Out;
  uint64_t End = Begin + Bytes.size();
  for (uint64_t Off = 0; Off < Bytes.size();) {
    MCInst Inst;
    uint64_t Size = 0;
    auto S = Dis.getInstruction(Inst, Size, Bytes.slice(Off), Begin + Off,
                                 nulls());
    if (S != MCDisassembler::Success || Size == 0) {
      Off += std::max<uint64_t>(Size, 1);
      continue;
    }
    uint64_t Target;
    if (MIA.isBranch(Inst) || MIA.isCall(Inst))
      if (MIA.evaluateBranch(Inst, Begin + Off, Size, Target) &&
          (Target < Begin || Target >= End))
        Out.push_back(Target);
    Off += Size;
  }
  return Out;
}
} // namespace

namespace {
// A definition the output must hold unless dead: a sized function or object.
bool counted(const ElfSymbol &S) {
  // A local .L symbol is the assembler's (arm keeps .L.str for REL
  // relocations into strings): lld drops it from its output's symbol table
  // (always in an SHF_MERGE section, everywhere with -X), so it says
  // nothing about what lld collected.
  if (S.Binding == ELF::STB_LOCAL && S.Name.starts_with(".L"))
    return false;
  return S.Size && !S.Name.empty() &&
         (S.Type == ELF::STT_FUNC || S.Type == ELF::STT_OBJECT);
}

// Fn(symbol, dead) for each such definition in an allocated section that
// is not discarded, overridden weak ones left out; MergeFn(symbol) instead
// for those of SHF_MERGE sections, which lld collects piece by piece (an
// unreferenced string or constant goes even from a retained section).
template <class DefFn, class MergeDefFn>
void forEachPlanned(const SectionGraph &G, const LinkPlan &Plan, DefFn Fn,
                    MergeDefFn MergeFn) {
  // Object by object, in symbol order: one sequential pass over each
  // symbol table (what indexSymbols files under each node).
  for (uint32_t F = 0; F < G.inputs().Objects.size(); ++F) {
    NodeId Base = G.node(F, 0);
    if (!G.isLinked(F) || G.inputs().Objects[F].Shared)
      continue;
    const ElfObject &O = G.object(F);
    // Which sections merge, read in one sequential pass: looked up per
    // symbol, the section headers (112 bytes each, in symbol order) missed
    // the cache on nearly every symbol.
    std::vector<bool> Merge(O.Sections.size());
    for (uint32_t I = 1; I < O.Sections.size(); ++I)
      Merge[I] = O.Sections[I].Flags & ELF::SHF_MERGE;
    for (uint32_t S = 1; S < O.Symbols.size(); ++S) {
      const ElfSymbol &Sym = O.Symbols[S];
      if (!counted(Sym) || !Sym.inSection() || Sym.Shndx >= O.Sections.size())
        continue;
      NodeId N = Base + Sym.Shndx;
      if (Plan.Discarded[N] || !G.isAllocNode(N))
        continue;
      if (Sym.Binding != ELF::STB_LOCAL) {
        SymbolRef Win = G.resolve(F, S);
        if (Win.File != F || Win.Sym != S)
          continue;
      }
      if (Merge[Sym.Shndx])
        MergeFn(Sym);
      else
        Fn(Sym, bool(Plan.Dead[N]));
    }
  }
}

bool countedInOutput(const ElfSymbol &S) { return S.inSection() && counted(S); }

// Retain mode: lld collects nothing and the dead sections are excluded, so
// the output must hold exactly the definitions the plan retains, plus
// whichever merge-section ones lld kept. Checked by counting, with names
// looked up only for the few that merge-section symbols also bear (for
// each of those: at least as many in the output as retained).
bool retainedCountsMatch(const ElfObject &Out, const SectionGraph &G,
                         const LinkPlan &Plan) {
  std::vector<StringRef> MergeNames;
  forEachPlanned(G, Plan, [](const ElfSymbol &, bool) {},
                 [&](const ElfSymbol &S) { MergeNames.push_back(S.Name); });
  // Names rarely hit: a (first byte, length) filter before the map.
  std::vector<bool> MayBeMerge(256 * 64);
  auto FilterKey = [](StringRef N) {
    return size_t(uint8_t(N[0])) * 64 + std::min<size_t>(N.size(), 63);
  };
  DenseMap<uint64_t, std::pair<int, int>> PerMergeName; // retained, got
  for (StringRef N : MergeNames) {
    MayBeMerge[FilterKey(N)] = true;
    PerMergeName[xxh3_64bits(N)];
  }
  auto MergeSlot = [&](StringRef N) -> std::pair<int, int> * {
    if (MergeNames.empty() || !MayBeMerge[FilterKey(N)])
      return nullptr;
    auto It = PerMergeName.find(xxh3_64bits(N));
    return It == PerMergeName.end() ? nullptr : &It->second;
  };
  size_t Retained = 0, Got = 0;
  forEachPlanned(
      G, Plan,
      [&](const ElfSymbol &S, bool Dead) {
        if (Dead)
          return;
        if (auto *Slot = MergeSlot(S.Name))
          ++Slot->first;
        else
          ++Retained;
      },
      [](const ElfSymbol &) {});
  for (const ElfSymbol &S : Out.Symbols) {
    if (!countedInOutput(S))
      continue;
    if (auto *Slot = MergeSlot(S.Name))
      ++Slot->second;
    else
      ++Got;
  }
  bool Ok = Got == Retained;
  for (auto &[H, RG] : PerMergeName)
    Ok &= RG.second >= RG.first;
  return Ok;
}

// lld collected what the plan predicted, and nothing more (Retain mode:
// anything else would be code the kernel may need). Compared by symbol
// name counts, since renamed and split sections share names: by counting
// alone when that settles it, else name by name, to say which.
// A weak alias at the not-implemented stub's address: kernel/sys_ni.c's
// COND_SYSCALL on arm once sysgc hid the strong definition. It is the stub,
// which stays (-ENOSYS), not the removed syscall's code.
bool isStubAlias(const ElfSymbol &S, const ElfSymbol *Ni) {
  return S.Binding == ELF::STB_WEAK && Ni && S.Value == Ni->Value;
}

Error checkCollection(const ElfObject &Out, const SectionGraph &G,
                      const LinkPlan &Plan,
                      ArrayRef<const ElfSymbol *> Stubs, VerifyResult &R) {
  if (Plan.Mode == GcMode::Retain && retainedCountsMatch(Out, G, Plan))
    return Error::success();
  // Keyed by the names' 64-bit hashes (no string copies); each keeps one
  // name for messages.
  struct Count {
    int Retained = 0, Dead = 0, Got = 0;
    StringRef Name;
  };
  DenseMap<uint64_t, Count> Want; // definitions in the inputs and the output
  Want.reserve(G.numNodes());
  forEachPlanned(
      G, Plan,
      [&](const ElfSymbol &Sym, bool Dead) {
        Count &C = Want[xxh3_64bits(Sym.Name)];
        C.Name = Sym.Name;
        (Dead ? C.Dead : C.Retained)++;
      },
      [](const ElfSymbol &) {});
  // A removed syscall's name may survive as a stub alias (arm's sys_mlock
  // at sys_ni_syscall): not kept despite the plan.
  DenseSet<uint64_t> AtStub;
  for (const ElfSymbol &S : Out.Symbols)
    if (countedInOutput(S)) {
      auto It = Want.find(xxh3_64bits(S.Name));
      if (It != Want.end())
        ++It->second.Got;
      if (llvm::any_of(Stubs, [&](const ElfSymbol *Ni) { return isStubAlias(S, Ni); }))
        AtStub.insert(xxh3_64bits(S.Name));
    }
  std::vector<std::string> Lost;
  for (auto &E : Want) {
    auto [Retained, Dead, Got, Name] = E.second;
    if (Got < Retained && Plan.Mode == GcMode::Retain)
      Lost.push_back(Name.str());
    else if (Got > Retained && Dead && !AtStub.count(E.first))
      R.Notes.push_back(("kept by the linker despite the plan: " + Name).str());
  }
  llvm::sort(Lost);
  llvm::sort(R.Notes);
  if (!Lost.empty())
    return makeError("{0}: lld collected {1} symbol(s) the plan retains, "
                     "e.g. {2}: a reference sysgc did not see; refusing the "
                     "output",
                     Out.Name, Lost.size(), Lost.front());
  return Error::success();
}
} // namespace

Expected<VerifyResult> sysgc::verifyOutput(const ElfObject &Out,
                                           const SectionGraph &G,
                                           const LinkPlan &Plan) {
  VerifyResult R;
  const ArchInfo &Arch = *Plan.Arch;
  std::vector<StringRef> Wanted;
  for (const DispatchSite &Site : Plan.Dispatch) {
    Wanted.push_back(Site.Symbol);
    Wanted.push_back(Site.NiSymbol);
  }
  for (const DispatchEdge &E : Plan.DispatchEdges)
    Wanted.push_back(E.Entry);
  for (const SyscallStatus &S : Plan.Syscalls)
    if (!S.Entry.empty())
      Wanted.push_back(S.Entry);
  OutputSymbols Syms(Out, Wanted);

  for (size_t SiteIdx = 0; SiteIdx < Plan.Dispatch.size(); ++SiteIdx) {
    const DispatchSite &Site = Plan.Dispatch[SiteIdx];
    const ElfSymbol *D = Syms.get(Site.Symbol);
    if (!D && Plan.Mode == GcMode::Collect) {
      // lld collected it: nothing in the output can read it, so no slot of
      // it can dispatch anything. Retain mode collects nothing: there a
      // missing dispatch is a broken link.
      R.CollectedDispatch.push_back(SiteIdx);
      R.Notes.push_back(("dispatch " + Site.Symbol +
                         " was collected by the linker (nothing references it)"));
      continue;
    }
    if (!D)
      return makeError("{0}: dispatch {1} is missing from the output",
                       Out.Name, Site.Symbol);
    const ElfSymbol *Ni = Syms.get(Site.NiSymbol);
    uint64_t Size = Site.End - Site.Begin;
    auto BytesOrErr = bytesAt(Out, D->Value, Size);
    if (!BytesOrErr)
      return BytesOrErr.takeError();

    // What each dispatch edge must lead to now.
    std::set<uint64_t> Allowed, Forbidden;
    std::map<uint32_t, const DispatchEdge *> BySlot;
    for (const DispatchEdge &E : Plan.DispatchEdges) {
      if (E.Site != SiteIdx)
        continue;
      if (E.Retarget && !Ni)
        return makeError("{0}: {1} is missing from the output", Out.Name,
                         Site.NiSymbol);
      const ElfSymbol *Entry = Syms.get(E.Entry);
      if (E.Retarget) {
        if (Entry && Entry->Value != Ni->Value)
          Forbidden.insert(Entry->Value);
      } else if (!Entry) {
        return makeError("{0}: allowed entry {1} is missing from the output",
                         Out.Name, E.Entry);
      } else {
        Allowed.insert(Entry->Value);
      }
      if (E.Slot)
        BySlot[*E.Slot] = &E;
    }
    // An entry that also serves an allowed number stays reachable.
    for (uint64_t A : Allowed)
      Forbidden.erase(A);
    if (Site.IsTable) {
      // Every slot: its allowed entry, or sys_ni_syscall, never the entry
      // of a syscall the allowlist does not name.
      std::vector<uint64_t> Slots = tableSlots(Out, Arch, D->Value, *BytesOrErr);
      for (uint32_t Slot = 0; Slot < Slots.size(); ++Slot) {
        uint64_t V = Slots[Slot];
        ++R.SlotsChecked;
        auto It = BySlot.find(Slot);
        if (It == BySlot.end()) {
          if (Forbidden.count(V))
            return makeError("{0}: {1}[{2}] holds {3}, whose syscall is not "
                             "allowed",
                             Out.Name, Site.Symbol, Slot, Syms.namesAt(V));
          continue;
        }
        const DispatchEdge &E = *It->second;
        uint64_t Want = E.Retarget ? Ni->Value : Syms.get(E.Entry)->Value;
        if (V != Want)
          return makeError("{0}: {1}[{2}] holds {3}, expected {4}", Out.Name,
                           Site.Symbol, Slot, Syms.namesAt(V),
                           E.Retarget ? Site.NiSymbol : E.Entry);
      }
    }
    if (!Site.IsTable) {
      auto TargetsOrErr = branchTargets(Out, Arch, *BytesOrErr, D->Value);
      if (!TargetsOrErr)
        return TargetsOrErr.takeError();
      std::set<uint64_t> Seen;
      for (uint64_t T : *TargetsOrErr) {
        ++R.BranchesChecked;
        Seen.insert(T);
        if (Forbidden.count(T))
          return makeError("{0}: {1} still branches to {2}, whose syscall "
                           "is not allowed",
                           Out.Name, Site.Symbol, Syms.namesAt(T));
      }
      for (uint64_t A : Allowed)
        if (!Seen.count(A))
          return makeError("{0}: {1} no longer branches to allowed entry {2}",
                           Out.Name, Site.Symbol, Syms.namesAt(A));
    }
  }

  // Removed syscalls leave no entry symbol behind, but for their ABI's stub
  // alias (isStubAlias).
  for (const SyscallStatus &S : Plan.Syscalls) {
    if (S.State != SyscallState::Removed || S.Entry.empty())
      continue;
    const ElfSymbol *E = Syms.get(S.Entry);
    if (!E)
      continue;
    auto Site = llvm::find_if(Plan.Dispatch, [&](const DispatchSite &D) {
      return D.Abi == S.Abi;
    });
    const ElfSymbol *Ni =
        Site == Plan.Dispatch.end() ? nullptr : Syms.get(Site->NiSymbol);
    if (isStubAlias(*E, Ni))
      continue;
    return makeError("{0}: removed syscall {1}:{2} still has {3}", Out.Name,
                     S.Abi, S.Name, S.Entry);
  }

  std::vector<const ElfSymbol *> Stubs;
  for (const DispatchSite &Site : Plan.Dispatch)
    if (const ElfSymbol *Ni = Syms.get(Site.NiSymbol))
      Stubs.push_back(Ni);
  if (Error E = checkCollection(Out, G, Plan, Stubs, R))
    return std::move(E);
  return R;
}
