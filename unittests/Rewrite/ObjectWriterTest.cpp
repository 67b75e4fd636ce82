//===- ObjectWriterTest.cpp - write, read back, compare --------------------===//
#include "sysgc/Rewrite/ObjectWriter.h"
#include "../Support/LldRunner.h"
#include "../Support/TestObjects.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <cstring>
#include <map>

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
struct Rewritten {
  std::vector<char> Bytes;
  std::unique_ptr<ElfObject> Obj;

  const ElfSection *section(StringRef Name, uint64_t Flag = 0) const {
    for (const ElfSection &S : Obj->Sections)
      if (S.Name == Name && (S.Flags & Flag) == Flag)
        return &S;
    return nullptr;
  }
  std::vector<const ElfSection *> all(StringRef Name) const {
    std::vector<const ElfSection *> Out;
    for (const ElfSection &S : Obj->Sections)
      if (S.Name == Name)
        Out.push_back(&S);
    return Out;
  }
};

Rewritten rewrite(const ElfObject &O, const ObjectEdits &E) {
  Rewritten R;
  auto BytesOrErr = writeObject(O, E);
  EXPECT_TRUE(bool(BytesOrErr)) << toString(BytesOrErr.takeError());
  R.Bytes = std::move(*BytesOrErr);
  auto ObjOrErr = ElfObject::create(
      MemoryBufferRef(StringRef(R.Bytes.data(), R.Bytes.size()), "out.o"),
      "out.o");
  EXPECT_TRUE(bool(ObjOrErr)) << toString(ObjOrErr.takeError());
  R.Obj = std::move(*ObjOrErr);
  return R;
}

struct PlannedKernel {
  TestInputs In;
  std::unique_ptr<SectionGraph> G;
  LinkPlan Plan;
  ObjectEdits Edits;
  explicit PlannedKernel(GcMode Mode = GcMode::Collect) {
    In.add(KernelYaml, "kernel.o");
    G = std::make_unique<SectionGraph>(In.Set);
    const ArchInfo &Arch = *getArch(ELF::EM_X86_64);
    auto A = Allowlist::parse("read\n", "a", Arch);
    PlanOptions O;
    O.Mode = Mode;
    Plan = std::move(*planLink(*G, Arch, *A, O));
    Edits.Retargets = Plan.retargetsOf(0);
    for (const TableSplit &S : Plan.Splits)
      Edits.Splits.push_back(&S);
    for (int N = Plan.Exclude.find_first(); N != -1;
         N = Plan.Exclude.find_next(N))
      Edits.Exclude.push_back(G->secOf(N));
  }
  const ElfObject &obj() const { return G->object(0); }
};

TEST(ObjectWriter, NoEditsRoundTrips) {
  PlannedKernel K;
  Rewritten R = rewrite(K.obj(), {});
  ASSERT_EQ(R.Obj->Sections.size(), K.obj().Sections.size());
  for (size_t I = 1; I < R.Obj->Sections.size(); ++I) {
    EXPECT_EQ(R.Obj->Sections[I].Name, K.obj().Sections[I].Name);
    EXPECT_EQ(R.Obj->Sections[I].Flags, K.obj().Sections[I].Flags);
    EXPECT_EQ(R.Obj->Sections[I].Contents, K.obj().Sections[I].Contents);
  }
  EXPECT_EQ(R.Obj->Relocs.size(), K.obj().Relocs.size());
  EXPECT_EQ(R.Obj->Symbols.size(), K.obj().Symbols.size());
}

TEST(ObjectWriter, RetargetPointsRelocationsAtNi) {
  PlannedKernel K;
  Rewritten R = rewrite(K.obj(), K.Edits);
  const ElfSection *Sw = R.section(".text.x64_sys_call");
  ASSERT_NE(Sw, nullptr);
  uint32_t SwIdx = Sw - R.Obj->Sections.data();
  std::vector<std::string> Targets;
  for (const ElfReloc &Rel : R.Obj->relocsOf(SwIdx))
    Targets.push_back(R.Obj->Symbols[Rel.Symbol].Name.str());
  EXPECT_EQ(Targets, (std::vector<std::string>{
                         "__x64_sys_read", "__x64_sys_ni_syscall",
                         "__x64_sys_ni_syscall", "__x64_sys_ni_syscall"}));
  // Addends survive.
  for (const ElfReloc &Rel : R.Obj->relocsOf(SwIdx))
    EXPECT_EQ(Rel.Addend, -4);
}

TEST(ObjectWriter, UnknownTargetSymbolIsAppendedAsUndefinedGlobal) {
  PlannedKernel K;
  ObjectEdits E;
  E.Retargets = {{K.Plan.retargetsOf(0)[0].first, "__x64_sys_brand_new"}};
  Rewritten R = rewrite(K.obj(), E);
  ASSERT_EQ(R.Obj->Symbols.size(), K.obj().Symbols.size() + 1);
  const ElfSymbol &S = R.Obj->Symbols.back();
  EXPECT_EQ(S.Name, "__x64_sys_brand_new");
  EXPECT_TRUE(S.isUndefined());
  EXPECT_EQ(S.Binding, ELF::STB_GLOBAL);
}

TEST(ObjectWriter, TablesBecomeLinkOrderPiecesWithTheirRelocations) {
  PlannedKernel K;
  Rewritten R = rewrite(K.obj(), K.Edits);
  auto Ex = R.all("__ex_table");
  ASSERT_EQ(Ex.size(), 3u); // the (now empty) original and two pieces
  EXPECT_EQ(Ex[0]->Size, 0u);
  for (size_t I = 1; I < Ex.size(); ++I) {
    EXPECT_TRUE(Ex[I]->Flags & ELF::SHF_LINK_ORDER);
    EXPECT_EQ(Ex[I]->Size, 12u);
    EXPECT_EQ(Ex[I]->AddrAlign, 4u);
  }
  EXPECT_EQ(R.Obj->Sections[Ex[1]->Link].Name, ".text.__x64_sys_read");
  EXPECT_EQ(R.Obj->Sections[Ex[2]->Link].Name, ".text.sock_alloc");
  // The sock_alloc piece carries the entry's two relocations, rebased.
  uint32_t P2 = Ex[2] - R.Obj->Sections.data();
  auto Rels = R.Obj->relocsOf(P2);
  ASSERT_EQ(Rels.size(), 2u);
  EXPECT_EQ(Rels[0].Offset, 0u);
  EXPECT_EQ(Rels[1].Offset, 4u);
  EXPECT_EQ(Rels[0].Addend, 2);
  EXPECT_EQ(R.Obj->Symbols[Rels[0].Symbol].Type, ELF::STT_SECTION);
}

TEST(ObjectWriter, ParallelTableDataMovesWithItsEntries) {
  PlannedKernel K;
  Rewritten R = rewrite(K.obj(), K.Edits);
  auto Un = R.all(".orc_unwind");
  auto Ip = R.all(".orc_unwind_ip");
  ASSERT_EQ(Un.size(), 5u);
  ASSERT_EQ(Ip.size(), 5u);
  for (size_t I = 1; I < Un.size(); ++I) {
    ASSERT_EQ(Un[I]->Size, 6u);
    // Entry i of the original holds byte i+1 first; owners match the ip
    // pieces.
    EXPECT_EQ(Un[I]->Contents[0], I);
    EXPECT_EQ(Un[I]->Link, Ip[I]->Link);
  }
}

TEST(ObjectWriter, ExcludeFlagsOnTheDeadAndTheirPiecesOnly) {
  PlannedKernel K(GcMode::Retain);
  Rewritten R = rewrite(K.obj(), K.Edits);
  EXPECT_FALSE(R.section(".text.main")->Flags & ELF::SHF_EXCLUDE);
  EXPECT_FALSE(R.section(".text.fdget")->Flags & ELF::SHF_EXCLUDE);
  EXPECT_TRUE(R.section(".text.sock_alloc")->Flags & ELF::SHF_EXCLUDE);
  EXPECT_TRUE(R.section(".text.__x64_sys_socket")->Flags & ELF::SHF_EXCLUDE);
  // Every piece left in Retain mode belongs to a dead owner: excluded with
  // it; the tables themselves stay.
  size_t Pieces = 0;
  for (const ElfSection &S : R.Obj->Sections) {
    if (S.Name != "__ex_table" && S.Name != ".orc_unwind_ip" &&
        S.Name != ".orc_unwind")
      continue;
    bool IsPiece = S.Flags & ELF::SHF_LINK_ORDER;
    Pieces += IsPiece;
    EXPECT_EQ(bool(S.Flags & ELF::SHF_EXCLUDE), IsPiece) << S.Name.str();
    if (IsPiece)
      EXPECT_TRUE(R.Obj->Sections[S.Link].Flags & ELF::SHF_EXCLUDE);
  }
  EXPECT_GT(Pieces, 0u);
}

TEST(ObjectWriter, RetainModeTablesKeepLiveEntriesInPlace) {
  PlannedKernel K(GcMode::Retain);
  Rewritten R = rewrite(K.obj(), K.Edits);
  auto Ex = R.all("__ex_table");
  ASSERT_EQ(Ex.size(), 2u);
  EXPECT_EQ(Ex[0]->Size, 12u); // read's entry, where it was
  EXPECT_EQ(R.Obj->Sections[Ex[1]->Link].Name, ".text.sock_alloc");
}

TEST(ObjectWriter, RefusesBadEdits) {
  PlannedKernel K;
  TableSplit Bad = K.Plan.Splits[0];
  Bad.EntrySize = 7; // does not divide the table
  ObjectEdits E;
  E.Splits = {&Bad};
  auto Out = writeObject(K.obj(), E);
  ASSERT_FALSE(bool(Out));
  EXPECT_NE(toString(Out.takeError()).find("7-byte"), std::string::npos);
  TableSplit Twice = K.Plan.Splits[0];
  Twice.Remainder = Twice.Pieces[0].Entries;
  E.Splits = {&Twice};
  auto Out2 = writeObject(K.obj(), E);
  ASSERT_FALSE(bool(Out2));
  consumeError(Out2.takeError());
}

// More than 65280 sections: the output must use extended numbering, and
// symbols in high sections SHN_XINDEX.
TEST(ObjectWriter, ExtendedSectionNumbering) {
  std::string Y = "--- !ELF\nFileHeader: { Class: ELFCLASS64, Data: "
                  "ELFDATA2LSB, Type: ET_REL, Machine: EM_X86_64 }\n"
                  "Sections:\n";
  const int N = 65285;
  for (int I = 0; I < N; ++I)
    Y += "  - { Name: .text.f" + std::to_string(I) +
         ", Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], Size: 1 }\n";
  Y += "  - { Name: __ex_table, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], "
       "AddressAlign: 4, Size: 24 }\n"
       "  - Name: .rela__ex_table\n    Type: SHT_RELA\n    Info: __ex_table\n"
       "    Relocations:\n"
       "      - { Offset: 0, Symbol: f65284, Type: R_X86_64_PC32 }\n"
       "      - { Offset: 12, Symbol: f65283, Type: R_X86_64_PC32 }\n"
       // Symbols: null, label (local first), f65284, f65283.
       "  - Name: .symtab_shndx\n    Type: SHT_SYMTAB_SHNDX\n"
       "    Link: .symtab\n    EntSize: 4\n"
       "    Entries: [ 0, 65286, 65285, 65284 ]\n"
       "Symbols:\n"
       "  - { Name: label, Index: SHN_XINDEX, Value: 12 }\n"
       "  - { Name: f65284, Type: STT_FUNC, Index: SHN_XINDEX, Binding: STB_GLOBAL }\n"
       "  - { Name: f65283, Type: STT_FUNC, Index: SHN_XINDEX, Binding: STB_GLOBAL }\n";
  auto Buf = yamlToObject(Y);
  auto In = ElfObject::create(Buf->getMemBufferRef(), "big.o");
  ASSERT_TRUE(bool(In)) << toString(In.takeError());
  uint32_t Ex = 0;
  for (uint32_t I = 0; I < (*In)->Sections.size(); ++I)
    if ((*In)->Sections[I].Name == "__ex_table")
      Ex = I;
  ASSERT_EQ(Ex, 65286u);
  // The input's own SHN_XINDEX symbols were read through .symtab_shndx.
  for (const ElfSymbol &Sym : (*In)->Symbols)
    if (Sym.Name == "label")
      ASSERT_EQ(Sym.Shndx, Ex);
  TableSplit S{0, Ex, 12, {}, {}};
  uint32_t F9 = 0, F8 = 0;
  for (uint32_t I = 0; I < (*In)->Sections.size(); ++I) {
    if ((*In)->Sections[I].Name == ".text.f65284") F9 = I;
    if ((*In)->Sections[I].Name == ".text.f65283") F8 = I;
  }
  S.Pieces = {{F9, {0}}, {F8, {1}}};
  ObjectEdits E;
  E.Splits = {&S};
  E.Exclude = {F9};
  Rewritten R = rewrite(**In, E);
  ASSERT_EQ(R.Obj->Sections.size(), (*In)->Sections.size() + 4);
  EXPECT_EQ(R.Obj->Sections[F9].Name, ".text.f65284");
  auto Pieces = R.all("__ex_table");
  ASSERT_EQ(Pieces.size(), 3u);
  EXPECT_EQ(Pieces[1]->Link, F9);
  EXPECT_EQ(Pieces[2]->Link, F8);
  // The label moved into the second piece, whose index needs SHN_XINDEX.
  const ElfSymbol *Label = nullptr;
  for (const ElfSymbol &Sym : R.Obj->Symbols)
    if (Sym.Name == "label")
      Label = &Sym;
  ASSERT_NE(Label, nullptr);
  EXPECT_TRUE(Label->XIndex);
  EXPECT_EQ(&R.Obj->Sections[Label->Shndx], Pieces[2]);
  EXPECT_EQ(Label->Value, 0u);
  EXPECT_TRUE(R.Obj->Sections[F9].Flags & ELF::SHF_EXCLUDE);
  EXPECT_TRUE(Pieces[1]->Flags & ELF::SHF_EXCLUDE);  // F9's piece
  EXPECT_FALSE(Pieces[2]->Flags & ELF::SHF_EXCLUDE); // F8's
  EXPECT_NE(R.Obj->SymtabShndxIndex, 0u);
}
} // namespace

// Three .text sections, a .data between them, a .text of larger alignment,
// and a section symbol relocation into the second .text.
const char *const CoalesceYaml = R"(
--- !ELF
FileHeader: { Class: ELFCLASS64, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_X86_64 }
Sections:
  - { Name: .text.a, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "C3" }
  - { Name: .data.x, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_WRITE ], AddressAlign: 8, Content: "0000000000000000" }
  - { Name: .text.b, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: "90C3" }
  - { Name: .text.c, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 64, Content: "C3" }
  - { Name: .text.d, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "E800000000C3" }
  - Name: .rela.text.d
    Type: SHT_RELA
    Info: .text.d
    Relocations:
      - { Offset: 1, Symbol: .text.b, Type: R_X86_64_PLT32, Addend: -3 }
  - Name: .rela.data.x
    Type: SHT_RELA
    Info: .data.x
    Relocations:
      - { Offset: 0, Symbol: b, Type: R_X86_64_64 }
Symbols:
  - { Name: .text.b, Type: STT_SECTION, Section: .text.b }
  - { Name: a, Type: STT_FUNC, Section: .text.a, Binding: STB_GLOBAL, Size: 1 }
  - { Name: b, Type: STT_FUNC, Section: .text.b, Value: 1, Binding: STB_GLOBAL, Size: 1 }
  - { Name: d, Type: STT_FUNC, Section: .text.d, Binding: STB_GLOBAL, Size: 6 }
)";

// CoalesceYaml with its relocations read, and the edits normalisation
// makes (.text.* -> .text, .data.* -> .data).
struct CoalesceInput {
  TestInputs In;
  ObjectEdits E;
  CoalesceInput() {
    In.add(CoalesceYaml, "k.o");
    EXPECT_FALSE(bool(obj().loadRelocs()));
    for (uint32_t I = 1; I < obj().Sections.size(); ++I) {
      StringRef N = obj().Sections[I].Name;
      if (N.starts_with(".text") || N.starts_with(".data"))
        E.Renames.push_back({I, N.starts_with(".text") ? ".text" : ".data"});
    }
  }
  ElfObject &obj() { return *In.Set.Objects[0].Elf; }
};

TEST(ObjectWriter, CoalescesRunsAsLldWouldPlaceThem) {
  CoalesceInput CI;
  const ElfObject &O = CI.obj();
  ObjectEdits &E = CI.E;
  SectionPlacement P; // no script: .text and .data are orphans apart
  E.Placement = &P;
  E.CodeFill = {0xcc, 0xcc, 0xcc, 0xcc};
  Rewritten R = rewrite(O, E);

  // .text.a and .text.b join across .data (lld places .data elsewhere);
  // .text.c, aligned more than the head, starts a run that .text.d joins.
  // The joined sections are gone (and .text.d's relocation section, its
  // relocations now .text.c's): two sections fewer, the rest renumbered.
  ASSERT_EQ(R.Obj->Sections.size(), O.Sections.size() - 2);
  std::vector<uint32_t> Texts;
  for (uint32_t I = 1; I < R.Obj->Sections.size(); ++I)
    if (R.Obj->Sections[I].Name == ".text")
      Texts.push_back(I);
  ASSERT_EQ(Texts.size(), 2u);
  uint32_t AI = Texts[0], CI2 = Texts[1];
  const ElfSection &A = R.Obj->Sections[AI];
  EXPECT_EQ(A.Flags & ELF::SHF_EXCLUDE, 0u);
  EXPECT_EQ(A.AddrAlign, 16u);
  EXPECT_EQ(StringRef(reinterpret_cast<const char *>(A.Contents.data()), A.Contents.size()), StringRef("\xc3\xcc\xcc\xcc\x90\xc3", 6));
  const ElfSection &C = R.Obj->Sections[CI2];
  EXPECT_EQ(C.Flags & ELF::SHF_EXCLUDE, 0u);
  EXPECT_EQ(C.AddrAlign, 64u);
  EXPECT_EQ(C.Size, 16u + 6u);
  const ElfSection *Data = R.section(".data");
  ASSERT_TRUE(Data);
  EXPECT_EQ(Data->Flags & ELF::SHF_EXCLUDE, 0u);
  EXPECT_FALSE(R.section(".text.b") || R.section(".text.d"));

  // Symbols follow their parts; the section symbol of .text.b too, so the
  // relocation through it still reaches b.
  std::map<std::string, std::pair<uint32_t, uint64_t>> Syms;
  for (const ElfSymbol &S : R.Obj->Symbols)
    Syms[S.Name.str()] = {S.Shndx, S.Value};
  EXPECT_EQ(Syms["a"], std::make_pair(AI, uint64_t(0)));
  EXPECT_EQ(Syms["b"], std::make_pair(AI, uint64_t(5)));
  EXPECT_EQ(Syms["d"], std::make_pair(CI2, uint64_t(16)));
  EXPECT_EQ(R.Obj->Symbols[1].Type, ELF::STT_SECTION);
  EXPECT_EQ(R.Obj->Symbols[1].Shndx, AI);
  EXPECT_EQ(R.Obj->Symbols[1].Value, 4u);

  // .text.d's relocation now belongs to .text.c, 16 bytes in; the
  // relocation sections name their new targets and the symbol table.
  ASSERT_FALSE(bool(R.Obj->loadRelocs()));
  auto Rs = R.Obj->relocsOf(CI2);
  ASSERT_EQ(Rs.size(), 1u);
  EXPECT_EQ(Rs[0].Offset, 17u);
  EXPECT_EQ(Rs[0].Addend, -3);
  EXPECT_EQ(R.Obj->relocsOf(uint32_t(Data - R.Obj->Sections.data())).size(),
            1u);
  for (const ElfSection &S : R.Obj->Sections)
    if (S.Type == ELF::SHT_RELA)
      EXPECT_EQ(S.Link, R.Obj->SymtabIndex) << S.Name.str();
}

namespace {
// O with its .text.* sections renamed .text and joined (no script: every
// .text an orphan of one class).
Rewritten rewriteTextJoined(const ElfObject &O) {
  ObjectEdits E;
  for (uint32_t I = 1; I < O.Sections.size(); ++I)
    if (O.Sections[I].Name.starts_with(".text."))
      E.Renames.push_back({I, ".text"});
  SectionPlacement P;
  E.Placement = &P;
  E.CodeFill = {0xcc, 0xcc, 0xcc, 0xcc};
  return rewrite(O, E);
}
} // namespace

// A table linked to a joined section follows it into the head, under the
// head's new number; the symbol table's links survive the renumbering.
TEST(ObjectWriter, JoinedSectionsGoAndLinksFollowTheirHead) {
  TestInputs In;
  In.add(R"(
--- !ELF
FileHeader: { Class: ELFCLASS64, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_X86_64 }
Sections:
  - { Name: .data.x, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_WRITE ], AddressAlign: 8, Content: "00" }
  - { Name: .text.a, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "C3" }
  - { Name: .text.b, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "90C3" }
  - { Name: __tbl, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_LINK_ORDER ], Link: .text.b, Content: "0000000000000000" }
  - Name: .rela__tbl
    Type: SHT_RELA
    Info: __tbl
    Relocations:
      - { Offset: 0, Symbol: b, Type: R_X86_64_64 }
Symbols:
  - { Name: a, Type: STT_FUNC, Section: .text.a, Binding: STB_GLOBAL, Size: 1 }
  - { Name: b, Type: STT_FUNC, Section: .text.b, Binding: STB_GLOBAL, Size: 2 }
)",
         "k.o");
  const ElfObject &O = *In.Set.Objects[0].Elf;
  Rewritten R = rewriteTextJoined(O);
  ASSERT_EQ(R.Obj->Sections.size(), O.Sections.size() - 1);
  const ElfSection *Text = R.section(".text");
  ASSERT_TRUE(Text);
  uint32_t TI = Text - R.Obj->Sections.data();
  EXPECT_EQ(Text->Size, 18u);
  const ElfSection *Tbl = R.section("__tbl");
  ASSERT_TRUE(Tbl);
  EXPECT_EQ(Tbl->Link, TI);
  const ElfSection *Rela = R.section(".rela__tbl");
  ASSERT_TRUE(Rela);
  EXPECT_EQ(Rela->Info, uint32_t(Tbl - R.Obj->Sections.data()));
  EXPECT_EQ(Rela->Link, R.Obj->SymtabIndex);
  EXPECT_EQ(R.Obj->Sections[R.Obj->SymtabIndex].Type, ELF::SHT_SYMTAB);
  for (const ElfSymbol &S : R.Obj->Symbols)
    if (S.Name == "b") {
      EXPECT_EQ(S.Shndx, TI);
      EXPECT_EQ(S.Value, 16u);
    }
}

// A joined section something still names stays, and so does whatever it
// names in turn: here a note links to .text.b's emptied relocation
// section, which names .text.b.
TEST(ObjectWriter, WhatAKeptPlaceholderNamesStaysToo) {
  TestInputs In;
  In.add(R"(
--- !ELF
FileHeader: { Class: ELFCLASS64, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_X86_64 }
Sections:
  - { Name: .text.a, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "E800000000C3" }
  - { Name: .text.b, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "E800000000C3" }
  - Name: .rela.text.a
    Type: SHT_RELA
    Info: .text.a
    Relocations:
      - { Offset: 1, Symbol: b, Type: R_X86_64_PLT32, Addend: -4 }
  - Name: .rela.text.b
    Type: SHT_RELA
    Info: .text.b
    Relocations:
      - { Offset: 1, Symbol: a, Type: R_X86_64_PLT32, Addend: -4 }
  - { Name: .note.x, Type: SHT_PROGBITS, Link: .rela.text.b, Content: "00" }
Symbols:
  - { Name: a, Type: STT_FUNC, Section: .text.a, Binding: STB_GLOBAL, Size: 6 }
  - { Name: b, Type: STT_FUNC, Section: .text.b, Binding: STB_GLOBAL, Size: 6 }
)",
         "k.o");
  const ElfObject &O = *In.Set.Objects[0].Elf;
  Rewritten R = rewriteTextJoined(O);
  ASSERT_EQ(R.Obj->Sections.size(), O.Sections.size());
  const ElfSection *RelB = R.section(".rela.text.b");
  ASSERT_TRUE(RelB);
  EXPECT_EQ(R.section(".note.x")->Link,
            uint32_t(RelB - R.Obj->Sections.data()));
  const ElfSection &B = R.Obj->Sections[RelB->Info];
  EXPECT_EQ(B.Name, ".text");
  EXPECT_NE(B.Flags & ELF::SHF_EXCLUDE, 0u);
  EXPECT_EQ(B.Size, 0u);
  // Both relocations now belong to the head, b's 16 bytes in.
  ASSERT_FALSE(bool(R.Obj->loadRelocs()));
  const ElfSection *A = R.section(".text");
  ASSERT_TRUE(A);
  auto Rs = R.Obj->relocsOf(uint32_t(A - R.Obj->Sections.data()));
  ASSERT_EQ(Rs.size(), 2u);
  EXPECT_EQ(Rs[1].Offset, 17u);
}

TEST(ObjectWriter, ASectionThatMayComeBetweenEndsTheRun) {
  CoalesceInput CI;
  const ElfObject &O = CI.obj();
  ObjectEdits &E = CI.E;
  // One description takes both: .data lies between .text.a and .text.b.
  SectionPlacement P;
  ASSERT_FALSE(bool(P.addScript("SECTIONS { .all : { *(.text .data) } }", "s")));
  E.Placement = &P;
  Rewritten R = rewrite(O, E);
  for (const ElfSection &S : R.Obj->Sections)
    if (S.Name == ".text" && S.Contents.size() == 2)
      EXPECT_EQ(S.Flags & ELF::SHF_EXCLUDE, 0u) << "b stays apart";
  size_t Kept = 0;
  for (const ElfSection &S : R.Obj->Sections)
    Kept += S.Name == ".text" && !(S.Flags & ELF::SHF_EXCLUDE);
  EXPECT_EQ(Kept, 3u); // a | b | c+d
}

// 32-bit arm keeps relocation addends in the section bytes (SHT_REL): an
// __ex_table of two 8-byte absolute pairs, b's entry first, each word's
// addend (4 or 0) in the table itself.
const char *const ArmRelYaml = R"(
--- !ELF
FileHeader: { Class: ELFCLASS32, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_ARM }
Sections:
  - { Name: .text.a, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: "0000A0E10000A0E1" }
  - { Name: .text.b, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: "0000A0E10000A0E1" }
  - { Name: __ex_table, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], AddressAlign: 4, Content: "04000000000000000000000004000000" }
  - Name: .rel__ex_table
    Type: SHT_REL
    Info: __ex_table
    Relocations:
      - { Offset: 0, Symbol: .text.b, Type: R_ARM_ABS32 }
      - { Offset: 4, Symbol: .text.b, Type: R_ARM_ABS32 }
      - { Offset: 8, Symbol: .text.a, Type: R_ARM_ABS32 }
      - { Offset: 12, Symbol: .text.a, Type: R_ARM_ABS32 }
Symbols:
  - { Name: .text.a, Type: STT_SECTION, Section: .text.a }
  - { Name: .text.b, Type: STT_SECTION, Section: .text.b }
  - { Name: a, Type: STT_FUNC, Section: .text.a, Binding: STB_GLOBAL, Size: 8 }
  - { Name: b, Type: STT_FUNC, Section: .text.b, Binding: STB_GLOBAL, Size: 8 }
)";

namespace {
std::string hex(ArrayRef<uint8_t> B) {
  std::string S;
  for (uint8_t C : B)
    S += formatv("{0:x-2}", C).str();
  return S;
}

uint32_t sectionIndex(const ElfObject &O, StringRef Name) {
  for (uint32_t I = 0; I < O.Sections.size(); ++I)
    if (O.Sections[I].Name == Name)
      return I;
  return 0;
}
} // namespace

// Each entry's bytes, implicit addends included, move with the entry into
// its owner's piece; the relocations follow as SHT_REL entries, rebased.
TEST(ObjectWriter, RelTableEntriesCarryTheirImplicitAddends) {
  TestInputs In;
  In.add(ArmRelYaml, "arm.o");
  ElfObject &O = *In.Set.Objects[0].Elf;
  ASSERT_FALSE(bool(O.loadRelocs()));
  ASSERT_FALSE(O.IsRela);
  uint32_t A = sectionIndex(O, ".text.a"), B = sectionIndex(O, ".text.b"),
           Ex = sectionIndex(O, "__ex_table");
  TableSplit S{0, Ex, 8, {{A, {1}}, {B, {0}}}, {}};
  ObjectEdits E;
  E.Splits = {&S};
  E.Exclude = {B};
  // A REL retarget: the symbol changes, the addend stays in the bytes.
  E.Retargets = {{0, "b_replacement"}};
  Rewritten R = rewrite(O, E);
  ASSERT_FALSE(R.Obj->Is64);
  ASSERT_FALSE(bool(R.Obj->loadRelocs())) << "the pieces' SHT_REL sections";
  EXPECT_FALSE(R.Obj->IsRela);
  auto Pieces = R.all("__ex_table");
  ASSERT_EQ(Pieces.size(), 3u);
  EXPECT_EQ(Pieces[0]->Size, 0u);
  EXPECT_EQ(Pieces[1]->Link, A);
  EXPECT_EQ(hex(Pieces[1]->Contents), "0000000004000000");
  EXPECT_EQ(Pieces[2]->Link, B);
  EXPECT_EQ(hex(Pieces[2]->Contents), "0400000000000000");
  EXPECT_TRUE(Pieces[2]->Flags & ELF::SHF_EXCLUDE);
  std::vector<std::string> Syms;
  for (const ElfSection *P : {Pieces[1], Pieces[2]}) {
    uint32_t I = P - R.Obj->Sections.data();
    const ElfSection &Rel = R.Obj->Sections[P->RelocSection];
    EXPECT_EQ(Rel.Type, ELF::SHT_REL);
    EXPECT_EQ(Rel.EntSize, 8u);
    EXPECT_EQ(Rel.Size, 16u);
    EXPECT_EQ(Rel.Link, R.Obj->SymtabIndex);
    auto Rs = R.Obj->relocsOf(I);
    ASSERT_EQ(Rs.size(), 2u);
    EXPECT_EQ(Rs[0].Offset, 0u);
    EXPECT_EQ(Rs[1].Offset, 4u);
    for (const ElfReloc &Rl : Rs) {
      EXPECT_EQ(Rl.Type, uint32_t(ELF::R_ARM_ABS32));
      Syms.push_back(R.Obj->Symbols[Rl.Symbol].Name.str());
    }
  }
  EXPECT_EQ(Syms, (std::vector<std::string>{".text.a", ".text.a",
                                            "b_replacement", ".text.b"}));
}

// Joining sections of a REL object: the bytes (addends in them) are laid
// out as lld would, the relocations move by their part's offset.
TEST(ObjectWriter, RelObjectsCoalesce) {
  TestInputs In;
  In.add(R"(
--- !ELF
FileHeader: { Class: ELFCLASS32, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_ARM }
Sections:
  - { Name: .text.a, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 8, Content: "1EFF2FE1" }
  - { Name: .text.b, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 8, Content: "0000A0E10C000000" }
  - Name: .rel.text.b
    Type: SHT_REL
    Info: .text.b
    Relocations:
      - { Offset: 4, Symbol: a, Type: R_ARM_ABS32 }
Symbols:
  - { Name: a, Type: STT_FUNC, Section: .text.a, Binding: STB_GLOBAL, Size: 4 }
  - { Name: b, Type: STT_FUNC, Section: .text.b, Binding: STB_GLOBAL, Size: 8 }
)",
         "arm.o");
  ElfObject &O = *In.Set.Objects[0].Elf;
  ASSERT_FALSE(bool(O.loadRelocs()));
  ObjectEdits E;
  E.Renames = {{sectionIndex(O, ".text.a"), ".text"},
               {sectionIndex(O, ".text.b"), ".text"}};
  SectionPlacement P;
  E.Placement = &P;
  E.CodeFill = {0xf0, 0x00, 0xf0, 0xe7}; // arm's trap, little-endian
  Rewritten R = rewrite(O, E);
  auto Texts = R.all(".text");
  ASSERT_EQ(Texts.size(), 1u);
  EXPECT_EQ(hex(Texts[0]->Contents), "1eff2fe1f000f0e70000a0e10c000000");
  ASSERT_FALSE(bool(R.Obj->loadRelocs()));
  auto Rs = R.Obj->relocsOf(Texts[0] - R.Obj->Sections.data());
  ASSERT_EQ(Rs.size(), 1u);
  EXPECT_EQ(Rs[0].Offset, 12u);
  EXPECT_EQ(R.Obj->Sections[Texts[0]->RelocSection].Type, ELF::SHT_REL);
  EXPECT_EQ(R.Obj->Sections[Texts[0]->RelocSection].EntSize, 8u);
}

// Snippets cut out of a code section of a REL object: the references'
// new addends are written into the bytes they patch. (x86-64 with SHT_REL:
// an architecture sysgc knows the relocation fields of.)
const char *const RelSnippetsYaml = R"(
--- !ELF
FileHeader: { Class: ELFCLASS64, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_X86_64 }
Sections:
  - { Name: .text.f, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "C3" }
  - { Name: .text.g, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "C3" }
  - { Name: .altinstr_replacement, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 1, Content: "AABBCCDDEE" }
  - { Name: .altinstructions, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], AddressAlign: 1, Content: "010000000400000002000000" }
  - Name: .rel.altinstructions
    Type: SHT_REL
    Info: .altinstructions
    Relocations:
      - { Offset: 0, Symbol: .altinstr_replacement, Type: R_X86_64_PC32 }
      - { Offset: 4, Symbol: .altinstr_replacement, Type: R_X86_64_PC32 }
      - { Offset: 8, Symbol: .altinstr_replacement, Type: R_X86_64_PC32 }
Symbols:
  - { Name: .altinstr_replacement, Type: STT_SECTION, Section: .altinstr_replacement }
  - { Name: f, Type: STT_FUNC, Section: .text.f, Binding: STB_GLOBAL, Size: 1 }
  - { Name: g, Type: STT_FUNC, Section: .text.g, Binding: STB_GLOBAL, Size: 1 }
)";

namespace {
struct RelSnippets {
  TestInputs In;
  RangeSplit S;
  ObjectEdits E;
  RelSnippets() {
    In.add(RelSnippetsYaml, "rel.o");
    EXPECT_FALSE(bool(obj().loadRelocs()));
    // [0,1) is f's, [1,3) g's, [3,5) stays.
    S = {0, sectionIndex(obj(), ".altinstr_replacement"), {{0, 1}, {1, 3}},
         {{sectionIndex(obj(), ".text.f"), {0}},
          {sectionIndex(obj(), ".text.g"), {1}}},
         {{0, 0}, {1, 0}, {2, 0}}};
    E.RangeSplits = {&S};
  }
  ElfObject &obj() { return *In.Set.Objects[0].Elf; }
};
} // namespace

TEST(ObjectWriter, RelSnippetReferencesGetTheirAddendsWrittenBack) {
  RelSnippets K;
  // The reader resolved the implicit addends (lld's getImplicitAddend).
  ASSERT_EQ(K.obj().Relocs[0].Addend, 1);
  ASSERT_EQ(K.obj().Relocs[1].Addend, 4);
  ASSERT_EQ(K.obj().Relocs[2].Addend, 2);
  Rewritten R = rewrite(K.obj(), K.E);
  // 1 -> g's piece at 0; 4 -> what stays, now at 1; 2 -> g's piece at 1.
  EXPECT_EQ(hex(R.section(".altinstructions")->Contents),
            "000000000100000001000000");
  auto Pieces = R.all(".altinstr_replacement");
  ASSERT_EQ(Pieces.size(), 3u);
  EXPECT_EQ(hex(Pieces[0]->Contents), "ddee");
  EXPECT_EQ(hex(Pieces[1]->Contents), "aa");
  EXPECT_EQ(hex(Pieces[2]->Contents), "bbcc");
  ASSERT_FALSE(bool(R.Obj->loadRelocs()));
  auto Rs = R.Obj->relocsOf(sectionIndex(*R.Obj, ".altinstructions"));
  ASSERT_EQ(Rs.size(), 3u);
  const ElfSymbol &G = R.Obj->Symbols[Rs[0].Symbol];
  EXPECT_EQ(&R.Obj->Sections[G.Shndx], Pieces[2]);
  EXPECT_EQ(R.Obj->Symbols[Rs[1].Symbol].Type, ELF::STT_SECTION);
  EXPECT_EQ(Rs[2].Symbol, Rs[0].Symbol);
}

// A reader that left REL addends at 0 would have the writer compute the
// wrong targets: refused, not guessed.
TEST(ObjectWriter, RelAddendsNotReadAreRefused) {
  RelSnippets K;
  for (ElfReloc &R : K.obj().Relocs)
    R.Addend = 0;
  auto Out = writeObject(K.obj(), K.E);
  ASSERT_FALSE(bool(Out));
  std::string Msg = toString(Out.takeError());
  EXPECT_NE(Msg.find("implicit addend 1"), std::string::npos) << Msg;
}

// The same on 32-bit arm, whose references are absolute words (written
// back) or, in unwind tables, PREL31: 31 bits of the word, whose top bit
// means something else (refused rather than clobbered).
TEST(ObjectWriter, ArmRelSnippetReferences) {
  for (const char *Type : {"R_ARM_ABS32", "R_ARM_PREL31"}) {
    std::string Yaml = RelSnippetsYaml;
    auto Replace = [&](StringRef From, StringRef To) {
      for (size_t At; (At = Yaml.find(From.str())) != std::string::npos;)
        Yaml.replace(At, From.size(), To.str());
    };
    Replace("ELFCLASS64", "ELFCLASS32");
    Replace("EM_X86_64", "EM_ARM");
    Replace("R_X86_64_PC32", Type);
    TestInputs In;
    In.add(Yaml, "arm.o");
    ElfObject &O = *In.Set.Objects[0].Elf;
    ASSERT_FALSE(bool(O.loadRelocs()));
    RangeSplit S{0, sectionIndex(O, ".altinstr_replacement"), {{0, 1}, {1, 3}},
                 {{sectionIndex(O, ".text.f"), {0}},
                  {sectionIndex(O, ".text.g"), {1}}},
                 {{0, 0}, {1, 0}, {2, 0}}};
    ObjectEdits E;
    E.RangeSplits = {&S};
    auto Out = writeObject(O, E);
    if (StringRef(Type) == "R_ARM_PREL31") {
      ASSERT_FALSE(bool(Out));
      std::string Msg = toString(Out.takeError());
      EXPECT_NE(Msg.find("only where it is the whole word"), std::string::npos)
          << Msg;
      continue;
    }
    ASSERT_TRUE(bool(Out)) << toString(Out.takeError());
    auto R = ElfObject::create(
        MemoryBufferRef(StringRef(Out->data(), Out->size()), "out.o"), "out.o");
    ASSERT_TRUE(bool(R));
    EXPECT_EQ(hex((*R)->Sections[sectionIndex(**R, ".altinstructions")].Contents),
              "000000000100000001000000");
  }
}

// A removed function (dead, global, in an excluded section) calls another
// object's removed function (gone, undefined); live calls printk; a group
// is signed by the global live; .llvm_addrsig and the debug info name
// symbols by index.
const char *const LocalizeYaml = R"(
--- !ELF
FileHeader: { Class: ELFCLASS64, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_X86_64 }
Sections:
  - { Name: .group, Type: SHT_GROUP, Link: .symtab, Info: live, Members: [ { SectionOrType: GRP_COMDAT }, { SectionOrType: .text.live } ] }
  - { Name: .text.live, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR, SHF_GROUP ], AddressAlign: 16, Content: "E800000000C3" }
  - { Name: .text.dead, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "E800000000C3" }
  - { Name: .debug_info, Type: SHT_PROGBITS, Content: "00000000000000000000000000000000" }
  - Name: .rela.text.live
    Type: SHT_RELA
    Info: .text.live
    Relocations:
      - { Offset: 1, Symbol: printk, Type: R_X86_64_PLT32, Addend: -4 }
  - Name: .rela.text.dead
    Type: SHT_RELA
    Info: .text.dead
    Relocations:
      - { Offset: 1, Symbol: gone, Type: R_X86_64_PLT32, Addend: -4 }
  - Name: .rela.debug_info
    Type: SHT_RELA
    Info: .debug_info
    Relocations:
      - { Offset: 0, Symbol: dead, Type: R_X86_64_64 }
      - { Offset: 8, Symbol: live, Type: R_X86_64_64 }
  - { Name: .llvm_addrsig, Type: SHT_LLVM_ADDRSIG, Flags: [ SHF_EXCLUDE ], Link: .symtab, Symbols: [ live, dead ] }
Symbols:
  - { Name: helper, Type: STT_FUNC, Section: .text.live }
  - { Name: live, Type: STT_FUNC, Section: .text.live, Binding: STB_GLOBAL, Size: 6 }
  - { Name: printk, Binding: STB_GLOBAL }
  - { Name: dead, Type: STT_FUNC, Section: .text.dead, Binding: STB_GLOBAL, Size: 6 }
  - { Name: gone, Binding: STB_GLOBAL }
  - { Name: last, Type: STT_FUNC, Section: .text.live, Value: 5, Binding: STB_WEAK }
)";

namespace {
struct LocalizeInput {
  TestInputs In;
  ObjectEdits E;
  LocalizeInput(const char *Yaml = LocalizeYaml) {
    In.add(Yaml, "k.o");
    EXPECT_FALSE(bool(obj().loadRelocs()));
    E.Exclude = {sectionIndex(obj(), ".text.dead")};
    E.Localize = {symbol("dead"), symbol("gone")};
  }
  ElfObject &obj() { return *In.Set.Objects[0].Elf; }
  uint32_t symbol(StringRef Name) {
    for (uint32_t I = 0; I < obj().Symbols.size(); ++I)
      if (obj().Symbols[I].Name == Name)
        return I;
    return 0;
  }
};

// name -> (binding, index) of every named symbol.
std::map<std::string, std::pair<int, uint32_t>> symbolTable(const ElfObject &O) {
  std::map<std::string, std::pair<int, uint32_t>> M;
  for (uint32_t I = 1; I < O.Symbols.size(); ++I)
    M[O.Symbols[I].Name.str()] = {O.Symbols[I].Binding, I};
  return M;
}

// The names the relocations of section Name refer to, in order.
std::vector<std::string> relocNames(const ElfObject &O, StringRef Name) {
  std::vector<std::string> Out;
  for (const ElfReloc &R : O.relocsOf(sectionIndex(O, Name)))
    Out.push_back(O.Symbols[R.Symbol].Name.str());
  return Out;
}
} // namespace

// The removed code's globals become locals, after the old ones; the other
// globals keep their order; everything that names a symbol by index
// follows: relocations (re-encoded or not), the group's signature,
// .llvm_addrsig, .symtab's sh_info.
TEST(ObjectWriter, GlobalsOfExcludedCodeBecomeLocals) {
  LocalizeInput K;
  Rewritten R = rewrite(K.obj(), K.E);
  ASSERT_FALSE(bool(R.Obj->loadRelocs()));
  auto T = symbolTable(*R.Obj);
  EXPECT_EQ(T["helper"], std::make_pair(int(ELF::STB_LOCAL), 1u));
  EXPECT_EQ(T["dead"], std::make_pair(int(ELF::STB_LOCAL), 2u));
  EXPECT_EQ(T["gone"], std::make_pair(int(ELF::STB_LOCAL), 3u));
  EXPECT_EQ(T["live"], std::make_pair(int(ELF::STB_GLOBAL), 4u));
  EXPECT_EQ(T["printk"], std::make_pair(int(ELF::STB_GLOBAL), 5u));
  EXPECT_EQ(T["last"], std::make_pair(int(ELF::STB_WEAK), 6u));
  EXPECT_EQ(R.Obj->FirstGlobal, 4u);
  EXPECT_EQ(R.Obj->Sections[R.Obj->SymtabIndex].Info, 4u);
  uint32_t Dead = sectionIndex(*R.Obj, ".text.dead");
  EXPECT_EQ(R.Obj->Symbols[2].Shndx, Dead) << "dead stays where it was";
  // The undefined reference: a local of the removed code too, which lld
  // reads as the symbol of a discarded section it bound to before.
  EXPECT_EQ(R.Obj->Symbols[3].Shndx, Dead);
  EXPECT_EQ(R.Obj->Symbols[3].Value, 0u);
  EXPECT_EQ(relocNames(*R.Obj, ".text.live"), std::vector<std::string>{"printk"});
  EXPECT_EQ(relocNames(*R.Obj, ".text.dead"), std::vector<std::string>{"gone"});
  EXPECT_EQ(relocNames(*R.Obj, ".debug_info"),
            (std::vector<std::string>{"dead", "live"}));
  EXPECT_EQ(R.section(".group")->Info, 4u);
  EXPECT_EQ(hex(R.section(".llvm_addrsig")->Contents), "0402");
}

// Nothing to make local: the bytes are those of the object without the
// edit (no symbol renumbered, no relocation section re-encoded).
TEST(ObjectWriter, NoLocalizeNoRenumbering) {
  LocalizeInput K;
  ObjectEdits E = K.E;
  E.Localize.clear();
  Rewritten A = rewrite(K.obj(), E);
  EXPECT_EQ(symbolTable(*A.Obj), symbolTable(K.obj()));
  ObjectEdits None;
  None.Exclude = E.Exclude;
  Rewritten B = rewrite(K.obj(), None);
  EXPECT_EQ(A.Bytes, B.Bytes);
}

// Only a definition in an excluded section becomes local.
TEST(ObjectWriter, OnlyExcludedDefinitionsBecomeLocal) {
  LocalizeInput K;
  K.E.Localize = {K.symbol("live")};
  auto Out = writeObject(K.obj(), K.E);
  ASSERT_FALSE(bool(Out));
  EXPECT_NE(toString(Out.takeError()).find("live is defined in a section "
                                           "that stays"),
            std::string::npos);
}

// The writer's own hidden snippet symbols in a piece of an excluded owner
// are local too (nothing outside the object names them).
TEST(ObjectWriter, SnippetSymbolsOfExcludedOwnersAreLocal) {
  RelSnippets K;
  K.E.Exclude = {sectionIndex(K.obj(), ".text.g")};
  Rewritten R = rewrite(K.obj(), K.E);
  ASSERT_FALSE(bool(R.Obj->loadRelocs()));
  auto Rs = R.Obj->relocsOf(sectionIndex(*R.Obj, ".altinstructions"));
  ASSERT_EQ(Rs.size(), 3u);
  const ElfSymbol &G = R.Obj->Symbols[Rs[0].Symbol];
  EXPECT_TRUE(StringRef(G.Name).starts_with("__sysgc_snippet_"));
  EXPECT_EQ(G.Binding, ELF::STB_LOCAL);
  EXPECT_LT(Rs[0].Symbol, R.Obj->FirstGlobal);
  EXPECT_TRUE(R.Obj->Sections[G.Shndx].Flags & ELF::SHF_EXCLUDE);
}

// What lld makes of it. The second object defines gone in removed code.
const char *const GoneYaml = R"(
--- !ELF
FileHeader: { Class: ELFCLASS64, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_X86_64 }
Sections:
  - { Name: .text.gone, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "C3" }
  - { Name: .text.printk, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 16, Content: "C3" }
Symbols:
  - { Name: gone, Type: STT_FUNC, Section: .text.gone, Binding: STB_GLOBAL, Size: 1 }
  - { Name: printk, Type: STT_FUNC, Section: .text.printk, Binding: STB_GLOBAL, Size: 1 }
)";

namespace {
// ld.lld-22 (no --gc-sections, as a kernel's Retain-mode link) on the
// objects; its exit code, stderr and output.
test::LldRun runLldOn(const std::vector<std::vector<char>> &Objects) {
  return test::runLld(Objects, {"-e", "live"});
}

// The undefined symbols lld left in its output's .symtab.
std::vector<std::string> undefinedIn(const MemoryBuffer &Out) {
  auto O = ElfObject::create(Out.getMemBufferRef(), "out", false);
  EXPECT_TRUE(bool(O)) << toString(O.takeError());
  std::vector<std::string> U;
  for (size_t I = 1; I < (*O)->Symbols.size(); ++I)
    if ((*O)->Symbols[I].isUndefined())
      U.push_back((*O)->Symbols[I].Name.str());
  return U;
}

// Both objects rewritten, their removed code excluded, with or without
// its globals made local.
std::vector<std::vector<char>> rewriteBoth(bool Localize,
                                           const char *Yaml = LocalizeYaml) {
  LocalizeInput K(Yaml);
  TestInputs In2;
  In2.add(GoneYaml, "gone.o");
  ElfObject &Gone = *In2.Set.Objects[0].Elf;
  ObjectEdits E2;
  E2.Exclude = {sectionIndex(Gone, ".text.gone")};
  if (!Localize)
    K.E.Localize.clear();
  else
    E2.Localize = {1};
  auto A = writeObject(K.obj(), K.E);
  auto B = writeObject(Gone, E2);
  EXPECT_TRUE(A && B);
  if (!A || !B) {
    consumeError(A.takeError());
    consumeError(B.takeError());
    return {};
  }
  return {std::move(*A), std::move(*B)};
}
} // namespace

TEST(ObjectWriter, LldLeavesNoPhantomUndefinedSymbols) {
  test::LldRun Before = runLldOn(rewriteBoth(false));
  ASSERT_TRUE(Before.Ran) << Before.Err;
  ASSERT_EQ(Before.RC, 0) << Before.Err;
  // lld's reading of a global in an SHF_EXCLUDE section, without
  // --gc-sections: an undefined symbol in the output.
  EXPECT_EQ(undefinedIn(*Before.Out),
            (std::vector<std::string>{"dead", "gone"}));
  test::LldRun After = runLldOn(rewriteBoth(true));
  ASSERT_EQ(After.RC, 0) << After.Err;
  EXPECT_EQ(undefinedIn(*After.Out), std::vector<std::string>{});
  // The debug info's reference to the removed function resolves as lld
  // resolves one to a discarded section: the tombstone (0), not an error;
  // its reference to live is live's address.
  auto O = ElfObject::create(After.Out->getMemBufferRef(), "out", false);
  ASSERT_TRUE(bool(O));
  const ElfSection *Debug = nullptr;
  uint64_t LiveAddr = 0;
  for (const ElfSection &S : (*O)->Sections)
    if (S.Name == ".debug_info")
      Debug = &S;
  for (const ElfSymbol &S : (*O)->Symbols)
    if (S.Name == "live")
      LiveAddr = S.Value;
  ASSERT_TRUE(Debug && Debug->Contents.size() == 16);
  EXPECT_EQ(support::endian::read64le(Debug->Contents.data()), 0u);
  EXPECT_NE(LiveAddr, 0u);
  EXPECT_EQ(support::endian::read64le(Debug->Contents.data() + 8), LiveAddr);
}

// The safety net holds: a kept section that still calls a removed global,
// of its own object (dead) or of another (gone), is lld's error, as it was
// before they became local.
TEST(ObjectWriter, LldStillRefusesAKeptReferenceToALocalizedSymbol) {
  for (const char *Callee : {"dead", "gone"}) {
    std::string Yaml = LocalizeYaml;
    // live calls Callee instead of printk.
    size_t At = Yaml.find("Symbol: printk");
    ASSERT_NE(At, std::string::npos);
    Yaml.replace(At, strlen("Symbol: printk"), std::string("Symbol: ") + Callee);
    for (bool Localize : {false, true}) {
      test::LldRun Run = runLldOn(rewriteBoth(Localize, Yaml.c_str()));
      ASSERT_TRUE(Run.Ran) << Run.Err;
      EXPECT_NE(Run.RC, 0);
      EXPECT_NE(Run.Err.find(std::string("relocation refers to a symbol in a "
                                         "discarded section: ") +
                             Callee),
                std::string::npos)
          << Callee << (Localize ? " made local" : "") << ": " << Run.Err;
    }
  }
}
