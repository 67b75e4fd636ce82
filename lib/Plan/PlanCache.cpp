//===- PlanCache.cpp - A plan reused across kallsyms passes ---------------===//
//
// The format is private to one sysgc-ld binary (the key includes the
// tool's own hash): little-endian integers, length-prefixed strings and
// arrays, in LinkPlan's field order, behind a magic and the graph's size.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Plan/PlanCache.h"
#include "sysgc/Allowlist/Allowlist.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include <set>

using namespace sysgc;
using namespace llvm;

static constexpr StringLiteral Magic = "sysgc-plan-3\n";

bool sysgc::isLeafObject(const SectionGraph &G, const ArchInfo &Arch,
                         uint32_t File) {
  const InputObject &IO = G.inputs().Objects[File];
  if (IO.Shared)
    return false;
  const ElfObject &O = *IO.Elf;
  for (const ElfSection &S : O.Sections)
    if (((S.Flags & ELF::SHF_EXECINSTR) && S.Size) || Arch.findTable(S.Name) ||
        llvm::is_contained(Arch.BackRefCode, S.Name))
      return false;
  for (const ElfSymbol &S : O.Symbols) {
    if (!S.isDefined())
      continue;
    for (const AbiInfo &A : Arch.Abis)
      if (llvm::is_contained(A.DispatchSymbols, S.Name))
        return false;
  }
  return true;
}

// A leaf's shape: what the graph and the plan see of it.
static void hashShape(const ElfObject &O, raw_ostream &OS) {
  for (const ElfSection &S : O.Sections)
    OS << "s" << S.Name << "|" << S.Type << "|" << S.Flags << "|" << S.Link
       << "|" << S.Info << "|" << S.EntSize << "|" << S.NumRelocs << ";";
  for (const ElfSymbol &S : O.Symbols)
    OS << "y" << S.Name << "|" << unsigned(S.Binding) << "|"
       << unsigned(S.Type) << "|" << unsigned(S.Other) << "|" << S.Shndx
       << ";";
  for (const ElfReloc &R : O.Relocs)
    OS << "r" << R.Type << "|" << R.Symbol << ";";
}

std::string sysgc::planKey(const SectionGraph &G, const ArchInfo &Arch,
                           const Allowlist &Allow, const PlanOptions &Opts,
                           uint64_t ToolId) {
  std::string S;
  raw_string_ostream OS(S);
  OS << Magic << ToolId << "|" << Arch.Name << "|mode" << int(Opts.Mode)
     << "|norm" << Opts.Normalize << "|unk" << Opts.UnknownTablesAreErrors
     << "|inl" << Opts.AllowInlinedDispatch << "|noent"
     << Opts.AcceptNoEntries << "|re"
     << Opts.EntryRegex.value_or("-") << "|full" << Opts.Full
     << "|everything" << Allow.allowsEverything() << "\n";
  for (const std::string &P : Opts.ScriptKept.patterns())
    OS << "keep " << P << "\n";
  for (const std::string &P : Opts.ScriptNamed.patterns())
    OS << "named " << P << "\n";
  for (const std::string &D : Opts.Dispatch)
    OS << "dispatch " << D << "\n";
  for (const std::string &R : Opts.RootSymbols)
    OS << "root " << R << "\n";
  for (const std::string &P : Opts.Discarded.patterns())
    OS << "discard " << P << "\n";
  for (const AbiInfo &A : Arch.Abis) {
    OS << "allow " << A.Name << ":";
    for (uint32_t Nr : Allow.allowed(A.Name))
      OS << Nr << ",";
    OS << "\n";
  }
  for (uint32_t F = 0; F < G.inputs().Objects.size(); ++F) {
    const ElfObject &O = G.object(F);
    OS << "object " << F << " linked " << G.isLinked(F) << " ";
    if (isLeafObject(G, Arch, F)) {
      std::string Shape;
      raw_string_ostream SS(Shape);
      hashShape(O, SS);
      OS << "leaf " << xxh3_64bits(arrayRefFromStringRef(Shape)) << "\n";
    } else {
      OS << "core " << G.inputs().Objects[F].Name << " "
         << O.Buffer.getBufferSize() << " "
         << O.contentHash() << "\n";
    }
  }
  XXH128_hash_t H = xxh3_128bits(arrayRefFromStringRef(S));
  return formatv("{0:x-16}{1:x-16}", H.high64, H.low64).str();
}

bool sysgc::cacheable(const LinkPlan &Plan) {
  // Pins name the tables' files, which may be leaves.
  return Plan.UnknownPins.empty();
}

namespace {
class Writer {
public:
  std::string B;
  void u8(uint8_t V) { B.push_back(char(V)); }
  void u32(uint32_t V) {
    char X[4];
    support::endian::write32le(X, V);
    B.append(X, 4);
  }
  void u64(uint64_t V) {
    char X[8];
    support::endian::write64le(X, V);
    B.append(X, 8);
  }
  void str(StringRef S) {
    u32(S.size());
    B.append(S.data(), S.size());
  }
  void u32s(ArrayRef<uint32_t> V) {
    u32(V.size());
    for (uint32_t X : V)
      u32(X);
  }
  void bits(const BitVector &V) {
    u32(V.size());
    for (int I = V.find_first(); I != -1; I = V.find_next(I))
      u32(I);
    u32(~0u);
  }
};

class Reader {
public:
  explicit Reader(StringRef D) : D(D) {}
  bool Bad = false;
  bool atEnd() const { return P == D.size(); }
  uint8_t u8() { return take(1) ? uint8_t(D[P - 1]) : 0; }
  uint32_t u32() {
    return take(4) ? support::endian::read32le(D.data() + P - 4) : 0;
  }
  uint64_t u64() {
    return take(8) ? support::endian::read64le(D.data() + P - 8) : 0;
  }
  std::string str() {
    uint32_t N = u32();
    if (!take(N))
      return "";
    return D.substr(P - N, N).str();
  }
  /// A count of elements, each at least MinBytes long: bounded by what is
  /// left, so a damaged count cannot make us allocate gigabytes.
  uint32_t count(size_t MinBytes) {
    uint32_t N = u32();
    if (uint64_t(N) * MinBytes > D.size() - P)
      Bad = true;
    return Bad ? 0 : N;
  }
  std::vector<uint32_t> u32s(uint32_t Below) {
    std::vector<uint32_t> V(count(4));
    for (uint32_t &X : V)
      if ((X = u32()) >= Below)
        Bad = true;
    return V;
  }
  BitVector bits(uint32_t Size) {
    BitVector V(Size);
    if (u32() != Size)
      Bad = true;
    for (uint32_t I = u32(); !Bad && I != ~0u; I = u32()) {
      if (I >= Size) {
        Bad = true;
        break;
      }
      V.set(I);
    }
    return V;
  }

private:
  bool take(size_t N) {
    if (Bad || N > D.size() - P) {
      Bad = true;
      return false;
    }
    P += N;
    return true;
  }
  StringRef D;
  size_t P = 0;
};
} // namespace

std::string sysgc::serializePlan(const LinkPlan &Plan) {
  Writer W;
  W.B.append(Magic.data(), Magic.size());
  W.u32(Plan.Candidate.size());
  W.u8(uint8_t(Plan.Mode));
  W.u8(Plan.Full);
  W.u32(Plan.Dispatch.size());
  for (const DispatchSite &D : Plan.Dispatch) {
    W.str(D.Abi);
    W.str(D.Symbol);
    W.u32(D.Node);
    W.u8(D.IsTable);
    W.u64(D.Begin);
    W.u64(D.End);
    W.str(D.NiSymbol);
  }
  W.u32(Plan.DispatchEdges.size());
  for (const DispatchEdge &E : Plan.DispatchEdges) {
    W.u32(E.Site);
    W.u32(E.File);
    W.u32(E.Reloc);
    W.str(E.Entry);
    W.u8(E.Slot.has_value());
    W.u32(E.Slot.value_or(0));
    W.u32s(E.Nrs);
    W.u8(E.Allowed);
    W.u8(E.Retarget);
    W.u8(E.NewAddend.has_value());
    W.u64(uint64_t(E.NewAddend.value_or(0)));
  }
  W.u32(Plan.Splits.size());
  for (const TableSplit &S : Plan.Splits) {
    W.u32(S.File);
    W.u32(S.Sec);
    W.u32(S.EntrySize);
    W.u32(S.Pieces.size());
    for (const TablePiece &P : S.Pieces) {
      W.u32(P.Owner);
      W.u32s(P.Entries);
    }
    W.u32s(S.Remainder);
  }
  W.u32(Plan.RangeSplits.size());
  for (const RangeSplit &S : Plan.RangeSplits) {
    W.u32(S.File);
    W.u32(S.Sec);
    W.u32(S.Ranges.size());
    for (auto [A, B] : S.Ranges) {
      W.u64(A);
      W.u64(B);
    }
    W.u32(S.Pieces.size());
    for (const RangePiece &P : S.Pieces) {
      W.u32(P.Owner);
      W.u32s(P.Ranges);
    }
    W.u32(S.Refs.size());
    for (auto [R, Bias] : S.Refs) {
      W.u32(R);
      W.u64(uint64_t(Bias));
    }
  }
  W.bits(Plan.Candidate);
  W.bits(Plan.Dead);
  W.bits(Plan.Exclude);
  W.bits(Plan.Discarded);
  W.bits(Plan.IdealDead);
  if (Plan.Full) {
    W.bits(Plan.ScopedDead);
    W.bits(Plan.Collectable);
  }
  W.u32(Plan.Renames.size());
  for (auto &[N, Name] : Plan.Renames) {
    W.u32(N);
    W.str(Name);
  }
  W.u32(Plan.Kept.size());
  for (const KeptReason &K : Plan.Kept) {
    W.u32(K.Node);
    W.str(K.Chain);
  }
  W.u32(Plan.Syscalls.size());
  for (const SyscallStatus &S : Plan.Syscalls) {
    W.str(S.Abi);
    W.u32(S.Nr);
    W.str(S.Name);
    W.str(S.Entry);
    W.u8(uint8_t(S.State));
    W.str(S.Reason);
  }
  W.u32(Plan.LiveParent.size());
  for (auto [From, Reloc] : Plan.LiveParent) {
    W.u32(From);
    W.u32(Reloc);
  }
  W.u32(Plan.Warnings.size());
  for (const std::string &S : Plan.Warnings)
    W.str(S);
  return std::move(W.B);
}

Expected<LinkPlan> sysgc::deserializePlan(StringRef Data, const SectionGraph &G,
                                          const ArchInfo &Arch) {
  if (!Data.consume_front(Magic))
    return makeError("not a sysgc plan");
  Reader R(Data);
  uint32_t N = G.numNodes();
  uint32_t Files = G.inputs().Objects.size();
  if (R.u32() != N)
    return makeError("the plan is for another graph");
  LinkPlan P;
  P.Arch = &Arch;
  uint8_t Mode = R.u8();
  if (Mode > uint8_t(GcMode::Collect))
    R.Bad = true;
  P.Mode = GcMode(Mode);
  uint8_t Full = R.u8();
  if (Full > 1)
    R.Bad = true;
  P.Full = Full;
  auto Node = [&](uint32_t X) {
    if (X >= N)
      R.Bad = true;
    return X;
  };
  auto File = [&](uint32_t X) {
    if (X >= Files)
      R.Bad = true;
    return R.Bad ? 0 : X;
  };
  // A section the plan may cut or mark: allocated data or code, never a
  // relocation or symbol table.
  auto Cuttable = [&](uint32_t F, uint32_t X) {
    if (R.Bad || F >= Files || X >= G.object(F).Sections.size() ||
        !G.isAllocNode(G.node(F, X)) ||
        G.object(F).Sections[X].Type != ELF::SHT_PROGBITS)
      R.Bad = true;
    return R.Bad ? 0 : X;
  };
  auto Reloc = [&](uint32_t F, uint32_t X) {
    if (R.Bad || F >= Files || X >= G.object(F).RelocCount)
      R.Bad = true;
    return R.Bad ? 0 : X;
  };

  P.Dispatch.resize(R.count(30));
  for (DispatchSite &D : P.Dispatch) {
    D.Abi = R.str();
    D.Symbol = R.str();
    D.Node = Node(R.u32());
    D.IsTable = R.u8();
    D.Begin = R.u64();
    D.End = R.u64();
    D.NiSymbol = R.str();
    if (!Arch.findAbi(D.Abi) || D.End < D.Begin ||
        (!R.Bad && D.End > G.section(D.Node).Size))
      R.Bad = true;
  }
  P.DispatchEdges.resize(R.count(27));
  for (DispatchEdge &E : P.DispatchEdges) {
    E.Site = R.u32();
    if (E.Site >= P.Dispatch.size())
      R.Bad = true;
    E.File = File(R.u32());
    E.Reloc = Reloc(E.File, R.u32());
    E.Entry = R.str();
    bool HasSlot = R.u8();
    uint32_t Slot = R.u32();
    if (HasSlot)
      E.Slot = Slot;
    E.Nrs = R.u32s(~0u);
    E.Allowed = R.u8();
    E.Retarget = R.u8();
    bool HasAddend = R.u8();
    int64_t Addend = int64_t(R.u64());
    if (HasAddend)
      E.NewAddend = Addend;
  }
  P.Splits.resize(R.count(20));
  for (TableSplit &S : P.Splits) {
    S.File = File(R.u32());
    S.Sec = Cuttable(S.File, R.u32());
    S.EntrySize = R.u32();
    uint32_t Entries = 0;
    if (!R.Bad && S.EntrySize &&
        G.object(S.File).Sections[S.Sec].Size % S.EntrySize == 0)
      Entries = G.object(S.File).Sections[S.Sec].Size / S.EntrySize;
    else
      R.Bad = true;
    S.Pieces.resize(R.count(8));
    for (TablePiece &Pc : S.Pieces) {
      Pc.Owner = Cuttable(S.File, R.u32());
      Pc.Entries = R.u32s(Entries);
    }
    S.Remainder = R.u32s(Entries);
  }
  P.RangeSplits.resize(R.count(20));
  for (RangeSplit &S : P.RangeSplits) {
    S.File = File(R.u32());
    S.Sec = Cuttable(S.File, R.u32());
    S.Ranges.resize(R.count(16));
    uint64_t Prev = 0;
    uint64_t Size = R.Bad ? 0 : G.object(S.File).Sections[S.Sec].Size;
    for (auto &[A, B] : S.Ranges) {
      A = R.u64();
      B = R.u64();
      // Sorted, disjoint and inside the section, as planSnippets made them.
      if (A < Prev || B < A || B > Size)
        R.Bad = true;
      Prev = B;
    }
    S.Pieces.resize(R.count(8));
    for (RangePiece &Pc : S.Pieces) {
      Pc.Owner = Cuttable(S.File, R.u32());
      Pc.Ranges = R.u32s(S.Ranges.size());
    }
    S.Refs.resize(R.count(12));
    for (auto &[Rel, Bias] : S.Refs) {
      Rel = Reloc(S.File, R.u32());
      Bias = int64_t(R.u64());
    }
  }
  P.Candidate = R.bits(N);
  P.Dead = R.bits(N);
  P.Exclude = R.bits(N);
  P.Discarded = R.bits(N);
  P.IdealDead = R.bits(N);
  if (P.Full) {
    P.ScopedDead = R.bits(N);
    P.Collectable = R.bits(N);
  }
  // Flags and names change only on allocated sections.
  for (const BitVector *B : {&P.Exclude, &P.Dead})
    for (int I = B->find_first(); I != -1 && !R.Bad; I = B->find_next(I))
      if (!G.isAllocNode(I))
        R.Bad = true;
  P.Renames.resize(R.count(8));
  for (auto &[Nd, Name] : P.Renames) {
    Nd = Node(R.u32());
    Name = R.str();
    if (!R.Bad && (!G.isAllocNode(Nd) || Name.empty()))
      R.Bad = true;
  }
  P.Kept.resize(R.count(8));
  for (KeptReason &K : P.Kept) {
    K.Node = Node(R.u32());
    K.Chain = R.str();
  }
  P.Syscalls.resize(R.count(21));
  for (SyscallStatus &S : P.Syscalls) {
    S.Abi = R.str();
    S.Nr = R.u32();
    S.Name = R.str();
    S.Entry = R.str();
    uint8_t State = R.u8();
    if (State > uint8_t(SyscallState::AllowedNotImplemented) ||
        !Arch.findAbi(S.Abi))
      R.Bad = true;
    S.State = SyscallState(State);
    S.Reason = R.str();
  }
  uint32_t Parents = R.count(8);
  if (Parents != N)
    R.Bad = true;
  P.LiveParent.resize(R.Bad ? 0 : Parents);
  for (auto &[From, Rel] : P.LiveParent) {
    From = R.u32();
    Rel = R.u32();
    if (From != NoNode &&
        (From >= N || Rel >= G.object(G.fileOf(From)).RelocCount))
      R.Bad = true;
  }
  P.Warnings.resize(R.count(4));
  for (std::string &S : P.Warnings)
    S = R.str();
  if (R.Bad || !R.atEnd())
    return makeError("the plan is damaged");
  return std::move(P);
}
