//===- Planner.cpp - Put the plan together --------------------------------===//
//
// dispatch -> tables -> liveness, then one status line per syscall of every
// ABI whose dispatch this link has (planStatuses, which also redoes the
// plan's explanations on the graph at hand: a reused plan needs them anew).
//
//===----------------------------------------------------------------------===//
#include "sysgc/Plan/Plan.h"
#include "sysgc/Plan/EntryNaming.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FormatVariadic.h"
#include <set>

using namespace sysgc;
using namespace llvm;

StringRef sysgc::toString(SyscallState S) {
  switch (S) {
  case SyscallState::Kept:
    return "kept";
  case SyscallState::Removed:
    return "removed";
  case SyscallState::RemovedCodeKept:
    return "removed_code_kept";
  case SyscallState::NotImplemented:
    return "not_implemented";
  case SyscallState::AllowedNotImplemented:
    return "allowed_not_implemented";
  }
  return "unknown";
}

// In Retain mode liveness is settled by the plan: only pieces whose owner
// dies need to exist. Entries and snippets of surviving owners go back to
// their section, in their original order, which keeps every table's order
// as the compiler wrote it and gives lld a few thousand sections to sort
// instead of tens of thousands.
void sysgc::pruneSplits(const SectionGraph &G, LinkPlan &Plan) {
  for (TableSplit &S : Plan.Splits) {
    // Every entry is in the remainder or in one piece: what stays in place
    // is every entry no dead owner's piece takes, in order.
    uint32_t N = G.object(S.File).Sections[S.Sec].Size / S.EntrySize;
    std::vector<bool> Moves(N);
    std::vector<TablePiece> Kept;
    for (TablePiece &P : S.Pieces)
      if (Plan.Dead[G.node(S.File, P.Owner)]) {
        for (uint32_t En : P.Entries)
          Moves[En] = true;
        Kept.push_back(std::move(P));
      }
    S.Pieces = std::move(Kept);
    S.Remainder.clear();
    S.Remainder.reserve(N);
    for (uint32_t En = 0; En < N; ++En)
      if (!Moves[En])
        S.Remainder.push_back(En);
  }
  llvm::erase_if(Plan.Splits,
                 [](const TableSplit &S) { return S.Pieces.empty(); });
  for (RangeSplit &S : Plan.RangeSplits) {
    std::vector<std::pair<uint64_t, uint64_t>> Ranges;
    std::vector<RangePiece> Kept;
    for (RangePiece &P : S.Pieces) {
      if (!Plan.Dead[G.node(S.File, P.Owner)])
        continue;
      RangePiece Q{P.Owner, {}};
      for (uint32_t R : P.Ranges) {
        Q.Ranges.push_back(Ranges.size());
        Ranges.push_back(S.Ranges[R]);
      }
      Kept.push_back(std::move(Q));
    }
    // Ranges must stay sorted: renumber in address order.
    std::vector<uint32_t> Order(Ranges.size());
    for (uint32_t I = 0; I < Order.size(); ++I)
      Order[I] = I;
    llvm::sort(Order, [&](uint32_t A, uint32_t B) {
      return Ranges[A].first < Ranges[B].first;
    });
    std::vector<uint32_t> NewIndex(Ranges.size());
    std::vector<std::pair<uint64_t, uint64_t>> Sorted;
    for (uint32_t I = 0; I < Order.size(); ++I) {
      NewIndex[Order[I]] = I;
      Sorted.push_back(Ranges[Order[I]]);
    }
    for (RangePiece &P : Kept)
      for (uint32_t &R : P.Ranges)
        R = NewIndex[R];
    S.Ranges = std::move(Sorted);
    S.Pieces = std::move(Kept);
  }
  llvm::erase_if(Plan.RangeSplits,
                 [](const RangeSplit &S) { return S.Pieces.empty(); });
}

// A kernel compiled without -ffunction-sections keeps each object's code in
// one .text: the removed syscalls' slots return -ENOSYS, but their code
// shares a section with code that stays, and nothing can be collected. Say
// so, with the fix, instead of a silent 0-byte result.
void sysgc::warnWithoutFunctionSections(const SectionGraph &G, LinkPlan &Plan) {
  size_t Retargeted = 0, Shared = 0;
  std::string Example;
  for (const DispatchEdge &E : Plan.DispatchEdges) {
    if (!E.Retarget)
      continue;
    NodeId T = G.relocTarget(E.File, E.Reloc);
    if (T == NoNode)
      continue;
    ++Retargeted;
    if (!isPerSymbolSectionName(G.section(T).Name)) {
      ++Shared;
      if (Example.empty())
        Example = E.Entry + " in " + G.describe(T);
    }
  }
  if (Retargeted && Shared == Retargeted)
    Plan.Warnings.push_back(formatv(
        "no removed syscall has a section of its own (e.g. {0}): the kernel "
        "was compiled without -ffunction-sections, so their slots return "
        "-ENOSYS but none of their code can be removed; build with "
        "KCFLAGS=\"-ffunction-sections -fdata-sections\"",
        Example));
  if (Plan.Full && Plan.Collectable.none())
    Plan.Warnings.push_back(
        "--sysgc-gc=full: no input section is one the compiler made for a "
        "single function or object, so whole-kernel collection removes "
        "nothing; build with KCFLAGS=\"-ffunction-sections -fdata-sections\"");
}

Expected<LinkPlan> sysgc::planLink(const SectionGraph &G, const ArchInfo &Arch,
                                   const Allowlist &Allow,
                                   const PlanOptions &Opts) {
  std::vector<std::string> Warnings;
  auto Sites = findDispatch(G, Arch, Opts, Warnings);
  if (!Sites)
    return Sites.takeError();
  if (Sites->empty())
    return makeError("this link defines none of the dispatch symbols sysgc "
                     "knows for {0}; name it with --sysgc-dispatch",
                     Arch.Name);
  auto P = planLink(G, Arch, Allow, Opts, std::move(*Sites));
  if (P)
    P->Warnings.insert(P->Warnings.begin(), Warnings.begin(), Warnings.end());
  return P;
}

Expected<LinkPlan> sysgc::planLink(const SectionGraph &G, const ArchInfo &Arch,
                                   const Allowlist &Allow,
                                   const PlanOptions &Opts,
                                   std::vector<DispatchSite> Sites) {
  assert(!Sites.empty() && "a plan needs a dispatch");
  LinkPlan Plan;
  Plan.Mode = Opts.Mode;
  Plan.Arch = &Arch;
  Plan.Dispatch = std::move(Sites);
  Plan.Discarded.resize(G.numNodes());
  SectionKinds Kinds = SectionKinds::of(G, Arch);
  if (!Opts.Discarded.empty())
    for (NodeId N = 0; N < G.numNodes(); ++N)
      if (G.isAllocNode(N) && Opts.Discarded.match(G.section(N).Name))
        Plan.Discarded.set(N);
  if (Opts.Normalize)
    planNormalize(G, Kinds, Plan);
  if (Error E = planDispatch(G, Allow, Opts, Plan))
    return std::move(E);
  if (Error E = planTables(G, Kinds, Opts, Plan))
    return std::move(E);
  planSnippetCode(G, Kinds, Plan);
  planLiveness(G, Kinds, Opts, Plan);
  warnWithoutFunctionSections(G, Plan);
  if (Plan.Mode == GcMode::Retain && !Opts.KeepAllPieces)
    pruneSplits(G, Plan);
  if (!Plan.UnknownPins.empty()) {
    std::string Msg;
    size_t Shown = 0;
    for (const UnknownTablePin &P : Plan.UnknownPins) {
      if (++Shown > 20) {
        Msg += formatv("\n  ... and {0} more", Plan.UnknownPins.size() - 20)
                   .str();
        break;
      }
      SymbolRef Entry = G.symbolAt(P.Entry, 0);
      Msg += formatv("\n  {0} keeps {1} alive", G.describe(P.Table),
                     Entry.valid() ? G.symbol(Entry).Name.str()
                                   : G.describe(P.Entry))
                 .str();
    }
    std::string Head =
        "tables sysgc has no layout for point into removed syscalls (add "
        "their layout to lib/Arch, or pass --sysgc-unknown-tables=warn to "
        "keep those syscalls' code):";
    if (Opts.UnknownTablesAreErrors)
      return makeError("{0}{1}", Head, Msg);
    Plan.Warnings.push_back(Head + Msg);
  }

  planStatuses(G, Allow, Plan, Opts.EntryRegex);
  return Plan;
}

void sysgc::planStatuses(const SectionGraph &G, const Allowlist &Allow,
                         LinkPlan &Plan,
                         const std::optional<std::string> &EntryRegex) {
  const ArchInfo &Arch = *Plan.Arch;
  // Why each removed entry that stayed is still here.
  for (KeptReason &K : Plan.Kept)
    K.Chain = whyLive(G, Plan, K.Node);
  // One status per syscall of each ABI that has a dispatch here.
  Plan.Syscalls.clear();
  std::set<std::string> Abis;
  for (const DispatchSite &D : Plan.Dispatch)
    Abis.insert(D.Abi);
  for (const std::string &AbiName : Abis) {
    const AbiInfo &Abi = *Arch.findAbi(AbiName);
    // The same naming the dispatch was planned with (a bad regex never
    // gets this far: planDispatch refused it).
    auto NamingOrErr = EntryNaming::create(Abi, EntryRegex, G);
    if (!NamingOrErr) {
      consumeError(NamingOrErr.takeError());
      continue;
    }
    const EntryNaming &Naming = *NamingOrErr;
    std::string Ni = Naming.niSymbol();
    // Where each entry this ABI's dispatch names points, for local entries
    // (no global name to look up): one pass, not one per syscall row.
    StringMap<NodeId> DispatchedAt;
    for (const DispatchEdge &E : Plan.DispatchEdges)
      if (Plan.Dispatch[E.Site].Abi == AbiName)
        if (NodeId T = G.relocTarget(E.File, E.Reloc); T != NoNode)
          DispatchedAt.try_emplace(E.Entry, T);
    for (const SyscallDesc &D : Abi.Syscalls) {
      SyscallStatus S{AbiName, D.Nr, D.Name.str(), "", SyscallState::Kept, ""};
      NodeId EntryNode = NoNode;
      for (const std::string &Sym : Naming.entrySymbols(D)) {
        if (Sym == Ni)
          continue;
        SymbolRef Ref = G.lookup(Sym);
        if (!Ref.valid()) {
          // A local entry (arm's sys_mmap2 in .entry.text) has no global
          // name: the dispatch relocation that names it says where it is.
          auto It = DispatchedAt.find(Sym);
          if (It == DispatchedAt.end())
            continue;
          S.Entry = Sym;
          EntryNode = It->second;
          break;
        }
        if (G.symbol(Ref).Binding == ELF::STB_WEAK ||
            G.sectionOf(Ref) == NoNode)
          continue; // weak: a COND_SYSCALL stub that returns -ENOSYS
        S.Entry = Sym;
        EntryNode = G.sectionOf(Ref);
        break;
      }
      bool Allowed = Allow.allows(AbiName, D.Nr);
      if (EntryNode == NoNode)
        S.State = Allowed ? SyscallState::AllowedNotImplemented
                          : SyscallState::NotImplemented;
      else if (Allowed)
        S.State = SyscallState::Kept;
      else if (Plan.Dead[EntryNode])
        S.State = SyscallState::Removed;
      else {
        S.State = SyscallState::RemovedCodeKept;
        S.Reason = whyLive(G, Plan, EntryNode);
        // Two numbers sharing one entry (ia32 fcntl and fcntl64) in one
        // switch case that could not be decoded apart.
        for (const DispatchEdge &E : Plan.DispatchEdges)
          if (!E.Retarget && !Plan.Dispatch[E.Site].IsTable &&
              Plan.Dispatch[E.Site].Abi == AbiName &&
              llvm::is_contained(E.Nrs, D.Nr) &&
              G.relocTarget(E.File, E.Reloc) == EntryNode) {
            S.Reason = "shares its entry with an allowed syscall, so " +
                       Plan.Dispatch[E.Site].Symbol +
                       " still dispatches it (" + S.Reason + ")";
            break;
          }
      }
      Plan.Syscalls.push_back(std::move(S));
    }
  }
}
