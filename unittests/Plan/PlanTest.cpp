//===- PlanTest.cpp - dispatch, tables and liveness on a tiny kernel -------===//
#include "sysgc/Plan/Plan.h"
#include "sysgc/Plan/PlanCache.h"
#include "../Support/TestObjects.h"
#include "llvm/BinaryFormat/ELF.h"
#include "gtest/gtest.h"
#include <map>
#include <set>

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
struct Fixture {
  TestInputs In;
  std::unique_ptr<SectionGraph> G;
  const ArchInfo &Arch = *getArch(ELF::EM_X86_64);

  explicit Fixture(const std::string &Yaml = KernelYaml) {
    In.add(Yaml, "kernel.o");
    G = std::make_unique<SectionGraph>(In.Set);
  }
  NodeId node(StringRef Name) const {
    const ElfObject &O = G->object(0);
    for (uint32_t S = 0; S < O.Sections.size(); ++S)
      if (O.Sections[S].Name == Name)
        return G->node(0, S);
    ADD_FAILURE() << "no section " << Name.str();
    return NoNode;
  }
  LinkPlan plan(StringRef AllowText, GcMode Mode = GcMode::Retain,
                std::vector<std::string> Dispatch = {}) {
    PlanOptions O;
    O.Mode = Mode;
    O.Dispatch = Dispatch;
    return plan(AllowText, std::move(O));
  }
  /// With options of the test's own; _start is always a root.
  LinkPlan plan(StringRef AllowText, PlanOptions O) {
    auto A = Allowlist::parse(AllowText, "allow", Arch);
    EXPECT_TRUE(bool(A));
    O.RootSymbols = {"_start"};
    auto P = planLink(*G, Arch, *A, O);
    EXPECT_TRUE(bool(P)) << toString(P.takeError());
    return std::move(*P);
  }
  const SyscallStatus &status(const LinkPlan &P, StringRef Name) {
    for (const SyscallStatus &S : P.Syscalls)
      if (S.Abi == "x64" && S.Name == Name)
        return S;
    static SyscallStatus None;
    ADD_FAILURE() << "no status for " << Name.str();
    return None;
  }
};

TEST(Plan, FindsTableAndSwitchDispatch) {
  Fixture F;
  LinkPlan P = F.plan("read\n");
  ASSERT_EQ(P.Dispatch.size(), 2u);
  EXPECT_EQ(P.Dispatch[0].Symbol, "x64_sys_call");
  EXPECT_FALSE(P.Dispatch[0].IsTable);
  EXPECT_EQ(P.Dispatch[1].Symbol, "sys_call_table");
  EXPECT_TRUE(P.Dispatch[1].IsTable);
}

TEST(Plan, RetargetsExactlyTheDisallowedEntries) {
  Fixture F;
  LinkPlan P = F.plan("read\n");
  std::vector<std::string> Retargeted, Kept;
  for (const DispatchEdge &E : P.DispatchEdges)
    (E.Retarget ? Retargeted : Kept)
        .push_back(P.Dispatch[E.Site].Symbol + ":" + E.Entry);
  EXPECT_EQ(Kept, (std::vector<std::string>{"x64_sys_call:__x64_sys_read",
                                            "sys_call_table:__x64_sys_read"}));
  EXPECT_EQ(Retargeted.size(), 4u); // socket and time, in both dispatchers
  // Table slots come from the offset, not the symbol.
  for (const DispatchEdge &E : P.DispatchEdges)
    if (E.Slot && E.Entry == "__x64_sys_time")
      EXPECT_EQ(*E.Slot, 201u);
  auto R = P.retargetsOf(0);
  ASSERT_EQ(R.size(), 4u);
  for (auto &[Reloc, Name] : R)
    EXPECT_EQ(Name, "__x64_sys_ni_syscall");
}

TEST(Plan, DeadIsExactlyTheSyscallExclusiveCode) {
  Fixture F;
  LinkPlan P = F.plan("read\n");
  std::set<std::string> Dead;
  for (int N = P.Dead.find_first(); N != -1; N = P.Dead.find_next(N))
    Dead.insert(F.G->section(N).Name.str());
  EXPECT_EQ(Dead, (std::set<std::string>{".text.__x64_sys_socket",
                                         ".text.sock_create",
                                         ".text.sock_alloc",
                                         ".rodata.families"}));
  // fdget is shared with read; time is called by emulate_vsyscall.
  EXPECT_TRUE(P.Candidate[F.node(".text.fdget")]);
  EXPECT_FALSE(P.Dead[F.node(".text.fdget")]);
  EXPECT_FALSE(P.Dead[F.node(".text.__x64_sys_time")]);
}

TEST(Plan, StatusesAndWhyCodeStayed) {
  Fixture F;
  LinkPlan P = F.plan("read\n");
  EXPECT_EQ(F.status(P, "read").State, SyscallState::Kept);
  EXPECT_EQ(F.status(P, "socket").State, SyscallState::Removed);
  const SyscallStatus &T = F.status(P, "time");
  EXPECT_EQ(T.State, SyscallState::RemovedCodeKept);
  EXPECT_NE(T.Reason.find("emulate_vsyscall"), std::string::npos) << T.Reason;
  EXPECT_EQ(F.status(P, "open").State, SyscallState::NotImplemented);
  LinkPlan Q = F.plan("read\nopen\n");
  EXPECT_EQ(F.status(Q, "open").State, SyscallState::AllowedNotImplemented);
}

TEST(Plan, TablesSplitByOwnerAndParallelTablesFollow) {
  // Collect mode: lld decides liveness, so every owner gets its piece.
  Fixture F;
  LinkPlan P = F.plan("read\n", GcMode::Collect);
  std::map<std::string, const TableSplit *> By;
  for (const TableSplit &S : P.Splits)
    By[F.G->object(0).Sections[S.Sec].Name.str()] = &S;
  ASSERT_EQ(By.size(), 3u);
  const TableSplit &Ex = *By["__ex_table"];
  ASSERT_EQ(Ex.Pieces.size(), 2u);
  EXPECT_EQ(F.G->node(0, Ex.Pieces[0].Owner), F.node(".text.__x64_sys_read"));
  EXPECT_EQ(F.G->node(0, Ex.Pieces[1].Owner), F.node(".text.sock_alloc"));
  EXPECT_TRUE(Ex.Remainder.empty());
  const TableSplit &Ip = *By[".orc_unwind_ip"], &Un = *By[".orc_unwind"];
  ASSERT_EQ(Ip.Pieces.size(), 4u);
  ASSERT_EQ(Un.Pieces.size(), Ip.Pieces.size());
  for (size_t I = 0; I < Ip.Pieces.size(); ++I) {
    EXPECT_EQ(Ip.Pieces[I].Owner, Un.Pieces[I].Owner);
    EXPECT_EQ(Ip.Pieces[I].Entries, Un.Pieces[I].Entries);
  }
}

TEST(Plan, RetainModeKeepsOnlyPiecesOfDeadOwners) {
  Fixture F;
  LinkPlan P = F.plan("read\n");
  std::map<std::string, const TableSplit *> By;
  for (const TableSplit &S : P.Splits)
    By[F.G->object(0).Sections[S.Sec].Name.str()] = &S;
  const TableSplit &Ex = *By["__ex_table"];
  ASSERT_EQ(Ex.Pieces.size(), 1u);
  EXPECT_EQ(F.G->node(0, Ex.Pieces[0].Owner), F.node(".text.sock_alloc"));
  EXPECT_EQ(Ex.Remainder, std::vector<uint32_t>{0}); // read's entry stays
  const TableSplit &Ip = *By[".orc_unwind_ip"], &Un = *By[".orc_unwind"];
  ASSERT_EQ(Ip.Pieces.size(), 2u); // socket and sock_alloc
  EXPECT_EQ(Ip.Remainder, (std::vector<uint32_t>{0, 3}));
  EXPECT_EQ(Un.Remainder, Ip.Remainder);
}

TEST(Plan, TablesDoNotPinCode) {
  // sock_alloc has __ex_table and unwind entries, yet it is dead: table
  // edges count only once the owner is live.
  Fixture F;
  LinkPlan P = F.plan("read\n");
  EXPECT_TRUE(P.Dead[F.node(".text.sock_alloc")]);
  EXPECT_TRUE(P.Exclude[F.node(".text.sock_alloc")]);
}

TEST(Plan, ExcludeExactlyTheDeadOnlyInRetainMode) {
  Fixture F;
  LinkPlan P = F.plan("read\n");
  EXPECT_FALSE(P.Exclude[F.node(".text.main")]);
  EXPECT_FALSE(P.Exclude[F.node(".text.fdget")]);
  EXPECT_FALSE(P.Exclude[F.node("__ex_table")]);
  EXPECT_FALSE(P.Exclude[F.node(".symtab")]);
  EXPECT_TRUE(P.Exclude[F.node(".text.__x64_sys_socket")]);
  EXPECT_EQ(P.Exclude, P.Dead); // every dead section here is allocated
  LinkPlan C = F.plan("read\n", GcMode::Collect);
  EXPECT_EQ(C.Exclude.count(), 0u); // lld collects them itself
  EXPECT_EQ(C.Dead, P.Dead);
}

TEST(Plan, EverythingAllowedRemovesNothing) {
  Fixture F;
  LinkPlan P = F.plan("read\nsocket\ntime\n");
  EXPECT_EQ(P.Dead.count(), 0u);
  for (const DispatchEdge &E : P.DispatchEdges)
    EXPECT_FALSE(E.Retarget);
}

TEST(Plan, EmptyAllowlistRemovesSharedHelpersToo) {
  Fixture F;
  LinkPlan P = F.plan("");
  EXPECT_TRUE(P.Dead[F.node(".text.fdget")]);
  EXPECT_TRUE(P.Dead[F.node(".text.__x64_sys_read")]);
  EXPECT_FALSE(P.Dead[F.node(".text.__x64_sys_ni_syscall")]);
}

TEST(Plan, DispatchOverride) {
  Fixture F;
  LinkPlan P = F.plan("read\n", GcMode::Retain, {"sys_call_table"});
  ASSERT_EQ(P.Dispatch.size(), 1u);
  // x64_sys_call is no dispatch now: its reference keeps socket alive.
  EXPECT_FALSE(P.Dead[F.node(".text.__x64_sys_socket")]);
  auto A = Allowlist::parse("read\n", "a", F.Arch);
  PlanOptions O;
  O.Dispatch = {"no_such_table"};
  auto Bad = planLink(*F.G, F.Arch, *A, O);
  ASSERT_FALSE(bool(Bad));
  EXPECT_NE(toString(Bad.takeError()).find("no_such_table"), std::string::npos);
}

TEST(Plan, InlinedSwitchCaseIsRefused) {
  // x64_sys_call lost its relocation for socket: the case was inlined.
  std::string Yaml = KernelYaml;
  std::string Case =
      "      - { Offset: 6, Symbol: __x64_sys_socket, Type: R_X86_64_PLT32, "
      "Addend: -4 }\n";
  size_t At = Yaml.find(Case);
  ASSERT_NE(At, std::string::npos);
  Yaml.erase(At, Case.size());
  Fixture F(Yaml);
  auto A = Allowlist::parse("read\n", "a", F.Arch);
  PlanOptions O;
  auto P = planLink(*F.G, F.Arch, *A, O);
  ASSERT_FALSE(bool(P));
  std::string Msg = toString(P.takeError());
  EXPECT_NE(Msg.find("x64:__x64_sys_socket (slot 41)"), std::string::npos) << Msg;
  O.AllowInlinedDispatch = true;
  auto Q = planLink(*F.G, F.Arch, *A, O);
  ASSERT_TRUE(bool(Q)) << toString(Q.takeError());
  EXPECT_FALSE(Q->Warnings.empty());
  // Allowed anyway: nothing to refuse.
  auto All = Allowlist::parse("read\nsocket\ntime\n", "a", F.Arch);
  EXPECT_TRUE(bool(planLink(*F.G, F.Arch, *All, {})));
}

TEST(Plan, UnknownTableThatPinsARemovedSyscallIsAnError) {
  // An unreferenced data section sysgc has no layout for, pointing into
  // socket's code: keeping socket silently would be wrong, and so would
  // dropping the entry.
  std::string Yaml = KernelYaml;
  std::string Sections = "Sections:\n";
  Yaml.insert(Yaml.find(Sections) + Sections.size(),
              "  - { Name: .weird_sites, Type: SHT_PROGBITS, Flags: [ "
              "SHF_ALLOC ], AddressAlign: 4, Size: 4 }\n"
              "  - Name: .rela.weird_sites\n    Type: SHT_RELA\n"
              "    Info: .weird_sites\n    Relocations:\n"
              "      - { Offset: 0, Symbol: sock_alloc, Type: R_X86_64_PC32 }\n");
  Fixture F(Yaml);
  auto A = Allowlist::parse("read\n", "a", F.Arch);
  PlanOptions O;
  auto P = planLink(*F.G, F.Arch, *A, O);
  ASSERT_FALSE(bool(P));
  std::string Msg = toString(P.takeError());
  EXPECT_NE(Msg.find("(.weird_sites) keeps sock_alloc alive"),
            std::string::npos)
      << Msg;
  O.UnknownTablesAreErrors = false;
  auto Q = planLink(*F.G, F.Arch, *A, O);
  ASSERT_TRUE(bool(Q)) << toString(Q.takeError());
  EXPECT_FALSE(Q->Dead[F.node(".text.sock_alloc")]);
  EXPECT_TRUE(Q->IdealDead[F.node(".text.sock_alloc")]);
  ASSERT_FALSE(Q->Warnings.empty());
}

// Plan against KernelYaml with Find replaced by Repl; the error text.
static std::string planError(const std::string &Find, const std::string &Repl,
                             bool Lenient = false) {
  std::string Yaml = KernelYaml;
  size_t At = Yaml.find(Find);
  EXPECT_NE(At, std::string::npos) << Find;
  Yaml.replace(At, Find.size(), Repl);
  Fixture F(Yaml);
  auto A = Allowlist::parse("read\n", "a", F.Arch);
  PlanOptions O;
  O.UnknownTablesAreErrors = !Lenient;
  auto P = planLink(*F.G, F.Arch, *A, O);
  if (P)
    return "";
  return toString(P.takeError());
}

TEST(Plan, TableRelocationTypesSysgcDoesNotKnowAreRefused) {
  std::string Msg =
      planError("{ Offset: 4, Symbol: __x64_sys_read, Type: R_X86_64_PC32, "
                "Addend: 8 }",
                "{ Offset: 4, Symbol: __x64_sys_read, Type: R_X86_64_GOTPCREL, "
                "Addend: 8 }");
  EXPECT_NE(Msg.find("kernel.o:(__ex_table): relocation R_X86_64_GOTPCREL at "
                     "offset 0x4 is not a type sysgc knows"),
            std::string::npos)
      << Msg;
  // An 8-byte address at offset 8 runs into the next 12-byte entry.
  Msg = planError("{ Offset: 4, Symbol: __x64_sys_read, Type: R_X86_64_PC32, "
                  "Addend: 8 }",
                  "{ Offset: 8, Symbol: __x64_sys_read, Type: R_X86_64_64 }");
  EXPECT_NE(Msg.find("straddles two 12-byte entries"), std::string::npos)
      << Msg;
}

TEST(Plan, TableLayoutsSysgcDoesNotKnowAreRefused) {
  // 20 bytes of __ex_table: not a whole number of 12-byte entries.
  std::string Find = "  - Name: __ex_table\n    Type: SHT_PROGBITS\n"
                     "    Flags: [ SHF_ALLOC ]\n    AddressAlign: 4\n"
                     "    Size: 24\n";
  std::string Repl = Find;
  Repl.replace(Repl.find("24"), 2, "20");
  std::string Msg = planError(Find, Repl);
  EXPECT_NE(Msg.find("kernel.o:(__ex_table): not the __ex_table layout sysgc "
                     "knows: size 20 is not a multiple of the 12-byte entry"),
            std::string::npos)
      << Msg;
  // --sysgc-unknown-tables=warn leaves it whole instead.
  EXPECT_EQ(planError(Find, Repl, /*Lenient=*/true), "");
}

TEST(Plan, EntryRegexOverride) {
  Fixture F;
  auto A = Allowlist::parse("read\n", "a", F.Arch);
  PlanOptions O;
  O.EntryRegex = "^__x64_(sys_socket)$"; // only socket counts as an entry
  auto P = planLink(*F.G, F.Arch, *A, O);
  ASSERT_TRUE(bool(P)) << toString(P.takeError());
  for (const DispatchEdge &E : P->DispatchEdges)
    EXPECT_EQ(E.Entry, "__x64_sys_socket");
  O.EntryRegex = "no groups";
  auto Bad = planLink(*F.G, F.Arch, *A, O);
  EXPECT_FALSE(bool(Bad));
  consumeError(Bad.takeError());
}
} // namespace

TEST(PlanCache, RoundTripIsExact) {
  Fixture F;
  LinkPlan P = F.plan("read\nwrite\n");
  std::string Data = serializePlan(P);
  auto Q = deserializePlan(Data, *F.G, F.Arch);
  ASSERT_TRUE(bool(Q)) << toString(Q.takeError());
  // Statuses and still-alive chains come back with it: nothing to redo.
  EXPECT_EQ(serializePlan(*Q), Data);
  EXPECT_EQ(Q->Dead, P.Dead);
  EXPECT_EQ(Q->Exclude, P.Exclude);
  EXPECT_EQ(Q->IdealDead, P.IdealDead);
  ASSERT_EQ(Q->Splits.size(), P.Splits.size());
  for (size_t I = 0; I < P.Splits.size(); ++I) {
    ASSERT_EQ(Q->Splits[I].Pieces.size(), P.Splits[I].Pieces.size());
    for (size_t J = 0; J < P.Splits[I].Pieces.size(); ++J)
      EXPECT_EQ(Q->Splits[I].Pieces[J].Entries, P.Splits[I].Pieces[J].Entries);
  }
  ASSERT_EQ(Q->Syscalls.size(), P.Syscalls.size());
  for (size_t I = 0; I < P.Syscalls.size(); ++I) {
    EXPECT_EQ(Q->Syscalls[I].State, P.Syscalls[I].State);
    EXPECT_EQ(Q->Syscalls[I].Reason, P.Syscalls[I].Reason);
  }
  ASSERT_EQ(Q->Kept.size(), P.Kept.size());
  for (size_t I = 0; I < P.Kept.size(); ++I)
    EXPECT_EQ(Q->Kept[I].Chain, P.Kept[I].Chain);
}

TEST(PlanCache, DamagedPlansAreRefusedNeverTrusted) {
  Fixture F;
  std::string Data = serializePlan(F.plan("read\n"));
  // Every truncation, and a flipped byte at every position.
  for (size_t Len = 0; Len < Data.size(); ++Len) {
    auto Q = deserializePlan(StringRef(Data).take_front(Len), *F.G, F.Arch);
    EXPECT_FALSE(bool(Q)) << Len;
    if (!Q)
      consumeError(Q.takeError());
  }
  size_t Refused = 0;
  for (size_t I = 0; I < Data.size(); ++I) {
    std::string D = Data;
    D[I] ^= 0x80;
    auto Q = deserializePlan(D, *F.G, F.Arch);
    if (!Q) {
      consumeError(Q.takeError());
      ++Refused;
    }
  }
  // Most flips land in an index, a count or a name and are caught; the
  // rest (a bit, an address) are what a key mismatch guards against.
  EXPECT_GT(Refused, Data.size() / 4);
  // A plan for another graph (one more section) is refused.
  std::string Yaml = KernelYaml;
  Yaml.insert(Yaml.find("Sections:\n") + 10,
              "  - { Name: .extra, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], "
              "Size: 4 }\n");
  Fixture Other(Yaml);
  auto Q = deserializePlan(Data, *Other.G, Other.Arch);
  EXPECT_FALSE(bool(Q));
  if (!Q)
    consumeError(Q.takeError());
}

TEST(PlanCache, KeyFollowsCodeButNotALeafsValues) {
  Fixture F;
  auto A = Allowlist::parse("read\n", "allow", F.Arch);
  ASSERT_TRUE(bool(A));
  PlanOptions O;
  std::string K1 = planKey(*F.G, F.Arch, *A, O, 1);
  EXPECT_EQ(K1, planKey(*F.G, F.Arch, *A, O, 1));
  EXPECT_NE(K1, planKey(*F.G, F.Arch, *A, O, 2)); // another tool
  auto B = Allowlist::parse("read\nwrite\n", "allow", F.Arch);
  EXPECT_NE(K1, planKey(*F.G, F.Arch, *B, O, 1)); // another allowlist
  O.Mode = GcMode::Collect;
  EXPECT_NE(K1, planKey(*F.G, F.Arch, *A, O, 1)); // another mode
  // The kernel object has code: it is a core object, never a leaf.
  EXPECT_FALSE(isLeafObject(*F.G, F.Arch, 0));
}

namespace {
LinkPlan fullPlan(Fixture &F, StringRef AllowText, bool Full) {
  PlanOptions O;
  O.Full = Full;
  cantFail(O.ScriptNamed.add(".text.named"));
  cantFail(O.ScriptKept.add(".text.kept_*"));
  return F.plan(AllowText, std::move(O));
}
} // namespace

TEST(Plan, PerSymbolSectionNames) {
  for (const char *N : {".text.foo", ".text.unlikely.foo", ".rodata.str1.1",
                        ".data.rel.ro.x", ".bss..L.str", ".data..compoundliteral.3",
                        ".sdata.y", ".srodata.cst8"})
    EXPECT_TRUE(isPerSymbolSectionName(N)) << N;
  for (const char *N : {".text", ".text.", ".data..percpu", ".init.text",
                        "__ex_table", ".textual", ".data..ro_after_init"})
    EXPECT_FALSE(isPerSymbolSectionName(N)) << N;
}

TEST(Plan, FullModeCollectsWhatNothingLiveReferences) {
  Fixture F(fullModeKernelYaml());
  LinkPlan S = fullPlan(F, "read\n", /*Full=*/false);
  LinkPlan P = fullPlan(F, "read\n", /*Full=*/true);
  EXPECT_FALSE(S.Full);
  EXPECT_TRUE(P.Full);
  // Syscall-scoped: only what removed syscalls reach.
  EXPECT_FALSE(S.Dead[F.node(".text.unused")]);
  EXPECT_FALSE(S.Dead[F.node(".data.unused_data")]);
  // Full: what nothing live references goes, with what only it calls, and
  // a table entry pins nothing.
  for (const char *N : {".text.unused", ".text.unused_callee",
                        ".data.unused_data", ".text.only_in_extable",
                        ".text.__x64_sys_socket"})
    EXPECT_TRUE(P.Dead[F.node(N)]) << N;
  // Roots whatever references them: named or kept by the script,
  // SHF_GNU_RETAIN, names the compiler does not make; and what they call.
  for (const char *N : {".text.named", ".text.kept_by_script", ".init.text",
                        ".data..percpu", ".text.retained", ".text.sock_create",
                        ".text.sock_alloc", ".rodata.families",
                        ".text.fdget", ".text.__x64_sys_read", ".text.main",
                        ".rodata.sys_call_table", "__ex_table"})
    EXPECT_FALSE(P.Dead[F.node(N)]) << N;
  // The syscall-scoped plan is a part of it, and is what the report
  // compares against.
  BitVector Extra = S.Dead;
  Extra.reset(P.Dead);
  EXPECT_FALSE(Extra.any());
  EXPECT_EQ(P.ScopedDead, S.Dead);
  EXPECT_EQ(P.Exclude, P.Dead);
  // The removed syscall's status and the dispatch are the same in both.
  EXPECT_EQ(F.status(P, "socket").State, SyscallState::Removed);
  EXPECT_EQ(F.status(P, "read").State, SyscallState::Kept);
  // Every dead owner's table entries leave with it.
  bool SawExtablePiece = false;
  for (const TableSplit &T : P.Splits)
    for (const TablePiece &Pc : T.Pieces)
      if (F.G->node(T.File, Pc.Owner) == F.node(".text.only_in_extable"))
        SawExtablePiece = true;
  EXPECT_TRUE(SawExtablePiece);
}

TEST(Plan, FullModeWithoutAnAllowlistRemovesNoSyscall) {
  Fixture F(fullModeKernelYaml());
  auto A = Allowlist::everything(F.Arch);
  PlanOptions O;
  O.Full = true;
  O.RootSymbols = {"_start"};
  auto P = planLink(*F.G, F.Arch, A, O);
  ASSERT_TRUE(bool(P)) << toString(P.takeError());
  for (const DispatchEdge &E : P->DispatchEdges)
    EXPECT_FALSE(E.Retarget);
  EXPECT_TRUE(P->Dead[F.node(".text.unused")]);
  EXPECT_FALSE(P->Dead[F.node(".text.__x64_sys_socket")]);
  EXPECT_EQ(P->ScopedDead.count(), 0u);
}

TEST(Plan, FullModeDoesNotApplyToCollectLinks) {
  Fixture F(fullModeKernelYaml());
  PlanOptions O;
  O.Mode = GcMode::Collect;
  O.Full = true;
  LinkPlan P = F.plan("read\n", std::move(O));
  EXPECT_FALSE(P.Full); // lld's collection of that link is whole-kernel
  EXPECT_FALSE(P.Dead[F.node(".text.unused")]);
}

TEST(Plan, FullModePlansSurviveTheCache) {
  Fixture F(fullModeKernelYaml());
  LinkPlan P = fullPlan(F, "read\n", true);
  auto Q = deserializePlan(serializePlan(P), *F.G, F.Arch);
  ASSERT_TRUE(bool(Q)) << toString(Q.takeError());
  EXPECT_TRUE(Q->Full);
  EXPECT_EQ(Q->Dead, P.Dead);
  EXPECT_EQ(Q->ScopedDead, P.ScopedDead);
}

TEST(Plan, WithoutFunctionSectionsSaysWhyNothingGoes) {
  // socket's entry in a .text of its own object's code, as without
  // -ffunction-sections.
  std::string Y = KernelYaml;
  for (std::string From : {"Name: .text.__x64_sys_socket\n",
                           "Info: .text.__x64_sys_socket\n",
                           "Section: .text.__x64_sys_socket,"}) {
    std::string To = From;
    To.replace(To.find(".text.__x64_sys_socket"),
               strlen(".text.__x64_sys_socket"), ".text");
    for (size_t At = Y.find(From); At != std::string::npos; At = Y.find(From))
      Y.replace(At, From.size(), To);
  }
  Y.replace(Y.find("Name: .rela.text.__x64_sys_socket"),
            strlen("Name: .rela.text.__x64_sys_socket"), "Name: .rela.text");
  Fixture F(Y);
  LinkPlan P = F.plan("read\ntime\n");
  ASSERT_EQ(P.Warnings.size(), 1u);
  EXPECT_NE(P.Warnings[0].find("-ffunction-sections"), std::string::npos);
  EXPECT_NE(P.Warnings[0].find("__x64_sys_socket"), std::string::npos);
  // With its own section (KernelYaml), no warning.
  Fixture G;
  EXPECT_TRUE(G.plan("read\ntime\n").Warnings.empty());
}

TEST(Plan, FullModeWithNothingCollectableSaysSo) {
  Fixture F;
  PlanOptions O;
  O.Full = true;
  cantFail(O.ScriptKept.add(".text.*"));
  cantFail(O.ScriptKept.add(".rodata.*"));
  LinkPlan P = F.plan("read\nsocket\ntime\n", std::move(O));
  ASSERT_FALSE(P.Warnings.empty());
  EXPECT_NE(P.Warnings.back().find("removes nothing"), std::string::npos);
}
