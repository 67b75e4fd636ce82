//===- EmbeddedWriterTest.cpp - riscv64, arm64 and arm objects written ---===//
//
// The kernels of Support/EmbeddedObjects.h planned (read and getpid kept),
// cut into each object's edits by editsFromPlan and written by writeObject,
// then read back as lld will read them (REL addends from the bytes): the
// pieces are SHF_LINK_ORDER to their owners, every relocation still names
// what it named, and a field written "x - ." (riscv's ADD/SUB pairs) still
// measures from its own place after its entry moved. Where ld.lld-22 is
// installed the written objects are also linked and the linked tables and
// dispatch slots read.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Rewrite/ObjectWriter.h"
#include "sysgc/Verify/Verifier.h"
#include "../Support/EmbeddedObjects.h"
#include "../Support/LldRunner.h"
#include "../Support/TestObjects.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <map>
#include <set>

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
// Read an object as InputSet does: REL addends through the architecture.
std::unique_ptr<ElfObject> readBack(ArrayRef<char> Bytes, StringRef Name) {
  auto O = ElfObject::create(
      MemoryBufferRef(StringRef(Bytes.data(), Bytes.size()), Name), Name.str(),
      /*WithRelocs=*/false);
  EXPECT_TRUE(bool(O)) << toString(O.takeError());
  if (!O)
    return nullptr;
  if (const ArchInfo *A = getArch((*O)->Machine, (*O)->Is64))
    (*O)->ImplicitAddend = [A](uint32_t Type, ArrayRef<uint8_t> Loc) {
      return A->implicitAddend(Type, Loc);
    };
  if (Error E = (*O)->loadRelocs()) {
    ADD_FAILURE() << toString(std::move(E));
    return nullptr;
  }
  return std::move(*O);
}

// A kernel planned, every object written with its edits and read back.
struct Shrunk {
  TestInputs In;
  std::vector<std::string> Names;
  std::unique_ptr<SectionGraph> G;
  LinkPlan Plan;
  std::vector<std::vector<char>> Bytes;
  std::vector<std::unique_ptr<ElfObject>> Out;

  /// Lenient: --sysgc-unknown-tables=warn (see ArmPlan.ExidxLenient).
  Shrunk(const EmbeddedKernel &K, StringRef Allow, GcMode Mode,
         bool Lenient = false) {
    for (auto &[Name, Yaml] : K.Objects) {
      In.add(Yaml, Name);
      Names.push_back(Name);
    }
    G = std::make_unique<SectionGraph>(In.Set);
    const ArchInfo &Arch = *getArch(K.Machine, K.Is64);
    auto A = Allowlist::parse(Allow, "allow", Arch);
    EXPECT_TRUE(bool(A));
    PlanOptions O;
    O.Mode = Mode;
    O.RootSymbols = {"_start"};
    O.UnknownTablesAreErrors = !Lenient;
    auto P = planLink(*G, Arch, *A, O);
    EXPECT_TRUE(bool(P)) << toString(P.takeError());
    if (!P)
      return;
    Plan = std::move(*P);
    std::vector<ObjectEdits> Edits = editsFromPlan(*G, Plan);
    for (uint32_t F = 0; F < Names.size(); ++F) {
      auto W = writeObject(G->object(F), Edits[F]);
      EXPECT_TRUE(bool(W)) << Names[F] << ": " << toString(W.takeError());
      Bytes.push_back(W ? std::move(*W) : std::vector<char>());
    }
    for (uint32_t F = 0; F < Names.size(); ++F)
      Out.push_back(readBack(Bytes[F], Names[F]));
  }
  bool ok() const {
    for (const auto &O : Out)
      if (!O)
        return false;
    return !Out.empty();
  }
  uint32_t file(StringRef Name) const {
    for (uint32_t F = 0; F < Names.size(); ++F)
      if (Names[F] == Name)
        return F;
    ADD_FAILURE() << "no object " << Name.str();
    return 0;
  }
  const ElfObject &in(StringRef Name) const { return G->object(file(Name)); }
  const ElfObject &out(StringRef Name) const { return *Out[file(Name)]; }
};

std::vector<uint32_t> sectionsNamed(const ElfObject &O, StringRef Name) {
  std::vector<uint32_t> Out;
  for (uint32_t I = 1; I < O.Sections.size(); ++I)
    if (O.Sections[I].Name == Name)
      Out.push_back(I);
  return Out;
}

uint32_t sectionIndex(const ElfObject &O, StringRef Name) {
  auto All = sectionsNamed(O, Name);
  EXPECT_EQ(All.size(), 1u) << Name.str();
  return All.empty() ? 0 : All[0];
}

std::string hex(ArrayRef<uint8_t> B) {
  std::string S;
  for (uint8_t C : B)
    S += formatv("{0:x-2}", C).str();
  return S;
}

// Where relocation R points: "section+offset" (symbol value plus addend),
// or the symbol's name if it is not defined in a section.
std::string target(const ElfObject &O, const ElfReloc &R) {
  const ElfSymbol &S = O.Symbols[R.Symbol];
  if (!S.inSection())
    return formatv("{0}{1:+d}", S.Name, R.Addend).str();
  return formatv("{0}+{1}", O.Sections[S.Shndx].Name,
                 int64_t(S.Value) + R.Addend)
      .str();
}

bool isSub(uint32_t Type) {
  return Type == ELF::R_RISCV_SUB32 || Type == ELF::R_RISCV_SUB64;
}

// Every entry of every section named Table in O (the original and its
// pieces), as "owner-of-the-piece | field: type -> target, ..." strings.
// A "x - ." field is written "field: ADD32 -> x" once its SUB is checked
// to name the field's own place. Data bytes past the relocated fields
// (the __ex_table type and data) are added as "data=...".
std::multiset<std::string> entries(const ElfObject &O, StringRef Table,
                                   uint32_t EntrySize, uint32_t DataOffset,
                                   bool WithOwner) {
  std::multiset<std::string> Out;
  for (uint32_t S : sectionsNamed(O, Table)) {
    const ElfSection &Sec = O.Sections[S];
    std::string Owner = (Sec.Flags & ELF::SHF_LINK_ORDER) && WithOwner
                            ? O.Sections[Sec.Link].Name.str()
                            : "-";
    EXPECT_EQ(Sec.Size % EntrySize, 0u) << Table.str();
    std::vector<std::map<uint64_t, std::string>> Fields(Sec.Size / EntrySize);
    for (const ElfReloc &R : O.relocsOf(S)) {
      uint32_t En = R.Offset / EntrySize;
      if (En >= Fields.size()) {
        ADD_FAILURE() << O.describe(S) << ": relocation past the end";
        continue;
      }
      if (isSub(R.Type)) {
        // "- .": the place the field itself is at.
        const ElfSymbol &Sym = O.Symbols[R.Symbol];
        EXPECT_TRUE(Sym.inSection() && Sym.Shndx == S &&
                    int64_t(Sym.Value) + R.Addend == int64_t(R.Offset))
            << O.describe(S) << "+" << R.Offset << ": "
            << getArch(O.Machine, O.Is64)->relocName(R.Type) << " names " << target(O, R)
            << ", not its own field (" << O.describe(S) << "+" << R.Offset
            << "): the value ADD - SUB changed when its entry moved";
        continue;
      }
      std::string &F = Fields[En][R.Offset % EntrySize];
      F += (F.empty() ? "" : ",") + getArch(O.Machine, O.Is64)->relocName(R.Type) + " -> " +
           target(O, R);
    }
    for (uint32_t En = 0; En < Fields.size(); ++En) {
      std::string E = Owner + " |";
      for (auto &[Off, F] : Fields[En])
        E += formatv(" {0}: {1};", Off, F).str();
      if (DataOffset < EntrySize && S < O.Sections.size())
        E += " data=" +
             hex(Sec.Contents.slice(uint64_t(En) * EntrySize + DataOffset,
                                    EntrySize - DataOffset));
      Out.insert(E);
    }
  }
  return Out;
}

// The link-order pieces of Table in O: owner section name -> flags.
std::map<std::string, uint64_t> pieces(const ElfObject &O, StringRef Table) {
  std::map<std::string, uint64_t> Out;
  for (uint32_t S : sectionsNamed(O, Table))
    if (O.Sections[S].Flags & ELF::SHF_LINK_ORDER) {
      EXPECT_LT(O.Sections[S].Link, O.Sections.size());
      Out[O.Sections[O.Sections[S].Link].Name.str()] = O.Sections[S].Flags;
    }
  return Out;
}

// Each piece's entries are its owner's: the field at OwnerOffset points
// into the section the piece is linked to.
void expectPiecesHoldTheirOwnersEntries(const ElfObject &O, StringRef Table,
                                        uint32_t EntrySize) {
  for (uint32_t S : sectionsNamed(O, Table)) {
    const ElfSection &Sec = O.Sections[S];
    if (!(Sec.Flags & ELF::SHF_LINK_ORDER))
      continue;
    EXPECT_GT(Sec.Size, 0u);
    for (const ElfReloc &R : O.relocsOf(S)) {
      if (R.Offset % EntrySize != 0 || isSub(R.Type))
        continue;
      const ElfSymbol &Sym = O.Symbols[R.Symbol];
      EXPECT_TRUE(Sym.inSection() && Sym.Shndx == Sec.Link)
          << O.describe(S) << "+" << R.Offset << " names " << target(O, R)
          << " but the piece is linked to " << O.Sections[Sec.Link].Name.str();
    }
  }
}

const ElfSymbol *symbol(const ElfObject &O, StringRef Name) {
  for (const ElfSymbol &S : O.Symbols)
    if (S.Name == Name && S.Type != ELF::STT_SECTION)
      return &S;
  return nullptr;
}

// ld.lld-22 on the written objects; its output read back, or null.
struct LinkedKernel {
  test::LldRun Run;
  std::unique_ptr<ElfObject> Out;
};

LinkedKernel link(const std::vector<std::vector<char>> &Objects,
                  const std::vector<std::string> &Flags) {
  LinkedKernel L;
  L.Run = test::runLld(Objects, Flags);
  if (L.Run.RC == 0 && L.Run.Out) {
    auto O = ElfObject::create(L.Run.Out->getMemBufferRef(), "out", false);
    EXPECT_TRUE(bool(O)) << toString(O.takeError());
    if (O)
      L.Out = std::move(*O);
  }
  return L;
}

const ElfSection *outSection(const ElfObject &O, StringRef Name) {
  for (const ElfSection &S : O.Sections)
    if (S.Name == Name)
      return &S;
  return nullptr;
}
} // namespace

//===----------------------------------------------------------------------===//
// riscv64: "x - ." pairs
//===----------------------------------------------------------------------===//

namespace {
// The __ex_table and __jump_table entries of kernel.o, before and after.
void expectRiscvTablesKeepTheirValues(bool SectionSymbolSubs, GcMode Mode) {
  Shrunk K(riscvKernel(SectionSymbolSubs), "read\ngetpid\n", Mode);
  ASSERT_TRUE(K.ok());
  const ElfObject &In = K.in("kernel.o"), &Out = K.out("kernel.o");
  // __ex_table: insn and fixup fields, then the type and data shorts;
  // __jump_table: code, target and key.
  EXPECT_EQ(entries(In, "__ex_table", 12, 8, false),
            entries(Out, "__ex_table", 12, 8, false));
  EXPECT_EQ(entries(In, "__jump_table", 16, 16, false),
            entries(Out, "__jump_table", 16, 16, false));
  expectPiecesHoldTheirOwnersEntries(Out, "__ex_table", 12);
  expectPiecesHoldTheirOwnersEntries(Out, "__jump_table", 16);
}
} // namespace

TEST(RiscvWriter, WrittenObjectsReadBackWithLinkOrderPieces) {
  Shrunk K(riscvKernel(), "read\ngetpid\n", GcMode::Retain);
  ASSERT_TRUE(K.ok());
  const ElfObject &O = K.out("kernel.o");
  EXPECT_TRUE(O.IsRela);
  // Retain mode: only the dead owners' entries move, into pieces that are
  // excluded with their owners.
  auto Ex = pieces(O, "__ex_table");
  ASSERT_EQ(Ex.size(), 2u);
  for (const char *Owner : {".text.__riscv_sys_socket", ".text.sock_alloc"}) {
    ASSERT_TRUE(Ex.count(Owner)) << Owner;
    EXPECT_TRUE(Ex[Owner] & ELF::SHF_EXCLUDE) << Owner;
    EXPECT_TRUE(Ex[Owner] & ELF::SHF_ALLOC) << Owner;
  }
  auto Jt = pieces(O, "__jump_table");
  ASSERT_EQ(Jt.size(), 1u);
  EXPECT_TRUE(Jt.count(".text.__riscv_sys_socket"));
  EXPECT_TRUE(Jt[".text.__riscv_sys_socket"] & ELF::SHF_WRITE);
  // read's entries stay in the original sections.
  const ElfSection &Rest = O.Sections[sectionsNamed(O, "__ex_table")[0]];
  EXPECT_FALSE(Rest.Flags & ELF::SHF_LINK_ORDER);
  EXPECT_EQ(hex(Rest.Contents), "000000000000000003000300");
  // The dispatch: socket's and quotactl's slots now name the ni entry.
  uint32_t T = sectionIndex(O, ".rodata.sys_call_table");
  std::map<uint64_t, std::string> Slots;
  for (const ElfReloc &R : O.relocsOf(T))
    Slots[R.Offset / 8] = O.Symbols[R.Symbol].Name.str();
  EXPECT_EQ(Slots,
            (std::map<uint64_t, std::string>{{60, "__riscv_sys_ni_syscall"},
                                             {63, "__riscv_sys_read"},
                                             {172, "__riscv_sys_getpid"},
                                             {198, "__riscv_sys_ni_syscall"},
                                             {244, "__riscv_sys_ni_syscall"},
                                             {245, "__riscv_sys_ni_syscall"}}));
  // The removed code is excluded in both objects.
  EXPECT_TRUE(O.Sections[sectionIndex(O, ".text.sock_alloc")].Flags &
              ELF::SHF_EXCLUDE);
  const ElfObject &Ni = K.out("sys_ni.o");
  EXPECT_TRUE(
      Ni.Sections[sectionIndex(Ni, ".text.__riscv_sys_quotactl")].Flags &
      ELF::SHF_EXCLUDE);
  EXPECT_FALSE(Ni.Sections[sectionIndex(Ni, ".text.sys_ni_syscall")].Flags &
               ELF::SHF_EXCLUDE);
}

// clang-22's form: each SUB names a ".L0 " label defined in the table at
// its field; the label moves with its entry (SplitTables.cpp moves every
// symbol defined inside the table).
TEST(RiscvWriter, LabelSubsMoveWithTheirEntries) {
  expectRiscvTablesKeepTheirValues(false, GcMode::Retain);
  expectRiscvTablesKeepTheirValues(false, GcMode::Collect);
}

// The same fields with each SUB naming "table section symbol + offset".
// The writer moves the relocation with its entry but leaves its symbol
// (the original section's) and addend (the old offset) alone, so the SUB
// no longer names its own field: every moved entry's "x - ." is off by
// (old place - new place). Fails until SplitTables.cpp rebases relocations
// whose symbol is the table's own section symbol.
// A SUB naming the table's own section symbol (not a label inside the
// entry) would keep pointing at the entry's old place once it moved into a
// piece: the planner refuses such a table instead of corrupting it (error
// by default; left whole, its entries roots, with unknown tables as
// warnings). clang's objects use labels (above), which move.
TEST(RiscvWriter, SectionSymbolSubsAreRefusedNotCorrupted) {
  for (GcMode Mode : {GcMode::Retain, GcMode::Collect}) {
    EmbeddedKernel K = riscvKernel(true);
    TestInputs In;
    for (auto &[Name, Yaml] : K.Objects)
      In.add(Yaml, Name);
    SectionGraph G(In.Set);
    const ArchInfo &Arch = *getArch(K.Machine, K.Is64);
    auto A = Allowlist::parse("read\ngetpid\n", "allow", Arch);
    ASSERT_TRUE(bool(A));
    PlanOptions O;
    O.Mode = Mode;
    O.RootSymbols = {"_start"};
    auto P = planLink(G, Arch, *A, O);
    ASSERT_FALSE(bool(P));
    std::string Msg = toString(P.takeError());
    EXPECT_NE(Msg.find("through its section symbol"), std::string::npos) << Msg;
    Shrunk L(riscvKernel(true), "read\ngetpid\n", Mode, /*Lenient=*/true);
    ASSERT_TRUE(L.ok());
    for (const TableSplit &S : L.Plan.Splits)
      EXPECT_NE(L.G->object(S.File).Sections[S.Sec].Name, "__ex_table");
    EXPECT_TRUE(llvm::any_of(L.Plan.Warnings, [](const std::string &W) {
      return W.find("through its section symbol") != std::string::npos;
    }));
  }
}

namespace {
// Link the written objects (Collect mode: as the DCE kernel links, with
// --gc-sections); read's surviving __ex_table and __jump_table entries
// must point where the compiler's did.
void expectRiscvLinkedTablesPointIntoRead(bool SectionSymbolSubs, GcMode Mode) {
  Shrunk K(riscvKernel(SectionSymbolSubs), "read\ngetpid\n", Mode);
  ASSERT_TRUE(K.ok());
  std::vector<std::string> Flags = {"--no-relax", "-e", "_start"};
  if (Mode == GcMode::Collect)
    Flags.push_back("--gc-sections");
  LinkedKernel Linked = link(K.Bytes, Flags);
  ASSERT_TRUE(Linked.Run.Ran) << Linked.Run.Err;
  ASSERT_EQ(Linked.Run.RC, 0) << Linked.Run.Err;
  ASSERT_TRUE(Linked.Out);
  const ElfObject &O = *Linked.Out;
  const ElfSymbol *Read = symbol(O, "__riscv_sys_read");
  const ElfSymbol *Key = symbol(O, "netstamp_needed_key");
  ASSERT_TRUE(Read && Key);
  EXPECT_EQ(symbol(O, "__riscv_sys_socket"), nullptr);
  const ElfSection *Ex = outSection(O, "__ex_table");
  ASSERT_TRUE(Ex);
  ASSERT_EQ(Ex->Size, 12u); // only read's entry: the others went
  auto Rel = [](const ElfSection *S, uint64_t Off) {
    return int64_t(S->Addr + Off) +
           int32_t(support::endian::read32le(S->Contents.data() + Off));
  };
  EXPECT_EQ(Rel(Ex, 0), int64_t(Read->Value + 6)) << "insn";
  EXPECT_EQ(Rel(Ex, 4), int64_t(Read->Value + 8)) << "fixup";
  EXPECT_EQ(hex(Ex->Contents.slice(8)), "03000300");
  const ElfSection *Jt = outSection(O, "__jump_table");
  ASSERT_TRUE(Jt);
  ASSERT_EQ(Jt->Size, 16u);
  EXPECT_EQ(Rel(Jt, 0), int64_t(Read->Value + 12)) << "code";
  EXPECT_EQ(Rel(Jt, 4), int64_t(Read->Value + 30)) << "target";
  EXPECT_EQ(int64_t(Jt->Addr + 8) +
                int64_t(support::endian::read64le(Jt->Contents.data() + 8)),
            int64_t(Key->Value + 1))
      << "key";
  // The verifier reads the dispatch, not these tables: it passes either way.
  auto V = verifyOutput(O, *K.G, K.Plan);
  EXPECT_TRUE(bool(V)) << toString(V.takeError());
}
} // namespace

TEST(RiscvWriter, LinkedTablesPointIntoTheirFunctions) {
  expectRiscvLinkedTablesPointIntoRead(false, GcMode::Retain);
  expectRiscvLinkedTablesPointIntoRead(false, GcMode::Collect);
}

// What the section-symbol bug does to a kernel: read's entry moved from
// offset 24 of __ex_table to 0 (of the remainder, or of its piece), its
// SUB32 still says "__ex_table + 24", so the entry claims an instruction
// 24 bytes before read's load: a fault there finds no fixup (an oops where
// -EFAULT was due), and the verifier, which reads only the dispatch, does
// not notice.

//===----------------------------------------------------------------------===//
// arm64
//===----------------------------------------------------------------------===//

TEST(Arm64Writer, PiecesCarryTheirPrel32Relocations) {
  for (GcMode Mode : {GcMode::Retain, GcMode::Collect}) {
    Shrunk K(arm64Kernel(), "read\ngetpid\n", Mode);
    ASSERT_TRUE(K.ok());
    const ElfObject &In = K.in("kernel.o"), &Out = K.out("kernel.o");
    bool Collect = Mode == GcMode::Collect;
    std::set<std::string> Ex, Alt, Jt;
    for (auto &[Owner, Flags] : pieces(Out, "__ex_table")) {
      Ex.insert(Owner);
      EXPECT_EQ(bool(Flags & ELF::SHF_EXCLUDE),
                !Collect && Owner != ".text.__arm64_sys_read")
          << Owner;
    }
    for (auto &[Owner, Flags] : pieces(Out, ".altinstructions"))
      Alt.insert(Owner);
    for (auto &[Owner, Flags] : pieces(Out, "__jump_table"))
      Jt.insert(Owner);
    std::set<std::string> WantEx = {".text.__arm64_sys_socket",
                                    ".text.sock_alloc"};
    std::set<std::string> WantAlt = {".text.sock_alloc"};
    if (Collect) {
      WantEx.insert(".text.__arm64_sys_read");
      WantAlt.insert(".text.__arm64_sys_read");
    }
    EXPECT_EQ(Ex, WantEx);
    EXPECT_EQ(Alt, WantAlt);
    EXPECT_EQ(Jt, std::set<std::string>{".text.__arm64_sys_socket"});
    // Every entry names what it named (section symbol + addend), with its
    // cpucap and lengths, and sits in its owner's piece.
    EXPECT_EQ(entries(In, "__ex_table", 12, 8, false),
              entries(Out, "__ex_table", 12, 8, false));
    EXPECT_EQ(entries(In, ".altinstructions", 12, 8, false),
              entries(Out, ".altinstructions", 12, 8, false));
    EXPECT_EQ(entries(In, "__jump_table", 16, 16, false),
              entries(Out, "__jump_table", 16, 16, false));
    expectPiecesHoldTheirOwnersEntries(Out, "__ex_table", 12);
    expectPiecesHoldTheirOwnersEntries(Out, ".altinstructions", 12);
    expectPiecesHoldTheirOwnersEntries(Out, "__jump_table", 16);
  }
}

TEST(Arm64Writer, SlotsOfRemovedSyscallsNameTheNiEntry) {
  Shrunk K(arm64Kernel(), "read\ngetpid\n", GcMode::Retain);
  ASSERT_TRUE(K.ok());
  const ElfObject &O = K.out("sys.o");
  std::map<uint64_t, std::string> Slots;
  for (const ElfReloc &R :
       O.relocsOf(sectionIndex(O, ".rodata.sys_call_table"))) {
    EXPECT_EQ(R.Type, uint32_t(ELF::R_AARCH64_ABS64));
    EXPECT_EQ(R.Addend, 0);
    Slots[R.Offset / 8] = O.Symbols[R.Symbol].Name.str();
  }
  EXPECT_EQ(Slots,
            (std::map<uint64_t, std::string>{{60, "__arm64_sys_ni_syscall"},
                                             {63, "__arm64_sys_read"},
                                             {172, "__arm64_sys_getpid"},
                                             {198, "__arm64_sys_ni_syscall"},
                                             {244, "__arm64_sys_ni_syscall"},
                                             {245, "__arm64_sys_ni_syscall"}}));
}

TEST(Arm64Writer, LinkedExTableKeepsReadsEntry) {
  Shrunk K(arm64Kernel(), "read\ngetpid\n", GcMode::Retain);
  ASSERT_TRUE(K.ok());
  LinkedKernel Linked = link(K.Bytes, {"-e", "do_el0_svc"});
  ASSERT_TRUE(Linked.Run.Ran) << Linked.Run.Err;
  ASSERT_EQ(Linked.Run.RC, 0) << Linked.Run.Err;
  const ElfObject &O = *Linked.Out;
  const ElfSymbol *Read = symbol(O, "__arm64_sys_read");
  ASSERT_TRUE(Read);
  EXPECT_EQ(symbol(O, "sock_alloc"), nullptr);
  const ElfSection *Ex = outSection(O, "__ex_table");
  ASSERT_TRUE(Ex && Ex->Size == 12u);
  EXPECT_EQ(Ex->Addr + int32_t(support::endian::read32le(Ex->Contents.data())),
            Read->Value + 12);
  const ElfSection *Alt = outSection(O, ".altinstructions");
  ASSERT_TRUE(Alt && Alt->Size == 12u);
  EXPECT_EQ(Alt->Addr + 4 +
                int32_t(support::endian::read32le(Alt->Contents.data() + 4)),
            Read->Value + 40); // the replacement, past the function's size
  EXPECT_EQ(hex(Alt->Contents.slice(8)), "39000404");
  // socket's was its only entry: an empty section is left.
  const ElfSection *Jt = outSection(O, "__jump_table");
  EXPECT_TRUE(!Jt || Jt->Size == 0u);
  auto V = verifyOutput(O, *K.G, K.Plan);
  EXPECT_TRUE(bool(V)) << toString(V.takeError());
}

//===----------------------------------------------------------------------===//
// 32-bit arm: REL
//===----------------------------------------------------------------------===//

// .ARM.exidx pins nothing (EmbeddedPlanTest's
// ArmPlan.UnwindSectionsAreNoUnknownTables): planned with unknown tables as
// errors, as sysgc-ld does.
constexpr bool ExidxLenient = false;

TEST(ArmWriter, ExTablePiecesCarryTheirImplicitAddends) {
  for (GcMode Mode : {GcMode::Retain, GcMode::Collect}) {
    Shrunk K(armKernel(), "read\ngetpid\n", Mode, ExidxLenient);
    ASSERT_TRUE(K.ok());
    const ElfObject &In = K.in("kernel.o"), &Out = K.out("kernel.o");
    EXPECT_FALSE(Out.Is64);
    EXPECT_FALSE(Out.IsRela);
    auto Ex = pieces(Out, "__ex_table");
    ASSERT_TRUE(Ex.count(".text.sock_alloc"));
    EXPECT_EQ(Ex.count(".text.sys_read"), Mode == GcMode::Collect ? 1u : 0u);
    for (uint32_t S : sectionsNamed(Out, "__ex_table")) {
      const ElfSection &Sec = Out.Sections[S];
      bool SockAlloc = (Sec.Flags & ELF::SHF_LINK_ORDER) &&
                       Out.Sections[Sec.Link].Name == ".text.sock_alloc";
      if (Sec.Size == 0)
        continue;
      // The addends travel in the bytes: "+ 16, + 20" or "+ 8, + 12".
      EXPECT_EQ(hex(Sec.Contents),
                SockAlloc ? "1000000014000000" : "080000000c000000");
      std::vector<int64_t> Addends;
      for (const ElfReloc &R : Out.relocsOf(S)) {
        EXPECT_EQ(R.Type, uint32_t(ELF::R_ARM_ABS32));
        EXPECT_EQ(Out.Symbols[R.Symbol].Type, ELF::STT_SECTION);
        Addends.push_back(R.Addend);
      }
      EXPECT_EQ(Addends, SockAlloc ? (std::vector<int64_t>{16, 20})
                                   : (std::vector<int64_t>{8, 12}));
      EXPECT_EQ(Out.Sections[Sec.RelocSection].Type, ELF::SHT_REL);
    }
    EXPECT_EQ(entries(In, "__ex_table", 8, 8, false),
              entries(Out, "__ex_table", 8, 8, false));
    expectPiecesHoldTheirOwnersEntries(Out, "__ex_table", 8);
  }
}

TEST(ArmWriter, UnwindSectionsFollowTheirFunctions) {
  Shrunk K(armKernel(), "read\ngetpid\n", GcMode::Retain, ExidxLenient);
  ASSERT_TRUE(K.ok());
  const ElfObject &O = K.out("kernel.o");
  for (const char *F : {"sys_socket", "sock_create", "sock_alloc", "sys_read",
                        "sys_getpid", "fdget"}) {
    std::string Text = std::string(".text.") + F;
    const ElfSection &X =
        O.Sections[sectionIndex(O, std::string(".ARM.exidx") + Text)];
    EXPECT_EQ(X.Type, ELF::SHT_ARM_EXIDX);
    ASSERT_TRUE(X.Flags & ELF::SHF_LINK_ORDER) << F;
    ASSERT_LT(X.Link, O.Sections.size());
    EXPECT_EQ(O.Sections[X.Link].Name, Text) << F;
    bool Removed =
        StringRef(F).starts_with("so") || StringRef(F) == "sys_socket";
    EXPECT_EQ(bool(X.Flags & ELF::SHF_EXCLUDE), Removed) << F;
    EXPECT_EQ(bool(O.Sections[X.Link].Flags & ELF::SHF_EXCLUDE), Removed) << F;
  }
  EXPECT_TRUE(O.Sections[sectionIndex(O, ".ARM.extab.text.sock_create")].Flags &
              ELF::SHF_EXCLUDE);
}

// .long sys_mmap2 is ".entry.text + 0x470" (a local function of the same
// section). Retargeted to sys_ni_syscall, the relocation must name
// sys_ni_syscall + 0: the 0x470 was the offset of the old target inside its
// section, and in a REL object it is in the slot's bytes. Retarget.cpp
// changes the symbol only, so the slot becomes sys_ni_syscall + 0x470, an
// address inside some other function (the verifier refuses such a slot, so
// no arm kernel with mmap2 removed links).
TEST(ArmWriter, RetargetingASectionSymbolSlotDropsItsAddend) {
  Shrunk K(armKernel(), "read\ngetpid\n", GcMode::Retain, ExidxLenient);
  ASSERT_TRUE(K.ok());
  const ElfObject &O = K.out("entry-common.o");
  uint32_t Text = sectionIndex(O, ".entry.text");
  std::map<uint64_t, std::pair<std::string, int64_t>> Slots;
  for (const ElfReloc &R : O.relocsOf(Text))
    if (R.Type == ELF::R_ARM_ABS32)
      Slots[(R.Offset - ArmTableOffset) / 4] = {O.Symbols[R.Symbol].Name.str(),
                                                R.Addend};
  using P = std::pair<std::string, int64_t>;
  EXPECT_EQ(Slots[3], P("sys_read", 0));
  EXPECT_EQ(Slots[20], P("sys_getpid", 0));
  EXPECT_EQ(Slots[131], P("sys_ni_syscall", 0));
  EXPECT_EQ(Slots[281], P("sys_ni_syscall", 0));
  EXPECT_EQ(Slots[192], P("sys_ni_syscall", 0))
      << "the retargeted slot kept the old section-relative addend";
  // Everything else of .entry.text is untouched (code and the branch).
  const ElfSection &Sec = O.Sections[Text];
  ASSERT_EQ(Sec.Size, uint64_t(ArmMmap2Offset + 8));
  EXPECT_EQ(hex(Sec.Contents.take_front(8)), "08804fe207f198e7");
  EXPECT_EQ(hex(Sec.Contents.take_back(8)), "04508de5feffffea");
}

TEST(ArmWriter, LinkedSlotsHoldSysNiSyscall) {
  Shrunk K(armKernel(), "read\ngetpid\n", GcMode::Retain, ExidxLenient);
  ASSERT_TRUE(K.ok());
  LinkedKernel Linked =
      link(K.Bytes,
           {"-e", "vector_swi", "--defsym=__aeabi_unwind_cpp_pr0=0",
            "--defsym=__aeabi_unwind_cpp_pr1=0", "--defsym=sys_mmap_pgoff=0"});
  ASSERT_TRUE(Linked.Run.Ran) << Linked.Run.Err;
  ASSERT_EQ(Linked.Run.RC, 0) << Linked.Run.Err;
  const ElfObject &O = *Linked.Out;
  const ElfSymbol *Table = symbol(O, "sys_call_table");
  const ElfSymbol *Ni = symbol(O, "sys_ni_syscall");
  const ElfSymbol *Read = symbol(O, "sys_read");
  ASSERT_TRUE(Table && Ni && Read);
  const ElfSection *Entry = outSection(O, ".entry.text");
  ASSERT_TRUE(Entry);
  auto Slot = [&](unsigned N) {
    return support::endian::read32le(Entry->Contents.data() +
                                     (Table->Value - Entry->Addr) + 4 * N);
  };
  EXPECT_EQ(Slot(3), Read->Value);
  EXPECT_EQ(Slot(13), Ni->Value);
  EXPECT_EQ(Slot(131), Ni->Value);
  EXPECT_EQ(Slot(281), Ni->Value);
  EXPECT_EQ(Slot(192), Ni->Value)
      << "mmap2's slot holds sys_ni_syscall + " << (Slot(192) - Ni->Value);
  auto V = verifyOutput(O, *K.G, K.Plan);
  EXPECT_TRUE(bool(V)) << toString(V.takeError());
  const ElfSection *Ex = outSection(O, "__ex_table");
  ASSERT_TRUE(Ex && Ex->Size == 8u);
  EXPECT_EQ(support::endian::read32le(Ex->Contents.data()), Read->Value + 8);
  EXPECT_EQ(support::endian::read32le(Ex->Contents.data() + 4),
            Read->Value + 12);
}
