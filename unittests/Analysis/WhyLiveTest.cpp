//===- WhyLiveTest.cpp - sysgc why's chains on the tiny kernel -------------===//
#include "sysgc/Analysis/ReferenceModel.h"
#include "sysgc/Analysis/WhyLive.h"
#include "../Support/TestObjects.h"
#include "llvm/BinaryFormat/ELF.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
struct Fixture {
  TestInputs In;
  std::unique_ptr<SectionGraph> G;
  const ArchInfo &Arch = *getArch(ELF::EM_X86_64);
  PlanOptions Opts;
  std::vector<DispatchSite> Sites;

  Fixture() {
    In.add(KernelYaml, "kernel.o");
    G = std::make_unique<SectionGraph>(In.Set);
    Opts.RootSymbols = {"_start"};
    std::vector<std::string> W;
    auto S = findDispatch(*G, Arch, Opts, W);
    EXPECT_TRUE(bool(S));
    Sites = std::move(*S);
  }
  WhyAnswer why(StringRef Symbol, StringRef AllowText) {
    auto A = Allowlist::parse(AllowText, "allow", Arch);
    EXPECT_TRUE(bool(A));
    auto W = explainSymbol(*G, Arch, Opts, Sites, *A, Symbol);
    EXPECT_TRUE(bool(W)) << toString(W.takeError());
    return std::move(*W);
  }
};

TEST(WhyLive, KeptSyscallCodeIsExplainedThroughTheDispatch) {
  Fixture F;
  WhyAnswer A = F.why("fdget", "read\n");
  EXPECT_EQ(A.Verdict, WhyVerdict::Live);
  ASSERT_EQ(A.Chain.size(), 2u); // dispatch -> __x64_sys_read -> fdget
  EXPECT_NE(A.RootReason.find("syscall dispatch"), std::string::npos)
      << A.RootReason;
  EXPECT_EQ(A.Chain[0].Target, "__x64_sys_read");
  EXPECT_EQ(A.Chain[1].FromSymbol, "__x64_sys_read");
  EXPECT_EQ(A.Chain[1].Type, "R_X86_64_PLT32");
  EXPECT_EQ(A.Chain[1].Offset, 1u);
  EXPECT_EQ(A.Chain[1].Addend, -4);
  EXPECT_EQ(A.Chain[1].Target, "fdget");
  EXPECT_NE(A.Chain[1].ToSection.find(".text.fdget"), std::string::npos);
  std::string Text;
  raw_string_ostream OS(Text);
  writeWhyText(A, OS);
  EXPECT_NE(Text.find("+0x1 R_X86_64_PLT32 fdget-4 -> kernel.o:(.text.fdget)"),
            std::string::npos)
      << Text;
}

TEST(WhyLive, RemovedSyscallKeptAliveSaysWhatPinsIt) {
  Fixture F;
  WhyAnswer A = F.why("__x64_sys_time", "read\n");
  EXPECT_EQ(A.Verdict, WhyVerdict::Live);
  ASSERT_EQ(A.Chain.size(), 1u);
  EXPECT_EQ(A.Chain[0].FromSymbol, "emulate_vsyscall");
  EXPECT_NE(A.RootReason.find("no syscall reaches it"), std::string::npos);
  ASSERT_EQ(A.Pinned.size(), 1u);
  EXPECT_EQ(A.Pinned[0].Name, "time");
  EXPECT_NE(A.Pinned[0].Reason.find("emulate_vsyscall"), std::string::npos);
}

TEST(WhyLive, RemovedCodeNamesTheRemovedSyscall) {
  Fixture F;
  WhyAnswer A = F.why("sock_alloc", "read\n");
  EXPECT_EQ(A.Verdict, WhyVerdict::Removed);
  EXPECT_EQ(A.RemovedBy, "x64:__x64_sys_socket");
  ASSERT_EQ(A.Chain.size(), 2u);
  EXPECT_EQ(A.Chain[1].Target, "sock_alloc");
  // Allowed, it lives through the dispatch, three references away.
  WhyAnswer B = F.why("sock_alloc", "socket\n");
  EXPECT_EQ(B.Verdict, WhyVerdict::Live);
  EXPECT_EQ(B.Chain.size(), 3u);
}

TEST(WhyLive, CodeNoSyscallReachesIsARoot) {
  Fixture F;
  WhyAnswer A = F.why("emulate_vsyscall", "");
  EXPECT_EQ(A.Verdict, WhyVerdict::Root);
  EXPECT_TRUE(A.Chain.empty());
  std::string Text;
  raw_string_ostream OS(Text);
  writeWhyText(A, OS);
  EXPECT_NE(Text.find("kept: a root"), std::string::npos) << Text;
}

TEST(WhyLive, UnknownSymbolIsAnError) {
  Fixture F;
  auto A = Allowlist::parse("", "allow", F.Arch);
  ASSERT_TRUE(bool(A));
  auto W = explainSymbol(*F.G, F.Arch, F.Opts, F.Sites, *A, "no_such_thing");
  ASSERT_FALSE(bool(W));
  EXPECT_NE(toString(W.takeError()).find("no_such_thing"), std::string::npos);
}
} // namespace
