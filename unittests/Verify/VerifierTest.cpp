//===- VerifierTest.cpp - the verifier must catch a wrong output ----------===//
#include "sysgc/Verify/Verifier.h"
#include "sysgc/Driver/SysgcLd.h"
#include "sysgc/Link/Lld.h"
#include "../Support/TestObjects.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
struct Workspace {
  SmallString<128> Dir;
  Workspace() { EXPECT_FALSE(sys::fs::createUniqueDirectory("sysgc-verify", Dir)); }
  ~Workspace() { sys::fs::remove_directories(Dir); }
  std::string path(StringRef Name) const { return (Dir + "/" + Name).str(); }
  void write(StringRef Name, StringRef Data) const {
    std::error_code EC;
    raw_fd_ostream OS(path(Name), EC);
    OS << Data;
  }
};

struct Linked {
  std::unique_ptr<MemoryBuffer> Buf;
  std::unique_ptr<ElfObject> Obj;
  explicit Linked(const std::string &Path) {
    Buf = std::move(*MemoryBuffer::getFile(Path, false, false));
    Obj = std::move(*ElfObject::create(Buf->getMemBufferRef(), Path));
  }
  bool has(StringRef Sym) const {
    for (const ElfSymbol &S : Obj->Symbols)
      if (S.Name == Sym && S.inSection())
        return true;
    return false;
  }
};

struct KernelSetup {
  Workspace W;
  TestInputs In;
  std::unique_ptr<SectionGraph> G;
  LinkPlan Plan;
  KernelSetup() {
    initLld();
    auto Obj = yamlToObject(KernelYaml);
    W.write("kernel.o", Obj->getBuffer());
    W.write("allow.txt", "read\n");
    In.add(KernelYaml, W.path("kernel.o"));
    G = std::make_unique<SectionGraph>(In.Set);
    const ArchInfo &Arch = *getArch(ELF::EM_X86_64);
    auto A = Allowlist::parse("read\n", "a", Arch);
    PlanOptions O;
    O.RootSymbols = {"_start"};
    Plan = std::move(*planLink(*G, Arch, *A, O));
  }
  /// Link kernel.o through sysgc-ld with allow.txt; the output's path.
  std::string shrink() {
    std::string Allow = "--sysgc-allow=" + W.path("allow.txt");
    std::string In = W.path("kernel.o"), Out = W.path("shrunk");
    const char *Argv[] = {"sysgc-ld", Allow.c_str(), In.c_str(), "-o",
                          Out.c_str(), "--sysgc-quiet"};
    EXPECT_EQ(sysgcLdMain(Argv), 0);
    return Out;
  }
};

TEST(Verifier, RejectsAnUntransformedOutput) {
  KernelSetup S;
  std::string Err;
  raw_string_ostream ES(Err);
  ASSERT_EQ(runLld({"ld.lld", S.W.path("kernel.o"), "-o", S.W.path("plain")},
                   nulls(), ES),
            0)
      << Err;
  Linked Out(S.W.path("plain"));
  auto R = verifyOutput(*Out.Obj, *S.G, S.Plan);
  ASSERT_FALSE(bool(R));
  std::string Msg = toString(R.takeError());
  EXPECT_NE(Msg.find("__x64_sys_socket"), std::string::npos) << Msg;
}

TEST(Verifier, AcceptsSysgcLdOutputAndItHasNoRemovedCode) {
  KernelSetup S;
  Linked L(S.shrink());
  EXPECT_TRUE(L.has("__x64_sys_read"));
  EXPECT_TRUE(L.has("fdget"));
  EXPECT_TRUE(L.has("__x64_sys_time")); // emulate_vsyscall keeps it
  EXPECT_FALSE(L.has("__x64_sys_socket"));
  EXPECT_FALSE(L.has("sock_alloc"));
  EXPECT_FALSE(L.has("families"));
  auto R = verifyOutput(*L.Obj, *S.G, S.Plan);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->SlotsChecked, 202u);
  EXPECT_EQ(R->BranchesChecked, 4u);
  EXPECT_TRUE(R->Notes.empty());
}

TEST(Verifier, RejectsCollectionThePlanDidNotPredict) {
  KernelSetup S;
  Linked L(S.shrink());
  // Pretend the plan meant to keep socket's chain: the output lacks it.
  LinkPlan Keep = S.Plan;
  Keep.Dead.reset();
  auto R = verifyOutput(*L.Obj, *S.G, Keep);
  ASSERT_FALSE(bool(R));
  EXPECT_NE(toString(R.takeError()).find("lld collected"), std::string::npos);
}

TEST(Verifier, OneMissingSymbolIsNamed) {
  KernelSetup S;
  Linked L(S.shrink());
  // The plan "retains" sock_alloc alone: the counts differ by one, and the
  // name-by-name comparison says which.
  LinkPlan Keep = S.Plan;
  NodeId N = NoNode;
  for (NodeId I = 0; I < S.G->numNodes(); ++I)
    if (S.G->section(I).Name == ".text.sock_alloc")
      N = I;
  ASSERT_NE(N, NoNode);
  ASSERT_TRUE(Keep.Dead[N]);
  Keep.Dead.reset(N);
  auto R = verifyOutput(*L.Obj, *S.G, Keep);
  ASSERT_FALSE(bool(R));
  std::string Msg = toString(R.takeError());
  EXPECT_NE(Msg.find("1 symbol(s)"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("sock_alloc"), std::string::npos) << Msg;
}

} // namespace

namespace {
// Whole-kernel collection: the verifier holds lld's output to the full
// plan, and an output that lost what a plan keeps is refused.
TEST(Verifier, FullModeOutputAgainstItsPlanAndAScopedOne) {
  initLld();
  Workspace W;
  std::string Yaml = fullModeKernelYaml();
  auto Obj = yamlToObject(Yaml);
  W.write("kernel.o", Obj->getBuffer());
  W.write("allow.txt", "read\n");
  TestInputs In;
  In.add(Yaml, W.path("kernel.o"));
  SectionGraph G(In.Set);
  const ArchInfo &Arch = *getArch(ELF::EM_X86_64);
  auto A = Allowlist::parse("read\n", "a", Arch);
  PlanOptions O;
  O.RootSymbols = {"_start"};
  LinkPlan Scoped = std::move(*planLink(G, Arch, *A, O));
  O.Full = true;
  LinkPlan Full = std::move(*planLink(G, Arch, *A, O));

  std::string Allow = "--sysgc-allow=" + W.path("allow.txt");
  std::string InPath = W.path("kernel.o"), Out = W.path("full");
  const char *Argv[] = {"sysgc-ld", Allow.c_str(), "--sysgc-gc=full",
                        InPath.c_str(), "-o", Out.c_str(), "--sysgc-quiet"};
  ASSERT_EQ(sysgcLdMain(Argv), 0);
  Linked L(Out);
  EXPECT_FALSE(L.has("unused"));
  EXPECT_FALSE(L.has("only_in_extable"));
  EXPECT_TRUE(L.has("sock_create")); // .init.text calls it
  auto R = verifyOutput(*L.Obj, G, Full);
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->SlotsChecked, 202u);
  // The syscall-scoped plan keeps what full mode removed.
  auto Bad = verifyOutput(*L.Obj, G, Scoped);
  ASSERT_FALSE(bool(Bad));
  EXPECT_NE(toString(Bad.takeError()).find("lld collected"), std::string::npos);
}
} // namespace
