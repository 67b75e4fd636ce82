//===- ScanTarget.cpp - The machine model shared by every architecture ----===//
//
// MC objects for an architecture, the dense register numbering (every
// sub-register maps to the register it is part of), and the generic pieces
// of the abstract machine: the stack-slot map, joins, what a call and an
// unmodelled instruction do. The per-ISA semantics are in Arch/*.cpp.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/ScanTarget.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/TargetParser/Triple.h"

using namespace sysgc;
using namespace llvm;

Value State::load(int64_t Off, unsigned Size) const {
  auto It = Slots.find(Off);
  if (It == Slots.end() || It->second.first != Size)
    return Value::unknown();
  return It->second.second;
}

void State::clobber(int64_t Off, unsigned Size) {
  // Slots are at most 16 bytes: anything starting 16 below may overlap.
  auto It = Slots.lower_bound(Off - 16);
  while (It != Slots.end() && It->first < Off + int64_t(Size)) {
    if (It->first + int64_t(It->second.first) > Off)
      It = Slots.erase(It);
    else
      ++It;
  }
}

void State::store(int64_t Off, unsigned Size, Value V) {
  clobber(Off, Size);
  if (V.known())
    Slots[Off] = {Size, V};
}

bool State::join(const State &O) {
  if (!O.Valid)
    return false;
  if (!Valid) {
    *this = O;
    return true;
  }
  bool Changed = false;
  for (size_t I = 0; I < Regs.size(); ++I) {
    const Value &B = O.Regs[I];
    if (Regs[I] == B || Regs[I].K == Value::Unknown || B.K == Value::Undef)
      continue;
    Regs[I] = Regs[I].K == Value::Undef ? B : Value::unknown();
    Changed = true;
  }
  for (auto It = Slots.begin(); It != Slots.end();) {
    auto OIt = O.Slots.find(It->first);
    if (OIt == O.Slots.end() || OIt->second.first != It->second.first ||
        !(OIt->second.second == It->second.second)) {
      It = Slots.erase(It);
      Changed = true;
    } else {
      ++It;
    }
  }
  if (O.Escaped && !Escaped) {
    Escaped = true;
    Changed = true;
  }
  return Changed;
}

Value Effects::loadFrom(const State &S, Value A, unsigned Size) const {
  if (A.K == Value::Stack)
    return S.load(A.C, Size);
  if (A.K != Value::Const)
    return Value::unknown();
  uint64_t Addr = A.C;
  if (std::optional<uint32_t> Imp = Mem.importAt(Addr))
    return Value::import(*Imp);
  if (std::optional<uint64_t> R = Mem.relativeAt(Addr)) {
    if (Mem.isCode(*R))
      const_cast<Effects *>(this)->AddressTaken.push_back(*R);
    return Value::konst(*R);
  }
  if (std::optional<uint64_t> V = Mem.readConst(Addr, Size)) {
    // Sign-extension is the instruction's business; a word is a word.
    return Value::konst(int64_t(*V));
  }
  return Value::unknown();
}

void Effects::storeTo(State &S, Value A, unsigned Size, Value V) const {
  if (V.K == Value::Stack)
    S.Escaped = true; // a stack address is now in memory
  if (A.K == Value::Stack) {
    S.store(A.C, Size, V);
    return;
  }
  // Through an unknown pointer: it may point into the frame only if a
  // frame address has escaped.
  if (A.K == Value::Unknown && S.Escaped)
    S.Slots.clear();
}

ScanTarget::~ScanTarget() = default;

Expected<std::unique_ptr<ScanTarget>> ScanTarget::create(const ArchInfo &A) {
  switch (A.Machine) {
  case ELF::EM_X86_64:
    return wrap(createX86_64ScanTarget(A));
  case ELF::EM_AARCH64:
    return wrap(createAArch64ScanTarget(A));
  case ELF::EM_RISCV:
    return wrap(createRISCV64ScanTarget(A));
  case ELF::EM_ARM:
    return wrap(createARMScanTarget(A));
  default:
    break;
  }
  return makeError("sysgc scan does not analyse {0} code yet", A.Name);
}

Expected<std::unique_ptr<ScanTarget>> ScanTarget::wrap(std::unique_ptr<ScanTarget> T) {
  if (!T->InitError.empty())
    return makeError("{0}", T->InitError);
  return std::move(T);
}

Error ScanTarget::init(StringRef TripleName, StringRef ThumbTriple,
                       ArrayRef<const char *> Regs,
                       ArrayRef<const char *> HalfClasses) {
  // Every extension a distribution's code may use: the decoder must
  // understand what runs, whatever the baseline.
  auto Features = [](StringRef Name) -> StringRef {
    Triple T(Name);
    if (T.isRISCV())
      return "+m,+a,+f,+d,+c,+zicsr,+zifencei,+zba,+zbb,+zbs,+v";
    if (T.isAArch64())
      return "+all";
    if (T.isARM() || T.isThumb())
      return "+v7,+thumb2,+vfp3,+neon,+hwdiv,+hwdiv-arm";
    return "";
  };
  auto D = Disassembler::create(TripleName, Features(TripleName));
  if (!D)
    return D.takeError();
  Decoder = std::move(*D);
  MRI = &Decoder->regInfo();
  MII = &Decoder->instrInfo();
  MIA = &Decoder->analysis();
  if (!ThumbTriple.empty()) {
    auto T = Disassembler::create(ThumbTriple, Features(ThumbTriple));
    if (!T)
      return T.takeError();
    ThumbDecoder = std::move(*T);
    ThumbMIA = &ThumbDecoder->analysis();
  }

  for (unsigned Op = 0; Op < MII->getNumOpcodes(); ++Op)
    OpNames.push_back(MII->getName(Op));
  IndexOf.assign(MRI->getNumRegs(), -1);
  WidthOf.assign(MRI->getNumRegs(), 0);
  std::vector<const MCRegisterClass *> Halves;
  for (const MCRegisterClass &RC : MRI->regclasses())
    for (const char *H : HalfClasses)
      if (StringRef(MRI->getRegClassName(&RC)) == H)
        Halves.push_back(&RC);
  for (const char *N : Regs) {
    MCRegister Full = findRegister(N);
    if (!Full)
      return makeError("{0}: MC has no register {1}", TripleName, N);
    unsigned Idx = FullRegs.size();
    FullRegs.push_back(Full);
    for (MCPhysReg Sub : MRI->subregs_inclusive(Full)) {
      IndexOf[Sub] = Idx;
      WidthOf[Sub] = Sub == Full ? 64
                     : llvm::any_of(Halves, [&](const MCRegisterClass *RC) {
                         return RC->contains(Sub);
                       })
                         ? 32
                         : 0;
    }
  }
  CalleeSaved.assign(FullRegs.size(), false);
  return Error::success();
}

MCRegister ScanTarget::findRegister(StringRef Name) const {
  // The last of that name, as MC numbers them (names are unique in
  // practice).
  MCRegister Found;
  for (unsigned R = 1; R < MRI->getNumRegs(); ++R)
    if (StringRef(MRI->getName(R)) == Name)
      Found = R;
  return Found;
}

unsigned ScanTarget::reg(StringRef Name) const {
  for (unsigned I = 0; I < FullRegs.size(); ++I)
    if (StringRef(MRI->getName(FullRegs[I])) == Name)
      return I;
  llvm_unreachable("register not tracked");
}

std::string ScanTarget::regName(unsigned Index) const {
  return Index < FullRegs.size() ? std::string(MRI->getName(FullRegs[Index]))
                                 : "?";
}

int ScanTarget::index(MCRegister R) const {
  return R.id() < IndexOf.size() ? IndexOf[R.id()] : -1;
}

unsigned ScanTarget::width(MCRegister R) const {
  return R.id() < WidthOf.size() ? WidthOf[R.id()] : 0;
}

Value ScanTarget::readReg(const State &S, MCRegister R) const {
  if (llvm::is_contained(ZeroRegs, R))
    return Value::konst(0);
  int I = index(R);
  if (I < 0 || size_t(I) >= S.Regs.size())
    return Value::unknown();
  Value V = S.Regs[I];
  if (V.K == Value::Undef)
    return Value::unknown();
  unsigned W = width(R);
  if (W == 64 || (W == 32 && !Arch.Is64))
    return V;
  if (W == 32) {
    // The low half of a constant is a constant; of an argument, the
    // argument (an int passed in a 64-bit register).
    if (V.K == Value::Const)
      return Value::konst(uint32_t(V.C));
    if (V.K == Value::Entry)
      return V;
  }
  return Value::unknown();
}

void ScanTarget::writeReg(State &S, MCRegister R, Value V, Effects &E) const {
  int I = index(R);
  if (I < 0 || size_t(I) >= S.Regs.size())
    return;
  unsigned W = width(R);
  if (W == 32 && Arch.Is64) {
    // A 32-bit write zero-extends (x86-64, aarch64).
    if (V.K == Value::Const)
      V = Value::konst(uint32_t(V.C));
    else if (V.K != Value::Entry)
      V = Value::unknown();
  } else if (W == 0) {
    V = Value::unknown(); // a partial write: the rest is unchanged
  }
  S.Regs[I] = V;
}

State ScanTarget::entryState() const {
  State S;
  S.Valid = true;
  S.Regs.resize(numRegs());
  for (unsigned I = 0; I < numRegs(); ++I)
    S.Regs[I] = Value::entry(I);
  S.Regs[SP] = Value::stack(0);
  return S;
}

std::optional<MCRegister> ScanTarget::branchReg(const MCInst &I) const {
  for (const MCOperand &Op : I)
    if (Op.isReg() && index(Op.getReg()) >= 0)
      return Op.getReg();
  return std::nullopt;
}

Value ScanTarget::indirectTarget(const MCInst &I, const State &S) const {
  if (std::optional<MCRegister> R = branchReg(I))
    return readReg(S, *R);
  return Value::unknown();
}

bool ScanTarget::isReturn(const MCInst &I) const {
  return MIA->isReturn(I);
}

void ScanTarget::afterSyscall(State &S) const {
  S.Regs[ArgRegs[0]] = Value::unknown();
}

void ScanTarget::afterCall(State &S) const {
  // A frame address in an argument register lets the callee write there.
  for (unsigned I = 0; I < numRegs(); ++I)
    if (S.Regs[I].K == Value::Stack && !llvm::is_contained(FrameRegs, I))
      S.Escaped = true;
  for (unsigned I = 0; I < numRegs(); ++I)
    if (!CalleeSaved[I] && I != SP)
      S.Regs[I] = llvm::is_contained(RetRegs, I) ? Value::unknown()
                                                 : Value::undef();
  if (S.Escaped) {
    S.Slots.clear();
  } else if (S.Regs[SP].K == Value::Stack) {
    // The callee's frame lies below SP.
    int64_t Top = S.Regs[SP].C;
    for (auto It = S.Slots.begin(); It != S.Slots.end();)
      It = It->first < Top ? S.Slots.erase(It) : std::next(It);
  } else {
    S.Slots.clear();
  }
}

void ScanTarget::clobberDefs(const MCInst &I, State &S, Effects &E) const {
  const MCInstrDesc &D = MII->get(I.getOpcode());
  bool StackOperand = false;
  for (unsigned K = 0; K < I.getNumOperands(); ++K) {
    const MCOperand &Op = I.getOperand(K);
    if (!Op.isReg())
      continue;
    if (readReg(S, Op.getReg()).K == Value::Stack)
      StackOperand = true;
    if (K < D.getNumDefs() && index(Op.getReg()) >= 0)
      S.Regs[index(Op.getReg())] = Value::unknown();
  }
  for (MCPhysReg R : D.implicit_defs())
    if (index(R) >= 0)
      S.Regs[index(R)] = Value::unknown();
  // Writeback forms list the base register as a def beyond NumDefs on
  // some targets: a tied operand is written too.
  for (unsigned K = D.getNumDefs(); K < I.getNumOperands(); ++K) {
    int Tied = D.getOperandConstraint(K, MCOI::TIED_TO);
    if (Tied >= 0 && I.getOperand(K).isReg() && index(I.getOperand(K).getReg()) >= 0)
      S.Regs[index(I.getOperand(K).getReg())] = Value::unknown();
  }
  if (D.mayStore() && (StackOperand || S.Escaped))
    S.Slots.clear();
}

StringRef ScanTarget::opName(const MCInst &I) const {
  unsigned Op = I.getOpcode();
  return Op < OpNames.size() ? OpNames[Op] : StringRef();
}

bool ScanTarget::decode(ArrayRef<uint8_t> Bytes, uint64_t Addr, bool Thumb,
                        MCInst &I, uint64_t &Size) const {
  MCDisassembler &D = (Thumb && ThumbDecoder) ? ThumbDecoder->dis() : Decoder->dis();
  return D.getInstruction(I, Size, Bytes, Addr, nulls()) ==
             MCDisassembler::Success &&
         Size > 0;
}
