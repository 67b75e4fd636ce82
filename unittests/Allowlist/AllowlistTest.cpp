//===- AllowlistTest.cpp --------------------------------------------------===//
#include "sysgc/Allowlist/Allowlist.h"
#include "llvm/BinaryFormat/ELF.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace llvm;

namespace {
const ArchInfo &x86() { return *getArch(ELF::EM_X86_64); }

// The warnings about lines (not the boot-critical ones, tested apart).
static std::vector<std::string> lineWarnings(const Allowlist &L) {
  std::vector<std::string> W;
  for (const std::string &X : L.Warnings)
    if (X.find("will not boot") == std::string::npos)
      W.push_back(X);
  return W;
}

TEST(Allowlist, NamesCommentsAndBlankLines) {
  auto L = Allowlist::parse("# busybox\nread\n\n  write  # trailing\nuname\n",
                            "allow.txt", x86());
  ASSERT_TRUE(bool(L)) << toString(L.takeError());
  EXPECT_TRUE(L->allows("x64", 0));
  EXPECT_TRUE(L->allows("x64", 1));
  EXPECT_TRUE(L->allows("x64", 63));
  EXPECT_FALSE(L->allows("x64", 2));
  // Unqualified names mean every ABI: uname is 122 on i386.
  EXPECT_TRUE(L->allows("ia32", 122));
  EXPECT_TRUE(lineWarnings(*L).empty());
}

TEST(Allowlist, EntryPointSpellingIsTheSameSyscall) {
  auto L = Allowlist::parse("newuname\nnewstat\n", "a", x86());
  ASSERT_TRUE(bool(L)) << toString(L.takeError());
  EXPECT_TRUE(L->allows("x64", 63)); // uname
  EXPECT_TRUE(L->allows("x64", 4));  // stat
}

TEST(Allowlist, AbiQualifier) {
  auto L = Allowlist::parse("ia32:read\n", "a", x86());
  ASSERT_TRUE(bool(L)) << toString(L.takeError());
  EXPECT_TRUE(L->allows("ia32", 3));
  EXPECT_FALSE(L->allows("x64", 0));
  auto Alias = Allowlist::parse("i386:write\n", "a", x86());
  ASSERT_TRUE(bool(Alias)) << toString(Alias.takeError());
  EXPECT_TRUE(Alias->allows("ia32", 4));
}

TEST(Allowlist, UnknownNameIsAnErrorWithLineAndSuggestion) {
  auto L = Allowlist::parse("read\nopne\n", "busybox.allow", x86());
  ASSERT_FALSE(bool(L));
  std::string Msg = toString(L.takeError());
  EXPECT_NE(Msg.find("busybox.allow:2:"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("'opne'"), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("did you mean open"), std::string::npos) << Msg;
}

TEST(Allowlist, AllowUnknownMakesItAWarning) {
  AllowlistOptions O;
  O.AllowUnknown = true;
  auto L = Allowlist::parse("read\nfrobnicate\n", "a", x86(), O);
  ASSERT_TRUE(bool(L)) << toString(L.takeError());
  std::vector<std::string> W = lineWarnings(*L);
  ASSERT_EQ(W.size(), 1u);
  EXPECT_NE(W[0].find("a:2: warning:"), std::string::npos) << W[0];
  EXPECT_TRUE(L->allows("x64", 0));
}

TEST(Allowlist, DuplicatesAreErrorsWhateverTheSpelling) {
  auto A = Allowlist::parse("read\nread\n", "a", x86());
  ASSERT_FALSE(bool(A));
  EXPECT_NE(toString(A.takeError()).find("a:2: 'read' is a duplicate of 'read' "
                                         "on line 1"),
            std::string::npos);
  auto B = Allowlist::parse("uname\nwrite\nnewuname\n", "a", x86());
  ASSERT_FALSE(bool(B));
  EXPECT_NE(toString(B.takeError()).find("a:3: 'newuname' is a duplicate of "
                                         "'uname' on line 1"),
            std::string::npos);
  // Another ABI qualifier is not a duplicate: it says something else.
  auto C = Allowlist::parse("read\nia32:read\n", "a", x86());
  EXPECT_TRUE(bool(C)) << toString(C.takeError());
  // Lenient parsing keeps going with a warning.
  AllowlistOptions O;
  O.AllowUnknown = true;
  auto D = Allowlist::parse("read\nread\n", "a", x86(), O);
  ASSERT_TRUE(bool(D)) << toString(D.takeError());
  std::vector<std::string> W = lineWarnings(*D);
  ASSERT_EQ(W.size(), 1u);
  EXPECT_NE(W[0].find("a:2: warning:"), std::string::npos) << W[0];
}

TEST(Allowlist, BootCriticalSyscallsDroppedAreNamed) {
  auto L = Allowlist::parse("x64:read\nx64:write\nx64:openat\nx64:mmap\n"
                            "x64:exit_group\nx64:clone\nx64:wait4\n",
                            "a", x86());
  ASSERT_TRUE(bool(L)) << toString(L.takeError());
  EXPECT_TRUE(L->Warnings.empty()); // parsing alone does not judge
  std::vector<std::string> Boot =
      L->bootCriticalWarnings("a", x86(), {"x64", "ia32", "x32"});
  // x64 lacks execve and rt_sigreturn; ia32 and x32 have nothing allowed:
  // switched off on purpose, not warned about.
  ASSERT_EQ(Boot.size(), 2u);
  EXPECT_NE(Boot[0].find("a: warning: x64: the allowlist drops every one of "
                         "execve, execveat"),
            std::string::npos)
      << Boot[0];
  EXPECT_NE(Boot[1].find("rt_sigreturn"), std::string::npos) << Boot[1];
  // Nothing allowed at all: the first ABI is checked.
  auto E = Allowlist::parse("# nothing\n", "a", x86());
  ASSERT_TRUE(bool(E));
  EXPECT_EQ(E->bootCriticalWarnings("a", x86(), {"x64", "ia32", "x32"}).size(),
            9u);
}

// Only the ABIs a link dispatches are judged, each group once: an x64-only
// link with a short list hears about x64 alone (issue 12: it heard about
// ia32 and x32 too).
TEST(Allowlist, BootCriticalOnlyForTheAbisAsked) {
  auto L = Allowlist::parse("read\nwrite\n", "a", x86());
  ASSERT_TRUE(bool(L));
  std::vector<std::string> W =
      L->bootCriticalWarnings("a", x86(), {"x64", "x64"});
  EXPECT_EQ(W.size(), 7u);
  for (const std::string &X : W)
    EXPECT_NE(X.find("warning: x64:"), std::string::npos) << X;
  EXPECT_EQ(L->bootCriticalWarnings("a", x86(), {"x64", "ia32"}).size(), 14u);
}

TEST(Allowlist, UnknownAbiAndMalformedLines) {
  auto A = Allowlist::parse("arm:read\n", "a", x86());
  ASSERT_FALSE(bool(A));
  EXPECT_NE(toString(A.takeError()).find("unknown ABI 'arm'"),
            std::string::npos);
  auto B = Allowlist::parse("read write\n", "a", x86());
  ASSERT_FALSE(bool(B));
  EXPECT_NE(toString(B.takeError()).find("a:1:"), std::string::npos);
}

TEST(Allowlist, ClosestNames) {
  std::vector<std::string> C = {"clock_gettime", "clock_settime", "read"};
  auto Out = closestNames("clock_gettim", C);
  ASSERT_FALSE(Out.empty());
  EXPECT_EQ(Out[0], "clock_gettime");
  EXPECT_TRUE(closestNames("zzzzzzzzzz", C).empty());
}

TEST(Arch, X86TablesComeFromTheKernel) {
  const AbiInfo *Abi = x86().findAbi("x64");
  ASSERT_NE(Abi, nullptr);
  const SyscallDesc *U = Abi->findByName("uname");
  ASSERT_NE(U, nullptr);
  EXPECT_EQ(U->Nr, 63u);
  EXPECT_EQ(U->Entry, "sys_newuname");
  EXPECT_EQ(Abi->entrySymbols(*U), std::vector<std::string>{"__x64_sys_newuname"});
  EXPECT_EQ(Abi->findByNr(462)->Name, "mseal");
}
} // namespace
