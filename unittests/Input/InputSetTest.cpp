//===- InputSetTest.cpp - archives read as a link reads them --------------===//
#include "sysgc/Input/InputSet.h"
#include "../Support/TestObjects.h"
#include "llvm/Object/ArchiveWriter.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
// An archive of KernelYaml's object as its only member.
std::string kernelArchive() {
  std::unique_ptr<MemoryBuffer> Obj = yamlToObject(KernelYaml);
  NewArchiveMember M;
  M.Buf = MemoryBuffer::getMemBuffer(Obj->getMemBufferRef(), false);
  M.MemberName = "kernel.o";
  std::vector<NewArchiveMember> Members;
  Members.push_back(std::move(M));
  auto Ar = writeArchiveToBuffer(Members, SymtabWritingMode::NormalSymtab,
                                 object::Archive::K_GNU, true, false);
  EXPECT_TRUE(bool(Ar));
  return (*Ar)->getBuffer().str();
}
} // namespace

TEST(InputSet, ArchiveMembersAreObjects) {
  std::string Ar = kernelArchive();
  InputSet In;
  ASSERT_FALSE(bool(In.addFileBuffer(MemoryBufferRef(Ar, "k.a"), "k.a",
                                     /*WholeArchive=*/true)));
  ASSERT_EQ(In.Objects.size(), 1u);
  EXPECT_EQ(In.Objects[0].Name, "k.a(kernel.o)");
  EXPECT_FALSE(In.Objects[0].Lazy);
}

TEST(InputSet, TruncatedArchiveIsAnErrorNotAnOverread) {
  // libObject trusts the member's size field: cut the file inside the
  // member and it would hand out bytes past the end.
  std::string Ar = kernelArchive();
  std::string Cut = Ar.substr(0, Ar.size() - 64);
  InputSet In;
  Error E = In.addFileBuffer(MemoryBufferRef(Cut, "k.a"), "k.a",
                             /*WholeArchive=*/false);
  ASSERT_TRUE(bool(E));
  std::string Msg = toString(std::move(E));
  EXPECT_NE(Msg.find("k.a(kernel.o): the member claims"), std::string::npos)
      << Msg;
  EXPECT_NE(Msg.find("truncated archive"), std::string::npos) << Msg;
}
