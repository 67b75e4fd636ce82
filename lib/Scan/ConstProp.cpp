//===- ConstProp.cpp - Constant propagation over one function's CFG -------===//
//
// Decodes a function linearly, cuts it into basic blocks at branch targets
// and after every transfer of control, and runs a forward dataflow of the
// abstract machine state (ScanTarget's semantics) to a fixpoint. Blocks the
// dataflow never reaches (landing pads, code behind a jump table) are
// analysed from an unknown state, so that every syscall instruction in the
// function is reported: resolved, wrapped (its number is an argument) or
// unknown. An indirect jump inside the function may land on any block that
// no fall-through reaches, so its state flows into all of them.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/ConstProp.h"
#include "sysgc/Scan/ScanTarget.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrInfo.h"
#include <deque>

using namespace sysgc;
using namespace llvm;

namespace {
struct Insn {
  uint64_t Addr = 0, Size = 0;
  MCInst I;
  bool Bad = false;
};

enum class Flow { Next, Cond, Jump, Indirect, Return, Stop };

struct Block {
  size_t First = 0, Last = 0; // [First, Last) into Insns
  std::vector<size_t> Succs;
  bool FallIn = false; // reached by falling through from the previous block
  State In;
  unsigned Visits = 0;
};

class FunctionAnalysis {
public:
  FunctionAnalysis(const ScanTarget &T, const MemoryView &M,
                   ArrayRef<uint8_t> Bytes, uint64_t Begin, bool Thumb,
                   ArrayRef<uint64_t> External)
      : T(T), M(M), Bytes(Bytes), Begin(Begin), End(Begin + Bytes.size()),
        Thumb(Thumb), External(External) {
    Out.Begin = Begin;
    Out.End = End;
    Out.Thumb = Thumb;
  }
  FunctionSummary run();

private:
  void decodeAll();
  Flow flowOf(const Insn &N, std::optional<uint64_t> &Target) const;
  void buildBlocks();
  /// Run block B from state S; with Record, report its sites.
  State step(const Block &B, State S, bool Record);
  void recordCall(const Insn &N, const State &S, bool Tail,
                  std::optional<uint64_t> Target);

  const ScanTarget &T;
  const MemoryView &M;
  ArrayRef<uint8_t> Bytes;
  uint64_t Begin, End;
  bool Thumb;
  ArrayRef<uint64_t> External;
  std::vector<Insn> Insns;
  std::vector<Block> Blocks;
  std::map<uint64_t, size_t> BlockAt;
  FunctionSummary Out;
};
} // namespace

void FunctionAnalysis::decodeAll() {
  uint64_t Off = 0;
  while (Off < Bytes.size()) {
    Insn N;
    N.Addr = Begin + Off;
    if (!T.decode(Bytes.slice(Off), N.Addr, Thumb, N.I, N.Size)) {
      N.Bad = true;
      N.Size = std::min<uint64_t>(T.minInstSize(Thumb), Bytes.size() - Off);
      Out.Undecodable += N.Size;
    }
    Off += N.Size;
    Insns.push_back(std::move(N));
  }
}

Flow FunctionAnalysis::flowOf(const Insn &N,
                              std::optional<uint64_t> &Target) const {
  Target.reset();
  if (N.Bad)
    return Flow::Stop;
  const MCInstrAnalysis &A = T.analysis(Thumb);
  uint64_t Tgt;
  if (A.isCall(N.I)) {
    if (A.evaluateBranch(N.I, N.Addr, N.Size, Tgt))
      Target = Tgt;
    return Flow::Next;
  }
  if (T.isReturn(N.I))
    return Flow::Return;
  if (!A.isBranch(N.I))
    return Flow::Next;
  if (A.evaluateBranch(N.I, N.Addr, N.Size, Tgt))
    Target = Tgt;
  if (A.isConditionalBranch(N.I))
    return Target ? Flow::Cond : Flow::Next;
  if (A.isIndirectBranch(N.I) || !Target)
    return Flow::Indirect;
  return Flow::Jump;
}

void FunctionAnalysis::buildBlocks() {
  std::vector<bool> Leader(Insns.size(), false);
  // Instructions are in address order: found by binary search.
  auto IndexOf = [&](uint64_t A) -> std::optional<size_t> {
    auto It = llvm::partition_point(Insns, [&](const Insn &N) { return N.Addr < A; });
    if (It == Insns.end() || It->Addr != A)
      return std::nullopt;
    return size_t(It - Insns.begin());
  };
  if (!Insns.empty())
    Leader[0] = true;
  for (uint64_t A : External)
    if (std::optional<size_t> K = IndexOf(A))
      Leader[*K] = true;
  for (size_t I = 0; I < Insns.size(); ++I) {
    std::optional<uint64_t> Tgt;
    Flow F = flowOf(Insns[I], Tgt);
    if (Tgt && !T.analysis(Thumb).isCall(Insns[I].I) && *Tgt >= Begin && *Tgt < End)
      if (std::optional<size_t> K = IndexOf(*Tgt))
        Leader[*K] = true;
    if (F != Flow::Next && I + 1 < Insns.size())
      Leader[I + 1] = true;
  }
  for (size_t I = 0; I < Insns.size(); ++I) {
    if (Leader[I]) {
      if (!Blocks.empty())
        Blocks.back().Last = I;
      Block B;
      B.First = I;
      BlockAt[Insns[I].Addr] = Blocks.size();
      Blocks.push_back(std::move(B));
    }
  }
  if (!Blocks.empty())
    Blocks.back().Last = Insns.size();

  std::vector<size_t> IndirectBlocks;
  for (size_t B = 0; B < Blocks.size(); ++B) {
    const Insn &L = Insns[Blocks[B].Last - 1];
    std::optional<uint64_t> Tgt;
    Flow F = flowOf(L, Tgt);
    if (F == Flow::Return)
      Out.HasReturn = true;
    bool InRange = Tgt && *Tgt >= Begin && *Tgt < End && BlockAt.count(*Tgt);
    if ((F == Flow::Cond || F == Flow::Jump) && InRange)
      Blocks[B].Succs.push_back(BlockAt[*Tgt]);
    if (F == Flow::Next || F == Flow::Cond) {
      if (B + 1 < Blocks.size()) {
        Blocks[B].Succs.push_back(B + 1);
        Blocks[B + 1].FallIn = true;
      } else {
        Out.FallsThrough = true;
      }
    }
    if (F == Flow::Indirect)
      IndirectBlocks.push_back(B);
  }
  // An indirect jump that is not a call through a slot or an import may
  // land on any block not reached by falling through (a switch's cases).
  for (size_t B : IndirectBlocks) {
    const Insn &L = Insns[Blocks[B].Last - 1];
    if (T.branchSlot(L.I, State(), Effects(M)))
      continue;
    for (size_t C = 1; C < Blocks.size(); ++C)
      if (!Blocks[C].FallIn)
        Blocks[B].Succs.push_back(C);
  }
}

void FunctionAnalysis::recordCall(const Insn &N, const State &S, bool Tail,
                                  std::optional<uint64_t> Target) {
  CallSite C;
  C.Addr = N.Addr;
  C.Tail = Tail;
  C.setArgs(S.Regs);
  Effects E(M);
  E.Addr = N.Addr;
  E.Size = N.Size;
  bool IsArm = T.arch().Machine == 40 /*EM_ARM*/;
  C.TargetThumb = T.targetIsThumb(N.I).value_or(Thumb);
  // An indirect call whose target value is known: an import, or code.
  auto CallTo = [&](Value V) {
    if (V.K == Value::Import) {
      C.K = CallSite::Import;
      C.ImportIdx = V.Id;
    } else if (V.K == Value::Const && M.isCode(V.C)) {
      C.K = CallSite::Direct;
      C.Target = V.C;
    }
  };
  if (Target) {
    C.K = CallSite::Direct;
    C.Target = *Target;
  } else if (std::optional<uint64_t> Slot = T.branchSlot(N.I, S, E)) {
    CallTo(E.loadFrom(S, Value::konst(*Slot), T.arch().PointerSize));
  } else {
    CallTo(T.indirectTarget(N.I, S));
  }
  if (IsArm && C.K == CallSite::Direct && !Target) {
    // A code pointer's low bit says Thumb.
    C.TargetThumb = C.Target & 1;
    C.Target &= ~uint64_t(1);
  }
  Out.Calls.push_back(std::move(C));
}

State FunctionAnalysis::step(const Block &B, State S, bool Record) {
  const MCInstrAnalysis &A = T.analysis(Thumb);
  for (size_t K = B.First; K < B.Last; ++K) {
    const Insn &N = Insns[K];
    if (N.Bad)
      break;
    Effects E(M);
    E.Addr = N.Addr;
    E.Size = N.Size;
    if (std::optional<unsigned> Abi = T.syscallAbi(N.I, S)) {
      if (Record)
        Out.Syscalls.push_back({N.Addr, *Abi, S.Regs[T.NumberReg]});
      T.afterSyscall(S);
      continue;
    }
    std::optional<uint64_t> Tgt;
    Flow F = flowOf(N, Tgt);
    bool IsCall = A.isCall(N.I);
    bool Outside = Tgt && (*Tgt < Begin || *Tgt >= End);
    if (IsCall || F == Flow::Indirect ||
        ((F == Flow::Jump || F == Flow::Cond) && Outside)) {
      if (Record)
        recordCall(N, S, !IsCall, Tgt);
      if (IsCall) {
        // The call's own effects (pushing a return address, writing the
        // link register) come first.
        if (!T.transfer(N.I, S, E))
          T.clobberDefs(N.I, S, E);
        T.afterCall(S);
      }
      continue;
    }
    if (!T.transfer(N.I, S, E))
      T.clobberDefs(N.I, S, E);
    if (Record) {
      // Immediates that are code addresses, and constants formed in a
      // register: function pointers this function takes.
      if (!A.isBranch(N.I) && M.absoluteAddresses())
        for (const MCOperand &Op : N.I)
          if (Op.isImm() && M.isCode(uint64_t(Op.getImm())))
            E.AddressTaken.push_back(uint64_t(Op.getImm()));
      llvm::append_range(Out.AddressTaken, E.AddressTaken);
    }
  }
  return S;
}

FunctionSummary FunctionAnalysis::run() {
  decodeAll();
  if (Insns.empty())
    return Out;
  buildBlocks();
  State Unknown;
  Unknown.Valid = true;
  Unknown.Regs.assign(T.numRegs(), Value::unknown());
  Unknown.Escaped = true;
  Blocks[0].In = T.entryState();
  std::deque<size_t> Work{0};
  std::vector<bool> Queued(Blocks.size(), false);
  Queued[0] = true;
  for (uint64_t A : External) {
    auto It = BlockAt.find(A);
    if (It == BlockAt.end() || It->second == 0)
      continue;
    Blocks[It->second].In = Unknown;
    Queued[It->second] = true;
    Work.push_back(It->second);
  }
  // Each block's state only loses facts, so this ends; the cap bounds a
  // pathological function (it then keeps what it has, all unknown below).
  const unsigned MaxVisits = 64;
  while (!Work.empty()) {
    size_t B = Work.front();
    Work.pop_front();
    Queued[B] = false;
    if (++Blocks[B].Visits > MaxVisits)
      continue;
    State S = step(Blocks[B], Blocks[B].In, false);
    for (size_t C : Blocks[B].Succs)
      if (Blocks[C].In.join(S) && !Queued[C]) {
        Queued[C] = true;
        Work.push_back(C);
      }
  }
  for (size_t K = 0; K < Blocks.size(); ++K) {
    Block &B = Blocks[K];
    if (B.Visits > MaxVisits)
      B.In = Unknown;
    size_t FirstCall = Out.Calls.size();
    State S = step(B, B.In.Valid ? B.In : Unknown, true);
    if (!B.In.Valid)
      for (size_t C = FirstCall; C < Out.Calls.size(); ++C)
        Out.Calls[C].Reached = false;
    // Falling off the end continues in the next function: a tail call
    // with this state.
    // (Unreached padding after a return falls into nothing.)
    if (K + 1 == Blocks.size() && Out.FallsThrough && B.In.Valid) {
      CallSite C;
      C.Addr = End;
      C.Tail = true;
      C.K = CallSite::Direct;
      C.Target = End;
      C.TargetThumb = Thumb;
      C.setArgs(S.Regs);
      // After a call in the same block (a block is entered at its first
      // instruction only, so every path to End makes that call; padding
      // may follow it). 32-bit arm's calls may be conditional: not there.
      for (size_t I = B.Last; T.arch().Machine != 40 /*EM_ARM*/ && I > B.First;) {
        const Insn &L = Insns[--I];
        if (L.Bad || !T.analysis(Thumb).isCall(L.I))
          continue;
        C.AfterCall = !Out.Calls.empty() && Out.Calls.back().Addr == L.Addr &&
                      !Out.Calls.back().Tail;
        break;
      }
      Out.Calls.push_back(std::move(C));
    }
  }
  llvm::sort(Out.AddressTaken);
  Out.AddressTaken.erase(llvm::unique(Out.AddressTaken), Out.AddressTaken.end());
  return Out;
}

FunctionSummary sysgc::analyzeFunction(const ScanTarget &T, const MemoryView &M,
                                       ArrayRef<uint8_t> Bytes, uint64_t Begin,
                                       bool Thumb,
                                       ArrayRef<uint64_t> ExternalEntries) {
  return FunctionAnalysis(T, M, Bytes, Begin, Thumb, ExternalEntries).run();
}
