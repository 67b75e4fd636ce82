//===- X86_64.cpp - x86-64 semantics for the syscall scanner --------------===//
//
// `syscall` enters the kernel with the number in rax (bit 30 set: the x32
// ABI), `int $0x80` with the i386 number in eax. Modelled: immediate and
// register moves (a 32-bit write zero-extends), xor/sub of a register with
// itself, add/sub/or/and with constants, lea (rip-relative: an address),
// loads and stores through rsp/rbp-based or constant addresses, push, pop
// and leave. Arguments: rdi rsi rdx rcx r8 r9.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/ScanTarget.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"

using namespace sysgc;
using namespace llvm;

namespace {
class X86_64 final : public ScanTarget {
public:
  explicit X86_64(const ArchInfo &A) : ScanTarget(A) {
    if (Error E = init(A.Triple, "",
                       {"RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP",
                        "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"},
                       {"GR32"})) {
      InitError = toString(std::move(E));
      return;
    }
    MinInst[0] = MinInst[1] = 1;
    RAX = reg("RAX");
    SP = reg("RSP");
    NumberReg = RAX;
    for (const char *N : {"RDI", "RSI", "RDX", "RCX", "R8", "R9"})
      ArgRegs.push_back(reg(N));
    RetRegs = {RAX, reg("RDX")};
    // The vDSO's fallbacks (glibc brings its own signal restorer).
    KernelProvided = {"clock_gettime", "gettimeofday", "time", "getcpu",
                      "clock_getres"};
    for (const char *N : {"RBX", "RBP", "RSP", "R12", "R13", "R14", "R15"})
      CalleeSaved[reg(N)] = true;
    FrameRegs = {SP, reg("RBP")};
    RIP = findRegister("RIP");
  }

  std::optional<unsigned> syscallAbi(const MCInst &I,
                                     const State &S) const override {
    StringRef N = opName(I);
    if (N == "SYSCALL")
      return 0; // x64 (x32 is told by the number: classifyNumber)
    if (N == "INT" && I.getNumOperands() == 1 && I.getOperand(0).isImm() &&
        I.getOperand(0).getImm() == 0x80)
      return 1; // ia32
    return std::nullopt;
  }

  std::pair<unsigned, uint64_t> classifyNumber(unsigned Abi,
                                               uint64_t Nr) const override {
    Nr = uint32_t(Nr);
    if (Abi == 0 && (Nr & 0x40000000))
      return {2, Nr & ~uint64_t(0x40000000)};
    return {Abi, Nr};
  }

  void afterSyscall(State &S) const override {
    // The kernel returns in rax and clobbers rcx and r11.
    for (const char *N : {"RAX", "RCX", "R11"})
      S.Regs[reg(N)] = Value::unknown();
  }

  // The address of the memory operand at Op, or unknown.
  Value addrOf(const MCInst &I, unsigned Op, const State &S,
               const Effects &E) const {
    if (Op + 5 > I.getNumOperands())
      return Value::unknown();
    const MCOperand &Base = I.getOperand(Op), &Index = I.getOperand(Op + 2),
                    &Disp = I.getOperand(Op + 3), &Seg = I.getOperand(Op + 4);
    if (!Base.isReg() || !Index.isReg() || !Disp.isImm() || !Seg.isReg())
      return Value::unknown();
    if (Seg.getReg() || Index.getReg())
      return Value::unknown(); // %fs/%gs (TLS) or an indexed table
    int64_t D = Disp.getImm();
    if (!Base.getReg())
      return Value::konst(D);
    if (Base.getReg() == RIP)
      return Value::konst(int64_t(E.Addr + E.Size) + D);
    Value B = readReg(S, Base.getReg());
    if (B.K == Value::Stack)
      return Value::stack(B.C + D);
    if (B.K == Value::Const)
      return Value::konst(B.C + D);
    return Value::unknown();
  }

  std::optional<uint64_t> branchSlot(const MCInst &I, const State &S,
                                     const Effects &E) const override {
    StringRef N = opName(I);
    if (N != "CALL64m" && N != "JMP64m" && N != "TAILJMPm64" &&
        N != "TAILJMPm64_REX")
      return std::nullopt;
    Value A = addrOf(I, 0, S, E);
    if (A.K == Value::Const)
      return uint64_t(A.C);
    return std::nullopt;
  }

  std::optional<MCRegister> branchReg(const MCInst &I) const override {
    StringRef N = opName(I);
    if ((N == "CALL64r" || N == "JMP64r") && I.getOperand(0).isReg())
      return I.getOperand(0).getReg();
    return std::nullopt;
  }

  static std::optional<int64_t> alu(StringRef Op, int64_t A, int64_t B) {
    if (Op == "ADD") return A + B;
    if (Op == "SUB") return A - B;
    if (Op == "OR") return A | B;
    if (Op == "AND") return A & B;
    if (Op == "XOR") return A ^ B;
    return std::nullopt;
  }

  bool transfer(const MCInst &I, State &S, Effects &E) const override {
    StringRef N = opName(I);
    auto Reg = [&](unsigned K) { return I.getOperand(K).getReg(); };
    auto Imm = [&](unsigned K) { return I.getOperand(K).getImm(); };
    unsigned NOps = I.getNumOperands();
    if (N.starts_with("CALL"))
      return true; // the return address is popped again: see afterCall
    if (N == "MOV32ri" || N == "MOV64ri" || N == "MOV64ri32" ||
        N == "MOV32ri_alt") {
      writeReg(S, Reg(0), Value::konst(Imm(1)), E);
      return true;
    }
    if (N == "MOV64rr" || N == "MOV64rr_REV" || N == "MOV32rr" ||
        N == "MOV32rr_REV") {
      writeReg(S, Reg(0), readReg(S, Reg(1)), E);
      return true;
    }
    if (N == "MOVSX64rr32") {
      Value V = readReg(S, Reg(1));
      if (V.K == Value::Const)
        V = Value::konst(int32_t(V.C));
      else if (V.K != Value::Entry)
        V = Value::unknown();
      writeReg(S, Reg(0), V, E);
      return true;
    }
    // ALU forms: OPxxrr (dst, src1, src2), OPxxri/ri8 (dst, src1, imm),
    // OPxxi32 (imm; the accumulator).
    for (StringRef Op : {"ADD", "SUB", "OR", "AND", "XOR"}) {
      if (!N.starts_with(Op))
        continue;
      StringRef Rest = N.drop_front(Op.size());
      bool Is64 = Rest.starts_with("64");
      if (!Is64 && !Rest.starts_with("32"))
        return false;
      StringRef Form = Rest.drop_front(2);
      if ((Form == "rr" || Form == "rr_REV") && NOps == 3) {
        if ((Op == "XOR" || Op == "SUB") && Reg(1) == Reg(2)) {
          writeReg(S, Reg(0), Value::konst(0), E);
          return true;
        }
        Value A = readReg(S, Reg(1)), B = readReg(S, Reg(2));
        Value R = Value::unknown();
        if (A.K == Value::Const && B.K == Value::Const)
          R = Value::konst(*alu(Op, A.C, B.C));
        else if (A.K == Value::Stack && B.K == Value::Const &&
                 (Op == "ADD" || Op == "SUB"))
          R = Value::stack(*alu(Op, A.C, B.C));
        writeReg(S, Reg(0), R, E);
        return true;
      }
      if ((Form == "ri" || Form == "ri8" || Form == "ri32") && NOps == 3 &&
          I.getOperand(2).isImm()) {
        Value A = readReg(S, Reg(1));
        Value R = Value::unknown();
        if (A.K == Value::Const)
          R = Value::konst(*alu(Op, A.C, Imm(2)));
        else if (A.K == Value::Stack && (Op == "ADD" || Op == "SUB"))
          R = Value::stack(*alu(Op, A.C, Imm(2)));
        else if (A.K == Value::Stack && Op == "AND")
          R = Value::unknown(); // stack realignment
        writeReg(S, Reg(0), R, E);
        return true;
      }
      if (Form == "i32" && NOps == 1 && I.getOperand(0).isImm()) {
        MCRegister Acc = FullRegs[RAX];
        if (!Is64)
          for (MCPhysReg Sub : MRI->subregs(Acc))
            if (width(Sub) == 32)
              Acc = Sub;
        Value A = readReg(S, Acc);
        Value R = A.K == Value::Const ? Value::konst(*alu(Op, A.C, Imm(0)))
                                      : Value::unknown();
        writeReg(S, Acc, R, E);
        return true;
      }
      return false;
    }
    if (N == "LEA64r" || N == "LEA64_32r" || N == "LEA32r") {
      Value A = addrOf(I, 1, S, E);
      if (I.getOperand(1).getReg() == RIP || E.Mem.absoluteAddresses())
        E.noteAddress(A);
      writeReg(S, Reg(0), A, E);
      return true;
    }
    if (N == "MOV64rm" || N == "MOV32rm") {
      Value A = addrOf(I, 1, S, E);
      writeReg(S, Reg(0), E.loadFrom(S, A, N == "MOV64rm" ? 8 : 4), E);
      return true;
    }
    if (N == "MOV64mr" || N == "MOV32mr") {
      Value A = addrOf(I, 0, S, E);
      Value V = readReg(S, Reg(5));
      if (N == "MOV32mr" && V.K == Value::Const)
        V = Value::konst(uint32_t(V.C));
      E.storeTo(S, A, N == "MOV64mr" ? 8 : 4, V);
      return true;
    }
    if (N == "MOV64mi32" || N == "MOV32mi") {
      Value A = addrOf(I, 0, S, E);
      int64_t V = Imm(5);
      if (N == "MOV32mi")
        V = uint32_t(V);
      E.storeTo(S, A, N == "MOV64mi32" ? 8 : 4, Value::konst(V));
      return true;
    }
    if (N == "PUSH64r" || N == "PUSH64i8" || N == "PUSH64i32" ||
        N == "PUSH64i") {
      Value V = N == "PUSH64r" ? readReg(S, Reg(0)) : Value::konst(Imm(0));
      Value &Sp = S.Regs[SP];
      if (Sp.K != Value::Stack)
        return true;
      Sp.C -= 8;
      E.storeTo(S, Sp, 8, V);
      return true;
    }
    if (N == "POP64r") {
      Value Sp = S.Regs[SP];
      Value V = Sp.K == Value::Stack ? S.load(Sp.C, 8) : Value::unknown();
      if (Sp.K == Value::Stack)
        S.Regs[SP].C += 8;
      writeReg(S, Reg(0), V, E);
      return true;
    }
    if (N == "LEAVE64" || N == "LEAVE") {
      Value Fp = S.Regs[reg("RBP")];
      S.Regs[SP] = Fp;
      Value V = Fp.K == Value::Stack ? S.load(Fp.C, 8) : Value::unknown();
      if (Fp.K == Value::Stack)
        S.Regs[SP].C += 8;
      S.Regs[reg("RBP")] = V;
      return true;
    }
    return false;
  }

private:
  unsigned RAX = 0;
  MCRegister RIP;
};
} // namespace

std::unique_ptr<ScanTarget> sysgc::createX86_64ScanTarget(const ArchInfo &A) {
  return std::make_unique<X86_64>(A);
}
