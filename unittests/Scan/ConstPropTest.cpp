//===- ConstPropTest.cpp - Constant propagation on hand-assembled code ----===//
//
// Each case is a few instructions assembled with llvm-mc (the source is in
// the comment above the bytes): the number the analysis recovers at the
// syscall instruction, or that it refuses to guess one.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/ConstProp.h"
#include "sysgc/Scan/ScanTarget.h"
#include "llvm/BinaryFormat/ELF.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace llvm;

namespace {
/// A module whose code is [0x1000, 0x2000) and whose read-only word at
/// 0x3000 is 0x14 (and a GOT slot at 0x4000 binding import 7).
class FakeMemory : public MemoryView {
public:
  std::optional<uint64_t> readConst(uint64_t Addr, unsigned Size) const override {
    if (Addr == 0x3000)
      return 0x14;
    return std::nullopt;
  }
  std::optional<uint32_t> importAt(uint64_t Addr) const override {
    if (Addr == 0x4000)
      return 7;
    return std::nullopt;
  }
  bool isCode(uint64_t Addr) const override {
    return Addr >= 0x1000 && Addr < 0x2000;
  }
};

class ConstPropTest : public ::testing::Test {
protected:
  const ScanTarget &target(uint16_t Machine) {
    auto &T = Targets[Machine];
    if (!T) {
      auto E = ScanTarget::create(*getArch(Machine, Machine != ELF::EM_ARM));
      EXPECT_TRUE(bool(E)) << toString(E.takeError());
      T = std::move(*E);
    }
    return *T;
  }
  FunctionSummary run(uint16_t Machine, std::vector<uint8_t> Bytes,
                      uint64_t Addr = 0x1000, bool Thumb = false) {
    return analyzeFunction(target(Machine), Mem, Bytes, Addr, Thumb);
  }
  /// The number at the only syscall instruction.
  Value number(uint16_t Machine, std::vector<uint8_t> Bytes,
               bool Thumb = false) {
    FunctionSummary S = run(Machine, Bytes, 0x1000, Thumb);
    EXPECT_EQ(S.Syscalls.size(), 1u);
    return S.Syscalls.empty() ? Value::unknown() : S.Syscalls[0].Nr;
  }
  unsigned reg(uint16_t Machine, StringRef Name) {
    const ScanTarget &T = target(Machine);
    for (unsigned I = 0; I < T.numRegs(); ++I)
      if (T.regName(I) == Name)
        return I;
    ADD_FAILURE() << "no register " << Name.str();
    return ~0u;
  }
  FakeMemory Mem;
  std::map<uint16_t, std::unique_ptr<ScanTarget>> Targets;
};

constexpr uint16_t X = ELF::EM_X86_64, A = ELF::EM_AARCH64,
                   R = ELF::EM_RISCV, T32 = ELF::EM_ARM;

TEST_F(ConstPropTest, X86ImmediateMove) {
  // mov $0x3c,%eax; syscall; ret
  Value V = number(X, {0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05, 0xc3});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 0x3c);
}

TEST_F(ConstPropTest, X86WrapperOfFirstArgument) {
  // mov %rdi,%rax; mov %rsi,%rdi; syscall; ret   (glibc's syscall())
  Value V = number(X, {0x48, 0x89, 0xf8, 0x48, 0x89, 0xf7, 0x0f, 0x05, 0xc3});
  EXPECT_EQ(V.K, Value::Entry);
  EXPECT_EQ(V.Id, reg(X, "RDI"));
}

TEST_F(ConstPropTest, X86SpillSurvivesCallWhenFrameDoesNotEscape) {
  // sub $0x18,%rsp; movl $0x27,0xc(%rsp); call next; mov 0xc(%rsp),%eax;
  // syscall; add $0x18,%rsp; ret
  Value V = number(X, {0x48, 0x83, 0xec, 0x18, 0xc7, 0x44, 0x24, 0x0c, 0x27,
                       0, 0, 0, 0xe8, 0, 0, 0, 0, 0x8b, 0x44, 0x24, 0x0c, 0x0f,
                       0x05, 0x48, 0x83, 0xc4, 0x18, 0xc3});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 0x27);
}

TEST_F(ConstPropTest, X86EscapedSlotIsForgottenAcrossCall) {
  // The same with lea 0xc(%rsp),%rdi before the call: the callee may
  // write the slot, so the reload is unknown.
  Value V = number(X, {0x48, 0x83, 0xec, 0x18, 0xc7, 0x44, 0x24, 0x0c, 0x27,
                       0, 0, 0, 0x48, 0x8d, 0x7c, 0x24, 0x0c, 0xe8, 0, 0, 0, 0,
                       0x8b, 0x44, 0x24, 0x0c, 0x0f, 0x05, 0x48, 0x83, 0xc4,
                       0x18, 0xc3});
  EXPECT_FALSE(V.known());
}

TEST_F(ConstPropTest, X86TwoValuesAreNotGuessed) {
  // test %edi,%edi; je 1f; mov $1,%eax; jmp 2f; 1: mov $2,%eax; 2: syscall
  Value V = number(X, {0x85, 0xff, 0x74, 0x07, 0xb8, 1, 0, 0, 0, 0xeb, 0x05,
                       0xb8, 2, 0, 0, 0, 0x0f, 0x05, 0xc3});
  EXPECT_FALSE(V.known());
}

TEST_F(ConstPropTest, X86ThirtyTwoBitWriteZeroExtends) {
  // mov $-1,%rax; mov $0xe7,%eax; syscall
  Value V = number(X, {0x48, 0xc7, 0xc0, 0xff, 0xff, 0xff, 0xff, 0xb8, 0xe7, 0,
                       0, 0, 0x0f, 0x05, 0xc3});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 0xe7);
}

TEST_F(ConstPropTest, X86CallClobbersTheReturnRegister) {
  // mov $0x3c,%eax; call next; syscall
  Value V = number(X, {0xb8, 0x3c, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0x0f, 0x05, 0xc3});
  EXPECT_FALSE(V.known());
}

TEST_F(ConstPropTest, X86CallerSavedValueAfterNoReturnPath) {
  // mov $0xca,%r9d; test %edi,%edi; je 1f; call next; 1: mov %r9d,%eax;
  // syscall. Compiled code never reads r9 after a call that returns, so
  // the path through the call adds nothing at the join.
  Value V = number(X, {0x41, 0xb9, 0xca, 0, 0, 0, 0x85, 0xff, 0x74, 0x05, 0xe8,
                       0, 0, 0, 0, 0x44, 0x89, 0xc8, 0x0f, 0x05, 0xc3});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 0xca);
}

TEST_F(ConstPropTest, X86FallThroughAfterCallIsMarked) {
  // call 0x1100; nop; nop -- falls off the end right after a call (the
  // padding after it changes nothing): the fall-through says so.
  FunctionSummary S = run(X, {0xe8, 0xfb, 0x00, 0, 0, 0x90, 0x90});
  ASSERT_EQ(S.Calls.size(), 2u);
  EXPECT_FALSE(S.Calls[0].Tail);
  EXPECT_TRUE(S.Calls[1].Tail);
  EXPECT_TRUE(S.Calls[1].AfterCall);
  EXPECT_FALSE(S.HasReturn);
  // test %edi,%edi; je 1f; call 0x1100; 1: nop -- the branch skips the
  // call: not after it.
  S = run(X, {0x85, 0xff, 0x74, 0x05, 0xe8, 0xf7, 0x00, 0, 0, 0x90});
  ASSERT_FALSE(S.Calls.empty());
  EXPECT_TRUE(S.Calls.back().Tail);
  EXPECT_FALSE(S.Calls.back().AfterCall);
  // ret: a function that returns.
  EXPECT_TRUE(run(X, {0x31, 0xc0, 0xc3}).HasReturn);
}

TEST_F(ConstPropTest, X86LazyPltTailIsUnreached) {
  // A PLT entry: jmp *slot(%rip); push $1; jmp 0x1100 (PLT0). The push
  // and the jump follow an unconditional jump through a slot: not reached
  // from the entry.
  FunctionSummary S = run(X, {0xff, 0x25, 0, 0, 0, 0, 0x68, 1, 0, 0, 0,
                              0xe9, 0xf0, 0, 0, 0});
  ASSERT_EQ(S.Calls.size(), 2u);
  EXPECT_TRUE(S.Calls[0].Reached);
  EXPECT_TRUE(S.Calls[1].Tail);
  EXPECT_EQ(S.Calls[1].Target, 0x1100u);
  EXPECT_FALSE(S.Calls[1].Reached);
}

TEST_F(ConstPropTest, X86PushPop) {
  // push %rbx; mov $0x27,%ebx; push %rbx; pop %rax; pop %rbx; syscall
  Value V = number(X, {0x53, 0xbb, 0x27, 0, 0, 0, 0x53, 0x58, 0x5b, 0x0f, 0x05,
                       0xc3});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 0x27);
}

TEST_F(ConstPropTest, X86FramePointerSpillOfArgument) {
  // push %rbp; mov %rsp,%rbp; sub $0x10,%rsp; mov %rdi,-0x8(%rbp);
  // call next; mov -0x8(%rbp),%rax; syscall; leave; ret
  Value V = number(X, {0x55, 0x48, 0x89, 0xe5, 0x48, 0x83, 0xec, 0x10, 0x48,
                       0x89, 0x7d, 0xf8, 0xe8, 0, 0, 0, 0, 0x48, 0x8b, 0x45,
                       0xf8, 0x0f, 0x05, 0xc9, 0xc3});
  EXPECT_EQ(V.K, Value::Entry);
  EXPECT_EQ(V.Id, reg(X, "RDI"));
}

TEST_F(ConstPropTest, X86Int80IsTheI386Abi) {
  // mov $0xb,%eax; int $0x80
  FunctionSummary S = run(X, {0xb8, 0x0b, 0, 0, 0, 0xcd, 0x80, 0xc3});
  ASSERT_EQ(S.Syscalls.size(), 1u);
  const ArchInfo &Arch = target(X).arch();
  EXPECT_EQ(Arch.Abis[S.Syscalls[0].Abi].Name, "ia32");
  EXPECT_EQ(S.Syscalls[0].Nr.C, 0xb);
}

TEST_F(ConstPropTest, X86X32BitSelectsX32) {
  // mov $0x40000000,%eax; or $0x27,%eax; syscall
  Value V = number(X, {0xb8, 0, 0, 0, 0x40, 0x83, 0xc8, 0x27, 0x0f, 0x05, 0xc3});
  ASSERT_EQ(V.K, Value::Const);
  auto [Abi, Nr] = target(X).classifyNumber(0, V.C);
  EXPECT_EQ(target(X).arch().Abis[Abi].Name, "x32");
  EXPECT_EQ(Nr, 0x27u);
}

TEST_F(ConstPropTest, X86RipRelativeReadOnlyLoad) {
  // At 0x2fea: mov 0x10(%rip),%eax reads 0x3000 (read-only: 0x14).
  FunctionSummary S =
      run(X, {0x8b, 0x05, 0x10, 0, 0, 0, 0x0f, 0x05, 0xc3}, 0x3000 - 0x16);
  ASSERT_EQ(S.Syscalls.size(), 1u);
  EXPECT_EQ(S.Syscalls[0].Nr.K, Value::Const);
  EXPECT_EQ(S.Syscalls[0].Nr.C, 0x14);
}

TEST_F(ConstPropTest, X86CallThroughGotIsAnImport) {
  // At 0x3ffa: call *0x0(%rip) -> slot 0x4000 (import 7), with rdi = 5.
  // mov $5,%edi; call *(%rip); ret   (placed so the slot is 0x4000)
  FunctionSummary S = run(X, {0xbf, 5, 0, 0, 0, 0xff, 0x15, 0, 0, 0, 0, 0xc3},
                          0x4000 - 11);
  ASSERT_EQ(S.Calls.size(), 1u);
  EXPECT_EQ(S.Calls[0].K, CallSite::Import);
  EXPECT_EQ(S.Calls[0].ImportIdx, 7u);
  EXPECT_EQ(S.Calls[0].arg(reg(X, "RDI")).C, 5);
}

TEST_F(ConstPropTest, AArch64ImmediateMove) {
  // mov x8, #93; svc #0; ret
  Value V = number(A, {0xa8, 0x0b, 0x80, 0xd2, 0x01, 0, 0, 0xd4, 0xc0, 0x03,
                       0x5f, 0xd6});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 93);
}

TEST_F(ConstPropTest, AArch64WrapperOfFirstArgument) {
  // uxtw x8, w0; mov x0, x1; svc #0; ret   (glibc's syscall())
  Value V = number(A, {0x08, 0x7c, 0x40, 0xd3, 0xe0, 0x03, 0x01, 0xaa, 0x01, 0,
                       0, 0xd4, 0xc0, 0x03, 0x5f, 0xd6});
  EXPECT_EQ(V.K, Value::Entry);
  EXPECT_EQ(V.Id, reg(A, "X0"));
}

TEST_F(ConstPropTest, AArch64SpillAcrossCall) {
  // stp x29, x30, [sp, #-32]!; mov x29, sp; mov w8, #0x3f;
  // str x8, [sp, #16]; bl next; ldr x8, [sp, #16]; svc #0;
  // ldp x29, x30, [sp], #32; ret
  Value V = number(A, {0xfd, 0x7b, 0xbe, 0xa9, 0xfd, 0x03, 0x00, 0x91, 0xe8,
                       0x07, 0x80, 0x52, 0xe8, 0x0b, 0x00, 0xf9, 0x01, 0x00,
                       0x00, 0x94, 0xe8, 0x0b, 0x40, 0xf9, 0x01, 0x00, 0x00,
                       0xd4, 0xfd, 0x7b, 0xc2, 0xa8, 0xc0, 0x03, 0x5f, 0xd6});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 0x3f);
}

TEST_F(ConstPropTest, AArch64MovzMovk) {
  // movz x8, #0x1, lsl #16; movk x8, #0x23; svc #0
  Value V = number(A, {0x28, 0x00, 0xa0, 0xd2, 0x68, 0x04, 0x80, 0xf2, 0x01,
                       0, 0, 0xd4, 0xc0, 0x03, 0x5f, 0xd6});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 0x10023);
}

TEST_F(ConstPropTest, ThumbWrapperOfIp) {
  // glibc's __libc_do_syscall (Thumb-2): push {r7, lr}; mov r7, r12;
  // svc #0; pop {r7, pc}
  Value V = number(T32, {0x80, 0xb5, 0x67, 0x46, 0x00, 0xdf, 0x80, 0xbd}, true);
  EXPECT_EQ(V.K, Value::Entry);
  EXPECT_EQ(V.Id, reg(T32, "R12"));
}

TEST_F(ConstPropTest, ThumbMovwMovt) {
  // movw r7, #0x1234; movt r7, #0x1; svc #0; bx lr
  Value V = number(T32, {0x41, 0xf2, 0x34, 0x27, 0xc0, 0xf2, 0x01, 0x07, 0x00,
                         0xdf, 0x70, 0x47},
                   true);
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 0x11234);
}

TEST_F(ConstPropTest, ThumbConditionalMoveIsNotGuessed) {
  // movs r7, #1; cmp r0, #0; it ne; movne r7, #2; svc #0; bx lr
  Value V = number(T32, {0x01, 0x27, 0x00, 0x28, 0x18, 0xbf, 0x02, 0x27, 0x00,
                         0xdf, 0x70, 0x47},
                   true);
  EXPECT_FALSE(V.known());
}

TEST_F(ConstPropTest, ArmModifiedImmediate) {
  // ARM mode: mov r7, #0x100 (a rotated immediate); svc #0; bx lr
  Value V = number(T32, {0x01, 0x7c, 0xa0, 0xe3, 0x00, 0x00, 0x00, 0xef, 0x1e,
                         0xff, 0x2f, 0xe1});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 0x100);
}

TEST_F(ConstPropTest, RiscvLiAndWrapper) {
  // li a7, 93; ecall; ret
  Value V = number(R, {0x93, 0x08, 0xd0, 0x05, 0x73, 0x00, 0x00, 0x00, 0x82,
                       0x80});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 93);
  // mv a7, a0; mv a0, a1; ecall; ret   (glibc's syscall())
  Value W = number(R, {0xaa, 0x88, 0x2e, 0x85, 0x73, 0x00, 0x00, 0x00, 0x82,
                       0x80});
  EXPECT_EQ(W.K, Value::Entry);
  EXPECT_EQ(W.Id, reg(R, "X10"));
}

TEST_F(ConstPropTest, RiscvLuiAddiAndSpill) {
  // lui a7, 1; addiw a7, a7, -1000 (= 3096); sd a7, 8(sp);
  // ld a7, 8(sp); ecall; ret
  Value V = number(R, {0xb7, 0x18, 0x00, 0x00, 0x9b, 0x88, 0x88, 0xc1, 0x46,
                       0xe4, 0xa2, 0x68, 0x73, 0x00, 0x00, 0x00, 0x82, 0x80});
  EXPECT_EQ(V.K, Value::Const);
  EXPECT_EQ(V.C, 4096 - 1000);
}

TEST_F(ConstPropTest, GarbageDoesNotCrash) {
  // Undecodable bytes are counted, not fatal, on either architecture.
  std::vector<uint8_t> Junk;
  for (unsigned I = 0; I < 512; ++I)
    Junk.push_back(uint8_t(I * 37 + 11));
  FunctionSummary S = run(X, Junk);
  EXPECT_EQ(S.End, 0x1000u + Junk.size());
  FunctionSummary T = run(A, Junk);
  EXPECT_GT(T.Undecodable, 0u);
}
} // namespace
