//===- sysgc/Object/ElfObject.h - One ELF file, read once --------*- C++ -*-===//
//
// A flat, validated view of an ELF file (object or executable, any class and
// byte order) read with libObject's low-level ELFFile API: sections, symbols
// (with SHN_XINDEX resolved) and every relocation, in one array grouped by
// the section it applies to. Everything downstream (graph, planner, writer,
// verifier) works on this view and never re-parses the file; the view points
// into the caller's buffer, which must outlive it.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_OBJECT_ELFOBJECT_H
#define SYSGC_OBJECT_ELFOBJECT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sysgc {

struct ElfSection {
  llvm::StringRef Name;
  uint32_t NameOffset = 0;
  uint32_t Type = 0;
  uint64_t Flags = 0;
  uint64_t Addr = 0;
  uint64_t Offset = 0;
  uint64_t Size = 0;
  uint32_t Link = 0;
  uint32_t Info = 0;
  uint64_t AddrAlign = 0;
  uint64_t EntSize = 0;
  /// The SHT_REL/SHT_RELA section that applies to this one (0: none).
  uint32_t RelocSection = 0;
  /// This section's relocations: ElfObject::Relocs[FirstReloc, +NumRelocs).
  uint32_t FirstReloc = 0;
  uint32_t NumRelocs = 0;
  /// File bytes (empty for SHT_NOBITS).
  llvm::ArrayRef<uint8_t> Contents;
};

struct ElfSymbol {
  llvm::StringRef Name;
  uint64_t Value = 0;
  uint64_t Size = 0;
  /// Section index with SHN_XINDEX resolved; SHN_UNDEF/ABS/COMMON as is.
  uint32_t Shndx = 0;
  uint8_t Binding = 0;
  uint8_t Type = 0;
  uint8_t Other = 0;
  uint32_t NameOffset = 0;
  /// The index came through SHN_XINDEX (Shndx is a real section index even
  /// if it is >= SHN_LORESERVE).
  bool XIndex = false;

  bool isDefined() const;
  bool isUndefined() const { return Shndx == 0; }
  /// Defined in a real section (not absolute, common or undefined).
  bool inSection() const { return Shndx != 0 && (XIndex || Shndx < 0xff00); }
};

struct ElfReloc {
  uint64_t Offset = 0;
  uint32_t Type = 0;
  uint32_t Symbol = 0;
  /// The addend: explicit (RELA), or read from the patched bytes (REL) by
  /// ElfObject::ImplicitAddend when it is set.
  int64_t Addend = 0;
};

class ElfObject {
public:
  /// Parse and validate Buffer; Name is used in every diagnostic. Without
  /// WithRelocs the relocation sections are not read (a linked file read
  /// for its symbols and contents).
  static llvm::Expected<std::unique_ptr<ElfObject>>
  create(llvm::MemoryBufferRef Buffer, std::string Name,
         bool WithRelocs = true);

  std::string Name;
  llvm::MemoryBufferRef Buffer;
  /// xxh3 of Buffer's bytes, computed once (the plan and rewrite caches key
  /// on it; vmlinux.o is tens of megabytes).
  uint64_t contentHash() const;
  bool Is64 = true;
  bool IsLittleEndian = true;
  uint16_t Machine = 0;
  uint16_t FileType = 0;
  /// Relocation sections are SHT_RELA (else SHT_REL).
  bool IsRela = true;
  uint32_t SymtabIndex = 0;
  uint32_t SymtabShndxIndex = 0;
  uint32_t FirstGlobal = 0;
  uint32_t ShStrIndex = 0;
  std::vector<ElfSection> Sections;
  std::vector<ElfSymbol> Symbols;
  /// Empty (and every section's FirstReloc/NumRelocs/RelocSection 0) until
  /// the relocations are read: by create(WithRelocs) or loadRelocs().
  std::vector<ElfReloc> Relocs;
  bool RelocsLoaded = false;
  /// The number of relocations in the file, known from the section
  /// headers before they are read (Relocs.size() once they are).
  uint64_t RelocCount = 0;

  /// Read the relocations of an object created without them (a no-op if
  /// they are read already). On error the object stays without them.
  llvm::Error loadRelocs();
  /// How an SHT_REL relocation's addend is read from the bytes it patches
  /// (the architecture's ArchInfo::implicitAddend), set before loadRelocs;
  /// unset, REL addends read as 0.
  std::function<int64_t(uint32_t Type, llvm::ArrayRef<uint8_t> Loc)>
      ImplicitAddend;

  llvm::ArrayRef<ElfReloc> relocsOf(uint32_t Sec) const {
    const ElfSection &S = Sections[Sec];
    return llvm::ArrayRef<ElfReloc>(Relocs).slice(S.FirstReloc, S.NumRelocs);
  }
  bool isRelocatable() const { return FileType == 1; /* ET_REL */ }
  /// "vmlinux.o:(.text.foo)" for diagnostics.
  std::string describe(uint32_t Sec) const;

private:
  mutable std::optional<uint64_t> ContentHash;
};

/// True if Buffer starts like an ELF file.
bool isElf(llvm::StringRef Buffer);

} // namespace sysgc

#endif
