//===- ARM.cpp - 32-bit arm (EABI, ARM and Thumb-2) semantics for the scanner ===//
//
// `svc #0` enters the kernel with the number in r7 (EABI). Code is ARM or
// Thumb-2, decoded by two MC disassemblers; calls say which (bl/blx).
// Modelled: mov/movs/movw/movt/mvn with immediates, register moves,
// add/sub with immediates (sp arithmetic included), literal-pool loads
// (ldr rX, [pc, #imm]), pc-relative adds (the PIC GOT idiom), single and
// multiple loads and stores through sp or constant addresses (push/pop,
// stmdb/ldmia). A conditional instruction (a condition code, or inside an
// IT block) may or may not happen: its result is joined with the state
// before it. Arguments: r0-r3.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/ScanTarget.h"

using namespace sysgc;
using namespace llvm;

namespace {
// An ARM-mode modified immediate: 8 bits rotated right by twice 4 bits.
uint32_t decodeModImm(uint64_t Enc) {
  unsigned Rot = ((Enc >> 8) & 0xf) * 2;
  uint32_t V = Enc & 0xff;
  return Rot ? (V >> Rot) | (V << (32 - Rot)) : V;
}

class ARM final : public ScanTarget {
public:
  explicit ARM(const ArchInfo &A) : ScanTarget(A) {
    static const char *Names[] = {"R0", "R1", "R2",  "R3",  "R4",  "R5",
                                  "R6", "R7", "R8",  "R9",  "R10", "R11",
                                  "R12", "SP", "LR"};
    if (Error E = init(A.Triple, "thumbv7-unknown-linux-gnueabihf", Names, {})) {
      InitError = toString(std::move(E));
      return;
    }
    MinInst[0] = 4;
    MinInst[1] = 2;
    SP = reg("SP");
    NumberReg = reg("R7");
    for (const char *N : {"R0", "R1", "R2", "R3"})
      ArgRegs.push_back(reg(N));
    RetRegs = {reg("R0"), reg("R1")};
    for (const char *N : {"R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "SP"})
      CalleeSaved[reg(N)] = true;
    FrameRegs = {SP, reg("R7"), reg("R11")};
    PC = findRegister("PC");
    // glibc brings its own restorers (__default_sa_restorer); the vDSO's
    // clock calls fall back to syscalls.
    KernelProvided = {"clock_gettime", "gettimeofday", "clock_gettime64",
                      "clock_getres"};
  }

  static bool isThumbOp(StringRef N) {
    return N.starts_with("t") && !N.starts_with("tt");
  }

  std::optional<unsigned> syscallAbi(const MCInst &I,
                                     const State &S) const override {
    StringRef N = opName(I);
    if ((N == "SVC" || N == "tSVC") && I.getOperand(0).isImm() &&
        I.getOperand(0).getImm() == 0)
      return 0;
    return std::nullopt;
  }

  std::optional<bool> targetIsThumb(const MCInst &I) const override {
    StringRef N = opName(I);
    if (N == "tBLXi" || N == "BL" || N == "Bcc" || N == "B")
      return false;
    if (N == "BLXi" || N == "tBL" || N.starts_with("tB") || N.starts_with("t2B") ||
        N.starts_with("tCB"))
      return true;
    return std::nullopt;
  }

  std::optional<MCRegister> branchReg(const MCInst &I) const override {
    StringRef N = opName(I);
    if (N == "tBLXr" && I.getNumOperands() >= 3)
      return I.getOperand(2).getReg();
    if ((N == "BLX" || N == "BX" || N == "tBX" || N == "BX_pred" ||
         N == "BLX_pred") &&
        I.getOperand(0).isReg())
      return I.getOperand(0).getReg();
    return std::nullopt;
  }

  bool isReturn(const MCInst &I) const override {
    if (MIA->isReturn(I))
      return true;
    StringRef N = opName(I);
    if ((N == "tBX" || N == "BX" || N == "BX_pred") && I.getOperand(0).isReg() &&
        StringRef(MRI->getName(I.getOperand(0).getReg())) == "LR")
      return true;
    if (N == "tPOP" || N == "t2LDMIA_UPD" || N == "LDMIA_UPD" ||
        N == "t2LDMIA_RET" || N == "LDMIA_RET" || N == "tPOP_RET")
      for (const MCOperand &Op : I)
        if (Op.isReg() && Op.getReg() == PC)
          return true;
    return false;
  }

  static Value plus(Value B, int64_t D) {
    if (B.K == Value::Stack)
      return Value::stack(B.C + D);
    if (B.K == Value::Const)
      return Value::konst(uint32_t(B.C + D));
    return Value::unknown();
  }

  bool transfer(const MCInst &I, State &S, Effects &E) const override {
    const MCInstrDesc &D = MII->get(I.getOpcode());
    int P = D.findFirstPredOperandIdx();
    bool Cond = P >= 0 && P < int(I.getNumOperands()) &&
                I.getOperand(P).isImm() && I.getOperand(P).getImm() != 14;
    if (!Cond)
      return transferAlways(I, S, E);
    State Before = S;
    if (!transferAlways(I, S, E))
      return false;
    S.join(Before); // it may not have happened
    return true;
  }

  bool transferAlways(const MCInst &I, State &S, Effects &E) const {
    StringRef N = opName(I);
    unsigned NOps = I.getNumOperands();
    auto Reg = [&](unsigned K) { return I.getOperand(K).getReg(); };
    auto Imm = [&](unsigned K) { return I.getOperand(K).getImm(); };
    auto IsImm = [&](unsigned K) { return K < NOps && I.getOperand(K).isImm(); };
    auto IsReg = [&](unsigned K) { return K < NOps && I.getOperand(K).isReg(); };
    bool Thumb = isThumbOp(N);
    int64_t PCVal = int64_t(E.Addr) + (Thumb ? 4 : 8);
    auto Read = [&](MCRegister R) {
      if (R == PC)
        return Value::konst(PCVal);
      return readReg(S, R);
    };
    if (N == "BL" || N == "BLXi" || N == "tBL" || N == "tBLXi" ||
        N == "tBLXr" || N == "BLX" || N == "BLX_pred")
      return true; // see afterCall
    // Immediates.
    if ((N == "t2MOVi" || N == "t2MOVi16" || N == "MOVi16") && IsImm(1)) {
      writeReg(S, Reg(0), Value::konst(uint32_t(Imm(1))), E);
      return true;
    }
    if (N == "MOVi" && IsImm(1)) {
      writeReg(S, Reg(0), Value::konst(decodeModImm(Imm(1))), E);
      return true;
    }
    if (N == "tMOVi8" && IsImm(2)) {
      writeReg(S, Reg(0), Value::konst(uint32_t(Imm(2))), E);
      return true;
    }
    if ((N == "t2MVNi" || N == "MVNi") && IsImm(1)) {
      uint32_t V = N == "MVNi" ? decodeModImm(Imm(1)) : uint32_t(Imm(1));
      writeReg(S, Reg(0), Value::konst(uint32_t(~V)), E);
      return true;
    }
    if ((N == "t2MOVTi16" || N == "MOVTi16") && IsImm(2)) {
      Value Old = Read(Reg(1));
      Value R = Old.K == Value::Const
                    ? Value::konst((uint32_t(Old.C) & 0xffff) |
                                   (uint32_t(Imm(2)) << 16))
                    : Value::unknown();
      writeReg(S, Reg(0), R, E);
      return true;
    }
    // Register moves.
    if ((N == "tMOVr" || N == "MOVr" || N == "t2MOVr" || N == "tMOVSr") &&
        IsReg(1)) {
      writeReg(S, Reg(0), Read(Reg(1)), E);
      return true;
    }
    // Additions and subtractions of immediates.
    struct AddForm {
      const char *Name;
      unsigned Dst, Src, ImmOp, Scale;
      bool Sub, ModImm;
    };
    static const AddForm Adds[] = {
        {"tADDspi", 0, 1, 2, 4, false, false},
        {"tSUBspi", 0, 1, 2, 4, true, false},
        {"tADDrSPi", 0, 1, 2, 4, false, false},
        {"tADDi8", 0, 2, 3, 1, false, false},
        {"tSUBi8", 0, 2, 3, 1, true, false},
        {"tADDi3", 0, 2, 3, 1, false, false},
        {"tSUBi3", 0, 2, 3, 1, true, false},
        {"t2ADDri", 0, 1, 2, 1, false, false},
        {"t2SUBri", 0, 1, 2, 1, true, false},
        {"t2ADDri12", 0, 1, 2, 1, false, false},
        {"t2SUBri12", 0, 1, 2, 1, true, false},
        {"t2ADDspImm", 0, 1, 2, 1, false, false},
        {"t2SUBspImm", 0, 1, 2, 1, true, false},
        {"t2ADDspImm12", 0, 1, 2, 1, false, false},
        {"t2SUBspImm12", 0, 1, 2, 1, true, false},
        {"ADDri", 0, 1, 2, 1, false, true},
        {"SUBri", 0, 1, 2, 1, true, true},
    };
    for (const AddForm &F : Adds) {
      if (N != F.Name)
        continue;
      if (!IsReg(F.Dst) || !IsReg(F.Src) || !IsImm(F.ImmOp))
        return false;
      int64_t V = F.ModImm ? int64_t(decodeModImm(Imm(F.ImmOp)))
                           : Imm(F.ImmOp) * int64_t(F.Scale);
      Value R = plus(Read(Reg(F.Src)), F.Sub ? -V : V);
      writeReg(S, Reg(F.Dst), R, E);
      return true;
    }
    // add rX, pc (the PIC idiom: a literal plus the pc is an address).
    if ((N == "tADDhirr" || N == "ADDrr" || N == "t2ADDrr") && IsReg(2)) {
      unsigned A = N == "tADDhirr" ? 1 : 1, B = 2;
      Value X = Read(Reg(A)), Y = Read(Reg(B));
      Value R = Value::unknown();
      if (X.K == Value::Const && Y.K == Value::Const) {
        R = Value::konst(uint32_t(X.C + Y.C));
        if (Reg(A) == PC || Reg(B) == PC)
          E.noteAddress(R);
      }
      writeReg(S, Reg(0), R, E);
      return true;
    }
    // Literal loads.
    if ((N == "tLDRpci" || N == "t2LDRpci") && IsImm(1)) {
      int64_t Addr = ((int64_t(E.Addr) + 4) & ~int64_t(3)) + Imm(1);
      writeReg(S, Reg(0), E.loadFrom(S, Value::konst(Addr), 4), E);
      return true;
    }
    // Single loads and stores: (rt, base, imm).
    struct MemForm {
      const char *Name;
      bool Load;
      unsigned Scale;
    };
    static const MemForm Mems[] = {
        {"tLDRspi", 1, 4}, {"tSTRspi", 0, 4}, {"tLDRi", 1, 4},
        {"tSTRi", 0, 4},   {"t2LDRi12", 1, 1}, {"t2STRi12", 0, 1},
        {"t2LDRi8", 1, 1}, {"t2STRi8", 0, 1},  {"LDRi12", 1, 1},
        {"STRi12", 0, 1},
    };
    for (const MemForm &F : Mems) {
      if (N != F.Name)
        continue;
      if (!IsReg(0) || !IsReg(1) || !IsImm(2))
        return false;
      int64_t Off = Imm(2) * int64_t(F.Scale);
      Value A = Reg(1) == PC
                    ? Value::konst(((PCVal) & ~int64_t(3)) + Off)
                    : plus(Read(Reg(1)), Off);
      if (F.Load)
        writeReg(S, Reg(0), E.loadFrom(S, A, 4), E);
      else
        E.storeTo(S, A, 4, Read(Reg(0)));
      return true;
    }
    // Pre-indexed store (push of one register) and post-indexed load.
    if ((N == "t2STR_PRE" || N == "STR_PRE_IMM") && IsReg(1) && IsReg(2) &&
        IsImm(3)) {
      Value A = plus(Read(Reg(2)), Imm(3));
      E.storeTo(S, A, 4, Read(Reg(1)));
      writeReg(S, Reg(0), A, E);
      return true;
    }
    if (N == "t2LDR_POST" && IsReg(2) && IsImm(3)) {
      Value A = Read(Reg(2));
      writeReg(S, Reg(0), E.loadFrom(S, A, 4), E);
      writeReg(S, Reg(1), plus(A, Imm(3)), E);
      return true;
    }
    // push/pop and stmdb/ldmia with writeback.
    bool Push = N == "tPUSH" || N == "t2STMDB_UPD" || N == "STMDB_UPD";
    bool Pop = N == "tPOP" || N == "t2LDMIA_UPD" || N == "LDMIA_UPD" ||
               N == "t2LDMIA_RET" || N == "LDMIA_RET" || N == "tPOP_RET";
    if (Push || Pop) {
      bool Thumb1 = N == "tPUSH" || N == "tPOP" || N == "tPOP_RET";
      unsigned First = Thumb1 ? 2 : 4; // first register of the list
      MCRegister Base = Thumb1 ? FullRegs[SP] : Reg(1);
      Value B = Read(Base);
      unsigned Count = NOps > First ? NOps - First : 0;
      Value Lo = Push ? plus(B, -4 * int64_t(Count)) : B;
      for (unsigned K = 0; K < Count; ++K) {
        if (!I.getOperand(First + K).isReg())
          return false;
        MCRegister R = Reg(First + K);
        Value Slot = plus(Lo, 4 * int64_t(K));
        if (Push)
          E.storeTo(S, Slot, 4, Read(R));
        else if (R != PC)
          writeReg(S, R, E.loadFrom(S, Slot, 4), E);
      }
      writeReg(S, Base, Push ? Lo : plus(B, 4 * int64_t(Count)), E);
      return true;
    }
    return false;
  }

private:
  MCRegister PC;
};
} // namespace

std::unique_ptr<ScanTarget> sysgc::createARMScanTarget(const ArchInfo &A) {
  return std::make_unique<ARM>(A);
}
