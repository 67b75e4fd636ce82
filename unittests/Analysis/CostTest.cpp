//===- CostTest.cpp - Dominators and per-syscall costs against the planner -===//
#include "sysgc/Analysis/Cost.h"
#include "sysgc/Analysis/Dominators.h"
#include "sysgc/Analysis/ReferenceModel.h"
#include "../Support/TestObjects.h"
#include "llvm/BinaryFormat/ELF.h"
#include "gtest/gtest.h"
#include <map>

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
DominatorTree dominators(uint32_t N,
                         std::vector<std::pair<uint32_t, uint32_t>> Edges,
                         uint32_t Root) {
  std::vector<uint32_t> Begin(N + 1, 0), Succ;
  llvm::sort(Edges);
  for (auto &[F, T] : Edges)
    ++Begin[F + 1];
  for (uint32_t I = 0; I < N; ++I)
    Begin[I + 1] += Begin[I];
  for (auto &[F, T] : Edges)
    Succ.push_back(T);
  return computeDominators(Begin, Succ, Root);
}

TEST(Dominators, CooperHarveyKennedyFigure) {
  // An irreducible loop (1 <-> 2) entered from two sides, after the
  // paper's figure 4: root 5; 5 -> 4 -> 1, 5 -> 3 -> 2, 3 -> 0 -> 2.
  auto T = dominators(6, {{5, 4}, {5, 3}, {4, 1}, {3, 2}, {3, 0}, {1, 2},
                          {2, 1}, {0, 2}},
                      5);
  EXPECT_EQ(T.Idom[0], 3u);
  for (uint32_t N : {1u, 2u, 3u, 4u})
    EXPECT_EQ(T.Idom[N], 5u) << N;
}

TEST(Dominators, ChainsDiamondsAndUnreachable) {
  // 0 -> 1 -> 2 -> 3, 1 -> 4 -> 3, 3 -> 5; 6 unreachable; 7 <- 5, 7 -> 1.
  auto T = dominators(8, {{0, 1}, {1, 2}, {2, 3}, {1, 4}, {4, 3}, {3, 5},
                          {5, 7}, {7, 1}},
                      0);
  EXPECT_EQ(T.Idom[0], 0u);
  EXPECT_EQ(T.Idom[1], 0u);
  EXPECT_EQ(T.Idom[2], 1u);
  EXPECT_EQ(T.Idom[4], 1u);
  EXPECT_EQ(T.Idom[3], 1u); // two ways in
  EXPECT_EQ(T.Idom[5], 3u);
  EXPECT_EQ(T.Idom[7], 5u);
  EXPECT_EQ(T.Idom[6], NoDominator);
  EXPECT_EQ(T.Order.front(), 0u);
  EXPECT_EQ(T.Order.size(), 7u);
}

TEST(Dominators, DeepChainNeedsNoRecursion) {
  const uint32_t N = 200000;
  std::vector<std::pair<uint32_t, uint32_t>> E;
  for (uint32_t I = 0; I + 1 < N; ++I)
    E.push_back({I, I + 1});
  auto T = dominators(N, E, 0);
  EXPECT_EQ(T.Idom[N - 1], N - 2);
}

struct Fixture {
  TestInputs In;
  std::unique_ptr<SectionGraph> G;
  const ArchInfo &Arch = *getArch(ELF::EM_X86_64);
  PlanOptions Opts;

  explicit Fixture(const std::string &Yaml = KernelYaml) {
    In.add(Yaml, "kernel.o");
    G = std::make_unique<SectionGraph>(In.Set);
    Opts.RootSymbols = {"_start"};
  }
  Allowlist allow(StringRef Text) {
    AllowlistOptions AO;
    AO.AllowUnknown = true;
    auto A = Allowlist::parse(Text, "allow", Arch, AO);
    EXPECT_TRUE(bool(A)) << toString(A.takeError());
    return std::move(*A);
  }
  // What sysgc-ld's planner removes for Allow, counted as its report.
  RemovalTotals planned(const Allowlist &A) {
    auto P = planLink(*G, Arch, A, Opts);
    EXPECT_TRUE(bool(P)) << toString(P.takeError());
    return removalTotals(*G, P->Dead);
  }
  CostReport costs(const Allowlist *A = nullptr) {
    auto Sites = findDispatchSites();
    CostOptions CO;
    CO.Allow = A;
    auto R = computeCosts(*G, Arch, Opts, Sites, CO);
    EXPECT_TRUE(bool(R)) << toString(R.takeError());
    return std::move(*R);
  }
  std::vector<DispatchSite> findDispatchSites() {
    std::vector<std::string> W;
    auto S = findDispatch(*G, Arch, Opts, W);
    EXPECT_TRUE(bool(S));
    return std::move(*S);
  }
  const SyscallCost &row(const CostReport &R, StringRef Name) {
    for (const SyscallCost &S : R.Syscalls)
      if (S.Abi == "x64" && S.Name == Name)
        return S;
    static SyscallCost None;
    ADD_FAILURE() << "no row " << Name.str();
    return None;
  }
  // Every x64 syscall but Except, ABI-qualified.
  std::string allBut(StringRef Except) {
    std::string T;
    for (const SyscallDesc &D : Arch.findAbi("x64")->Syscalls)
      if (!D.Name.empty() && D.Name != Except)
        T += ("x64:" + D.Name + "\n").str();
    return T;
  }
};

TEST(Cost, ExclusiveAndSharedBytesOfTheTinyKernel) {
  Fixture F;
  CostReport R = F.costs();
  // socket alone owns its entry, sock_create, sock_alloc and families.
  const SyscallCost &Socket = F.row(R, "socket");
  EXPECT_EQ(Socket.ExclusiveBytes, 16u + 16 + 16 + 8);
  EXPECT_EQ(Socket.ExclusiveSections, 4u);
  EXPECT_EQ(Socket.ExclusiveFunctionBytes, 48u);
  // fdget is shared with read.
  EXPECT_EQ(Socket.SharedBytes, 16u);
  const SyscallCost &Read = F.row(R, "read");
  EXPECT_EQ(Read.ExclusiveBytes, 16u);
  EXPECT_EQ(Read.SharedBytes, 16u);
  // emulate_vsyscall calls time: removing it frees nothing.
  const SyscallCost &Time = F.row(R, "time");
  EXPECT_EQ(Time.ExclusiveBytes, 0u);
  EXPECT_EQ(Time.SharedBytes, 0u);
  EXPECT_EQ(Time.State, SyscallState::RemovedCodeKept);
  // Sorted by exclusive bytes, largest first.
  EXPECT_EQ(R.Syscalls.front().Name, "socket");
  for (size_t I = 1; I < R.Syscalls.size(); ++I)
    EXPECT_GE(R.Syscalls[I - 1].ExclusiveBytes, R.Syscalls[I].ExclusiveBytes);
}

TEST(Cost, EachSyscallAloneEqualsThePlannersDeadBytes) {
  Fixture F;
  CostReport R = F.costs();
  Allowlist All = F.allow(F.allBut(""));
  RemovalTotals Base = F.planned(All);
  EXPECT_EQ(R.Baseline.SectionBytes, Base.SectionBytes);
  size_t Checked = 0;
  for (const SyscallCost &S : R.Syscalls) {
    if (S.Abi != "x64" || S.Entry.empty())
      continue;
    RemovalTotals Without = F.planned(F.allow(F.allBut(S.Name)));
    EXPECT_EQ(S.ExclusiveBytes, Without.SectionBytes - Base.SectionBytes)
        << S.Name;
    EXPECT_EQ(S.ExclusiveSections, Without.Sections - Base.Sections) << S.Name;
    EXPECT_EQ(S.ExclusiveFunctionBytes,
              Without.FunctionBytes - Base.FunctionBytes)
        << S.Name;
    ++Checked;
  }
  EXPECT_EQ(Checked, 3u); // read, socket, time
}

TEST(Cost, PredictionEqualsThePlannerForEveryAllowlist) {
  Fixture F;
  const char *Names[] = {"read", "socket", "time"};
  for (unsigned Mask = 0; Mask < 8; ++Mask) {
    std::string Text;
    for (unsigned I = 0; I < 3; ++I)
      if (Mask & (1u << I))
        Text += std::string(Names[I]) + "\n";
    Allowlist A = F.allow(Text);
    CostReport R = F.costs(&A);
    ASSERT_TRUE(R.Predicted.has_value());
    RemovalTotals P = F.planned(A);
    EXPECT_EQ(R.Predicted->SectionBytes, P.SectionBytes) << Text;
    EXPECT_EQ(R.Predicted->Sections, P.Sections) << Text;
    EXPECT_EQ(R.Predicted->FunctionBytes, P.FunctionBytes) << Text;
    EXPECT_EQ(R.Predicted->Functions, P.Functions) << Text;
    EXPECT_EQ(R.Predicted->ObjectBytes, P.ObjectBytes) << Text;
    EXPECT_EQ(F.row(R, "read").Allowed, std::optional<bool>(Mask & 1));
  }
  // Nothing allowed: everything the syscalls own together.
  Allowlist None = F.allow("");
  EXPECT_EQ(F.costs(&None).AllRemoved.SectionBytes,
            F.planned(None).SectionBytes);
}

// Two ABIs sharing one body: per ABI neither owns it, by name it is
// read's; both agree with the planner.
TEST(Cost, ByNameJoinsTheAbisThatShareABody) {
  std::string Yaml = KernelYaml;
  // ia32_sys_call dispatches read through the x64 body's alias.
  auto Insert = [&](StringRef Before, StringRef Text) {
    size_t At = Yaml.find(Before.str());
    ASSERT_NE(At, std::string::npos) << Before.str();
    Yaml.insert(At, Text.str());
  };
  Insert("  - Name: .rela.text.__x64_sys_read", R"(  - Name: .text.ia32_sys_call
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Content: 'e900000000cccccccccccccccccccccc'
  - Name: .rela.text.ia32_sys_call
    Type: SHT_RELA
    Info: .text.ia32_sys_call
    Relocations:
      - { Offset: 1, Symbol: __ia32_sys_read, Type: R_X86_64_PLT32, Addend: -4 }
)");
  Insert("  - { Name: x64_sys_call,", R"(  - { Name: __ia32_sys_read, Type: STT_FUNC, Section: .text.__x64_sys_read, Binding: STB_GLOBAL, Size: 16 }
  - { Name: __ia32_sys_ni_syscall, Type: STT_FUNC, Section: .text.__x64_sys_ni_syscall, Binding: STB_GLOBAL, Size: 16 }
  - { Name: ia32_sys_call, Type: STT_FUNC, Section: .text.ia32_sys_call, Binding: STB_GLOBAL, Size: 16 }
)");
  Fixture F(Yaml);
  CostReport PerAbi = F.costs();
  auto Find = [](const CostReport &R, StringRef Abi, StringRef Name) {
    for (const SyscallCost &S : R.Syscalls)
      if (S.Abi == Abi && S.Name == Name)
        return S;
    ADD_FAILURE() << Abi.str() << ":" << Name.str();
    return SyscallCost();
  };
  EXPECT_EQ(Find(PerAbi, "x64", "read").ExclusiveBytes, 0u);
  EXPECT_EQ(Find(PerAbi, "ia32", "read").ExclusiveBytes, 0u);
  EXPECT_EQ(Find(PerAbi, "x64", "read").SharedBytes, 32u); // body, fdget
  CostOptions CO;
  CO.ByName = true;
  auto ByName = computeCosts(*F.G, F.Arch, F.Opts, F.findDispatchSites(), CO);
  ASSERT_TRUE(bool(ByName)) << toString(ByName.takeError());
  EXPECT_EQ(Find(*ByName, "ia32+x64", "read").ExclusiveBytes, 16u);
  // The planner, for "every syscall but read" against "every syscall".
  std::string All, AllButRead;
  for (StringRef Abi : {"x64", "ia32"})
    for (const SyscallDesc &D : F.Arch.findAbi(Abi)->Syscalls)
      if (!D.Name.empty()) {
        All += (Abi + ":" + D.Name + "\n").str();
        if (D.Name != "read")
          AllButRead += (Abi + ":" + D.Name + "\n").str();
      }
  EXPECT_EQ(F.planned(F.allow(AllButRead)).SectionBytes -
                F.planned(F.allow(All)).SectionBytes,
            16u);
}

TEST(Cost, OutputsAreStableAndComplete) {
  Fixture F;
  Allowlist A = F.allow("read\n");
  CostReport R = F.costs(&A);
  std::string Json, Csv, Text, Again;
  raw_string_ostream JS(Json), CS(Csv), TS(Text), AS(Again);
  writeCostJson(R, JS);
  writeCostJson(F.costs(&A), AS);
  writeCostCsv(R, CS);
  writeCostText(R, TS, 0);
  EXPECT_EQ(Json, Again); // no timings, no addresses: deterministic
  EXPECT_NE(Json.find("\"schema\": \"sysgc-cost/1\""), std::string::npos);
  EXPECT_NE(Json.find("\"predicted\": {"), std::string::npos);
  EXPECT_EQ(Csv.substr(0, Csv.find('\n')),
            "abi,nr,name,entry,state,allowed,exclusive_bytes,"
            "exclusive_sections,exclusive_function_bytes,shared_bytes,"
            "shared_sections");
  EXPECT_NE(Csv.find("\nx64,41,socket,__x64_sys_socket,implemented,no,56,4,"
                     "48,16,1\n"),
            std::string::npos)
      << Csv;
  EXPECT_NE(Text.find("socket"), std::string::npos);
}

// A section linked (SHF_LINK_ORDER) to socket's code goes with it, and the
// planner agrees.
TEST(Cost, LinkOrderSectionsFollowTheirOwner) {
  std::string Yaml = KernelYaml;
  std::string Extra = R"(  - Name: __patchable_function_entries
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_WRITE, SHF_LINK_ORDER ]
    Link: .text.sock_create
    AddressAlign: 8
    Size: 8
)";
  size_t At = Yaml.find("  - Name: .rela.text.__x64_sys_read");
  ASSERT_NE(At, std::string::npos);
  Yaml.insert(At, Extra);
  Fixture F(Yaml);
  CostReport R = F.costs();
  EXPECT_EQ(F.row(R, "socket").ExclusiveBytes, 56u + 8);
  Allowlist A = F.allow("read\n");
  CostReport Q = F.costs(&A);
  EXPECT_EQ(Q.Predicted->SectionBytes, F.planned(A).SectionBytes);
  EXPECT_EQ(Q.Predicted->SectionBytes, 64u);
}
} // namespace
