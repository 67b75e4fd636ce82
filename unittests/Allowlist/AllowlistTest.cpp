//===- AllowlistTest.cpp --------------------------------------------------===//
#include "sysgc/Allowlist/Allowlist.h"
#include "llvm/BinaryFormat/ELF.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace llvm;

namespace {
const ArchInfo &x86() { return *getArch(ELF::EM_X86_64); }

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
  EXPECT_TRUE(L->Warnings.empty());
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
  ASSERT_EQ(L->Warnings.size(), 1u);
  EXPECT_NE(L->Warnings[0].find("a:2: warning:"), std::string::npos)
      << L->Warnings[0];
  EXPECT_TRUE(L->allows("x64", 0));
}

TEST(Allowlist, DuplicatesWarn) {
  auto L = Allowlist::parse("read\nread\n", "a", x86());
  ASSERT_TRUE(bool(L)) << toString(L.takeError());
  ASSERT_EQ(L->Warnings.size(), 1u);
  EXPECT_NE(L->Warnings[0].find("line 1"), std::string::npos);
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
