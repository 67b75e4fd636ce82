//===- sysgc/Plan/Plan.h - What to change in a kernel link -------*- C++ -*-===//
//
// The plan is the whole decision, as plain data a test can build by hand:
//  - which dispatch relocations to retarget to the ABI's sys_ni_syscall;
//  - how each back-reference table splits into per-owner SHF_LINK_ORDER
//    pieces (so lld drops an entry exactly when its owner goes);
//  - which sections are syscall-exclusive (Dead) and, for kernels whose link
//    never ran --gc-sections, which sections must be retained;
//  - why a removed syscall's code is still alive, when it is.
// The planner reads the graph; the rewriter and verifier read the plan.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_PLAN_PLAN_H
#define SYSGC_PLAN_PLAN_H

#include "sysgc/Allowlist/Allowlist.h"
#include "sysgc/Arch/Arch.h"
#include "sysgc/Graph/SectionGraph.h"
#include "sysgc/Link/LinkerScript.h"
#include "llvm/ADT/BitVector.h"
#include <optional>
#include <string>
#include <vector>

namespace sysgc {

enum class GcMode {
  /// The link had no --gc-sections (x86, arm64): everything that is not
  /// syscall-exclusive is retained, sysgc adds --gc-sections.
  Retain,
  /// The link already collects (riscv, arm with DCE): lld's rules apply.
  Collect,
};

struct PlanOptions {
  GcMode Mode = GcMode::Retain;
  /// Whole-kernel collection (--sysgc-gc=full, Retain links): the function
  /// and data sections the compiler made are collected wherever nothing
  /// live references them, not only when a removed syscall owned them.
  bool Full = false;
  /// What the linker scripts KEEP or place by name: roots in Full mode.
  SectionMatcher ScriptKept, ScriptNamed;
  /// [ABI:]SYMBOL overrides of the dispatch symbols.
  std::vector<std::string> Dispatch;
  /// Entry naming override: one capture group giving the entry point.
  std::optional<std::string> EntryRegex;
  /// The link's entry symbol and -u symbols: always roots.
  std::vector<std::string> RootSymbols;
  /// Input sections the linker script discards (/DISCARD/): never roots.
  SectionMatcher Discarded;
  /// Rename function/data sections as the kernel's DCE macros match them.
  bool Normalize = false;
  /// An unknown table alone keeping a removed syscall alive is an error.
  bool UnknownTablesAreErrors = true;
  /// A switch dispatcher lacking the case a table slot names (inlined, as
  /// under ThinLTO) is a warning instead of an error.
  bool AllowInlinedDispatch = false;
  /// A dispatch that references no syscall entry is a warning, not an
  /// error (nothing is removed).
  bool AcceptNoEntries = false;
  /// Keep every table piece, also those of live owners in Retain mode
  /// (pruneSplits folds them back into their tables, whose references
  /// they then seem to be): for analyses that explain liveness.
  bool KeepAllPieces = false;
};

struct DispatchSite {
  std::string Abi;
  std::string Symbol;
  NodeId Node = NoNode;
  /// A data table (slot = offset / pointer size) or code (a switch).
  bool IsTable = false;
  uint64_t Begin = 0, End = 0; // the symbol's range in its section
  /// The not-implemented stub its disabled slots go to, named as this
  /// link names its entries (__x64_sys_ni_syscall, or sys_ni_syscall).
  std::string NiSymbol;
};

/// One dispatch relocation and what becomes of it.
struct DispatchEdge {
  size_t Site;          // index into LinkPlan::Dispatch
  uint32_t File, Reloc; // the relocation
  std::string Entry;    // the entry symbol it targets today
  std::optional<uint32_t> Slot; // for tables
  std::vector<uint32_t> Nrs;    // syscall numbers this entry serves
  bool Allowed = false;
  bool Retarget = false;
  /// A relocation against a section symbol picks its entry by its addend
  /// (arm's ".long sys_mmap2" of a local function of .entry.text reads
  /// .entry.text + 0x470): retargeted, it needs this addend instead, the
  /// old one less the entry's offset.
  std::optional<int64_t> NewAddend;
};

enum class SyscallState {
  Kept,                 // allowed and implemented
  Removed,              // slot now -ENOSYS and its code is gone
  RemovedCodeKept,      // slot now -ENOSYS, code alive for another reason
  NotImplemented,       // not in this kernel (slot was sys_ni or a weak stub)
  AllowedNotImplemented // allowlisted, but this kernel lacks it
};

struct SyscallStatus {
  std::string Abi;
  uint32_t Nr;
  std::string Name;
  std::string Entry; // entry symbol, if the kernel has one
  SyscallState State;
  std::string Reason; // for RemovedCodeKept: the reference chain
};

/// Entries [Entries] of a table section, moved into a piece that lives
/// exactly as long as section Owner (same object).
struct TablePiece {
  uint32_t Owner;
  std::vector<uint32_t> Entries;
};

struct TableSplit {
  uint32_t File, Sec;
  uint32_t EntrySize;
  std::vector<TablePiece> Pieces;
  /// Entries with no owner in this object: stay in the original section,
  /// which remains a root.
  std::vector<uint32_t> Remainder;
};

/// Byte ranges of a code section (x86 .altinstr_replacement) that belong to
/// the owners of the table entries pointing at them. Each owner's ranges
/// move into a piece that lives exactly as long as the owner; the entries'
/// references (Refs) are pointed at the pieces.
struct RangePiece {
  uint32_t Owner;
  std::vector<uint32_t> Ranges; // indices into RangeSplit::Ranges
};

struct RangeSplit {
  uint32_t File, Sec;
  /// [start, end) byte ranges, sorted and disjoint.
  std::vector<std::pair<uint64_t, uint64_t>> Ranges;
  std::vector<RangePiece> Pieces;
  /// Relocations elsewhere in the object that point into Sec: (index into
  /// the object's Relocs, bias: the target is symbol + addend + bias, as
  /// for a branch, whose addend is -4 on x86).
  std::vector<std::pair<uint32_t, int64_t>> Refs;

  /// The range holding Offset, or Ranges.size() if none.
  uint32_t rangeOf(uint64_t Offset) const;
};

/// Code of removed syscalls kept alive only by a table sysgc has no layout
/// for.
struct UnknownTablePin {
  NodeId Table;
  NodeId Entry;
};

/// A removed-syscall candidate kept alive, and by what.
struct KeptReason {
  NodeId Node;
  std::string Chain; // "root -> ... -> node", one hop per reference
};

struct LinkPlan {
  GcMode Mode = GcMode::Retain;
  /// Whole-kernel collection: Dead is every collectable section nothing
  /// live reaches; ScopedDead what the syscall-scoped plan would remove.
  bool Full = false;
  const ArchInfo *Arch = nullptr;
  std::vector<DispatchSite> Dispatch;
  std::vector<DispatchEdge> DispatchEdges;
  std::vector<SyscallStatus> Syscalls;
  std::vector<TableSplit> Splits;
  std::vector<RangeSplit> RangeSplits;
  /// Over graph nodes: reachable from a removed entry / exclusively so /
  /// to mark SHF_EXCLUDE, so that lld drops them as it reads them (Retain
  /// mode: the allocated Dead sections).
  llvm::BitVector Candidate, Dead, Exclude;
  /// Sections the linker script discards.
  llvm::BitVector Discarded;
  /// The syscall-exclusive set with every back-reference edge ignored (known
  /// and unknown tables, alternative-code snippets): the upper bound Dead is
  /// measured against.
  llvm::BitVector IdealDead;
  /// Full mode: the syscall-exclusive sections the syscall-scoped plan
  /// would remove (a subset of Dead). Otherwise empty: Dead is that set.
  llvm::BitVector ScopedDead;
  /// Full mode: the sections whole-kernel collection may remove (no root
  /// of the link; isCollectable). Otherwise empty.
  llvm::BitVector Collectable;
  /// Sections renamed for the stock linker script (--sysgc-normalize-sections).
  std::vector<std::pair<NodeId, std::string>> Renames;
  std::vector<UnknownTablePin> UnknownPins;
  std::vector<KeptReason> Kept;
  /// For each live node, the first reference that made it live (NoNode for
  /// roots): the answer to "why is this still here".
  std::vector<std::pair<NodeId, uint32_t>> LiveParent;
  std::vector<std::string> Warnings;

  /// The relocations to retarget, per object: (reloc, new symbol name).
  std::vector<std::pair<uint32_t, std::string>> retargetsOf(uint32_t File) const;
  /// The retargeted relocations whose addend changes too: (reloc, addend).
  std::vector<std::pair<uint32_t, int64_t>>
  retargetAddendsOf(uint32_t File) const;
};

/// What each allocated section's name makes it, read once per link: the
/// names of a big object lie in its string table in no useful order, and
/// every pass over them paid a cache miss per section.
struct SectionKinds {
  /// The layout of a table Arch knows, per node (null: none).
  std::vector<const TableLayout *> Table;
  /// Code that back-reference tables point into (Arch.BackRefCode).
  llvm::BitVector BackRefCode;
  /// .eh_frame: its FDEs follow their functions, as in lld.
  llvm::BitVector EhFrame;
  /// normalizedSectionName, per node: 0 keeps its name, else 1 + index in
  /// NormalNames.
  std::vector<uint8_t> Normal;
  static constexpr llvm::StringLiteral NormalNames[] = {".text", ".data",
                                                        ".bss"};

  static SectionKinds of(const SectionGraph &G, const ArchInfo &Arch);
};

/// A syscall entry (a global function named as the ABI's prefix or
/// EntryRegex names entries: "__x64_sys_read") this link defines, if any:
/// a link that has them is a kernel, whether sysgc finds its dispatch or
/// not.
std::optional<std::string>
findSyscallEntry(const SectionGraph &G, const ArchInfo &Arch,
                 const std::optional<std::string> &EntryRegex = std::nullopt);

/// The dispatch sites of this link: the symbols --sysgc-dispatch names (one
/// that no input defines is an error), else every dispatch symbol Arch knows
/// that the link defines. Empty: this link has no dispatch (not a kernel).
llvm::Expected<std::vector<DispatchSite>>
findDispatch(const SectionGraph &G, const ArchInfo &Arch,
             const PlanOptions &Opts, std::vector<std::string> &Warnings);

/// Decide every dispatch relocation against the allowlist.
llvm::Error planDispatch(const SectionGraph &G, const Allowlist &Allow,
                         const PlanOptions &Opts, LinkPlan &Plan);

/// Split the back-reference tables Arch knows into per-owner pieces.
llvm::Error planTables(const SectionGraph &G, const SectionKinds &K,
                       const PlanOptions &Opts, LinkPlan &Plan);

/// Split the snippet code sections Arch knows (x86 .altinstr_aux) into
/// pieces owned by the one function that branches into each snippet.
void planSnippetCode(const SectionGraph &G, const SectionKinds &K,
                     LinkPlan &Plan);

/// The section an SHF_LINK_ORDER section N is linked to (lld keeps N
/// exactly as long as that one), or NoNode if N has no such link.
NodeId linkOrderOwner(const SectionGraph &G, NodeId N);

/// May whole-kernel collection remove section N? Only the sections a
/// compiler makes per function or object (-ffunction-sections
/// -fdata-sections: ".text.foo", ".rodata.bar", ".bss..L.baz"), and of
/// those only the ones no script KEEPs or places by name, that carry no
/// SHF_GNU_RETAIN and that are no table sysgc splits. Everything else is a
/// root.
bool isCollectable(const SectionGraph &G, NodeId N, const PlanOptions &Opts);
/// The name test of isCollectable.
bool isPerSymbolSectionName(llvm::StringRef Name);

/// Warn when no removed syscall's entry has a section of its own (a kernel
/// built without -ffunction-sections: nothing can be removed) and when full
/// mode finds nothing collectable.
void warnWithoutFunctionSections(const SectionGraph &G, LinkPlan &Plan);

/// Compute Candidate, Dead, Exclude and Kept from the retargeted graph.
void planLiveness(const SectionGraph &G, const SectionKinds &K,
                  const PlanOptions &Opts, LinkPlan &Plan);

/// The references planLiveness follows, as a flat graph (CSR): those of
/// node N are its own relocations (minus the retargeted dispatch edges; of a
/// split table only the entries left in place) and those of every table
/// piece, snippet or FDE N owns. Targets that are unresolved or discarded
/// are left out, as the marker leaves them. For analyses that must agree
/// with the plan reference for reference (sysgc cost, sysgc why).
struct LiveRefs {
  struct Ref {
    NodeId To;
    NodeId From;    // the section holding the relocation: N, or a table
    uint32_t Reloc; // index into From's object's Relocs
  };
  std::vector<uint32_t> Begin; // numNodes() + 1
  std::vector<Ref> Refs;
  llvm::ArrayRef<Ref> of(NodeId N) const {
    return llvm::ArrayRef<Ref>(Refs).slice(Begin[N], Begin[N + 1] - Begin[N]);
  }
};
LiveRefs liveRefs(const SectionGraph &G, const SectionKinds &K,
                  LinkPlan &Plan);

/// Retain mode: keep only the pieces whose owner is Dead.
void pruneSplits(const SectionGraph &G, LinkPlan &Plan);

/// The DCE-macro name of an input section, or "" if it keeps its name.
std::string normalizedSectionName(llvm::StringRef Name);

/// Fill Plan.Renames for every linked section normalizedSectionName renames
/// (Plan.Arch set).
void planNormalize(const SectionGraph &G, LinkPlan &Plan);
void planNormalize(const SectionGraph &G, const SectionKinds &K,
                   LinkPlan &Plan);

/// "referenced by f (file:(sec)) <- g (...)": the chain that keeps N alive.
std::string whyLive(const SectionGraph &G, const LinkPlan &Plan, NodeId N);

/// All of the above over the dispatch sites findDispatch found (non-empty),
/// plus the per-syscall status.
llvm::Expected<LinkPlan> planLink(const SectionGraph &G, const ArchInfo &Arch,
                                  const Allowlist &Allow,
                                  const PlanOptions &Opts,
                                  std::vector<DispatchSite> Sites);
/// The same, finding the dispatch first (an error if there is none).
llvm::Expected<LinkPlan> planLink(const SectionGraph &G, const ArchInfo &Arch,
                                  const Allowlist &Allow,
                                  const PlanOptions &Opts);

/// The last step of planLink: every syscall's status, and the reasons
/// removed entries stayed (Kept chains), from Plan's liveness on G. Entries
/// are named as EntryRegex says (default: the ABI's prefix).
void planStatuses(const SectionGraph &G, const Allowlist &Allow,
                  LinkPlan &Plan,
                  const std::optional<std::string> &EntryRegex = std::nullopt);

llvm::StringRef toString(SyscallState S);

} // namespace sysgc

#endif
