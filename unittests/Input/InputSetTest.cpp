//===- InputSetTest.cpp - inputs read as a link reads them ----------------===//
//
// Archives read as lld reads them, and the checks that turn an object lld
// would crash on into an error naming the file and section (LinkChecks.cpp).
//
//===----------------------------------------------------------------------===//
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

// --- What lld trusts, checked as the object is read (LinkChecks.cpp) -----

namespace {
// A small object: .text (8 bytes) calling f, .data with a pointer to f.
const char *const CheckedYaml = R"(--- !ELF
FileHeader: { Class: ELFCLASS64, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_X86_64 }
Sections:
  - { Name: .text, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: 'e800000000c3cccc' }
  - { Name: .data, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_WRITE ], AddressAlign: 8, Size: 16 }
  - Name: .rela.text
    Type: SHT_RELA
    Info: .text
    Relocations:
      - { Offset: 1, Symbol: f, Type: R_X86_64_PLT32, Addend: -4 }
  - Name: .rela.data
    Type: SHT_RELA
    Info: .data
    Relocations:
      - { Offset: 0, Symbol: f, Type: R_X86_64_64 }
Symbols:
  - { Name: f, Type: STT_FUNC, Section: .text, Binding: STB_GLOBAL, Size: 6 }
)";

// The error reading Yaml (with Edit applied to CheckedYaml's text) gives,
// or "" if it reads.
std::string readError(const std::string &Yaml) {
  std::unique_ptr<MemoryBuffer> Obj = yamlToObject(Yaml);
  auto O = ElfObject::create(Obj->getMemBufferRef(), "t.o");
  if (O)
    return "";
  return toString(O.takeError());
}

std::string edited(StringRef From, StringRef To) {
  std::string Y = CheckedYaml;
  size_t At = Y.find(From.str());
  EXPECT_NE(At, std::string::npos) << From.str();
  return Y.replace(At, From.size(), To.str());
}
} // namespace

TEST(LinkChecks, TheUndamagedObjectReads) {
  EXPECT_EQ(readError(CheckedYaml), "");
}

TEST(LinkChecks, RelocationPastTheSectionEnd) {
  // lld would write 4 bytes at .text+6: 2 past the end (on a worker
  // thread, inside the output buffer or past it).
  std::string Msg = readError(edited("{ Offset: 1, Symbol: f, Type: R_X86_64_PLT32",
                                     "{ Offset: 6, Symbol: f, Type: R_X86_64_PLT32"));
  EXPECT_NE(Msg.find("t.o:(.text): relocation 0 (R_X86_64_PLT32) at 0x6 "
                     "reaches bytes [0x6, 0xa), outside the section's 0x8 "
                     "bytes"),
            std::string::npos)
      << Msg;
  // A flipped high bit: far past the end.
  Msg = readError(edited("{ Offset: 0, Symbol: f, Type: R_X86_64_64 }",
                         "{ Offset: 0x100000000, Symbol: f, Type: R_X86_64_64 }"));
  EXPECT_NE(Msg.find("t.o:(.data): relocation 0 (R_X86_64_64) at 0x100000000"),
            std::string::npos)
      << Msg;
}

TEST(LinkChecks, RelaxationBytesBeforeTheField) {
  // lld relaxes a GOTPCRELX load by rewriting the two opcode bytes before
  // the field: at offset 1 they would start before the section.
  std::string Msg = readError(edited("Type: R_X86_64_PLT32", "Type: R_X86_64_GOTPCRELX"));
  EXPECT_NE(Msg.find("reaches bytes [0xffffffffffffffff, 0x5)"), std::string::npos)
      << Msg;
}

TEST(LinkChecks, UnknownRelocationType) {
  std::string Msg = readError(edited("Type: R_X86_64_64 }", "Type: 0x40001 }"));
  EXPECT_NE(Msg.find("t.o:(.data): relocation 0 at 0x0 has type 262145, which "
                     "is not a relocation type of machine 62"),
            std::string::npos)
      << Msg;
}

TEST(LinkChecks, TwoRelocationsPatchOneField) {
  // The later one silently wins in lld: a dispatch slot would hold another
  // entry than the one sysgc planned with. (Out of order: the sorted path.)
  std::string Msg = readError(edited(
      "      - { Offset: 0, Symbol: f, Type: R_X86_64_64 }\n",
      "      - { Offset: 0, Symbol: f, Type: R_X86_64_64 }\n"
      "      - { Offset: 8, Symbol: f, Type: R_X86_64_64 }\n"
      "      - { Offset: 0, Symbol: f, Type: R_X86_64_PC32 }\n"));
  EXPECT_NE(Msg.find("t.o:(.data): relocations 0 and 2 both patch the field "
                     "at 0x0"),
            std::string::npos)
      << Msg;
  // In order, and fields that only partly overlap are the planner's to
  // judge (it names the table layout they break).
  Msg = readError(edited("      - { Offset: 0, Symbol: f, Type: R_X86_64_64 }\n",
                         "      - { Offset: 0, Symbol: f, Type: R_X86_64_64 }\n"
                         "      - { Offset: 0, Symbol: f, Type: R_X86_64_32 }\n"));
  EXPECT_NE(Msg.find("relocations 0 and 1 both patch the field at 0x0"),
            std::string::npos)
      << Msg;
  EXPECT_EQ(readError(edited("      - { Offset: 0, Symbol: f, Type: R_X86_64_64 }\n",
                             "      - { Offset: 0, Symbol: f, Type: R_X86_64_64 }\n"
                             "      - { Offset: 4, Symbol: f, Type: R_X86_64_32 }\n")),
            "");
}

TEST(LinkChecks, SymbolIndexPastTheSymbolTable) {
  std::string Msg = readError(edited("{ Offset: 0, Symbol: f,", "{ Offset: 0, Symbol: 4000,"));
  EXPECT_NE(Msg.find("t.o:(.data): relocation 0 at 0x0 has symbol index 4000, "
                     "the symbol table has 2 entries"),
            std::string::npos)
      << Msg;
}

TEST(LinkChecks, LinkOrderOnASectionLldDoesNotLinkAsContents) {
  // lld casts every SHF_LINK_ORDER section to a plain input section: the
  // symbol table has none (a null pointer), a mergeable section another kind.
  std::string Msg = readError(edited(
      "  - { Name: .data,", "  - { Name: .symtab, Type: SHT_SYMTAB, Flags: "
                            "[ SHF_LINK_ORDER ], Link: .strtab }\n"
                            "  - { Name: .data,"));
  EXPECT_NE(Msg.find("t.o:(.symtab): SHF_LINK_ORDER on a section lld does "
                     "not link as plain contents"),
            std::string::npos)
      << Msg;
  Msg = readError(edited(
      "  - { Name: .data,",
      "  - { Name: .rodata.str, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, "
      "SHF_MERGE, SHF_STRINGS, SHF_LINK_ORDER ], Link: .text, EntSize: 1, "
      "Content: '6100' }\n  - { Name: .data,"));
  EXPECT_NE(Msg.find("t.o:(.rodata.str): SHF_LINK_ORDER on a section lld "
                     "does not link as plain contents"),
            std::string::npos)
      << Msg;
}

TEST(LinkChecks, NoBitsWhoseContentsLldReads) {
  std::string Msg = readError(edited(
      "  - { Name: .data,",
      "  - { Name: .eh_frame, Type: SHT_NOBITS, Flags: [ SHF_ALLOC ], Size: "
      "64 }\n  - { Name: .data,"));
  EXPECT_NE(Msg.find("t.o:(.eh_frame): SHT_NOBITS, but the linker reads this "
                     "section's contents"),
            std::string::npos)
      << Msg;
  Msg = readError(edited("{ Name: .data, Type: SHT_PROGBITS,",
                         "{ Name: .data, Type: SHT_NOBITS,"));
  EXPECT_NE(Msg.find("t.o:(.rela.data): applies to t.o:(.data), a section "
                     "without contents to relocate"),
            std::string::npos)
      << Msg;
}

TEST(LinkChecks, GroupMembers) {
  std::string Group =
      "  - { Name: .group, Type: SHT_GROUP, Link: .symtab, Info: f, Members: "
      "[ { SectionOrType: GRP_COMDAT }, { SectionOrType: MEMBER } ] }\n"
      "  - { Name: .data,";
  auto WithMember = [&](StringRef M) {
    std::string G = Group;
    G.replace(G.find("MEMBER"), 6, M.str());
    return edited("  - { Name: .data,", G);
  };
  EXPECT_EQ(readError(WithMember(".text")), "");
  std::string Msg = readError(WithMember("0x5000"));
  EXPECT_NE(Msg.find("t.o:(.group): group member 1 is section 20480, there "
                     "are"),
            std::string::npos)
      << Msg;
  Msg = readError(WithMember(".group"));
  EXPECT_NE(Msg.find("group member 1 is the group"), std::string::npos) << Msg;
}

TEST(LinkChecks, CompressedSizeNoStreamCanHold) {
  // ELFCOMPRESS_ZLIB, ch_size 2^40, from 4 bytes: lld would allocate a
  // terabyte before it decompressed anything.
  std::string Msg = readError(edited(
      "  - { Name: .data,",
      "  - { Name: .debug_x, Type: SHT_PROGBITS, Flags: [ SHF_COMPRESSED ], "
      "Content: '01000000000000000000000000010000010000000000000078dacccc' }\n"
      "  - { Name: .data,"));
  EXPECT_NE(Msg.find("t.o:(.debug_x): ch_size 1099511627776 is more than 4 "
                     "bytes of compressed data can hold"),
            std::string::npos)
      << Msg;
}

TEST(LinkChecks, BindingsAgreeWithSymtabInfo) {
  std::string Msg = readError(edited(
      "  - { Name: .data,", "  - { Name: .symtab, Type: SHT_SYMTAB, Link: "
                            ".strtab, Info: 2 }\n  - { Name: .data,"));
  EXPECT_NE(Msg.find("t.o: symbol 1 ('f') is not local but the symbol "
                     "table's sh_info says the first global is 2"),
            std::string::npos)
      << Msg;
}

TEST(LinkChecks, SymbolsInsideTheirSections) {
  // A flipped st_size: the verifier would read f's bytes far past .text.
  std::string Msg = readError(edited("Binding: STB_GLOBAL, Size: 6 }",
                                     "Binding: STB_GLOBAL, Size: 0xffffffffffffff5a }"));
  EXPECT_NE(Msg.find("t.o: symbol 1 ('f') spans [0x0, +0xffffffffffffff5a), "
                     "past the end of t.o:(.text) (0x8 bytes)"),
            std::string::npos)
      << Msg;
  // lld would give f no section at all.
  Msg = readError(edited("Section: .text, Binding", "Section: .rela.text, Binding"));
  EXPECT_NE(Msg.find("t.o: symbol 1 ('f') is defined in t.o:(.rela.text), "
                     "which holds no code or data (type 0x4)"),
            std::string::npos)
      << Msg;
}

TEST(LinkChecks, LinkedFilesAreNotHeldToThem) {
  // An executable's relocation offsets are addresses, not section offsets.
  std::string Y = edited("Type: ET_REL", "Type: ET_EXEC");
  Y = Y.replace(Y.find("{ Offset: 0, Symbol: f, Type: R_X86_64_64 }"),
                strlen("{ Offset: 0, Symbol: f, Type: R_X86_64_64 }"),
                "{ Offset: 0x401000, Symbol: f, Type: R_X86_64_64 }");
  EXPECT_EQ(readError(Y), "");
}
