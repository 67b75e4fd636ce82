//===- WrappersTest.cpp - Reachability and wrappers on hand-built programs ===//
//
// Programs built as plain data (functions with their syscall and call
// sites, as ConstProp reports them): numbers passed through two levels of
// wrappers and across modules are found at the call sites, unreachable
// code adds nothing, and a site that cannot be resolved is listed.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/Program.h"
#include "sysgc/Scan/ScanTarget.h"
#include "llvm/BinaryFormat/ELF.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace llvm;

namespace {
class WrappersTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto E = ScanTarget::create(*getArch(ELF::EM_X86_64, true));
    ASSERT_TRUE(bool(E)) << toString(E.takeError());
    T = std::move(*E);
    for (unsigned I = 0; I < T->numRegs(); ++I) {
      if (T->regName(I) == "RDI") RDI = I;
      if (T->regName(I) == "RSI") RSI = I;
      if (T->regName(I) == "RAX") RAX = I;
    }
  }
  std::shared_ptr<ModuleSummary> module(StringRef Name, uint64_t Entry) {
    auto M = std::make_shared<ModuleSummary>();
    M->Image = std::make_shared<ScanImage>();
    M->Image->Path = Name.str();
    M->Image->Arch = &T->arch();
    M->Image->Entry = Entry;
    return M;
  }
  /// A function at Addr (16 bytes).
  FunctionSummary &fn(ModuleSummary &M, uint64_t Addr, StringRef Name) {
    ModuleFunction F;
    F.Name = Name.str();
    F.S.Begin = Addr;
    F.S.End = Addr + 16;
    M.Funcs.push_back(F);
    return M.Funcs.back().S;
  }
  std::vector<Value> regs(std::initializer_list<std::pair<unsigned, Value>> Set) {
    std::vector<Value> R(T->numRegs(), Value::unknown());
    for (auto [I, V] : Set)
      R[I] = V;
    return R;
  }
  CallSite call(uint64_t At, uint64_t Target, std::vector<Value> Args) {
    CallSite C;
    C.Addr = At;
    C.K = CallSite::Direct;
    C.Target = Target;
    C.setArgs(Args);
    return C;
  }
  std::set<std::string> names(const ProgramSyscalls &S) {
    std::set<std::string> Out;
    for (auto &[K, V] : S.Syscalls)
      if (!(V.size() == 1 && V[0].Module == "[vdso]"))
        Out.insert(T->arch().Abis[K.Abi].findByNr(K.Nr)->Name.str());
    return Out;
  }
  std::unique_ptr<ScanTarget> T;
  unsigned RDI = 0, RSI = 0, RAX = 0;
};

TEST_F(WrappersTest, TwoLevelsOfWrappers) {
  auto M = module("prog", 0x1000);
  // 0x1000 main: inner(0x27) via outer, and read (0) directly.
  fn(*M, 0x1000, "main").Calls.push_back(
      call(0x1004, 0x1010, regs({{RSI, Value::konst(0x27)}})));
  M->Funcs[0].S.Syscalls.push_back({0x1008, 0, Value::konst(0)});
  // 0x1010 outer(a, nr): inner(nr) -- passes its rsi on as rdi.
  fn(*M, 0x1010, "outer").Calls.push_back(
      call(0x1014, 0x1020, regs({{RDI, Value::entry(RSI)}})));
  // 0x1020 inner(nr): syscall with rax = rdi on entry.
  fn(*M, 0x1020, "inner").Syscalls.push_back({0x1024, 0, Value::entry(RDI)});
  // 0x1030 dead: write (1), reached by nothing.
  fn(*M, 0x1030, "dead").Syscalls.push_back({0x1034, 0, Value::konst(1)});
  Program P;
  P.Mods = {M};
  Reachability R = computeReachability(P);
  EXPECT_EQ(R.Reachable.size(), 3u);
  ProgramSyscalls S = resolveSyscalls(P, R, *T);
  // 0x27 is getpid on x64.
  EXPECT_EQ(names(S), (std::set<std::string>{"read", "getpid"}));
  EXPECT_TRUE(S.Unresolved.empty());
  EXPECT_EQ(S.Syscalls.count({0, 0x27}), 1u);
  const Provenance &Pv = S.Syscalls[{0, 0x27}][0];
  EXPECT_EQ(Pv.Function, "main");
  EXPECT_NE(Pv.How.find("outer"), std::string::npos) << Pv.How;
  // The naive set has the dead function's write too.
  ProgramSyscalls N = resolveSyscalls(P, computeReachability(P, true), *T);
  EXPECT_EQ(N.Syscalls.count({0, 1}), 1u);
}

TEST_F(WrappersTest, NonConstantArgumentIsListed) {
  auto M = module("prog", 0x1000);
  fn(*M, 0x1000, "main").Calls.push_back(
      call(0x1004, 0x1020, regs({{RDI, Value::unknown()}})));
  fn(*M, 0x1020, "wrapper").Syscalls.push_back({0x1024, 0, Value::entry(RDI)});
  Program P;
  P.Mods = {M};
  ProgramSyscalls S = resolveSyscalls(P, computeReachability(P), *T);
  ASSERT_EQ(S.Unresolved.size(), 1u);
  EXPECT_EQ(S.Unresolved[0].Function, "main");
  EXPECT_EQ(S.Unresolved[0].Addr, 0x1004u);
}

TEST_F(WrappersTest, AddressTakenWrapperIsListed) {
  auto M = module("prog", 0x1000);
  fn(*M, 0x1000, "main").AddressTaken.push_back(0x1020);
  fn(*M, 0x1020, "wrapper").Syscalls.push_back({0x1024, 0, Value::entry(RDI)});
  Program P;
  P.Mods = {M};
  Reachability R = computeReachability(P);
  EXPECT_TRUE(R.CalledUnknown.count({0, 1}));
  ProgramSyscalls S = resolveSyscalls(P, R, *T);
  ASSERT_EQ(S.Unresolved.size(), 1u);
  EXPECT_EQ(S.Unresolved[0].Addr, 0x1024u);
}

TEST_F(WrappersTest, ImportBindsToTheFirstExporter) {
  // prog calls "syscall" (import 0) with 0x3c; libc exports it.
  auto Exe = module("prog", 0x1000);
  Exe->Image->Imports = {"syscall"};
  CallSite C;
  C.Addr = 0x1004;
  C.K = CallSite::Import;
  C.ImportIdx = 0;
  C.setArgs(regs({{RDI, Value::konst(0x3c)}}));
  fn(*Exe, 0x1000, "main").Calls.push_back(C);
  auto Libc = module("libc.so.6", 0);
  fn(*Libc, 0x5000, "syscall").Syscalls.push_back({0x5004, 0, Value::entry(RDI)});
  fn(*Libc, 0x5010, "unused").Syscalls.push_back({0x5014, 0, Value::konst(2)});
  Libc->Exports["syscall"] = {0};
  Program P;
  P.Mods = {Exe, Libc};
  Reachability R = computeReachability(P);
  EXPECT_TRUE(R.Reachable.count({1, 0}));
  EXPECT_FALSE(R.Reachable.count({1, 1}));
  ProgramSyscalls S = resolveSyscalls(P, R, *T);
  EXPECT_EQ(names(S), (std::set<std::string>{"exit"}));
  EXPECT_TRUE(S.Unresolved.empty());
}

TEST_F(WrappersTest, FallThroughCarriesTheNumber) {
  // glibc's clone: the FDE ends right before the syscall instruction,
  // so the number is set in one chunk and used in the next.
  auto M = module("prog", 0x1000);
  CallSite C = call(0x1010, 0x1010, regs({{RAX, Value::konst(0x38)}}));
  C.Tail = true;
  fn(*M, 0x1000, "clone").Calls.push_back(C);
  fn(*M, 0x1010, "clone+0x10").Syscalls.push_back({0x1010, 0, Value::entry(RAX)});
  Program P;
  P.Mods = {M};
  ProgramSyscalls S = resolveSyscalls(P, computeReachability(P), *T);
  EXPECT_EQ(names(S), (std::set<std::string>{"clone"}));
  EXPECT_TRUE(S.Unresolved.empty());
}

TEST_F(WrappersTest, NoFallThroughAfterACallThatNeverReturns) {
  // main calls chk_fail (which jumps to fatal, which has no return and
  // falls into nothing), then falls off its end into next_fn, which makes
  // write (1): dead, since chk_fail never returns. With a returning
  // chk_fail the same fall-through is live.
  for (bool Returns : {false, true}) {
    auto M = module("prog", 0x1000);
    FunctionSummary &Main = fn(*M, 0x1000, "main");
    Main.Calls.push_back(call(0x1004, 0x1020, regs({})));
    CallSite F = call(0x1010, 0x1010, regs({}));
    F.Tail = true;
    F.AfterCall = true;
    Main.Calls.push_back(F);
    fn(*M, 0x1010, "next_fn").Syscalls.push_back({0x1014, 0, Value::konst(1)});
    FunctionSummary &Chk = fn(*M, 0x1020, "chk_fail");
    CallSite J = call(0x1024, 0x1030, regs({}));
    J.Tail = true; // jumps to fatal
    Chk.Calls.push_back(J);
    FunctionSummary &Fatal = fn(*M, 0x1030, "fatal");
    Fatal.Syscalls.push_back({0x1034, 0, Value::konst(0xe7)}); // exit_group
    Fatal.HasReturn = Returns;
    if (!Returns) {
      // Undecodable bytes might hide a return: then it may return.
      Program Q;
      auto M2 = std::make_shared<ModuleSummary>(*M);
      M2->Funcs[3].S.Undecodable = 4;
      Q.Mods = {M2};
      EXPECT_TRUE(computeReturns(Q)[0][3]);
    }
    Program P;
    P.Mods = {M};
    Reachability R = computeReachability(P);
    EXPECT_EQ(bool(R.Returns[0][2]), Returns);
    EXPECT_EQ(R.Reachable.count({0, 1}), Returns ? 1u : 0u);
    ProgramSyscalls S = resolveSyscalls(P, R, *T);
    EXPECT_EQ(names(S).count("write"), Returns ? 1u : 0u);
    // The naive set keeps everything.
    ProgramSyscalls N = resolveSyscalls(P, computeReachability(P, true), *T);
    EXPECT_EQ(names(N).count("write"), 1u);
  }
}

TEST_F(WrappersTest, PltStubReturnsAsItsImportDoes) {
  // main calls a PLT stub for __stack_chk_fail (libc: never returns) and
  // falls off its end into next_fn. The stub's lazy-binding tail (push the
  // index, jump to PLT0, whose target is unknown) is unreached from its
  // entry: in a PLT section it does not make the stub return; elsewhere it
  // would.
  for (bool InPlt : {true, false}) {
    auto Exe = module("prog", 0x1000);
    Exe->Image->Imports = {"__stack_chk_fail"};
    if (InPlt)
      Exe->Image->Plt = {{0x2000, 0x2020}};
    FunctionSummary &Main = fn(*Exe, 0x1000, "main");
    Main.Calls.push_back(call(0x1004, 0x2010, regs({})));
    CallSite F = call(0x1010, 0x1010, regs({}));
    F.Tail = true;
    F.AfterCall = true;
    Main.Calls.push_back(F);
    fn(*Exe, 0x1010, "next_fn").Syscalls.push_back({0x1014, 0, Value::konst(1)});
    CallSite Plt0;
    Plt0.Addr = 0x2006;
    Plt0.K = CallSite::Indirect;
    Plt0.Tail = true;
    fn(*Exe, 0x2000, "plt0").Calls.push_back(Plt0);
    FunctionSummary &Stub = fn(*Exe, 0x2010, "stub");
    CallSite J;
    J.Addr = 0x2010;
    J.K = CallSite::Import;
    J.ImportIdx = 0;
    J.Tail = true;
    Stub.Calls.push_back(J);
    CallSite Lazy = call(0x201b, 0x2000, regs({}));
    Lazy.Tail = true;
    Lazy.Reached = false;
    Stub.Calls.push_back(Lazy);
    auto Libc = module("libc.so.6", 0);
    fn(*Libc, 0x5000, "__stack_chk_fail")
        .Syscalls.push_back({0x5004, 0, Value::konst(0xe7)});
    Libc->Exports["__stack_chk_fail"] = {0};
    Program P;
    P.Mods = {Exe, Libc};
    Reachability R = computeReachability(P);
    EXPECT_EQ(bool(R.Returns[0][3]), !InPlt);
    EXPECT_EQ(R.Reachable.count({0, 1}), InPlt ? 0u : 1u);
  }
}

TEST_F(WrappersTest, UnknownCallTargetMayReturn) {
  // A fall-through after an indirect call whose target is unknown is live.
  auto M = module("prog", 0x1000);
  FunctionSummary &Main = fn(*M, 0x1000, "main");
  CallSite I;
  I.Addr = 0x1004;
  I.K = CallSite::Indirect;
  Main.Calls.push_back(I);
  CallSite F = call(0x1010, 0x1010, regs({}));
  F.Tail = true;
  F.AfterCall = true;
  Main.Calls.push_back(F);
  fn(*M, 0x1010, "next_fn").Syscalls.push_back({0x1014, 0, Value::konst(1)});
  Program P;
  P.Mods = {M};
  ProgramSyscalls S = resolveSyscalls(P, computeReachability(P), *T);
  EXPECT_EQ(names(S), (std::set<std::string>{"write"}));
}

TEST_F(WrappersTest, NumbersOutsideTheTableAreNotSyscalls) {
  auto M = module("prog", 0x1000);
  fn(*M, 0x1000, "main").Syscalls.push_back({0x1004, 0, Value::konst(100000)});
  Program P;
  P.Mods = {M};
  ProgramSyscalls S = resolveSyscalls(P, computeReachability(P), *T);
  EXPECT_TRUE(names(S).empty());
  EXPECT_EQ(S.NotInTable.size(), 1u);
}
} // namespace
