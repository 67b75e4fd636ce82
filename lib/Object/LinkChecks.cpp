//===- LinkChecks.cpp - What lld trusts in a relocatable object -----------===//
//
// lld uses many numbers of its inputs unchecked, much of it on worker
// threads that its crash recovery does not cover: it patches the bytes at a
// relocation's offset, casts a SHF_LINK_ORDER section to a plain input
// section, reads the contents of a SHT_NOBITS section named .eh_frame. A
// damaged object then kills the link with SIGSEGV. sysgc reads every input
// before lld does, so it checks here what lld relies on, and a damaged object
// is an error naming the file, section and entry. Only ET_REL inputs: linked
// files are read for their symbols and contents alone.
//
//===----------------------------------------------------------------------===//
#include "LinkChecks.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"
#include <array>
#include <cstdlib>
#include <cstdint>
#include <optional>

using namespace sysgc;
using namespace llvm;

namespace {
/// The bytes lld may read or patch for one relocation: [Offset - Before,
/// Offset + After) must lie inside the section.
struct RelocExtent {
  bool Known = false;
  uint8_t Before = 0;
  uint8_t After = 0;
  /// The relocated field itself (0: none, as R_*_NONE), where the machine's
  /// relocations never share bytes; 0xff where they may (RISC-V pairs).
  uint8_t Field = 0xff;
};
using ExtentTable = std::array<RelocExtent, 64>;

/// x86-64, by type: the field, plus what lld's relaxations rewrite around it
/// (a GOTPCRELX load becomes a lea from loc-2, a TLS GD sequence 16 bytes
/// from loc-4, a TLSDESC call 2 bytes at loc). Types libObject does not
/// name stay unknown: lld rejects them too.
ExtentTable x86_64Extents() {
  ExtentTable T;
  auto Set = [&](uint32_t Type, uint8_t Before, uint8_t After) {
    // The field: what the relaxations add lies outside [0, 4) of it.
    uint8_t Field = After > 8 ? 4 : After;
    if (Type == ELF::R_X86_64_TLSDESC_CALL)
      Field = 0;
    if (Type == ELF::R_X86_64_TLSDESC)
      Field = 16;
    T[Type] = RelocExtent{true, Before, After, Field};
  };
  using namespace ELF;
  Set(R_X86_64_NONE, 0, 0);
  for (uint32_t Type : {R_X86_64_64, R_X86_64_COPY, R_X86_64_GLOB_DAT,
                        R_X86_64_JUMP_SLOT, R_X86_64_RELATIVE,
                        R_X86_64_DTPMOD64, R_X86_64_DTPOFF64,
                        R_X86_64_TPOFF64, R_X86_64_PC64, R_X86_64_GOTOFF64,
                        R_X86_64_GOT64, R_X86_64_GOTPCREL64, R_X86_64_GOTPC64,
                        R_X86_64_GOTPLT64, R_X86_64_PLTOFF64,
                        R_X86_64_SIZE64, R_X86_64_IRELATIVE})
    Set(Type, 0, 8);
  for (uint32_t Type :
       {R_X86_64_PC32, R_X86_64_GOT32, R_X86_64_PLT32, R_X86_64_GOTPCREL,
        R_X86_64_32, R_X86_64_32S, R_X86_64_DTPOFF32, R_X86_64_TPOFF32,
        R_X86_64_GOTPC32, R_X86_64_SIZE32})
    Set(Type, 0, 4);
  Set(R_X86_64_16, 0, 2);
  Set(R_X86_64_PC16, 0, 2);
  Set(R_X86_64_8, 0, 1);
  Set(R_X86_64_PC8, 0, 1);
  Set(R_X86_64_TLSGD, 4, 12);
  Set(R_X86_64_TLSLD, 3, 9);
  Set(R_X86_64_GOTTPOFF, 3, 4);
  Set(R_X86_64_GOTPC32_TLSDESC, 3, 4);
  Set(R_X86_64_TLSDESC_CALL, 0, 2);
  Set(R_X86_64_TLSDESC, 0, 16);
  Set(R_X86_64_GOTPCRELX, 2, 4);
  Set(R_X86_64_REX_GOTPCRELX, 3, 4);
  Set(R_X86_64_CODE_4_GOTPCRELX, 4, 4);
  Set(R_X86_64_CODE_4_GOTTPOFF, 4, 4);
  Set(R_X86_64_CODE_4_GOTPC32_TLSDESC, 4, 4);
  Set(R_X86_64_CODE_6_GOTTPOFF, 6, 4);
  return T;
}

const ExtentTable *extentTable(uint16_t Machine) {
  static const ExtentTable X86_64 = x86_64Extents();
  return Machine == ELF::EM_X86_64 ? &X86_64 : nullptr;
}

RelocExtent relocExtent(const ExtentTable *Table, uint16_t Machine,
                        uint32_t Type) {
  if (Table)
    return Type < Table->size() ? (*Table)[Type] : RelocExtent();
  // Elsewhere: the type must have a name, and its first byte be inside.
  if (object::getELFRelocationTypeName(Machine, Type) == "Unknown")
    return RelocExtent();
  return RelocExtent{true, 0, uint8_t(Type == 0 ? 0 : 1), 0xff};
}

// Types that hold no bytes of the object's own code or data.
bool isMetadataType(uint32_t Type) {
  switch (Type) {
  case ELF::SHT_NULL:
  case ELF::SHT_SYMTAB:
  case ELF::SHT_STRTAB:
  case ELF::SHT_REL:
  case ELF::SHT_RELA:
  case ELF::SHT_CREL:
  case ELF::SHT_GROUP:
  case ELF::SHT_SYMTAB_SHNDX:
    return true;
  default:
    return false;
  }
}

bool isKnownType(uint32_t Type) {
  return Type >= ELF::SHT_LOOS || Type <= ELF::SHT_DYNSYM ||
         (Type >= ELF::SHT_INIT_ARRAY && Type <= ELF::SHT_RELR);
}

// lld splits these into pieces it reads (a MergeInputSection): a
// SHF_LINK_ORDER section must not be one.
bool isMergeable(const ElfSection &S) {
  return (S.Flags & ELF::SHF_MERGE) && S.EntSize && S.Size;
}

// Sections whose bytes lld reads whatever their flags (a SHT_NOBITS one
// would be read from a null pointer).
bool contentsAreRead(const ElfSection &S) {
  return S.Name == ".eh_frame" || S.Name.starts_with(".note") ||
         S.Name.starts_with(".debug") || S.Name.starts_with(".gnu.warning") ||
         (S.Flags & (ELF::SHF_MERGE | ELF::SHF_STRINGS |
                     ELF::SHF_COMPRESSED));
}

// An Elf_Chdr in the object's class and byte order.
Error checkCompressed(const ElfObject &O, uint32_t I) {
  const ElfSection &S = O.Sections[I];
  size_t HdrSize = O.Is64 ? 24 : 12;
  if (S.Contents.size() < HdrSize)
    return makeError("{0}: SHF_COMPRESSED section of {1} bytes has no "
                     "compression header ({2} bytes)",
                     O.describe(I), S.Contents.size(), HdrSize);
  endianness E = O.IsLittleEndian ? endianness::little : endianness::big;
  const uint8_t *P = S.Contents.data();
  uint32_t Type = support::endian::read32(P, E);
  uint64_t Size = O.Is64 ? support::endian::read64(P + 8, E)
                         : support::endian::read32(P + 4, E);
  uint64_t Align = O.Is64 ? support::endian::read64(P + 16, E)
                          : support::endian::read32(P + 8, E);
  if (Type != ELF::ELFCOMPRESS_ZLIB && Type != ELF::ELFCOMPRESS_ZSTD)
    return makeError("{0}: unknown compression type {1}", O.describe(I),
                     Type);
  if (Align > (1ull << 32) || (Align && !isPowerOf2_64(Align)))
    return makeError("{0}: ch_addralign {1} is not a power of two up to "
                     "4 GiB",
                     O.describe(I), Align);
  // lld allocates ch_size bytes before it decompresses: a damaged size is
  // an allocation that kills it. No zlib stream expands more than 1032:1,
  // no zstd frame more than 32768:1 (one RLE byte per 128 KiB block).
  uint64_t In = S.Contents.size() - HdrSize;
  uint64_t Max = (In + 1) * (Type == ELF::ELFCOMPRESS_ZLIB ? 1032 : 32768);
  if (Size > Max)
    return makeError("{0}: ch_size {1} is more than {2} bytes of "
                     "compressed data can hold",
                     O.describe(I), Size, In);
  return Error::success();
}

Error checkGroup(const ElfObject &O, uint32_t I,
                 std::vector<uint32_t> &GroupOf) {
  const ElfSection &S = O.Sections[I];
  if (S.Contents.size() < 4 || S.Contents.size() % 4)
    return makeError("{0}: SHT_GROUP of {1} bytes is not a flag word and "
                     "4-byte member indices",
                     O.describe(I), S.Contents.size());
  if (S.Link != O.SymtabIndex)
    return makeError("{0}: SHT_GROUP's sh_link {1} is not the symbol table "
                     "({2})",
                     O.describe(I), S.Link, O.SymtabIndex);
  if (S.Info >= O.Symbols.size())
    return makeError("{0}: SHT_GROUP's signature is symbol {1}, the symbol "
                     "table has {2} entries",
                     O.describe(I), S.Info, O.Symbols.size());
  endianness E = O.IsLittleEndian ? endianness::little : endianness::big;
  uint32_t Flag = support::endian::read32(S.Contents.data(), E);
  if (Flag & ~uint32_t(ELF::GRP_COMDAT))
    return makeError("{0}: SHT_GROUP flag word {1:x} is not 0 or GRP_COMDAT",
                     O.describe(I), Flag);
  for (size_t W = 1; W < S.Contents.size() / 4; ++W) {
    uint32_t M = support::endian::read32(S.Contents.data() + 4 * W, E);
    if (M == 0 || M >= O.Sections.size())
      return makeError("{0}: group member {1} is section {2}, there are {3} "
                       "sections",
                       O.describe(I), W, M, O.Sections.size());
    if (O.Sections[M].Type == ELF::SHT_GROUP)
      return makeError("{0}: group member {1} is the group {2}",
                       O.describe(I), W, O.describe(M));
    // lld chains a group's members in a ring; a section in two rings
    // would make a walk round one of them never end.
    if (GroupOf[M])
      return makeError("{0}: {1} is a member of this group and of {2}",
                       O.describe(I), O.describe(M), O.describe(GroupOf[M]));
    GroupOf[M] = I;
  }
  return Error::success();
}
} // namespace

// SYSGC_TEST_NO_LINK_CHECKS (the robustness test only): skip these checks,
// so that a damaged object reaches lld and its containment is tested.
static bool checksOff() {
  static const bool Off = getenv("SYSGC_TEST_NO_LINK_CHECKS") != nullptr;
  return Off;
}

Error sysgc::checkSectionsForLink(const ElfObject &O) {
  if (!O.isRelocatable() || checksOff())
    return Error::success();
  const size_t N = O.Sections.size();
  if (O.SymtabIndex && O.FirstGlobal == 0)
    return makeError("{0}: the symbol table's sh_info is 0: not even the "
                     "null symbol is local",
                     O.describe(O.SymtabIndex));
  // lld skips section 0 only as SHT_NULL; its flags would still count.
  if (N && (O.Sections[0].Type != ELF::SHT_NULL || O.Sections[0].Flags))
    return makeError("{0}: section 0 is not SHT_NULL with no flags (type "
                     "{1:x}, flags {2:x})",
                     O.Name, O.Sections[0].Type, O.Sections[0].Flags);
  // The group each section is a member of (allocated at the first group).
  std::vector<uint32_t> GroupOf;
  for (uint32_t I = 1; I < N; ++I) {
    const ElfSection &S = O.Sections[I];
    if (!isKnownType(S.Type))
      return makeError("{0}: unknown section type {1:x}", O.describe(I),
                       S.Type);
    if (S.AddrAlign > (1ull << 32) ||
        (S.AddrAlign && !isPowerOf2_64(S.AddrAlign)))
      return makeError("{0}: sh_addralign {1} is not a power of two up to "
                       "4 GiB",
                       O.describe(I), S.AddrAlign);
    // sysgc renumbers every sh_link when it rewrites the object.
    if (S.Link >= N)
      return makeError("{0}: sh_link {1} is not a section index, there are "
                       "{2} sections",
                       O.describe(I), S.Link, N);
    if (S.Type == ELF::SHT_NOBITS && contentsAreRead(S))
      return makeError("{0}: SHT_NOBITS, but the linker reads this "
                       "section's contents (flags {1:x})",
                       O.describe(I), S.Flags);
    if (isMergeable(S)) {
      if (S.Size % S.EntSize)
        return makeError("{0}: SHF_MERGE section size {1} is not a multiple "
                         "of sh_entsize {2}",
                         O.describe(I), S.Size, S.EntSize);
      if (S.Flags & ELF::SHF_WRITE)
        return makeError("{0}: SHF_MERGE and SHF_WRITE together",
                         O.describe(I));
      if ((S.Flags & ELF::SHF_STRINGS) &&
          !(S.Flags & ELF::SHF_COMPRESSED) &&
          llvm::any_of(S.Contents.take_back(S.EntSize),
                       [](uint8_t B) { return B != 0; }))
        return makeError("{0}: SHF_STRINGS section does not end with a "
                         "null character",
                         O.describe(I));
    }
    if (S.Flags & ELF::SHF_COMPRESSED)
      if (Error E = checkCompressed(O, I))
        return E;
    if (S.Type == ELF::SHT_GROUP) {
      GroupOf.resize(N);
      if (Error E = checkGroup(O, I, GroupOf))
        return E;
    }
    if (S.Type == ELF::SHT_CREL)
      return makeError("{0}: SHT_CREL relocations, which sysgc does not "
                       "read (assemble without --crel)",
                       O.describe(I));
    if (S.Type == ELF::SHT_REL || S.Type == ELF::SHT_RELA) {
      if (S.Link != O.SymtabIndex)
        return makeError("{0}: sh_link {1} is not the symbol table ({2})",
                         O.describe(I), S.Link, O.SymtabIndex);
      if (S.Info == 0 || S.Info >= N)
        return makeError("{0}: applies to section {1}, there are {2} "
                         "sections",
                         O.describe(I), S.Info, N);
      const ElfSection &T = O.Sections[S.Info];
      if (isMetadataType(T.Type) || T.Type == ELF::SHT_NOBITS)
        return makeError("{0}: applies to {1}, a section without contents "
                         "to relocate (type {2:x})",
                         O.describe(I), O.describe(S.Info), T.Type);
    }
    // SHF_LINK_ORDER with sh_link 0 is no link order (as lld reads it); a
    // SHF_EXCLUDE section never reaches lld's link-order pass, nor does a
    // relocation section.
    if ((S.Flags & ELF::SHF_LINK_ORDER) && S.Link &&
        !(S.Flags & ELF::SHF_EXCLUDE) && S.Type != ELF::SHT_REL &&
        S.Type != ELF::SHT_RELA) {
      if (isMetadataType(S.Type) || isMergeable(S) || S.Name == ".eh_frame")
        return makeError("{0}: SHF_LINK_ORDER on a section lld does not "
                         "link as plain contents (type {1:x}, flags {2:x})",
                         O.describe(I), S.Type, S.Flags);
      if (S.Link >= N)
        return makeError("{0}: SHF_LINK_ORDER names section {1}, there are "
                         "{2} sections",
                         O.describe(I), S.Link, N);
      if (isMetadataType(O.Sections[S.Link].Type))
        return makeError("{0}: SHF_LINK_ORDER names {1}, which is not a "
                         "section of code or data (type {2:x})",
                         O.describe(I), O.describe(S.Link),
                         O.Sections[S.Link].Type);
    }
  }

  // Bindings: lld takes every symbol below sh_info as local and every
  // other as global or weak.
  for (uint32_t I = 0; I < O.Symbols.size(); ++I) {
    uint8_t B = O.Symbols[I].Binding;
    if (B != ELF::STB_LOCAL && B != ELF::STB_GLOBAL && B != ELF::STB_WEAK &&
        B != ELF::STB_GNU_UNIQUE)
      return makeError("{0}: symbol {1} ('{2}') has binding {3}, not local, "
                       "global, weak or unique",
                       O.Name, I, O.Symbols[I].Name, B);
    const ElfSymbol &Sym = O.Symbols[I];
    if (Sym.inSection()) {
      // lld gives a symbol in a section it does not link (the symbol
      // table, a relocation section) no section at all, and dereferences
      // that when it names the symbol's section in a diagnostic.
      const ElfSection &S = O.Sections[Sym.Shndx];
      if (isMetadataType(S.Type) && S.Type != ELF::SHT_GROUP)
        return makeError("{0}: symbol {1} ('{2}') is defined in {3}, which "
                         "holds no code or data (type {4:x})",
                         O.Name, I, Sym.Name, O.describe(Sym.Shndx), S.Type);
      // sysgc reads a function's or a table's bytes by its value and size.
      if ((Sym.Type == ELF::STT_FUNC || Sym.Type == ELF::STT_OBJECT) &&
          (Sym.Value > S.Size || Sym.Size > S.Size - Sym.Value))
        return makeError("{0}: symbol {1} ('{2}') spans [{3:x}, +{4:x}), "
                         "past the end of {5} ({6:x} bytes)",
                         O.Name, I, Sym.Name, Sym.Value, Sym.Size,
                         O.describe(Sym.Shndx), S.Size);
    }
    bool Local = B == ELF::STB_LOCAL;
    if (Local != (I < O.FirstGlobal))
      return makeError("{0}: symbol {1} ('{2}') is {3} but the symbol table's "
                       "sh_info says the first global is {4}",
                       O.Name, I, O.Symbols[I].Name,
                       Local ? "local" : "not local", O.FirstGlobal);
  }
  return Error::success();
}

// Two relocations patching one field: the later silently wins (a dispatch
// slot would hold another entry than sysgc planned with). Fields that only
// partly overlap are left to the table checks of the planner, which name
// the layout they break.
static Error sameFieldError(const ElfObject &O, uint32_t Sec, size_t K,
                            size_t PrevK, uint64_t Off) {
  return makeError("{0}: relocations {1} and {2} both patch the field at "
                   "{3:x}",
                   O.describe(Sec), PrevK, K, Off);
}

Error sysgc::checkRelocsForLink(const ElfObject &O) {
  if (!O.isRelocatable() || checksOff())
    return Error::success();
  const ExtentTable *Table = extentTable(O.Machine);
  for (uint32_t Sec = 0; Sec < O.Sections.size(); ++Sec) {
    const ElfSection &S = O.Sections[Sec];
    ArrayRef<ElfReloc> Rs = O.relocsOf(Sec);
    // Fields are compared as they come while their offsets ascend (as
    // assemblers and ld -r write them), else sorted after.
    bool Ascending = true;
    uint64_t PrevOff = 0;
    size_t PrevK = SIZE_MAX;
    for (size_t K = 0; K < Rs.size(); ++K) {
      const ElfReloc &R = Rs[K];
      RelocExtent X = relocExtent(Table, O.Machine, R.Type);
      if (!X.Known)
        return makeError("{0}: relocation {1} at {2:x} has type {3}, which "
                         "is not a relocation type of machine {4}",
                         O.describe(Sec), K, R.Offset, R.Type, O.Machine);
      if ((X.After || X.Before) &&
          (R.Offset < X.Before || R.Offset > S.Size ||
           S.Size - R.Offset < X.After))
        return makeError(
            "{0}: relocation {1} ({2}) at {3:x} reaches bytes [{4:x}, {5:x}), "
            "outside the section's {6:x} bytes",
            O.describe(Sec), K,
            object::getELFRelocationTypeName(O.Machine, R.Type), R.Offset,
            R.Offset - X.Before, R.Offset + X.After, S.Size);
      if (X.Field == 0 || X.Field == 0xff || !Ascending)
        continue;
      if (PrevK != SIZE_MAX && R.Offset < PrevOff) {
        Ascending = false;
        continue;
      }
      if (PrevK != SIZE_MAX && R.Offset == PrevOff)
        return sameFieldError(O, Sec, K, PrevK, R.Offset);
      PrevOff = R.Offset;
      PrevK = K;
    }
    if (Ascending)
      continue;
    std::vector<std::pair<uint64_t, size_t>> Fields;
    for (size_t K = 0; K < Rs.size(); ++K) {
      RelocExtent X = relocExtent(Table, O.Machine, Rs[K].Type);
      if (X.Field != 0 && X.Field != 0xff)
        Fields.emplace_back(Rs[K].Offset, K);
    }
    llvm::sort(Fields);
    for (size_t I = 1; I < Fields.size(); ++I)
      if (Fields[I].first == Fields[I - 1].first)
        return sameFieldError(O, Sec, Fields[I].second, Fields[I - 1].second,
                              Fields[I].first);
  }
  return Error::success();
}
