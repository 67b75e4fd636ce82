//===- Liveness.cpp - Which sections only removed syscalls need -----------===//
//
// Two mark passes over the graph, in the manner of lld's MarkLive:
//  1. Candidate: everything reachable from the entries whose dispatch slots
//     were retargeted (the code a removed syscall could run).
//  2. Live: everything reachable from every other section (all of them are
//     roots: the kernel was not written for GC), with the retargeted
//     dispatch edges cut.
// Dead = Candidate - Live: the syscall-exclusive code and data. Table pieces
// are not roots: a piece's relocations count only once its owner is live,
// which is what SHF_LINK_ORDER makes lld do. .eh_frame is seen as lld sees
// it: each FDE is a piece owned by the function its first relocation names,
// and only the CIEs (personality routines) are references of the section
// itself. The first reference that made a removed entry live is remembered
// so the report can say why it stayed.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Plan/Plan.h"
#include "sysgc/Plan/EhFrame.h"
#include "sysgc/Plan/EntryNaming.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include <thread>

using namespace sysgc;
using namespace llvm;

namespace {
/// A split section as the marker sees it: its edges bucketed by entry (a
/// table entry, or a snippet range plus one "outside every range" bucket),
/// which entries each owner's piece holds, and which stay behind.
struct SplitView {
  NodeId Node;
  std::vector<uint32_t> Begin; // CSR over entries
  std::vector<GraphEdge> Edges;
  std::vector<std::pair<NodeId, ArrayRef<uint32_t>>> Pieces; // into the plan
  ArrayRef<uint32_t> Remainder; // into the plan, or OwnRemainder's buffer
  std::vector<uint32_t> OwnRemainder;
  /// Entries of pieces the marker made itself (.eh_frame FDEs).
  std::vector<std::vector<uint32_t>> OwnPieces;
};

class Marker {
public:
  Marker(const SectionGraph &G, const SectionKinds &K, LinkPlan &Plan)
      : G(G), Plan(Plan) {
    for (const DispatchEdge &D : Plan.DispatchEdges)
      if (D.Retarget) {
        if (Cut.size() <= D.File)
          Cut.resize(D.File + 1);
        if (Cut[D.File].empty())
          Cut[D.File].resize(G.object(D.File).Relocs.size());
        Cut[D.File].set(D.Reloc);
      }
    IsSplit.resize(G.numNodes());
    for (const TableSplit &S : Plan.Splits) {
      const ElfObject &O = G.object(S.File);
      uint32_t NumEntries = O.Sections[S.Sec].Size / S.EntrySize;
      SplitView &V = add(S.File, S.Sec, NumEntries, [&](uint64_t Off) {
        return uint32_t(Off / S.EntrySize);
      });
      V.Pieces.reserve(S.Pieces.size());
      for (const TablePiece &P : S.Pieces)
        V.Pieces.push_back({G.node(S.File, P.Owner), P.Entries});
      V.Remainder = S.Remainder;
    }
    for (const RangeSplit &S : Plan.RangeSplits) {
      uint32_t Outside = S.Ranges.size();
      SplitView &V = add(S.File, S.Sec, Outside + 1,
                         [&](uint64_t Off) { return S.rangeOf(Off); });
      for (const RangePiece &P : S.Pieces)
        V.Pieces.push_back({G.node(S.File, P.Owner), P.Ranges});
      V.OwnRemainder = {Outside};
      V.Remainder = V.OwnRemainder; // the buffer survives moves of V
    }
    for (int I = K.EhFrame.find_first(); I != -1; I = K.EhFrame.find_next(I))
      if (!IsSplit[I])
        addEhFrame(I);
    // Sections the compiler already made SHF_LINK_ORDER (.ARM.exidx,
    // __patchable_function_entries): lld keeps each exactly as long as the
    // section it is linked to, so its references are that section's.
    for (NodeId N = 0; N < G.numNodes(); ++N)
      if (!IsSplit[N] && G.isAllocNode(N))
        if (NodeId Owner = linkOrderOwner(G, N); Owner != NoNode)
          addWhole(N, Owner);
    // Every piece's edges, gathered once into one flat array, and the
    // pieces of each owner node as CSR: visiting a node's pieces is then
    // a linear scan (pieces without references, the parallel tables', are
    // left out).
    std::vector<std::pair<NodeId, uint32_t>> OwnerPiece; // (owner, piece)
    for (uint32_t I = 0; I < Views.size(); ++I) {
      const SplitView &V = Views[I];
      for (const auto &[Owner, Entries] : V.Pieces) {
        uint32_t Begin = PieceEdges.size();
        for (uint32_t En : Entries)
          for (uint32_t J = V.Begin[En]; J < V.Begin[En + 1]; ++J)
            PieceEdges.push_back({V.Node, V.Edges[J]});
        if (PieceEdges.size() == Begin)
          continue;
        OwnerPiece.push_back({Owner, uint32_t(PieceBegin.size())});
        PieceBegin.push_back(Begin);
      }
    }
    PieceBegin.push_back(PieceEdges.size());
    NodePieceBegin.assign(G.numNodes() + 1, 0);
    for (auto &[Owner, P] : OwnerPiece)
      ++NodePieceBegin[Owner + 1];
    for (NodeId N = 0; N < G.numNodes(); ++N)
      NodePieceBegin[N + 1] += NodePieceBegin[N];
    NodePieces.resize(OwnerPiece.size());
    std::vector<uint32_t> Fill(NodePieceBegin.begin(), NodePieceBegin.end() - 1);
    for (auto &[Owner, P] : OwnerPiece)
      NodePieces[Fill[Owner]++] = P;
  }

  /// Mark everything reachable from Roots into Mark; record the first
  /// reference to each node in Parent if given.
  /// Nodes in Ignore are marked but their references are not followed.
  /// Read-only: independent passes may run on separate threads.
  void run(const std::vector<NodeId> &Roots, BitVector &Mark,
           std::vector<std::pair<NodeId, uint32_t>> *Parent,
           const BitVector *Ignore = nullptr) const {
    std::vector<NodeId> Queue;
    auto Enqueue = [&](NodeId To, NodeId From, uint32_t Reloc) {
      if (To == NoNode || Mark[To] || Plan.Discarded[To])
        return;
      Mark.set(To);
      if (Parent)
        (*Parent)[To] = {From, Reloc};
      Queue.push_back(To);
    };
    for (NodeId R : Roots)
      Enqueue(R, NoNode, 0);
    while (!Queue.empty()) {
      NodeId N = Queue.back();
      Queue.pop_back();
      if (Ignore && (*Ignore)[N])
        continue;
      forEachRef(N, Enqueue);
    }
  }

  /// Every reference that makes N's targets live once N is: Visit(To, From,
  /// Reloc), From being N or the split section holding a piece N owns.
  template <class Fn> void forEachRef(NodeId N, Fn &&Visit) const {
    uint32_t F = G.fileOf(N);
    if (IsSplit[N]) {
      // Only the entries left behind (no owner) are references of the
      // split section itself.
      uint32_t SI = SplitOf.lookup(N);
      forEntries(SI, Views[SI].Remainder,
                 [&](const GraphEdge &E) { Visit(E.To, N, E.Reloc); });
    } else {
      const BitVector *FileCut =
          F < Cut.size() && !Cut[F].empty() ? &Cut[F] : nullptr;
      for (const GraphEdge &E : G.edges(N))
        if (!FileCut || !(*FileCut)[E.Reloc])
          Visit(E.To, N, E.Reloc);
    }
    for (uint32_t I = NodePieceBegin[N]; I < NodePieceBegin[N + 1]; ++I) {
      uint32_t P = NodePieces[I];
      for (uint32_t J = PieceBegin[P]; J < PieceBegin[P + 1]; ++J)
        Visit(PieceEdges[J].Edge.To, PieceEdges[J].From,
              PieceEdges[J].Edge.Reloc);
    }
  }

private:
  // Section N as one piece owned by Owner.
  void addWhole(NodeId N, NodeId Owner) {
    SplitView &V = add(G.fileOf(N), G.secOf(N), 1, [](uint64_t) { return 0u; });
    V.OwnPieces.push_back({0});
    V.Pieces.push_back({Owner, V.OwnPieces.back()});
  }

  // .eh_frame as lld reads it: one entry per record; each FDE a piece of
  // the section its first relocation points into, the CIEs (and FDEs that
  // name no section) the section's own references. Contents sysgc cannot
  // walk leave the section an ordinary root: nothing is collected through
  // it, and lld reports the damage itself.
  void addEhFrame(NodeId N) {
    uint32_t File = G.fileOf(N);
    const ElfObject &O = G.object(File);
    auto Recs = parseEhFrame(G.section(N).Contents, O.IsLittleEndian);
    if (!Recs) {
      Plan.Warnings.push_back(
          G.describe(N) + ": " + toString(Recs.takeError()) +
          "; its functions are all kept");
      return;
    }
    std::vector<uint64_t> Starts;
    for (const EhRecord &R : *Recs)
      Starts.push_back(R.Offset);
    auto EntryOf = [&](uint64_t Off) -> uint32_t {
      auto It = llvm::upper_bound(Starts, Off);
      return It == Starts.begin() ? 0 : uint32_t(It - Starts.begin() - 1);
    };
    if (Starts.empty())
      return; // no records: no references that matter
    SplitView &V = add(File, G.secOf(N), Starts.size(), EntryOf);
    // Each FDE's owner: the target of the first relocation inside it.
    std::vector<NodeId> Owner(Starts.size(), NoNode);
    for (const GraphEdge &E : G.edges(N)) {
      uint32_t En = EntryOf(O.Relocs[E.Reloc].Offset);
      if ((*Recs)[En].IsCie || Owner[En] != NoNode)
        continue;
      Owner[En] = E.To == NoNode ? N : E.To; // N: names no section
    }
    DenseMap<NodeId, uint32_t> PieceOf;
    for (uint32_t En = 0; En < Starts.size(); ++En) {
      if ((*Recs)[En].IsCie || Owner[En] == NoNode || Owner[En] == N) {
        V.OwnRemainder.push_back(En);
        continue;
      }
      auto [It, New] = PieceOf.try_emplace(Owner[En], V.OwnPieces.size());
      if (New)
        V.OwnPieces.emplace_back();
      V.OwnPieces[It->second].push_back(En);
    }
    V.Remainder = V.OwnRemainder;
    for (auto &[Own, P] : PieceOf)
      V.Pieces.push_back({Own, V.OwnPieces[P]});
    // Deterministic order: by owner node.
    llvm::sort(V.Pieces, [](const auto &A, const auto &B) {
      return A.first < B.first;
    });
  }

  template <class EntryOf>
  SplitView &add(uint32_t File, uint32_t Sec, uint32_t NumEntries,
                 EntryOf Entry) {
    NodeId N = G.node(File, Sec);
    IsSplit[N] = true;
    SplitOf[N] = Views.size();
    SplitView &V = Views.emplace_back();
    V.Node = N;
    // Bucket the section's edges by entry once (CSR), so that visiting a
    // piece costs its own entries only.
    const ElfObject &O = G.object(File);
    V.Begin.assign(NumEntries + 1, 0);
    auto Edges = G.edges(N);
    for (const GraphEdge &E : Edges)
      ++V.Begin[Entry(O.Relocs[E.Reloc].Offset) + 1];
    for (uint32_t J = 0; J < NumEntries; ++J)
      V.Begin[J + 1] += V.Begin[J];
    V.Edges.resize(Edges.size());
    std::vector<uint32_t> Fill(V.Begin.begin(), V.Begin.end() - 1);
    for (const GraphEdge &E : Edges)
      V.Edges[Fill[Entry(O.Relocs[E.Reloc].Offset)]++] = E;
    return V;
  }

  // The edges of split Split whose relocations fall in the given entries.
  template <class Fn>
  void forEntries(uint32_t Split, ArrayRef<uint32_t> Entries,
                  Fn Visit) const {
    const SplitView &V = Views[Split];
    for (uint32_t En : Entries)
      for (uint32_t J = V.Begin[En]; J < V.Begin[En + 1]; ++J)
        Visit(V.Edges[J]);
  }
  std::vector<SplitView> Views;

  const SectionGraph &G;
  LinkPlan &Plan;
  /// Per object, the retargeted dispatch relocations.
  std::vector<BitVector> Cut;
  std::vector<bool> IsSplit;
  DenseMap<NodeId, uint32_t> SplitOf;
  /// A piece's reference: the split section it is in, and the edge.
  struct PieceEdge {
    NodeId From;
    GraphEdge Edge;
  };
  std::vector<PieceEdge> PieceEdges;
  std::vector<uint32_t> PieceBegin;     // CSR over pieces into PieceEdges
  std::vector<uint32_t> NodePieceBegin; // CSR over owner nodes
  std::vector<uint32_t> NodePieces;     // piece indices
};

} // namespace

// The section an SHF_LINK_ORDER section N is linked to, or NoNode.
NodeId sysgc::linkOrderOwner(const SectionGraph &G, NodeId N) {
  const ElfSection &S = G.section(N);
  if (!(S.Flags & ELF::SHF_LINK_ORDER))
    return NoNode;
  uint32_t F = G.fileOf(N);
  if (S.Link == 0 || S.Link >= G.object(F).Sections.size() || S.Link == G.secOf(N))
    return NoNode;
  return G.node(F, S.Link);
}

bool sysgc::isPerSymbolSectionName(StringRef Name) {
  // What -ffunction-sections -fdata-sections name a symbol's section: the
  // usual output name, a dot, the symbol (".text.unlikely.foo" too). A
  // second dot right away is the kernel's own naming (".data..percpu"),
  // but for the compiler's local labels and compound literals, which the
  // kernel's DCE macros list for that reason.
  static constexpr StringLiteral Prefixes[] = {
      ".text.", ".data.", ".rodata.", ".bss.", ".sdata.", ".sbss.",
      ".srodata.", ".tdata.", ".tbss.", ".ldata.", ".lrodata.", ".lbss."};
  for (StringRef P : Prefixes) {
    if (!Name.starts_with(P))
      continue;
    StringRef Rest = Name.drop_front(P.size());
    if (Rest.empty())
      return false;
    if (Rest[0] != '.')
      return true;
    return Rest.starts_with(".L") || Rest.starts_with(".compoundliteral");
  }
  return false;
}

bool sysgc::isCollectable(const SectionGraph &G, NodeId N,
                          const PlanOptions &Opts) {
  if (!G.isAllocNode(N))
    return false;
  const ElfSection &S = G.section(N);
  if (S.Flags & (ELF::SHF_GNU_RETAIN | ELF::SHF_LINK_ORDER))
    return false;
  if (!isPerSymbolSectionName(S.Name))
    return false;
  return !Opts.ScriptKept.match(S.Name) && !Opts.ScriptNamed.match(S.Name);
}

namespace {
// "func (file:(section))" for a reference from section N at offset Off.
std::string describeSite(const SectionGraph &G, NodeId N, uint64_t Off) {
  const ElfObject &O = G.object(G.fileOf(N));
  std::string Fn;
  uint64_t Best = 0;
  for (uint32_t S : G.symbolsIn(N)) {
    const ElfSymbol &Sym = O.Symbols[S];
    if (Sym.Value <= Off && Off < Sym.Value + std::max<uint64_t>(Sym.Size, 1) &&
        (Fn.empty() || Sym.Value >= Best)) {
      Fn = Sym.Name.str();
      Best = Sym.Value;
    }
  }
  return Fn.empty() ? G.describe(N) : Fn + " (" + G.describe(N) + ")";
}

bool neverExclude(const ElfSection &S) {
  // lld handles these itself (.eh_frame pieces follow their functions).
  return isEhFrameName(S.Name);
}
} // namespace

void sysgc::planLiveness(const SectionGraph &G, const SectionKinds &K,
                         const PlanOptions &Opts, LinkPlan &Plan) {
  uint32_t N = G.numNodes();
  const ArchInfo &Arch = *Plan.Arch;
  if (Plan.Discarded.size() != N)
    Plan.Discarded.resize(N);
  Marker M(G, K, Plan);

  BitVector IsDispatch(N);
  for (const DispatchSite &D : Plan.Dispatch)
    IsDispatch.set(D.Node);
  // Each node's class, looked up once.
  // .eh_frame counts as a known table: its FDEs follow their functions.
  enum : uint8_t { Alloc = 1, KnownTable = 2, BackRefCode = 4 };
  std::vector<uint8_t> Class(N);
  // So is a compiler-made SHF_LINK_ORDER section (__patchable_function_
  // entries, .ARM.exidx): a piece of the section it links to.
  for (NodeId I = 0; I < N; ++I) {
    if (!G.isAllocNode(I))
      continue;
    bool BackRefs = K.Table[I] || K.EhFrame[I] ||
                    linkOrderOwner(G, I) != NoNode;
    Class[I] = Alloc | (BackRefs ? KnownTable : 0) |
               (K.BackRefCode[I] ? BackRefCode : 0);
  }
  auto IsKnownTable = [&](NodeId I) { return Class[I] & KnownTable; };
  auto IsBackRefCode = [&](NodeId I) { return Class[I] & BackRefCode; };
  // Referenced by something other than a back-reference table.
  BitVector Referenced(N);
  for (NodeId I = 0; I < N; ++I)
    if ((Class[I] & Alloc) && !Plan.Discarded[I] && !IsKnownTable(I))
      for (const GraphEdge &E : G.edges(I))
        if (E.To != NoNode && E.To != I)
          Referenced.set(E.To);

  // Every ABI's entries, as this link names them (a bad regex was refused
  // by planDispatch already).
  std::vector<EntryNaming> Namings;
  for (const AbiInfo &A : Arch.Abis) {
    auto Naming = EntryNaming::create(A, Opts.EntryRegex, G);
    if (Naming)
      Namings.push_back(std::move(*Naming));
    else
      consumeError(Naming.takeError());
  }
  std::vector<NodeId> Removed;
  for (const DispatchEdge &D : Plan.DispatchEdges)
    if (D.Retarget)
      Removed.push_back(G.relocTarget(D.File, D.Reloc));
  // The dispatch is the only root of syscall code: an entry no dispatch of
  // this kernel references (another ABI's, a COND_SYSCALL stub for another
  // architecture) and nothing else references either goes too.
  for (NodeId I = 0; I < N; ++I) {
    if (!G.isAllocNode(I) || Referenced[I] || IsDispatch[I] ||
        Plan.Discarded[I] || !(G.section(I).Flags & ELF::SHF_EXECINSTR))
      continue;
    const ElfObject &O = G.object(G.fileOf(I));
    bool Entry = false;
    for (uint32_t S : G.symbolsIn(I))
      for (const EntryNaming &Naming : Namings)
        if (std::optional<StringRef> EP =
                Naming.entryPoint(O.Symbols[S].Name))
          Entry |= EP->starts_with("sys_") || EP->starts_with("compat_sys_");
    if (Entry)
      Removed.push_back(I);
  }
  Plan.Candidate.resize(N);
  M.run(Removed, Plan.Candidate, nullptr);
  // Whole-kernel collection: the compiler's per-function and per-object
  // sections are not roots; tables and the snippets they point into follow
  // their owners as in the syscall-scoped plan.
  Plan.Full = Opts.Full && Plan.Mode == GcMode::Retain;
  BitVector Collectable(N);
  if (Plan.Full)
    for (NodeId I = 0; I < N; ++I)
      if ((Class[I] & Alloc) && !IsKnownTable(I) && !IsBackRefCode(I) &&
          !IsDispatch[I] && !Plan.Discarded[I] && isCollectable(G, I, Opts))
        Collectable.set(I);
  // The syscall-scoped roots: every section no removed syscall reaches.
  std::vector<NodeId> ScopedRoots;
  for (NodeId I = 0; I < N; ++I)
    if (G.isAllocNode(I) && !Plan.Candidate[I] && !Plan.Discarded[I])
      ScopedRoots.push_back(I);
  // The dispatch itself, the entry point and -u symbols are always roots.
  std::vector<NodeId> Always;
  for (const DispatchSite &D : Plan.Dispatch)
    Always.push_back(D.Node);
  for (const std::string &Name : Opts.RootSymbols)
    if (NodeId R = G.sectionOf(G.lookup(Name)); R != NoNode)
      Always.push_back(R);
  ScopedRoots.insert(ScopedRoots.end(), Always.begin(), Always.end());
  std::vector<NodeId> Roots;
  if (Plan.Full) {
    for (NodeId R : ScopedRoots)
      if (!Collectable[R])
        Roots.push_back(R);
    Roots.insert(Roots.end(), Always.begin(), Always.end());
  } else {
    Roots = ScopedRoots;
  }

  // Tables sysgc has no layout for: unreferenced data sections (roots only
  // because nothing can be proven about them) with references into the
  // candidates. Find the removed entries that only they keep alive.
  BitVector UnknownTable(N);
  for (NodeId R : Roots) {
    const ElfSection &S = G.section(R);
    // A compiler-made SHF_LINK_ORDER section (.ARM.exidx) is a piece of
    // its function: it pins nothing, whatever it points at.
    if ((S.Flags & ELF::SHF_EXECINSTR) || Referenced[R] || IsDispatch[R] ||
        IsKnownTable(R) || UnknownTable[R] ||
        linkOrderOwner(G, R) != NoNode)
      continue;
    for (const GraphEdge &E : G.edges(R))
      if (E.To != NoNode && Plan.Candidate[E.To]) {
        UnknownTable.set(R);
        break;
      }
  }
  // The bound Dead is measured against: every back-reference ignored.
  BitVector Ignore(N);
  for (NodeId I = 0; I < N; ++I)
    if ((Class[I] & Alloc) &&
        (UnknownTable[I] || IsKnownTable(I) || IsBackRefCode(I)))
      Ignore.set(I);

  // Independent passes over the whole graph: what is live, what would be
  // without the unknown tables, the ideal bound and, in full mode, what the
  // syscall-scoped plan keeps. The first runs on a thread of its own.
  BitVector Live(N), Live2(N), IdealLive(N), ScopedLive(N);
  std::vector<std::pair<NodeId, uint32_t>> Parent(N, {NoNode, 0});
  std::vector<NodeId> Trusted;
  for (NodeId R : Roots)
    if (!UnknownTable[R])
      Trusted.push_back(R);
  {
    std::thread LiveThread([&] { M.run(Roots, Live, &Parent); });
    M.run(Roots, IdealLive, nullptr, &Ignore);
    if (UnknownTable.any())
      M.run(Trusted, Live2, nullptr);
    if (Plan.Full)
      M.run(ScopedRoots, ScopedLive, nullptr);
    LiveThread.join();
  }
  BitVector Universe = Plan.Candidate;
  Universe |= Collectable;
  Plan.Dead = Universe;
  Plan.Dead.reset(Live);
  if (Plan.Full) {
    Plan.ScopedDead = Plan.Candidate;
    Plan.ScopedDead.reset(ScopedLive);
    Plan.Collectable = Collectable;
  }
  // A compiler-made SHF_LINK_ORDER section goes with the section it is
  // linked to (the marker never enqueues it: it is a piece).
  for (NodeId I = 0; I < N; ++I)
    if (G.isAllocNode(I) && !Plan.Discarded[I])
      if (NodeId Owner = linkOrderOwner(G, I); Owner != NoNode) {
        if (Plan.Dead[Owner]) {
          Plan.Candidate.set(I);
          Plan.Dead.set(I);
        }
        if (Plan.Full && Plan.ScopedDead[Owner])
          Plan.ScopedDead.set(I);
      }

  if (UnknownTable.any()) {
    // Any candidate only they keep (a removed syscall's code, or code only
    // removed syscalls call) is pinned by them.
    for (NodeId R = 0; R < N; ++R) {
      if (!Plan.Candidate[R] || !Live[R] || Live2[R])
        continue;
      NodeId Cur = R;
      while (Parent[Cur].first != NoNode)
        Cur = Parent[Cur].first;
      if (UnknownTable[Cur])
        Plan.UnknownPins.push_back({Cur, R});
    }
  }

  Plan.IdealDead = Universe;
  Plan.IdealDead.reset(IdealLive);

  // Retain mode (no --gc-sections): the plan is the whole truth, so lld
  // need not collect anything. The dead sections are marked SHF_EXCLUDE
  // and lld drops them (and their table pieces) as it reads them; a
  // reference sysgc missed into one becomes lld's "relocation refers to a
  // discarded section" error, never a silently broken kernel.
  Plan.Exclude.resize(N);
  if (Plan.Mode == GcMode::Retain)
    for (int I = Plan.Dead.find_first(); I != -1; I = Plan.Dead.find_next(I))
      if (G.isAllocNode(I) && !Plan.Discarded[I] &&
          !neverExclude(G.section(I)))
        Plan.Exclude.set(I);

  // Why is a removed entry still alive? Follow the first references back.
  Plan.LiveParent = std::move(Parent);
  DenseSet<NodeId> Seen;
  for (NodeId R : Removed)
    if (R != NoNode && Live[R] && Seen.insert(R).second)
      Plan.Kept.push_back({R, ""}); // explained by planStatuses
}

LiveRefs sysgc::liveRefs(const SectionGraph &G, const SectionKinds &K,
                        LinkPlan &Plan) {
  uint32_t N = G.numNodes();
  if (Plan.Discarded.size() != N)
    Plan.Discarded.resize(N);
  Marker M(G, K, Plan);
  LiveRefs R;
  R.Begin.reserve(N + 1);
  for (NodeId I = 0; I < N; ++I) {
    R.Begin.push_back(R.Refs.size());
    // What the marker would enqueue: no unresolved or discarded targets.
    M.forEachRef(I, [&](NodeId To, NodeId From, uint32_t Reloc) {
      if (To != NoNode && !Plan.Discarded[To])
        R.Refs.push_back({To, From, Reloc});
    });
  }
  R.Begin.push_back(R.Refs.size());
  return R;
}

std::string sysgc::whyLive(const SectionGraph &G, const LinkPlan &Plan,
                           NodeId N) {
  if (N >= Plan.LiveParent.size())
    return "unknown";
  std::string Chain;
  NodeId Cur = N;
  for (int Hops = 0; Hops < 12 && Plan.LiveParent[Cur].first != NoNode;
       ++Hops) {
    auto [From, Reloc] = Plan.LiveParent[Cur];
    const ElfReloc &Rel = G.object(G.fileOf(From)).Relocs[Reloc];
    if (!Chain.empty())
      Chain += " <- ";
    Chain += describeSite(G, From, Rel.Offset);
    Cur = From;
  }
  if (Chain.empty())
    return "it is a root of the link (" + G.describe(N) + ")";
  return "referenced by " + Chain;
}
