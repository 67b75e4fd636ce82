//===- ScanImage.cpp - Read an ELF program or library for the scanner ----===//
//
// One pass over an executable or shared library with libObject's ELFFile,
// generic over the ELF class and byte order, into a ScanImage: segments and
// code ranges, function starts (symbols, .eh_frame FDEs, .ARM.exidx, entry,
// init/fini arrays, IFUNC resolvers), dynamic relocations sorted into import
// slots, relative pointers and code pointers, and the loader's facts.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/Image.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/DebugInfo/DWARF/DWARFDataExtractor.h"
#include "llvm/DebugInfo/DWARF/DWARFDebugFrame.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Path.h"
#include "llvm/TargetParser/Triple.h"
#include <algorithm>

using namespace sysgc;
using namespace llvm;
using namespace llvm::object;

namespace {
/// What a dynamic relocation means to the scanner.
enum class DynReloc { Other, Relative, IRelative, JumpSlot, GlobDat, Abs };

DynReloc classify(uint16_t Machine, uint32_t Type) {
  switch (Machine) {
  case ELF::EM_X86_64:
    switch (Type) {
    case ELF::R_X86_64_RELATIVE: return DynReloc::Relative;
    case ELF::R_X86_64_IRELATIVE: return DynReloc::IRelative;
    case ELF::R_X86_64_JUMP_SLOT: return DynReloc::JumpSlot;
    case ELF::R_X86_64_GLOB_DAT: return DynReloc::GlobDat;
    case ELF::R_X86_64_64: return DynReloc::Abs;
    }
    break;
  case ELF::EM_AARCH64:
    switch (Type) {
    case ELF::R_AARCH64_RELATIVE: return DynReloc::Relative;
    case ELF::R_AARCH64_IRELATIVE: return DynReloc::IRelative;
    case ELF::R_AARCH64_JUMP_SLOT: return DynReloc::JumpSlot;
    case ELF::R_AARCH64_GLOB_DAT: return DynReloc::GlobDat;
    case ELF::R_AARCH64_ABS64: return DynReloc::Abs;
    }
    break;
  case ELF::EM_ARM:
    switch (Type) {
    case ELF::R_ARM_RELATIVE: return DynReloc::Relative;
    case ELF::R_ARM_IRELATIVE: return DynReloc::IRelative;
    case ELF::R_ARM_JUMP_SLOT: return DynReloc::JumpSlot;
    case ELF::R_ARM_GLOB_DAT: return DynReloc::GlobDat;
    case ELF::R_ARM_ABS32: return DynReloc::Abs;
    }
    break;
  case ELF::EM_RISCV:
    switch (Type) {
    case ELF::R_RISCV_RELATIVE: return DynReloc::Relative;
    case ELF::R_RISCV_IRELATIVE: return DynReloc::IRelative;
    case ELF::R_RISCV_JUMP_SLOT: return DynReloc::JumpSlot;
    case ELF::R_RISCV_64: return DynReloc::Abs;
    }
    break;
  }
  return DynReloc::Other;
}
} // namespace

namespace sysgc {
struct ImageReader {
  template <class ELFT>
  static Error read(ScanImage &I, const ELFFile<ELFT> &F);
};
} // namespace sysgc

// The string at Off in [Str], bounded.
static StringRef strAt(StringRef Str, uint64_t Off) {
  if (Off >= Str.size())
    return {};
  return StringRef(Str.data() + Off).substr(0, Str.size() - Off).split('\0').first;
}

template <class ELFT>
Error ImageReader::read(ScanImage &I, const ELFFile<ELFT> &F) {
  using Elf_Sym = typename ELFT::Sym;
  const auto &H = F.getHeader();
  I.Is64 = ELFT::Is64Bits;
  I.Arch = getArch(H.e_machine, I.Is64);
  if (!I.Arch)
    return makeError("{0}: ELF machine {1} ({2}-bit) is not one sysgc scans "
                     "(x86_64, aarch64, riscv64, arm)",
                     I.Path, H.e_machine, I.Is64 ? 64 : 32);
  if (H.e_type != ELF::ET_EXEC && H.e_type != ELF::ET_DYN)
    return makeError("{0}: not an executable or shared library (e_type {1})",
                     I.Path, H.e_type);
  bool IsArm = H.e_machine == ELF::EM_ARM;
  I.Entry = H.e_entry;
  if (IsArm) {
    I.EntryThumb = I.Entry & 1;
    I.Entry &= ~uint64_t(1);
  }

  auto Phdrs = F.program_headers();
  if (!Phdrs)
    return withContext(Phdrs.takeError(), I.Path + ": program headers");
  StringRef Data = F.getBufSize() ? StringRef((const char *)F.base(), F.getBufSize())
                                  : StringRef();
  std::optional<typename ELFT::Phdr> Dyn;
  for (const auto &P : *Phdrs) {
    if (P.p_type == ELF::PT_LOAD) {
      if (P.p_offset > Data.size() || P.p_filesz > Data.size() - P.p_offset)
        return makeError("{0}: PT_LOAD at {1:x} lies outside the file; the "
                         "file is truncated or damaged",
                         I.Path, uint64_t(P.p_vaddr));
      I.Segments.push_back({P.p_vaddr, P.p_memsz, P.p_offset, P.p_filesz,
                            bool(P.p_flags & ELF::PF_X),
                            bool(P.p_flags & ELF::PF_W)});
    } else if (P.p_type == ELF::PT_INTERP) {
      if (P.p_offset < Data.size())
        I.Interp = Data.substr(P.p_offset, P.p_filesz).split('\0').first.str();
    } else if (P.p_type == ELF::PT_DYNAMIC) {
      Dyn = P;
    } else if (P.p_type == ELF::PT_GNU_RELRO) {
      I.Relro.push_back({P.p_vaddr, P.p_vaddr + P.p_memsz});
    } else if (P.p_type == ELF::PT_NOTE) {
      Error Err = Error::success();
      for (const auto &N : F.notes(P, Err))
        if (N.getType() == ELF::NT_GNU_BUILD_ID && N.getName() == "GNU")
          I.BuildId = toHex(N.getDesc(P.p_align), /*LowerCase=*/true);
      if (Err)
        consumeError(std::move(Err)); // a damaged note only loses the id
    }
  }
  I.Static = !Dyn;
  I.Pic = H.e_type == ELF::ET_DYN;

  auto Sections = F.sections();
  if (!Sections)
    return withContext(Sections.takeError(), I.Path + ": section headers");
  if (Sections->empty())
    return makeError("{0}: no section headers; sysgc scan needs them to tell "
                     "code from data",
                     I.Path);

  // Dynamic entries: what the loader reads.
  uint64_t StrTabAddr = 0, StrSz = 0;
  std::vector<uint64_t> NeededOff, RunPathOff, RPathOff;
  uint64_t SoNameOff = ~0ull;
  bool Pie = false;
  struct ArrayRange {
    uint64_t Addr = 0, Size = 0;
  } InitA, FiniA, PreinitA;
  if (Dyn) {
    auto Entries = F.dynamicEntries();
    if (!Entries)
      return withContext(Entries.takeError(), I.Path + ": PT_DYNAMIC");
    for (const auto &D : *Entries) {
      uint64_t V = D.getVal();
      switch (D.getTag()) {
      case ELF::DT_NEEDED: NeededOff.push_back(V); break;
      case ELF::DT_RUNPATH: RunPathOff.push_back(V); break;
      case ELF::DT_RPATH: RPathOff.push_back(V); break;
      case ELF::DT_SONAME: SoNameOff = V; break;
      case ELF::DT_FLAGS_1: Pie = V & ELF::DF_1_PIE; break;
      case ELF::DT_STRTAB: StrTabAddr = V; break;
      case ELF::DT_STRSZ: StrSz = V; break;
      case ELF::DT_INIT: I.InitFini.push_back(V); break;
      case ELF::DT_FINI: I.InitFini.push_back(V); break;
      case ELF::DT_INIT_ARRAY: InitA.Addr = V; break;
      case ELF::DT_INIT_ARRAYSZ: InitA.Size = V; break;
      case ELF::DT_FINI_ARRAY: FiniA.Addr = V; break;
      case ELF::DT_FINI_ARRAYSZ: FiniA.Size = V; break;
      case ELF::DT_PREINIT_ARRAY: PreinitA.Addr = V; break;
      case ELF::DT_PREINIT_ARRAYSZ: PreinitA.Size = V; break;
      }
    }
    ArrayRef<uint8_t> S = I.bytesAt(StrTabAddr, StrSz);
    StringRef Str((const char *)S.data(), S.size());
    for (uint64_t O : NeededOff)
      I.Needed.push_back(strAt(Str, O).str());
    auto Split = [&](std::vector<uint64_t> &Offs, std::vector<std::string> &Out) {
      for (uint64_t O : Offs) {
        SmallVector<StringRef, 4> Parts;
        strAt(Str, O).split(Parts, ':', -1, false);
        for (StringRef P : Parts)
          Out.push_back(P.str());
      }
    };
    Split(RunPathOff, I.RunPath);
    Split(RPathOff, I.RPath);
    if (SoNameOff != ~0ull)
      I.SoName = strAt(Str, SoNameOff).str();
  }
  // A program: ET_EXEC, a PIE (DF_1_PIE), or an ET_DYN with an
  // interpreter and no soname (a PIE from an older linker). libc.so.6
  // has an interpreter too, to print its version: it is a library.
  I.IsExec = H.e_type == ELF::ET_EXEC || Pie ||
             (!I.Interp.empty() && I.SoName.empty());

  auto AddStart = [&](uint64_t A, uint64_t Size, StringRef Name, StartKind K) {
    bool Thumb = false;
    if (IsArm) {
      Thumb = A & 1;
      A &= ~uint64_t(1);
    }
    if (I.isCode(A))
      I.Starts.push_back({A, Size, Name.str(), K, Thumb});
  };

  // Sections: code ranges, symbols, relocations, unwind tables, arrays.
  const typename ELFT::Shdr *EhFrame = nullptr, *Exidx = nullptr;
  for (const auto &S : *Sections) {
    if ((S.sh_flags & ELF::SHF_ALLOC) && (S.sh_flags & ELF::SHF_EXECINSTR) &&
        S.sh_type == ELF::SHT_PROGBITS && S.sh_size)
      I.Code.push_back({S.sh_addr, S.sh_addr + S.sh_size});
    auto Name = F.getSectionName(S);
    if (Name && *Name == ".eh_frame" && S.sh_type == ELF::SHT_PROGBITS)
      EhFrame = &S;
    if (Name && (*Name == ".plt" || *Name == ".plt.sec" || *Name == ".plt.got") &&
        (S.sh_flags & ELF::SHF_EXECINSTR) && S.sh_size)
      I.Plt.push_back({S.sh_addr, S.sh_addr + S.sh_size});
    if (!Name)
      consumeError(Name.takeError());
    if (S.sh_type == ELF::SHT_ARM_EXIDX)
      Exidx = &S;
    if (!Dyn) {
      if (S.sh_type == ELF::SHT_INIT_ARRAY) InitA = {S.sh_addr, S.sh_size};
      if (S.sh_type == ELF::SHT_FINI_ARRAY) FiniA = {S.sh_addr, S.sh_size};
      if (S.sh_type == ELF::SHT_PREINIT_ARRAY) PreinitA = {S.sh_addr, S.sh_size};
    }
  }
  llvm::sort(I.Code, [](const CodeRange &A, const CodeRange &B) {
    return A.Begin < B.Begin;
  });

  AddStart(H.e_entry, 0, "_start", StartKind::Entry);
  for (const ArrayRange &A : {InitA, FiniA, PreinitA}) {
    unsigned W = ELFT::Is64Bits ? 8 : 4;
    for (uint64_t Off = 0; Off + W <= A.Size && Off < (1u << 24); Off += W)
      if (ArrayRef<uint8_t> B = I.bytesAt(A.Addr + Off, W); B.size() == W) {
        uint64_t V = W == 8 ? support::endian::read64le(B.data())
                            : support::endian::read32le(B.data());
        if (V && V != ~0ull && V != 0xffffffffu)
          I.InitFini.push_back(V);
      }
  }
  // Init arrays of a PIE or library hold 0 and a relative relocation:
  // resolved below, once relocations are read.

  for (const auto &S : *Sections) {
    if (S.sh_type != ELF::SHT_SYMTAB && S.sh_type != ELF::SHT_DYNSYM)
      continue;
    auto Syms = F.symbols(&S);
    auto StrTab = F.getStringTableForSymtab(S);
    if (!Syms || !StrTab) {
      consumeError(Syms.takeError());
      consumeError(StrTab.takeError());
      continue; // a damaged symbol table only loses names
    }
    bool IsDyn = S.sh_type == ELF::SHT_DYNSYM;
    for (const Elf_Sym &Sym : *Syms) {
      uint8_t T = Sym.getType();
      if (Sym.st_shndx == ELF::SHN_UNDEF || Sym.st_shndx >= ELF::SHN_LORESERVE)
        continue;
      StringRef N = strAt(*StrTab, Sym.st_name);
      bool Fn = T == ELF::STT_FUNC || T == ELF::STT_GNU_IFUNC;
      if (Fn)
        AddStart(Sym.st_value, Sym.st_size, N, StartKind::Symbol);
      if (IsDyn && Sym.getBinding() != ELF::STB_LOCAL &&
          Sym.getVisibility() != ELF::STV_HIDDEN && !N.empty())
        I.Exports.push_back({N.str(), Sym.st_value & (IsArm && Fn ? ~1ull : ~0ull),
                             Fn, T == ELF::STT_GNU_IFUNC});
    }
  }

  // Dynamic relocations (and a static program's IRELATIVE ones).
  const typename ELFT::Shdr *DynSymSec = nullptr;
  for (const auto &S : *Sections)
    if (S.sh_type == ELF::SHT_DYNSYM)
      DynSymSec = &S;
  std::map<uint32_t, uint32_t> ImportOfSym;
  auto SymName = [&](uint32_t Idx, uint64_t &Value, bool &Defined,
                     bool &IsFunc) -> StringRef {
    Value = 0;
    Defined = false;
    IsFunc = false;
    if (!DynSymSec || !Idx)
      return {};
    auto Sym = F.template getEntry<Elf_Sym>(*DynSymSec, Idx);
    auto StrTab = F.getStringTableForSymtab(*DynSymSec);
    if (!Sym || !StrTab) {
      consumeError(Sym.takeError());
      consumeError(StrTab.takeError());
      return {};
    }
    Value = (*Sym)->st_value;
    Defined = (*Sym)->st_shndx != ELF::SHN_UNDEF;
    IsFunc = (*Sym)->getType() == ELF::STT_FUNC ||
             (*Sym)->getType() == ELF::STT_GNU_IFUNC ||
             (*Sym)->getType() == ELF::STT_NOTYPE;
    return strAt(*StrTab, (*Sym)->st_name);
  };
  auto OnReloc = [&](uint64_t Off, uint32_t Type, uint32_t SymIdx,
                     int64_t Addend, bool HasAddend) {
    DynReloc K = classify(H.e_machine, Type);
    if (K == DynReloc::Other)
      return;
    I.Relocated.push_back({Off, Off + (ELFT::Is64Bits ? 8 : 4)});
    if (!HasAddend) { // REL: the addend is the word in the slot
      ArrayRef<uint8_t> B = I.bytesAt(Off, 4);
      Addend = B.size() == 4 ? int32_t(support::endian::read32le(B.data())) : 0;
    }
    uint64_t V;
    bool Defined, IsFunc;
    StringRef N = SymName(SymIdx, V, Defined, IsFunc);
    switch (K) {
    case DynReloc::Relative:
      I.RelativeSlots[Off] = uint64_t(Addend);
      I.DataPointers.push_back({uint64_t(Addend), true, I.isReadOnly(Off)});
      break;
    case DynReloc::IRelative:
      I.IfuncResolvers.push_back(uint64_t(Addend) & (IsArm ? ~1ull : ~0ull));
      break;
    case DynReloc::JumpSlot:
    case DynReloc::GlobDat:
    case DynReloc::Abs: {
      if (!SymIdx) { // an absolute word with no symbol: a pointer
        I.DataPointers.push_back({uint64_t(Addend), true, I.isReadOnly(Off)});
        break;
      }
      if (N.empty())
        break;
      auto [It, New] = ImportOfSym.try_emplace(SymIdx, I.Imports.size());
      if (New)
        I.Imports.push_back(N.str());
      I.ImportSlots[Off] = It->second;
      if (K != DynReloc::JumpSlot && IsFunc)
        I.AddressTakenImports.push_back(It->second);
      break;
    }
    default:
      break;
    }
  };
  for (const auto &S : *Sections) {
    if (!(S.sh_flags & ELF::SHF_ALLOC))
      continue;
    if (S.sh_type == ELF::SHT_RELA) {
      auto Rs = F.relas(S);
      if (!Rs)
        return withContext(Rs.takeError(), I.Path + ": dynamic relocations");
      for (const auto &R : *Rs)
        OnReloc(R.r_offset, R.getType(false), R.getSymbol(false), R.r_addend,
                true);
    } else if (S.sh_type == ELF::SHT_REL) {
      auto Rs = F.rels(S);
      if (!Rs)
        return withContext(Rs.takeError(), I.Path + ": dynamic relocations");
      for (const auto &R : *Rs)
        OnReloc(R.r_offset, R.getType(false), R.getSymbol(false), 0, false);
    } else if (S.sh_type == ELF::SHT_RELR) {
      auto Rs = F.relrs(S);
      if (!Rs)
        return withContext(Rs.takeError(), I.Path + ": RELR relocations");
      for (const auto &Rel : F.decode_relrs(*Rs)) {
        uint64_t Off = Rel.r_offset;
        ArrayRef<uint8_t> B = I.bytesAt(Off, ELFT::Is64Bits ? 8 : 4);
        uint64_t V = B.empty() ? 0
                     : ELFT::Is64Bits ? support::endian::read64le(B.data())
                                      : support::endian::read32le(B.data());
        I.Relocated.push_back({Off, Off + B.size()});
        I.RelativeSlots[Off] = V;
        I.DataPointers.push_back({V, true, I.isReadOnly(Off)});
      }
    }
  }
  llvm::sort(I.Relocated);
  // Init/fini arrays of position-independent modules: relocated slots.
  for (const ArrayRange &A : {InitA, FiniA, PreinitA}) {
    unsigned W = ELFT::Is64Bits ? 8 : 4;
    for (uint64_t Off = 0; Off + W <= A.Size && Off < (1u << 24); Off += W) {
      auto It = I.RelativeSlots.find(A.Addr + Off);
      if (It != I.RelativeSlots.end())
        I.InitFini.push_back(It->second);
    }
  }
  for (uint64_t &A : I.InitFini)
    if (IsArm)
      A &= ~uint64_t(1);

  // Function starts from the unwind tables: stripped programs have no
  // symbols, but every compiled function has an FDE (or an exidx entry).
  if (EhFrame) {
    ArrayRef<uint8_t> B = I.bytesAt(EhFrame->sh_addr, EhFrame->sh_size);
    if (!B.empty()) {
      Triple T(I.Arch->Triple);
      DWARFDebugFrame Frames(T.getArch(), /*IsEH=*/true, EhFrame->sh_addr);
      DWARFDataExtractor DE(StringRef((const char *)B.data(), B.size()),
                            /*IsLittleEndian=*/true, ELFT::Is64Bits ? 8 : 4);
      if (Error E = Frames.parse(DE))
        consumeError(std::move(E)); // keep the FDEs read before the damage
      for (const dwarf::FrameEntry &E : Frames)
        if (const auto *FDE = dyn_cast<dwarf::FDE>(&E))
          AddStart(FDE->getInitialLocation(), FDE->getAddressRange(), "",
                   StartKind::Frame);
    }
  }
  if (Exidx) {
    ArrayRef<uint8_t> B = I.bytesAt(Exidx->sh_addr, Exidx->sh_size);
    for (uint64_t Off = 0; Off + 8 <= B.size(); Off += 8) {
      uint32_t W = support::endian::read32le(B.data() + Off);
      int64_t Rel = int32_t(W << 1) >> 1; // prel31
      uint64_t A = Exidx->sh_addr + Off + Rel;
      // exidx does not say Thumb or ARM: Debian's armhf is Thumb-2, and a
      // symbol or the entry point says otherwise where known.
      I.Starts.push_back({A, 0, "", StartKind::Frame, true});
    }
  }
  for (uint64_t A : I.InitFini)
    AddStart(A | (IsArm ? 1 : 0), 0, "", StartKind::Init);
  for (uint64_t A : I.IfuncResolvers)
    AddStart(A | (IsArm ? 1 : 0), 0, "", StartKind::Ifunc);

  // A position-dependent program keeps code pointers as plain words: take
  // the aligned words of its writable data that point into code, and those
  // of its read-only data that equal a known function start (a jump
  // table's entries point inside functions and are left out).
  if (H.e_type == ELF::ET_EXEC) {
    std::vector<uint64_t> Known;
    for (const ImageFunction &S : I.Starts)
      Known.push_back(S.Addr);
    llvm::sort(Known);
    unsigned W = ELFT::Is64Bits ? 8 : 4;
    for (const auto &S : *Sections) {
      if (!(S.sh_flags & ELF::SHF_ALLOC) || (S.sh_flags & ELF::SHF_EXECINSTR) ||
          S.sh_type == ELF::SHT_NOBITS || S.sh_type == ELF::SHT_NOTE)
        continue;
      ArrayRef<uint8_t> B = I.bytesAt(S.sh_addr, S.sh_size);
      bool Ro = !(S.sh_flags & ELF::SHF_WRITE);
      for (uint64_t Off = (W - S.sh_addr % W) % W; Off + W <= B.size(); Off += W) {
        uint64_t V = W == 8 ? support::endian::read64le(B.data() + Off)
                            : support::endian::read32le(B.data() + Off);
        uint64_t A = IsArm ? V & ~1ull : V;
        // Writable (and RELRO) data holds pointers, .rodata also jump
        // tables (which point inside functions): there, only known starts.
        // On arm a Thumb pointer has its low bit set: an even word is an
        // ARM-code pointer only where it equals a known start.
        bool Strict = Ro || (IsArm && !(V & 1));
        if (Strict ? std::binary_search(Known.begin(), Known.end(), A)
                   : I.isCode(A))
          I.DataPointers.push_back({V, false, Ro});
      }
    }
  }
  for (const ScanImage::DataPointer &P : I.DataPointers)
    AddStart(P.Target, 0, "", StartKind::Data);

  // One start per address: a name beats none, Thumb is whatever a symbol
  // or the entry says.
  llvm::stable_sort(I.Starts, [](const ImageFunction &A, const ImageFunction &B) {
    if (A.Addr != B.Addr)
      return A.Addr < B.Addr;
    return A.Name.size() > B.Name.size();
  });
  std::vector<ImageFunction> Unique;
  for (ImageFunction &S : I.Starts) {
    if (!Unique.empty() && Unique.back().Addr == S.Addr) {
      ImageFunction &U = Unique.back();
      if (!U.Size)
        U.Size = S.Size;
      // Any source that says Thumb (a symbol's or a pointer's low bit,
      // an exidx entry) wins: an even word equal to a start says little.
      U.Thumb |= S.Thumb;
      continue;
    }
    Unique.push_back(std::move(S));
  }
  I.Starts = std::move(Unique);
  return Error::success();
}

Expected<std::unique_ptr<ScanImage>>
ScanImage::read(std::unique_ptr<MemoryBuffer> Buf, StringRef Path) {
  auto I = std::make_unique<ScanImage>();
  I->Path = Path.str();
  StringRef B = Buf->getBuffer();
  I->Buf = std::move(Buf);
  if (B.size() < 16 || !B.starts_with("\x7f" "ELF"))
    return makeError("{0}: not an ELF file", Path);
  bool Is64 = B[4] == ELF::ELFCLASS64;
  bool LE = B[5] == ELF::ELFDATA2LSB;
  if (!LE)
    return makeError("{0}: big-endian ELF is not supported", Path);
  Error E = Error::success();
  if (Is64) {
    auto F = ELFFile<ELF64LE>::create(B);
    if (!F)
      return withContext(F.takeError(), Path);
    E = ImageReader::read(*I, *F);
  } else {
    auto F = ELFFile<ELF32LE>::create(B);
    if (!F)
      return withContext(F.takeError(), Path);
    E = ImageReader::read(*I, *F);
  }
  if (E)
    return std::move(E);
  return std::move(I);
}

Expected<std::unique_ptr<ScanImage>> ScanImage::readFile(StringRef Path) {
  auto B = MemoryBuffer::getFile(Path, /*IsText=*/false,
                                 /*RequiresNullTerminator=*/false);
  if (!B)
    return makeError("{0}: {1}", Path, B.getError().message());
  return read(std::move(*B), Path);
}

ArrayRef<uint8_t> ScanImage::bytesAt(uint64_t Addr, uint64_t N) const {
  for (const ImageSegment &S : Segments)
    if (Addr >= S.Addr && Addr - S.Addr < S.FileSize &&
        N <= S.FileSize - (Addr - S.Addr)) {
      uint64_t Off = S.FileOff + (Addr - S.Addr);
      if (Off > Buf->getBufferSize() || N > Buf->getBufferSize() - Off)
        return {};
      return ArrayRef<uint8_t>(
          reinterpret_cast<const uint8_t *>(Buf->getBufferStart()) + Off, N);
    }
  return {};
}

ArrayRef<uint8_t> ScanImage::bytesFrom(uint64_t Addr) const {
  for (const ImageSegment &S : Segments)
    if (Addr >= S.Addr && Addr - S.Addr < S.FileSize)
      return bytesAt(Addr, S.FileSize - (Addr - S.Addr));
  return {};
}

bool ScanImage::isCode(uint64_t Addr) const {
  auto It = llvm::upper_bound(Code, Addr, [](uint64_t A, const CodeRange &R) {
    return A < R.Begin;
  });
  return It != Code.begin() && Addr < std::prev(It)->End;
}

bool ScanImage::isReadOnly(uint64_t Addr) const {
  for (auto [B, E] : Relro)
    if (Addr >= B && Addr < E)
      return true;
  for (const ImageSegment &S : Segments)
    if (Addr >= S.Addr && Addr - S.Addr < S.MemSize)
      return !S.Write;
  return false;
}

std::optional<uint64_t> ScanImage::readConst(uint64_t Addr, unsigned Size) const {
  if (Size == 0 || Size > 8 || !isReadOnly(Addr))
    return std::nullopt;
  // A slot the loader writes holds its value only after relocation.
  auto It = llvm::upper_bound(Relocated, std::pair<uint64_t, uint64_t>(Addr, ~uint64_t(0)));
  if (It != Relocated.begin() && Addr < std::prev(It)->second)
    return std::nullopt;
  if (It != Relocated.end() && It->first < Addr + Size)
    return std::nullopt;
  ArrayRef<uint8_t> B = bytesAt(Addr, Size);
  if (B.size() != Size)
    return std::nullopt;
  uint64_t V = 0;
  for (unsigned K = 0; K < Size; ++K)
    V |= uint64_t(B[K]) << (8 * K);
  return V;
}

std::string ScanImage::displayName() const {
  return sys::path::filename(Path).str();
}
