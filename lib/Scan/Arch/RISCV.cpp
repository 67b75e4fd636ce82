//===- RISCV.cpp - riscv64 semantics for the syscall scanner --------------===//
//
// `ecall` enters the kernel with the number in a7. Modelled, with their
// compressed forms: li/addi/addiw, lui (and lui+addi), auipc (an address),
// mv and add with zero, ori, and ld/lw/sd/sw through sp/s0-based or
// constant addresses. A jalr goes to a register plus an offset (the PLT's
// auipc+ld+jalr reads a GOT slot). Arguments: a0-a7.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/ScanTarget.h"

using namespace sysgc;
using namespace llvm;

namespace {
class RISCV64 final : public ScanTarget {
public:
  explicit RISCV64(const ArchInfo &A) : ScanTarget(A) {
    static const char *Names[] = {
        "X1",  "X2",  "X3",  "X4",  "X5",  "X6",  "X7",  "X8",
        "X9",  "X10", "X11", "X12", "X13", "X14", "X15", "X16",
        "X17", "X18", "X19", "X20", "X21", "X22", "X23", "X24",
        "X25", "X26", "X27", "X28", "X29", "X30", "X31"};
    if (Error E = init(A.Triple, "", Names, {})) {
      InitError = toString(std::move(E));
      return;
    }
    MinInst[0] = MinInst[1] = 2;
    SP = reg("X2");
    NumberReg = reg("X17");
    for (const char *N : {"X10", "X11", "X12", "X13", "X14", "X15", "X16", "X17"})
      ArgRegs.push_back(reg(N));
    RetRegs = {reg("X10"), reg("X11")};
    for (const char *N : {"X2", "X8", "X9", "X18", "X19", "X20", "X21", "X22",
                          "X23", "X24", "X25", "X26", "X27"})
      CalleeSaved[reg(N)] = true;
    FrameRegs = {SP, reg("X8")};
    ZeroRegs.push_back(findRegister("X0"));
    // Signal handlers return through the vDSO's __vdso_rt_sigreturn; the
    // clock calls are the vDSO's fallbacks.
    KernelProvided = {"rt_sigreturn", "clock_gettime", "gettimeofday",
                      "clock_getres", "riscv_hwprobe"};
  }

  std::optional<unsigned> syscallAbi(const MCInst &I,
                                     const State &S) const override {
    if (opName(I) == "ECALL")
      return 0;
    return std::nullopt;
  }

  std::optional<MCRegister> branchReg(const MCInst &I) const override {
    StringRef N = opName(I);
    if (N == "JALR" && I.getNumOperands() >= 2)
      return I.getOperand(1).getReg();
    if ((N == "C_JR" || N == "C_JALR") && I.getOperand(0).isReg())
      return I.getOperand(0).getReg();
    return std::nullopt;
  }

  Value indirectTarget(const MCInst &I, const State &S) const override {
    std::optional<MCRegister> R = branchReg(I);
    if (!R)
      return Value::unknown();
    Value V = readReg(S, *R);
    if (opName(I) == "JALR" && I.getOperand(2).isImm() && V.K == Value::Const)
      return Value::konst(V.C + I.getOperand(2).getImm());
    if (opName(I) == "JALR" && I.getOperand(2).isImm() &&
        I.getOperand(2).getImm() != 0)
      return Value::unknown();
    return V;
  }

  static Value plus(Value B, int64_t D) {
    if (B.K == Value::Stack)
      return Value::stack(B.C + D);
    if (B.K == Value::Const)
      return Value::konst(B.C + D);
    return Value::unknown();
  }

  bool transfer(const MCInst &I, State &S, Effects &E) const override {
    StringRef N = opName(I);
    unsigned NOps = I.getNumOperands();
    auto Reg = [&](unsigned K) { return I.getOperand(K).getReg(); };
    auto Imm = [&](unsigned K) { return I.getOperand(K).getImm(); };
    auto IsImm = [&](unsigned K) { return K < NOps && I.getOperand(K).isImm(); };
    auto IsReg = [&](unsigned K) { return K < NOps && I.getOperand(K).isReg(); };
    if (N == "JAL" || N == "JALR" || N == "C_JALR" || N == "C_JAL") {
      // Calls (the link register is written: see afterCall); a plain
      // jump writes x0.
      return true;
    }
    if ((N == "ADDI" || N == "ADDIW" || N == "C_ADDI" || N == "C_ADDIW" ||
         N == "C_ADDI16SP" || N == "C_ADDI4SPN" || N == "ORI") &&
        IsReg(0) && IsReg(1) && IsImm(2)) {
      Value A = readReg(S, Reg(1));
      Value R = Value::unknown();
      if (N == "ORI")
        R = A.K == Value::Const ? Value::konst(A.C | Imm(2)) : Value::unknown();
      else
        R = plus(A, Imm(2));
      if (N.contains("ADDIW")) {
        if (R.K == Value::Const)
          R = Value::konst(int32_t(R.C));
        else if (A.K == Value::Entry && Imm(2) == 0)
          R = A; // sext.w of an int argument
        else
          R = Value::unknown();
      }
      if (A.K == Value::Entry && Imm(2) == 0 && N != "ORI")
        R = A; // mv
      if (A.K == Value::Const && R.K == Value::Const)
        E.noteAddress(R); // auipc + addi
      writeReg(S, Reg(0), R, E);
      return true;
    }
    if (N == "C_LI" && IsImm(1)) {
      writeReg(S, Reg(0), Value::konst(Imm(1)), E);
      return true;
    }
    if ((N == "LUI" || N == "C_LUI") && IsImm(1)) {
      writeReg(S, Reg(0), Value::konst(int32_t(uint32_t(Imm(1)) << 12)), E);
      return true;
    }
    if (N == "AUIPC" && IsImm(1)) {
      writeReg(S, Reg(0),
               Value::konst(int64_t(E.Addr) + int32_t(uint32_t(Imm(1)) << 12)),
               E);
      return true;
    }
    if (N == "C_MV" && IsReg(1)) {
      writeReg(S, Reg(0), readReg(S, Reg(1)), E);
      return true;
    }
    if ((N == "ADD" || N == "C_ADD" || N == "OR") && IsReg(2)) {
      Value A = readReg(S, Reg(1)), B = readReg(S, Reg(2));
      Value R = Value::unknown();
      if (A.K == Value::Const && A.C == 0)
        R = B;
      else if (B.K == Value::Const && B.C == 0)
        R = A;
      else if (A.K == Value::Const && B.K == Value::Const)
        R = Value::konst(N == "OR" ? (A.C | B.C) : A.C + B.C);
      writeReg(S, Reg(0), R, E);
      return true;
    }
    struct MemForm {
      const char *Name;
      bool Load;
      unsigned Size;
      bool Signed;
    };
    static const MemForm Forms[] = {
        {"LD", 1, 8, 0},     {"C_LD", 1, 8, 0},  {"C_LDSP", 1, 8, 0},
        {"LW", 1, 4, 1},     {"C_LW", 1, 4, 1},  {"C_LWSP", 1, 4, 1},
        {"LWU", 1, 4, 0},    {"SD", 0, 8, 0},    {"C_SD", 0, 8, 0},
        {"C_SDSP", 0, 8, 0}, {"SW", 0, 4, 0},    {"C_SW", 0, 4, 0},
        {"C_SWSP", 0, 4, 0},
    };
    for (const MemForm &F : Forms) {
      if (N != F.Name)
        continue;
      if (!IsReg(0) || !IsReg(1) || !IsImm(2))
        return false;
      Value A = plus(readReg(S, Reg(1)), Imm(2));
      if (F.Load) {
        Value V = E.loadFrom(S, A, F.Size);
        if (V.K == Value::Const && F.Size == 4)
          V = Value::konst(F.Signed ? int64_t(int32_t(V.C))
                                    : int64_t(uint32_t(V.C)));
        writeReg(S, Reg(0), V, E);
      } else {
        Value V = readReg(S, Reg(0));
        if (F.Size == 4 && V.K == Value::Const)
          V = Value::konst(uint32_t(V.C));
        E.storeTo(S, A, F.Size, V);
      }
      return true;
    }
    return false;
  }
};
} // namespace

std::unique_ptr<ScanTarget> sysgc::createRISCV64ScanTarget(const ArchInfo &A) {
  return std::make_unique<RISCV64>(A);
}
