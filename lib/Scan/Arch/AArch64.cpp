//===- AArch64.cpp - aarch64 semantics for the syscall scanner ------------===//
//
// `svc #0` enters the kernel with the number in x8. Modelled: movz/movn/
// movk, orr with the zero register (mov), add/sub with immediates (the
// frame and adrp+add addresses), adrp/adr, uxtw/sxtw, and loads and stores
// (ldr/str/ldur/stur/ldp/stp with their pre- and post-index forms) through
// sp/x29-based or constant addresses, literal loads. Arguments: x0-x7.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/ScanTarget.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"

using namespace sysgc;
using namespace llvm;

namespace {
// A logical immediate (N:immr:imms) of a RegSize-bit orr/and/eor, decoded
// as the architecture manual's DecodeBitMasks does.
std::optional<uint64_t> decodeLogicalImm(uint64_t Enc, unsigned RegSize) {
  unsigned N = (Enc >> 12) & 1, Immr = (Enc >> 6) & 0x3f, Imms = Enc & 0x3f;
  unsigned Combined = (N << 6) | (~Imms & 0x3f);
  if (!Combined)
    return std::nullopt;
  unsigned Len = 31 - __builtin_clz(Combined);
  if (Len < 1)
    return std::nullopt;
  unsigned Size = 1u << Len;
  unsigned R = Immr & (Size - 1), S = Imms & (Size - 1);
  if (S == Size - 1 || Size > RegSize)
    return std::nullopt;
  uint64_t Pattern = (S + 1 == 64) ? ~0ull : ((1ull << (S + 1)) - 1);
  if (R)
    Pattern = ((Pattern >> R) | (Pattern << (Size - R))) &
              (Size == 64 ? ~0ull : ((1ull << Size) - 1));
  uint64_t V = 0;
  for (unsigned K = 0; K < RegSize; K += Size)
    V |= Pattern << K;
  return RegSize == 64 ? V : uint32_t(V);
}

class AArch64 final : public ScanTarget {
public:
  explicit AArch64(const ArchInfo &A) : ScanTarget(A) {
    std::vector<const char *> Regs;
    static const char *Names[] = {
        "X0",  "X1",  "X2",  "X3",  "X4",  "X5",  "X6",  "X7",  "X8",
        "X9",  "X10", "X11", "X12", "X13", "X14", "X15", "X16", "X17",
        "X18", "X19", "X20", "X21", "X22", "X23", "X24", "X25", "X26",
        "X27", "X28", "FP",  "LR",  "SP"};
    if (Error E = init(A.Triple, "", Names,
                       {"GPR32", "GPR32sp", "GPR32all", "GPR32common"})) {
      InitError = toString(std::move(E));
      return;
    }
    MinInst[0] = MinInst[1] = 4;
    SP = reg("SP");
    NumberReg = reg("X8");
    for (const char *N : {"X0", "X1", "X2", "X3", "X4", "X5", "X6", "X7"})
      ArgRegs.push_back(reg(N));
    RetRegs = {reg("X0"), reg("X1")};
    // glibc sets no SA_RESTORER here: signal handlers return through the
    // vDSO's __kernel_rt_sigreturn. The clock calls are its fallbacks.
    KernelProvided = {"rt_sigreturn", "clock_gettime", "gettimeofday",
                      "clock_getres"};
    for (const char *N : {"X19", "X20", "X21", "X22", "X23", "X24", "X25",
                          "X26", "X27", "X28", "FP", "SP"})
      CalleeSaved[reg(N)] = true;
    FrameRegs = {SP, reg("FP")};
    ZeroRegs = {findRegister("XZR"), findRegister("WZR")};
  }

  std::optional<unsigned> syscallAbi(const MCInst &I,
                                     const State &S) const override {
    if (opName(I) == "SVC" && I.getOperand(0).isImm() &&
        I.getOperand(0).getImm() == 0)
      return 0;
    return std::nullopt;
  }

  std::optional<MCRegister> branchReg(const MCInst &I) const override {
    StringRef N = opName(I);
    if ((N == "BR" || N == "BLR" || N.starts_with("BRA") ||
         N.starts_with("BLRA")) &&
        I.getOperand(0).isReg())
      return I.getOperand(0).getReg();
    return std::nullopt;
  }

  bool transfer(const MCInst &I, State &S, Effects &E) const override {
    StringRef N = opName(I);
    unsigned NOps = I.getNumOperands();
    auto Reg = [&](unsigned K) { return I.getOperand(K).getReg(); };
    auto Imm = [&](unsigned K) { return I.getOperand(K).getImm(); };
    auto IsImm = [&](unsigned K) { return K < NOps && I.getOperand(K).isImm(); };
    if (N == "BL" || N == "BLR")
      return true; // see afterCall
    if ((N == "MOVZXi" || N == "MOVZWi" || N == "MOVNXi" || N == "MOVNWi") &&
        IsImm(1) && IsImm(2)) {
      uint64_t V = uint64_t(Imm(1)) << Imm(2);
      if (N.starts_with("MOVN"))
        V = ~V;
      if (N.ends_with("Wi"))
        V = uint32_t(V);
      writeReg(S, Reg(0), Value::konst(V), E);
      return true;
    }
    if ((N == "MOVKXi" || N == "MOVKWi") && IsImm(2) && IsImm(3)) {
      Value Old = readReg(S, Reg(1));
      Value R = Value::unknown();
      if (Old.K == Value::Const) {
        uint64_t Mask = 0xffffull << Imm(3);
        R = Value::konst((uint64_t(Old.C) & ~Mask) |
                         ((uint64_t(Imm(2)) << Imm(3)) & Mask));
      }
      writeReg(S, Reg(0), R, E);
      return true;
    }
    if ((N == "ORRXrs" || N == "ORRWrs") && IsImm(3)) {
      Value A = readReg(S, Reg(1)), B = readReg(S, Reg(2));
      Value R = Value::unknown();
      if (A.K == Value::Const && A.C == 0 && Imm(3) == 0)
        R = B; // mov
      else if (A.K == Value::Const && B.K == Value::Const && Imm(3) == 0)
        R = Value::konst(A.C | B.C);
      writeReg(S, Reg(0), R, E);
      return true;
    }
    if ((N == "ORRXri" || N == "ORRWri") && IsImm(2)) {
      Value A = readReg(S, Reg(1));
      std::optional<uint64_t> M = decodeLogicalImm(Imm(2), N == "ORRXri" ? 64 : 32);
      Value R = Value::unknown();
      if (A.K == Value::Const && M)
        R = Value::konst(uint64_t(A.C) | *M);
      writeReg(S, Reg(0), R, E);
      return true;
    }
    if ((N == "ADDXri" || N == "ADDWri" || N == "SUBXri" || N == "SUBWri") &&
        IsImm(2) && IsImm(3)) {
      int64_t D = int64_t(uint64_t(Imm(2)) << Imm(3));
      if (N.starts_with("SUB"))
        D = -D;
      Value A = readReg(S, Reg(1));
      Value R = Value::unknown();
      if (A.K == Value::Const)
        R = Value::konst(A.C + D);
      else if (A.K == Value::Stack)
        R = Value::stack(A.C + D);
      if (A.K == Value::Const && Imm(3) == 0)
        E.noteAddress(R); // adrp + add: an address
      writeReg(S, Reg(0), R, E);
      return true;
    }
    if (N == "ADRP" && IsImm(1)) {
      writeReg(S, Reg(0),
               Value::konst(int64_t(E.Addr & ~0xfffull) + Imm(1) * 4096), E);
      return true;
    }
    if (N == "ADR" && IsImm(1)) {
      E.noteAddress(Value::konst(int64_t(E.Addr) + Imm(1)));
      writeReg(S, Reg(0), Value::konst(int64_t(E.Addr) + Imm(1)), E);
      return true;
    }
    if ((N == "UBFMXri" || N == "SBFMXri") && IsImm(2) && IsImm(3) &&
        Imm(2) == 0 && Imm(3) == 31) {
      Value V = readReg(S, Reg(1));
      if (V.K == Value::Const)
        V = Value::konst(N == "UBFMXri" ? int64_t(uint32_t(V.C))
                                        : int64_t(int32_t(V.C)));
      else if (V.K != Value::Entry)
        V = Value::unknown();
      writeReg(S, Reg(0), V, E);
      return true;
    }
    if ((N == "LDRXl" || N == "LDRWl") && IsImm(1)) {
      Value A = Value::konst(int64_t(E.Addr) + Imm(1) * 4);
      writeReg(S, Reg(0), E.loadFrom(S, A, N == "LDRXl" ? 8 : 4), E);
      return true;
    }
    // Loads and stores: [base, #imm] (scaled), [base, #simm] (unscaled),
    // pairs, and pre/post-index forms whose first operand is the written-
    // back base.
    struct MemForm {
      const char *Name;
      bool Load, Pair;
      unsigned Size;
      char Mode; // 'u' scaled, 'U' unscaled, 'p' pre, 'P' post
    };
    static const MemForm Forms[] = {
        {"LDRXui", 1, 0, 8, 'u'}, {"LDRWui", 1, 0, 4, 'u'},
        {"LDURXi", 1, 0, 8, 'U'}, {"LDURWi", 1, 0, 4, 'U'},
        {"STRXui", 0, 0, 8, 'u'}, {"STRWui", 0, 0, 4, 'u'},
        {"STURXi", 0, 0, 8, 'U'}, {"STURWi", 0, 0, 4, 'U'},
        {"LDRXpre", 1, 0, 8, 'p'}, {"LDRXpost", 1, 0, 8, 'P'},
        {"STRXpre", 0, 0, 8, 'p'}, {"STRXpost", 0, 0, 8, 'P'},
        {"LDPXi", 1, 1, 8, 'u'},  {"STPXi", 0, 1, 8, 'u'},
        {"LDPWi", 1, 1, 4, 'u'},  {"STPWi", 0, 1, 4, 'u'},
        {"LDPXpre", 1, 1, 8, 'p'}, {"LDPXpost", 1, 1, 8, 'P'},
        {"STPXpre", 0, 1, 8, 'p'}, {"STPXpost", 0, 1, 8, 'P'},
    };
    for (const MemForm &F : Forms) {
      if (N != F.Name)
        continue;
      bool WB = F.Mode == 'p' || F.Mode == 'P';
      unsigned K = WB ? 1 : 0; // first data register
      unsigned NData = F.Pair ? 2 : 1;
      unsigned BaseOp = K + NData, ImmOp = BaseOp + 1;
      if (ImmOp >= NOps || !I.getOperand(BaseOp).isReg() || !IsImm(ImmOp))
        return false;
      int64_t Off = Imm(ImmOp);
      if (F.Mode != 'U')
        Off *= F.Size; // scaled forms (and pre/post of pairs)
      if ((F.Mode == 'p' || F.Mode == 'P') && !F.Pair)
        Off = Imm(ImmOp); // ldr/str pre/post take a byte offset
      Value Base = readReg(S, Reg(BaseOp));
      auto Plus = [](Value B, int64_t D) {
        if (B.K == Value::Stack)
          return Value::stack(B.C + D);
        if (B.K == Value::Const)
          return Value::konst(B.C + D);
        return Value::unknown();
      };
      Value A = F.Mode == 'P' ? Base : Plus(Base, Off);
      for (unsigned D = 0; D < NData; ++D) {
        Value Slot = Plus(A, D * F.Size);
        if (F.Load)
          writeReg(S, Reg(K + D), E.loadFrom(S, Slot, F.Size), E);
        else {
          Value V = readReg(S, Reg(K + D));
          if (F.Size == 4 && V.K == Value::Const)
            V = Value::konst(uint32_t(V.C));
          E.storeTo(S, Slot, F.Size, V);
        }
      }
      if (WB)
        writeReg(S, Reg(0), Plus(Base, Off), E);
      return true;
    }
    return false;
  }
};
} // namespace

std::unique_ptr<ScanTarget> sysgc::createAArch64ScanTarget(const ArchInfo &A) {
  return std::make_unique<AArch64>(A);
}
