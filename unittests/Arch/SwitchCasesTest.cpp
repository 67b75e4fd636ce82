//===- SwitchCasesTest.cpp - decoding an x86 compare-tree dispatcher ------===//
#include "sysgc/Arch/Arch.h"
#include "../Support/TestObjects.h"
#include "llvm/BinaryFormat/ELF.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
// cmpl $5,%esi; je A; cmpl $7,%esi; je A; jmp ni; int3
// Numbers 5 and 7 share entry A: only decoding tells the cases apart.
const char *SwitchYaml = R"(--- !ELF
FileHeader: { Class: ELFCLASS64, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_X86_64 }
Sections:
  - Name: .text.sw
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    Content: '83fe050f840000000083fe070f8400000000e900000000cc'
  - Name: .rela.text.sw
    Type: SHT_RELA
    Info: .text.sw
    Relocations:
      - { Offset: 5, Symbol: A, Type: R_X86_64_PLT32, Addend: -4 }
      - { Offset: 14, Symbol: A, Type: R_X86_64_PLT32, Addend: -4 }
      - { Offset: 19, Symbol: ni, Type: R_X86_64_PLT32, Addend: -4 }
Symbols:
  - { Name: A, Binding: STB_GLOBAL }
  - { Name: ni, Binding: STB_GLOBAL }
)";

TEST(SwitchCases, EachCaseGetsItsNumber) {
  auto Buf = yamlToObject(SwitchYaml);
  auto O = ElfObject::create(Buf->getMemBufferRef(), "sw.o");
  ASSERT_TRUE(bool(O)) << toString(O.takeError());
  const ArchInfo &Arch = *getArch(ELF::EM_X86_64);
  auto Cases = Arch.switchCases(**O, 1, 0, 24);
  ASSERT_TRUE(Cases.has_value());
  EXPECT_EQ((*Cases)[0], std::set<uint32_t>{5});
  EXPECT_EQ((*Cases)[1], std::set<uint32_t>{7});
  EXPECT_TRUE((*Cases)[2].empty()); // the default: a range, not a case
}

TEST(SwitchCases, GivesUpOnCodeItDoesNotUnderstand) {
  // addl $1, %esi before the compare: the number is transformed.
  std::string Y = SwitchYaml;
  Y.replace(Y.find("'83fe05"), 7, "'83c60183fe05");
  for (const char *Off : {"Offset: 5,", "Offset: 14,", "Offset: 19,"}) {
    size_t At = Y.find(Off);
    int N = std::stoi(Y.substr(At + 8)) + 3;
    Y.replace(At, strlen(Off), "Offset: " + std::to_string(N) + ",");
  }
  auto Buf = yamlToObject(Y);
  auto O = ElfObject::create(Buf->getMemBufferRef(), "sw.o");
  ASSERT_TRUE(bool(O)) << toString(O.takeError());
  EXPECT_FALSE(getArch(ELF::EM_X86_64)->switchCases(**O, 1, 0, 27).has_value());
}
} // namespace

// findTable filters names before it hashes them: the filter must let every
// table through and answer exactly as a scan of the layouts would.
TEST(ArchInfo, FindTableAnswersAsAScan) {
  const ArchInfo &A = *getArch(ELF::EM_X86_64);
  auto Scan = [&](StringRef Name) -> const TableLayout * {
    for (const TableLayout &L : A.Tables)
      if (L.matches(Name))
        return &L;
    return nullptr;
  };
  std::vector<std::string> Names = {"", ".text", ".text.foo", ".data.x",
                                    "__ex_tablE", "__ex_table.", "_ex_table",
                                    ".orc_unwind_", ".smp_locks2",
                                    std::string(200, 's')};
  for (const TableLayout &L : A.Tables) {
    std::string N = L.Section.str();
    if (!N.empty() && N.back() == '*')
      N.pop_back(), N += "suffix";
    Names.push_back(N);
    // Same length, first and last byte: passes the filter, is no table.
    if (N.size() > 2)
      Names.push_back(N.front() + std::string(N.size() - 2, 'q') + N.back());
  }
  size_t Found = 0;
  for (const std::string &N : Names) {
    EXPECT_EQ(A.findTable(N), Scan(N)) << N;
    Found += Scan(N) != nullptr;
  }
  EXPECT_GE(Found, A.Tables.size());
}
