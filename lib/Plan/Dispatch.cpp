//===- Dispatch.cpp - Find the syscall dispatch and decide each slot ------===//
//
// A dispatch is a symbol whose section's relocations name syscall entries: a
// data table (sys_call_table: slot = offset / pointer size) or a switch
// function (x64_sys_call: a compare tree of tail jumps, one relocation per
// case). Every relocation inside the symbol's range that targets an entry of
// a syscall the allowlist does not name is retargeted to the ABI's
// sys_ni_syscall entry; everything else in the dispatch is left alone.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Plan/Plan.h"
#include "sysgc/Plan/EntryNaming.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Regex.h"
#include <map>
#include <set>

using namespace sysgc;
using namespace llvm;

std::optional<std::string>
sysgc::findSyscallEntry(const SectionGraph &G, const ArchInfo &Arch,
                        const std::optional<std::string> &EntryRegex) {
  std::vector<EntryNaming> Namings;
  for (const AbiInfo &A : Arch.Abis) {
    auto N = EntryNaming::create(A, EntryRegex, G);
    if (!N) {
      consumeError(N.takeError()); // planDispatch reports a bad regex
      continue;
    }
    Namings.push_back(std::move(*N));
  }
  for (uint32_t F = 0; F < G.inputs().Objects.size(); ++F) {
    if (!G.isLinked(F))
      continue;
    const ElfObject &O = G.object(F);
    for (const ElfSymbol &S : O.Symbols) {
      if (S.Binding == ELF::STB_LOCAL || !S.inSection() ||
          S.Shndx >= O.Sections.size() ||
          !(O.Sections[S.Shndx].Flags & ELF::SHF_EXECINSTR))
        continue;
      for (const EntryNaming &N : Namings)
        if (N.numbersOf(S.Name))
          return S.Name.str();
    }
  }
  return std::nullopt;
}

Expected<std::vector<DispatchSite>>
sysgc::findDispatch(const SectionGraph &G, const ArchInfo &Arch,
                    const PlanOptions &Opts, std::vector<std::string> &Warn) {
  std::vector<std::pair<std::string, std::string>> Wanted; // (abi, symbol)
  for (StringRef D : Opts.Dispatch) {
    auto [A, S] = D.contains(':') ? D.split(':')
                                  : std::pair<StringRef, StringRef>("", D);
    std::string Abi;
    if (A.empty()) {
      // Unqualified: the ABI that knows the symbol, else the first.
      Abi = Arch.Abis.front().Name.str();
      for (const AbiInfo &X : Arch.Abis)
        if (llvm::is_contained(X.DispatchSymbols, S))
          Abi = X.Name.str();
    } else if (const AbiInfo *X = Arch.findAbi(A)) {
      Abi = X->Name.str();
    } else {
      std::vector<std::string> Names;
      for (const AbiInfo &X : Arch.Abis)
        Names.push_back(X.Name.str());
      return makeError("--sysgc-dispatch={0}: {1} has no ABI '{2}' (it has "
                       "{3})",
                       D, Arch.Name, A, join(Names, ", "));
    }
    if (G.sectionOf(G.lookup(S)) == NoNode)
      return makeError("--sysgc-dispatch={0}: no input of this link defines "
                       "{1} in a section",
                       D, S);
    Wanted.push_back({Abi, S.str()});
  }
  if (Opts.Dispatch.empty())
    for (const AbiInfo &X : Arch.Abis)
      for (StringRef Name : X.DispatchSymbols)
        Wanted.push_back({X.Name.str(), Name.str()});

  std::vector<DispatchSite> Sites;
  for (auto &[Abi, Name] : Wanted) {
    SymbolRef S = G.lookup(Name);
    NodeId N = G.sectionOf(S);
    if (N == NoNode)
      continue;
    const ElfSymbol &Sym = G.symbol(S);
    DispatchSite D;
    D.Abi = Abi;
    D.Symbol = Name;
    D.Node = N;
    D.IsTable = Sym.Type != ELF::STT_FUNC &&
                !(G.section(N).Flags & ELF::SHF_EXECINSTR && Sym.Type != ELF::STT_OBJECT);
    D.Begin = Sym.Value;
    D.End = Sym.Size ? Sym.Value + Sym.Size : G.section(N).Size;
    if (!Sym.Size)
      Warn.push_back(formatv("dispatch symbol {0} has no size; treating all "
                             "of {1} as dispatch",
                             Name, G.describe(N))
                         .str());
    Sites.push_back(D);
  }
  return Sites;
}

// The name of what relocation R of File points at: its symbol, or for a
// section symbol, the function defined at the target offset.
static std::string targetName(const SectionGraph &G, uint32_t File,
                              uint32_t Reloc, bool FromExec,
                              const ArchInfo &Arch) {
  const ElfObject &O = G.object(File);
  const ElfReloc &R = O.Relocs[Reloc];
  const ElfSymbol &S = O.Symbols[R.Symbol];
  if (S.Type != ELF::STT_SECTION)
    return S.Name.str();
  NodeId T = G.relocTarget(File, Reloc);
  if (T == NoNode)
    return "";
  SymbolRef At = G.symbolAt(T, R.Addend + Arch.targetBias(R.Type, FromExec));
  return At.valid() ? G.symbol(At).Name.str() : "";
}

// A switch dispatcher holds one relocation per case. If the table of the
// same ABI names an entry the switch has no relocation for, the compiler
// inlined that syscall into the switch (ThinLTO does): retargeting cannot
// disable it, so a disallowed one would silently stay enabled.
static Error checkInlinedCases(const SectionGraph &G, const PlanOptions &Opts,
                               LinkPlan &Plan) {
  std::map<std::string, std::set<std::string>> InSwitch, InTable;
  std::map<std::string, std::map<std::string, uint32_t>> Disallowed;
  std::set<std::string> HasSwitch;
  for (const DispatchSite &S : Plan.Dispatch)
    if (!S.IsTable)
      HasSwitch.insert(S.Abi);
  for (const DispatchEdge &E : Plan.DispatchEdges) {
    const DispatchSite &S = Plan.Dispatch[E.Site];
    (S.IsTable ? InTable : InSwitch)[S.Abi].insert(E.Entry);
    if (S.IsTable && !E.Allowed && E.Slot)
      Disallowed[S.Abi][E.Entry] = *E.Slot;
  }
  std::vector<std::string> Missing;
  for (auto &[Abi, Entries] : InTable) {
    if (!HasSwitch.count(Abi))
      continue;
    for (const std::string &E : Entries)
      if (!InSwitch[Abi].count(E) && Disallowed[Abi].count(E))
        Missing.push_back(Abi + ":" + E + " (slot " +
                          std::to_string(Disallowed[Abi][E]) + ")");
  }
  if (Missing.empty())
    return Error::success();
  std::string Msg =
      "the switch dispatcher has no case relocation for " +
      std::to_string(Missing.size()) +
      " disallowed syscall(s) its table names (inlined into the switch?); "
      "they would stay enabled: " +
      join(Missing, ", ");
  if (!Opts.AllowInlinedDispatch)
    return makeError("{0} (--sysgc-allow-inlined-dispatch accepts this)",
                     Msg);
  Plan.Warnings.push_back(Msg);
  return Error::success();
}

Error sysgc::planDispatch(const SectionGraph &G, const Allowlist &Allow,
                          const PlanOptions &Opts, LinkPlan &Plan) {
  const ArchInfo &Arch = *Plan.Arch;
  std::vector<std::string> Unmatched;
  for (size_t SiteIdx = 0; SiteIdx < Plan.Dispatch.size(); ++SiteIdx) {
    const DispatchSite &Site = Plan.Dispatch[SiteIdx];
    const AbiInfo *Abi = Arch.findAbi(Site.Abi);
    if (!Abi)
      return makeError("--sysgc-dispatch: unknown ABI '{0}' for {1}",
                       Site.Abi, Arch.Name);
    auto NamingOrErr = EntryNaming::create(*Abi, Opts.EntryRegex, G);
    if (!NamingOrErr)
      return NamingOrErr.takeError();
    const EntryNaming &Naming = *NamingOrErr;
    Plan.Dispatch[SiteIdx].NiSymbol = Naming.niSymbol();
    uint32_t File = G.fileOf(Site.Node);
    const ElfObject &O = G.object(File);
    bool Exec = G.section(Site.Node).Flags & ELF::SHF_EXECINSTR;
    unsigned PtrSize = Arch.PointerSize;
    size_t Matched = 0;
    // Which numbers each case of a switch serves (two numbers may share an
    // entry, and only one be allowed).
    std::optional<std::map<uint32_t, std::set<uint32_t>>> Cases;
    if (!Site.IsTable)
      Cases = Arch.switchCases(O, G.secOf(Site.Node), Site.Begin, Site.End);
    if (Cases) {
      // Cross-check the decoded cases with the ABI's tables: a number the
      // table sends to entry X must reach X through the switch too. Any
      // disagreement means the decoding is wrong: do without it.
      std::map<uint32_t, std::string> SlotEntry;
      for (const DispatchSite &T : Plan.Dispatch) {
        if (!T.IsTable || T.Abi != Site.Abi)
          continue;
        uint32_t TF = G.fileOf(T.Node);
        unsigned PS = Arch.PointerSize;
        for (const GraphEdge &E : G.edges(T.Node)) {
          const ElfReloc &R = G.object(TF).Relocs[E.Reloc];
          if (R.Offset >= T.Begin && R.Offset < T.End)
            SlotEntry[(R.Offset - T.Begin) / PS] =
                targetName(G, TF, E.Reloc, false, Arch);
        }
      }
      for (auto &[Reloc, Nrs] : *Cases) {
        std::string Name = targetName(G, File, Reloc, Exec, Arch);
        const std::vector<uint32_t> *Serves = Naming.numbersOf(Name);
        for (uint32_t Nr : Nrs) {
          auto It = SlotEntry.find(Nr);
          // The syscall table of the ABI must agree too: entry Name must
          // be the one row Nr names (sys_ni_syscall is fine anywhere).
          bool RowDisagrees =
              Serves && !llvm::is_contained(*Serves, Nr);
          if ((It != SlotEntry.end() && It->second != Name) || RowDisagrees) {
            Plan.Warnings.push_back(
                formatv("{0}: decoded case {1} reaches {2}, which the "
                        "dispatch table or syscall table disagrees with; "
                        "matching cases by entry instead",
                        Site.Symbol, Nr, Name)
                    .str());
            Cases.reset();
            break;
          }
        }
        if (!Cases)
          break;
      }
    }
    for (const GraphEdge &E : G.edges(Site.Node)) {
      const ElfReloc &R = O.Relocs[E.Reloc];
      if (R.Offset < Site.Begin || R.Offset >= Site.End)
        continue;
      std::string Name = targetName(G, File, E.Reloc, Exec, Arch);
      const std::vector<uint32_t> *Nrs = Naming.numbersOf(Name);
      if (!Nrs)
        continue;
      ++Matched;
      DispatchEdge D;
      D.Site = SiteIdx;
      D.File = File;
      D.Reloc = E.Reloc;
      D.Entry = Name;
      if (Site.IsTable) {
        D.Slot = (R.Offset - Site.Begin) / PtrSize;
        D.Nrs = {*D.Slot};
        D.Allowed = Allow.allows(Abi->Name, *D.Slot);
      } else {
        D.Nrs = *Nrs;
        if (Cases) {
          auto It = Cases->find(E.Reloc);
          if (It != Cases->end() && !It->second.empty())
            D.Nrs.assign(It->second.begin(), It->second.end());
        }
        for (uint32_t Nr : D.Nrs)
          D.Allowed |= Allow.allows(Abi->Name, Nr);
      }
      D.Retarget = !D.Allowed;
      if (D.Retarget && O.Symbols[R.Symbol].Type == ELF::STT_SECTION)
        if (SymbolRef At = G.symbolAt(
                E.To, R.Addend + Arch.targetBias(R.Type, Exec));
            At.valid())
          D.NewAddend = R.Addend - int64_t(G.symbol(At).Value);
      if (D.Retarget && (Site.NiSymbol.empty() ||
                         G.sectionOf(G.lookup(Site.NiSymbol)) == NoNode))
        return makeError("{0}: cannot disable {1}: this link defines no {2} "
                         "to send disabled {3} syscalls to (entries named by "
                         "{4})",
                         G.describe(Site.Node), Name,
                         Site.NiSymbol.empty() ? std::string("sys_ni_syscall")
                                               : Site.NiSymbol,
                         Abi->Name, Naming.describe());
      Plan.DispatchEdges.push_back(std::move(D));
    }
    if (!Matched)
      Unmatched.push_back(formatv("{0} ({1}, entries named by {2})",
                                  Site.Symbol, G.describe(Site.Node),
                                  Naming.describe())
                              .str());
  }
  // A dispatch that names no entry this naming recognises removes nothing:
  // the user asked for a shrink, so that is an error unless accepted. One
  // site without entries among others that have them (an ABI's table the
  // config leaves empty) is only worth a warning.
  if (!Unmatched.empty()) {
    std::string Msg =
        "dispatch " + join(Unmatched, "; ") +
        " references no syscall entry; name the entries with "
        "--sysgc-entry-regex='^(sys_.*)$' (one capture group giving the "
        "entry point) or the dispatch with --sysgc-dispatch=[ABI:]SYMBOL";
    if (Unmatched.size() == Plan.Dispatch.size() && !Opts.AcceptNoEntries)
      return makeError("{0}; --sysgc-accept-no-entries links it unchanged",
                       Msg);
    Plan.Warnings.push_back(Msg);
  }
  return checkInlinedCases(G, Opts, Plan);
}

std::vector<std::pair<uint32_t, int64_t>>
LinkPlan::retargetAddendsOf(uint32_t File) const {
  std::vector<std::pair<uint32_t, int64_t>> Out;
  for (const DispatchEdge &D : DispatchEdges)
    if (D.Retarget && D.File == File && D.NewAddend)
      Out.push_back({D.Reloc, *D.NewAddend});
  return Out;
}

std::vector<std::pair<uint32_t, std::string>>
LinkPlan::retargetsOf(uint32_t File) const {
  std::vector<std::pair<uint32_t, std::string>> Out;
  for (const DispatchEdge &D : DispatchEdges)
    if (D.Retarget && D.File == File)
      Out.push_back({D.Reloc, Dispatch[D.Site].NiSymbol});
  return Out;
}
