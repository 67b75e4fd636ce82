//===- EmbeddedPlanTest.cpp - The planner on riscv64, arm64 and arm ------===//
//
// The kernels of Support/EmbeddedObjects.h, each planned with read and
// getpid allowed: the dispatch each architecture has, the decision for
// every slot, the syscall-exclusive code, the statuses and the table
// pieces. What each architecture adds over x86-64 is tested where it
// arises: riscv's "x - ." pairs (an ADD naming the owner and a SUB naming
// the table at one offset), arm64's .altinstructions, and arm's table
// inside code, REL addends, local entries and link-order unwind sections.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Plan/Plan.h"
#include "../Support/EmbeddedObjects.h"
#include "../Support/TestObjects.h"
#include "llvm/BinaryFormat/ELF.h"
#include "gtest/gtest.h"
#include <map>
#include <set>

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
struct Kernel {
  TestInputs In;
  std::vector<std::string> Names;
  std::unique_ptr<SectionGraph> G;
  const ArchInfo &Arch;

  explicit Kernel(const EmbeddedKernel &K) : Arch(*getArch(K.Machine, K.Is64)) {
    for (auto &[Name, Yaml] : K.Objects) {
      In.add(Yaml, Name);
      Names.push_back(Name);
    }
    G = std::make_unique<SectionGraph>(In.Set);
  }
  uint32_t file(StringRef Name) const {
    for (uint32_t F = 0; F < Names.size(); ++F)
      if (Names[F] == Name)
        return F;
    ADD_FAILURE() << "no object " << Name.str();
    return 0;
  }
  uint32_t sec(StringRef File, StringRef Name) const {
    const ElfObject &O = G->object(file(File));
    for (uint32_t S = 0; S < O.Sections.size(); ++S)
      if (O.Sections[S].Name == Name)
        return S;
    ADD_FAILURE() << "no section " << Name.str() << " in " << File.str();
    return 0;
  }
  NodeId node(StringRef File, StringRef Name) const {
    return G->node(file(File), sec(File, Name));
  }
  std::string name(NodeId N) const {
    return Names[G->fileOf(N)] + ":" + G->section(N).Name.str();
  }
  /// The plan sysgc-ld makes (an unknown table that pins a removed
  /// syscall is an error), or, with Lenient, --sysgc-unknown-tables=warn's.
  LinkPlan plan(StringRef Allow, GcMode Mode = GcMode::Retain,
                bool Lenient = false) {
    auto A = Allowlist::parse(Allow, "allow", Arch);
    EXPECT_TRUE(bool(A)) << toString(A.takeError());
    PlanOptions O;
    O.Mode = Mode;
    O.UnknownTablesAreErrors = !Lenient;
    O.RootSymbols = {"_start"};
    auto P = planLink(*G, Arch, *A, O);
    EXPECT_TRUE(bool(P)) << toString(P.takeError());
    if (!P)
      return LinkPlan();
    return std::move(*P);
  }
  /// The status of a syscall, as the report names it ("kept").
  std::string state(const LinkPlan &P, StringRef Abi, StringRef Name) const {
    for (const SyscallStatus &S : P.Syscalls)
      if (S.Abi == Abi && S.Name == Name)
        return toString(S.State).str();
    ADD_FAILURE() << "no status for " << Abi.str() << ":" << Name.str();
    return "";
  }
  std::set<std::string> set(const BitVector &B) const {
    std::set<std::string> Out;
    for (int N = B.find_first(); N != -1; N = B.find_next(N))
      Out.insert(name(N));
    return Out;
  }
  /// slot -> (entry, retargeted), for the table site.
  std::map<uint32_t, std::pair<std::string, bool>>
  slots(const LinkPlan &P) const {
    std::map<uint32_t, std::pair<std::string, bool>> Out;
    for (const DispatchEdge &E : P.DispatchEdges) {
      EXPECT_TRUE(E.Slot.has_value()) << E.Entry;
      if (E.Slot)
        Out[*E.Slot] = {E.Entry, E.Retarget};
    }
    return Out;
  }
  /// The split of table Sec of File: owner section name -> entries, with
  /// "" for the remainder; empty if the plan does not split it.
  std::map<std::string, std::vector<uint32_t>>
  pieces(const LinkPlan &P, StringRef File, StringRef Sec,
         uint32_t *EntrySize = nullptr) const {
    std::map<std::string, std::vector<uint32_t>> Out;
    uint32_t F = file(File), S = sec(File, Sec);
    for (const TableSplit &T : P.Splits) {
      if (T.File != F || T.Sec != S)
        continue;
      if (EntrySize)
        *EntrySize = T.EntrySize;
      for (const TablePiece &Pc : T.Pieces) {
        EXPECT_FALSE(Out.count(G->object(F).Sections[Pc.Owner].Name.str()))
            << "two pieces for one owner";
        Out[G->object(F).Sections[Pc.Owner].Name.str()] = Pc.Entries;
      }
      if (!T.Remainder.empty())
        Out[""] = T.Remainder;
    }
    return Out;
  }
};

using Pieces = std::map<std::string, std::vector<uint32_t>>;
using Slots = std::map<uint32_t, std::pair<std::string, bool>>;
} // namespace

//===----------------------------------------------------------------------===//
// riscv64
//===----------------------------------------------------------------------===//

TEST(RiscvPlan, FindsTheSysCallTable) {
  Kernel K(riscvKernel());
  std::vector<std::string> Warnings;
  auto Sites = findDispatch(*K.G, K.Arch, {}, Warnings);
  ASSERT_TRUE(bool(Sites)) << toString(Sites.takeError());
  ASSERT_EQ(Sites->size(), 1u);
  const DispatchSite &D = (*Sites)[0];
  EXPECT_EQ(D.Abi, "riscv64");
  EXPECT_EQ(D.Symbol, "sys_call_table");
  EXPECT_TRUE(D.IsTable);
  EXPECT_EQ(D.Node, K.node("kernel.o", ".rodata.sys_call_table"));
  EXPECT_EQ(D.Begin, 0u);
  EXPECT_EQ(D.End, 1968u);
  EXPECT_TRUE(Warnings.empty());
}

TEST(RiscvPlan, DisallowedSlotsGoToRiscvSysNiSyscall) {
  Kernel K(riscvKernel());
  LinkPlan P = K.plan("read\ngetpid\n");
  ASSERT_EQ(P.Dispatch.size(), 1u);
  EXPECT_EQ(P.Dispatch[0].NiSymbol, "__riscv_sys_ni_syscall");
  // Slots 244 and 245 name __riscv_sys_ni_syscall: no syscall's entry.
  EXPECT_EQ(K.slots(P), (Slots{{60, {"__riscv_sys_quotactl", true}},
                               {63, {"__riscv_sys_read", false}},
                               {172, {"__riscv_sys_getpid", false}},
                               {198, {"__riscv_sys_socket", true}}}));
  auto R = P.retargetsOf(K.file("kernel.o"));
  ASSERT_EQ(R.size(), 2u);
  for (auto &[Reloc, Name] : R)
    EXPECT_EQ(Name, "__riscv_sys_ni_syscall");
  EXPECT_TRUE(P.retargetsOf(K.file("sys_ni.o")).empty());
}

TEST(RiscvPlan, Statuses) {
  Kernel K(riscvKernel());
  LinkPlan P = K.plan("read\ngetpid\n");
  EXPECT_EQ(K.state(P, "riscv64", "read"), "kept");
  EXPECT_EQ(K.state(P, "riscv64", "getpid"), "kept");
  EXPECT_EQ(K.state(P, "riscv64", "socket"), "removed");
  // Only sys_ni.o's weak COND_SYSCALL stub: not in this kernel.
  EXPECT_EQ(K.state(P, "riscv64", "quotactl"), "not_implemented");
  EXPECT_EQ(K.state(P, "riscv64", "write"), "not_implemented");
  LinkPlan Q = K.plan("read\nquotactl\n");
  EXPECT_EQ(K.state(Q, "riscv64", "quotactl"), "allowed_not_implemented");
}

TEST(RiscvPlan, DeadIsExactlyTheSyscallExclusiveCode) {
  Kernel K(riscvKernel());
  LinkPlan P = K.plan("read\ngetpid\n");
  // socket's chain, and both weak stubs: quotactl's slot is retargeted,
  // and the strong socket overrides its stub, which nothing references.
  // The tables' entries pin none of it.
  EXPECT_EQ(K.set(P.Dead),
            (std::set<std::string>{"kernel.o:.text.__riscv_sys_socket",
                                   "kernel.o:.text.sock_create",
                                   "kernel.o:.text.sock_alloc",
                                   "kernel.o:.data.net_families",
                                   "sys_ni.o:.text.__riscv_sys_quotactl",
                                   "sys_ni.o:.text.__riscv_sys_socket"}));
  EXPECT_EQ(P.Exclude, P.Dead);
  EXPECT_EQ(P.Dead, P.IdealDead);
  EXPECT_TRUE(P.Kept.empty());
}

TEST(RiscvPlan, OnePiecePerOwnerFunctionNeverOneForTheTableItself) {
  // Collect mode keeps every owner's piece. Each 12-byte __ex_table entry
  // holds four relocations (ADD32+SUB32 at 0 and at 4); the SUB32s name the
  // table, and namesOwner leaves them out.
  Kernel K(riscvKernel());
  LinkPlan P = K.plan("read\ngetpid\n", GcMode::Collect);
  uint32_t Es = 0;
  EXPECT_EQ(K.pieces(P, "kernel.o", "__ex_table", &Es),
            (Pieces{{".text.__riscv_sys_socket", {0}},
                    {".text.sock_alloc", {1}},
                    {".text.__riscv_sys_read", {2}}}));
  EXPECT_EQ(Es, 12u);
  EXPECT_EQ(K.pieces(P, "kernel.o", "__jump_table", &Es),
            (Pieces{{".text.__riscv_sys_socket", {0}},
                    {".text.__riscv_sys_read", {1}}}));
  EXPECT_EQ(Es, 16u);
  EXPECT_EQ(P.Exclude.count(), 0u);
}

TEST(RiscvPlan, RetainModeMovesOnlyTheDeadOwnersEntries) {
  Kernel K(riscvKernel());
  LinkPlan P = K.plan("read\ngetpid\n");
  EXPECT_EQ(K.pieces(P, "kernel.o", "__ex_table"),
            (Pieces{{".text.__riscv_sys_socket", {0}},
                    {".text.sock_alloc", {1}},
                    {"", {2}}}));
  EXPECT_EQ(K.pieces(P, "kernel.o", "__jump_table"),
            (Pieces{{".text.__riscv_sys_socket", {0}}, {"", {1}}}));
}

// The same pairs with each SUB naming "__ex_table + offset" are refused
// (RiscvWriter.SectionSymbolSubsAreRefusedNotCorrupted): such a SUB would
// not follow its entry into a piece.

//===----------------------------------------------------------------------===//
// arm64
//===----------------------------------------------------------------------===//

TEST(Arm64Plan, FindsTheSysCallTable) {
  Kernel K(arm64Kernel());
  std::vector<std::string> Warnings;
  auto Sites = findDispatch(*K.G, K.Arch, {}, Warnings);
  ASSERT_TRUE(bool(Sites)) << toString(Sites.takeError());
  ASSERT_EQ(Sites->size(), 1u); // no COMPAT: no compat_sys_call_table
  EXPECT_EQ((*Sites)[0].Abi, "arm64");
  EXPECT_EQ((*Sites)[0].Symbol, "sys_call_table");
  EXPECT_TRUE((*Sites)[0].IsTable);
  EXPECT_EQ((*Sites)[0].Node, K.node("sys.o", ".rodata.sys_call_table"));
  EXPECT_EQ((*Sites)[0].End, 1968u);
}

TEST(Arm64Plan, DisallowedSlotsGoToArm64SysNiSyscall) {
  Kernel K(arm64Kernel());
  LinkPlan P = K.plan("read\ngetpid\n");
  ASSERT_EQ(P.Dispatch.size(), 1u);
  EXPECT_EQ(P.Dispatch[0].NiSymbol, "__arm64_sys_ni_syscall");
  EXPECT_EQ(K.slots(P), (Slots{{60, {"__arm64_sys_quotactl", true}},
                               {63, {"__arm64_sys_read", false}},
                               {172, {"__arm64_sys_getpid", false}},
                               {198, {"__arm64_sys_socket", true}}}));
  auto R = P.retargetsOf(K.file("sys.o"));
  ASSERT_EQ(R.size(), 2u);
  const ElfObject &Sys = K.G->object(K.file("sys.o"));
  std::set<uint64_t> Offsets;
  for (auto &[Reloc, Name] : R) {
    EXPECT_EQ(Name, "__arm64_sys_ni_syscall");
    Offsets.insert(Sys.Relocs[Reloc].Offset);
  }
  EXPECT_EQ(Offsets, (std::set<uint64_t>{60 * 8, 198 * 8}));
}

TEST(Arm64Plan, Statuses) {
  Kernel K(arm64Kernel());
  LinkPlan P = K.plan("read\ngetpid\n");
  EXPECT_EQ(K.state(P, "arm64", "read"), "kept");
  EXPECT_EQ(K.state(P, "arm64", "getpid"), "kept");
  EXPECT_EQ(K.state(P, "arm64", "socket"), "removed");
  EXPECT_EQ(K.state(P, "arm64", "quotactl"), "not_implemented");
  LinkPlan All = K.plan("read\ngetpid\nsocket\n");
  EXPECT_EQ(K.state(All, "arm64", "socket"), "kept");
  EXPECT_EQ(All.Dead.count(), 2u); // the two weak stubs
}

TEST(Arm64Plan, TheExclusiveCalleesGoWithTheRemovedSyscall) {
  Kernel K(arm64Kernel());
  LinkPlan P = K.plan("read\ngetpid\n");
  // socket -> sock_create -> sock_alloc -> net_families; the static key
  // socket's __jump_table entry names stays (net_enable_timestamp uses it),
  // and so does fdget (read calls it).
  EXPECT_EQ(K.set(P.Dead),
            (std::set<std::string>{"kernel.o:.text.__arm64_sys_socket",
                                   "kernel.o:.text.sock_create",
                                   "kernel.o:.text.sock_alloc",
                                   "kernel.o:.data.net_families",
                                   "sys_ni.o:.text.__arm64_sys_quotactl",
                                   "sys_ni.o:.text.__arm64_sys_socket"}));
  EXPECT_EQ(P.Exclude, P.Dead);
  EXPECT_TRUE(P.Candidate[K.node("kernel.o", ".data.netstamp_needed_key")]);
  EXPECT_FALSE(P.Dead[K.node("kernel.o", ".data.netstamp_needed_key")]);
  EXPECT_FALSE(P.Dead[K.node("kernel.o", ".text.fdget")]);
  EXPECT_FALSE(P.Dead[K.node("sys.o", ".text.__arm64_sys_ni_syscall")]);
  EXPECT_FALSE(P.Dead[K.node("sys_ni.o", ".text.sys_ni_syscall")]);
}

TEST(Arm64Plan, TablesSplitByOwner) {
  Kernel K(arm64Kernel());
  LinkPlan C = K.plan("read\ngetpid\n", GcMode::Collect);
  uint32_t Es = 0;
  EXPECT_EQ(K.pieces(C, "kernel.o", "__ex_table", &Es),
            (Pieces{{".text.__arm64_sys_socket", {0}},
                    {".text.sock_alloc", {1}},
                    {".text.__arm64_sys_read", {2}}}));
  EXPECT_EQ(Es, 12u);
  // The replacement sits in the owner's own section (".subsection 1"), so
  // both PREL32s of an entry name the owner.
  EXPECT_EQ(
      K.pieces(C, "kernel.o", ".altinstructions", &Es),
      (Pieces{{".text.sock_alloc", {0}}, {".text.__arm64_sys_read", {1}}}));
  EXPECT_EQ(Es, 12u);
  EXPECT_EQ(K.pieces(C, "kernel.o", "__jump_table", &Es),
            (Pieces{{".text.__arm64_sys_socket", {0}}}));
  EXPECT_EQ(Es, 16u);
  EXPECT_TRUE(C.RangeSplits.empty());

  LinkPlan R = K.plan("read\ngetpid\n");
  EXPECT_EQ(K.pieces(R, "kernel.o", "__ex_table"),
            (Pieces{{".text.__arm64_sys_socket", {0}},
                    {".text.sock_alloc", {1}},
                    {"", {2}}}));
  EXPECT_EQ(K.pieces(R, "kernel.o", ".altinstructions"),
            (Pieces{{".text.sock_alloc", {0}}, {"", {1}}}));
  EXPECT_EQ(K.pieces(R, "kernel.o", "__jump_table"),
            (Pieces{{".text.__arm64_sys_socket", {0}}}));
}

//===----------------------------------------------------------------------===//
// 32-bit arm
//===----------------------------------------------------------------------===//

// .ARM.exidx sections pin nothing (ArmPlan.UnwindSectionsAreNoUnknownTables):
// the arm tests plan with unknown tables as errors, as sysgc-ld does.
constexpr bool ExidxLenient = false;

// What sysgc-ld does by default: plan the arm kernel with unknown tables
// as errors. Liveness.cpp (planLiveness, the UnknownTable loop over Roots)
// counts each compiler-made SHF_LINK_ORDER section (.ARM.exidx.text.foo,
// also x86's __patchable_function_entries) as an unknown table: it is an
// allocated, unreferenced, non-executable root whose PREL31 points into a
// candidate. The Marker already treats it as a piece of its owner, and the
// link-order fix-up marks it Dead with the owner, after which it counts as
// a candidate "kept alive" by itself (Live, not Live2, its own root):
// every removed function with unwind info is an error, "kernel.o:
// (.ARM.exidx.text.sock_alloc) keeps kernel.o:(.ARM.exidx.text.sock_alloc)
// alive". The UnknownTable loop must skip sections with
// linkOrderOwner(G, R) != NoNode (they pin nothing: lld keeps them exactly
// as long as their owner).
TEST(ArmPlan, UnwindSectionsAreNoUnknownTables) {
  Kernel K(armKernel());
  auto A = Allowlist::parse("read\ngetpid\n", "allow", K.Arch);
  ASSERT_TRUE(bool(A));
  PlanOptions O;
  auto P = planLink(*K.G, K.Arch, *A, O);
  ASSERT_TRUE(bool(P)) << toString(P.takeError());
  EXPECT_TRUE(P->UnknownPins.empty());
  O.UnknownTablesAreErrors = false;
  auto Q = planLink(*K.G, K.Arch, *A, O);
  ASSERT_TRUE(bool(Q)) << toString(Q.takeError());
  for (const std::string &W : Q->Warnings)
    EXPECT_EQ(W.find(".ARM.exidx"), std::string::npos) << W;
}

TEST(ArmPlan, FindsTheTableInsideEntryText) {
  Kernel K(armKernel());
  std::vector<std::string> Warnings;
  auto Sites = findDispatch(*K.G, K.Arch, {}, Warnings);
  ASSERT_TRUE(bool(Sites)) << toString(Sites.takeError());
  ASSERT_EQ(Sites->size(), 1u);
  const DispatchSite &D = (*Sites)[0];
  EXPECT_EQ(D.Abi, "arm");
  EXPECT_EQ(D.Symbol, "sys_call_table");
  // An STT_OBJECT in an executable section is a table, not a switch.
  EXPECT_TRUE(D.IsTable);
  EXPECT_EQ(D.Node, K.node("entry-common.o", ".entry.text"));
  EXPECT_EQ(D.Begin, uint64_t(ArmTableOffset));
  EXPECT_EQ(D.End, uint64_t(ArmMmap2Offset));
}

TEST(ArmPlan, RelAddendsAreReadFromTheBytes) {
  // ArchInfo::implicitAddend, applied when InputSet reads the relocations.
  Kernel K(armKernel());
  const ElfObject &E = K.G->object(K.file("entry-common.o"));
  ASSERT_FALSE(E.IsRela);
  std::map<uint64_t, int64_t> Add;
  std::map<uint64_t, uint8_t> SymType;
  for (const ElfReloc &R : E.relocsOf(K.sec("entry-common.o", ".entry.text"))) {
    Add[R.Offset] = R.Addend;
    SymType[R.Offset] = E.Symbols[R.Symbol].Type;
  }
  // ".long sys_mmap2", a local function of the same section: the section
  // symbol plus an implicit addend of 0x470.
  uint64_t Mmap2Slot = ArmTableOffset + 192 * 4;
  EXPECT_EQ(SymType[Mmap2Slot], ELF::STT_SECTION);
  EXPECT_EQ(Add[Mmap2Slot], int64_t(ArmMmap2Offset))
      << "REL addend of a section-symbol slot not read from the bytes";
  EXPECT_EQ(Add[ArmTableOffset + 3 * 4], 0); // .long sys_read
  EXPECT_EQ(Add[ArmMmap2Offset + 4], -8);    // b sys_mmap_pgoff
  const ElfObject &O = K.G->object(K.file("kernel.o"));
  std::vector<int64_t> Ex;
  for (const ElfReloc &R : O.relocsOf(K.sec("kernel.o", "__ex_table")))
    Ex.push_back(R.Addend);
  EXPECT_EQ(Ex, (std::vector<int64_t>{16, 20, 8, 12}));
  for (const ElfReloc &R : O.relocsOf(K.sec("kernel.o", ".text.sys_socket")))
    EXPECT_EQ(R.Addend, -8); // bl sock_create
}

TEST(ArmPlan, DisallowedSlotsGoToSysNiSyscall) {
  Kernel K(armKernel());
  LinkPlan P = K.plan("read\ngetpid\n", GcMode::Retain, ExidxLenient);
  ASSERT_EQ(P.Dispatch.size(), 1u);
  EXPECT_EQ(P.Dispatch[0].NiSymbol, "sys_ni_syscall");
  // Slot 192 names .entry.text + 0x470: the entry is the local function
  // defined there. Slot 13 (OABI-only) names no syscall's entry.
  EXPECT_EQ(K.slots(P), (Slots{{3, {"sys_read", false}},
                               {20, {"sys_getpid", false}},
                               {131, {"sys_quotactl", true}},
                               {192, {"sys_mmap2", true}},
                               {281, {"sys_socket", true}}}));
  for (auto &[Reloc, Name] : P.retargetsOf(K.file("entry-common.o")))
    EXPECT_EQ(Name, "sys_ni_syscall");
  EXPECT_EQ(P.retargetsOf(K.file("entry-common.o")).size(), 3u);
}

TEST(ArmPlan, Statuses) {
  Kernel K(armKernel());
  LinkPlan P = K.plan("read\ngetpid\n", GcMode::Retain, ExidxLenient);
  EXPECT_EQ(K.state(P, "arm", "read"), "kept");
  EXPECT_EQ(K.state(P, "arm", "getpid"), "kept");
  EXPECT_EQ(K.state(P, "arm", "socket"), "removed");
  // A weak alias of sys_ni_syscall (cond_syscall): not in this kernel.
  EXPECT_EQ(K.state(P, "arm", "quotactl"), "not_implemented");
}

// sys_mmap2 (and sys_sigreturn_wrapper, sys_rt_sigreturn_wrapper,
// sys_statfs64_wrapper, sys_fstatfs64_wrapper) are local functions of
// entry-common.S in .entry.text: the kernel implements them, and the
// dispatch planner finds their slots (see DisallowedSlotsGoToSysNiSyscall).
// planStatuses looks entries up among global symbols only
// (SectionGraph::lookup), so it calls them not implemented.
TEST(ArmPlan, LocalEntriesInEntryTextAreImplemented) {
  Kernel K(armKernel());
  LinkPlan Allowed =
      K.plan("read\ngetpid\nmmap2\n", GcMode::Retain, ExidxLenient);
  EXPECT_EQ(K.state(Allowed, "arm", "mmap2"), "kept")
      << "an allowed syscall the kernel implements, reported as "
         "allowed_not_implemented";
  LinkPlan Removed = K.plan("read\ngetpid\n", GcMode::Retain, ExidxLenient);
  // Its slot is retargeted, its code stays with .entry.text.
  EXPECT_EQ(K.state(Removed, "arm", "mmap2"), "removed_code_kept")
      << "a retargeted syscall reported as not_implemented";
}

TEST(ArmPlan, UnwindSectionsDoNotKeepARemovedSyscallAlive) {
  // Every function has an SHF_LINK_ORDER .ARM.exidx whose PREL31 names it:
  // a piece of that function (Liveness.cpp), never a root. sock_create's
  // .ARM.extab is reached only through its .ARM.exidx.
  Kernel K(armKernel());
  LinkPlan P = K.plan("read\ngetpid\n", GcMode::Retain, ExidxLenient);
  EXPECT_EQ(
      K.set(P.Dead),
      (std::set<std::string>{
          "kernel.o:.text.sys_socket", "kernel.o:.ARM.exidx.text.sys_socket",
          "kernel.o:.text.sock_create", "kernel.o:.ARM.exidx.text.sock_create",
          "kernel.o:.ARM.extab.text.sock_create", "kernel.o:.text.sock_alloc",
          "kernel.o:.ARM.exidx.text.sock_alloc",
          "kernel.o:.data.net_families"}));
  EXPECT_EQ(P.Exclude, P.Dead);
  EXPECT_FALSE(P.Dead[K.node("kernel.o", ".ARM.exidx.text.sys_read")]);
  EXPECT_FALSE(P.Dead[K.node("kernel.o", ".text.fdget")]);
  EXPECT_FALSE(P.Dead[K.node("sys_ni.o", ".text.sys_ni_syscall")]);
  EXPECT_FALSE(P.Dead[K.node("entry-common.o", ".entry.text")]);
  // .ARM.exidx is already link-order: no table split of its own.
  for (const TableSplit &S : P.Splits)
    EXPECT_FALSE(
        K.G->object(S.File).Sections[S.Sec].Name.starts_with(".ARM.ex"));
}

TEST(ArmPlan, ExTableSplitsIntoEightByteEntries) {
  Kernel K(armKernel());
  LinkPlan C = K.plan("read\ngetpid\n", GcMode::Collect, ExidxLenient);
  uint32_t Es = 0;
  EXPECT_EQ(K.pieces(C, "kernel.o", "__ex_table", &Es),
            (Pieces{{".text.sock_alloc", {0}}, {".text.sys_read", {1}}}));
  EXPECT_EQ(Es, 8u);
  LinkPlan R = K.plan("read\ngetpid\n", GcMode::Retain, ExidxLenient);
  EXPECT_EQ(K.pieces(R, "kernel.o", "__ex_table"),
            (Pieces{{".text.sock_alloc", {0}}, {"", {1}}}));
}
