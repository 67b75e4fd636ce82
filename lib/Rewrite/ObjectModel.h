//===- ObjectModel.h - The sections and symbols being edited ----*- C++ -*-===//
//
// The object model every edit works on (llvm-objcopy's Object, kept flat):
// the input's sections as output sections (headers, borrowed or owned
// bytes, relocations re-encoded only where they changed), its symbols, and
// the string tables. Edits append sections and symbols, so input indices
// stay valid until compact() renumbers; ElfWriter.cpp serialises the result.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_LIB_REWRITE_OBJECTMODEL_H
#define SYSGC_LIB_REWRITE_OBJECTMODEL_H

#include "sysgc/Object/ElfObject.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include <array>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace sysgc::rewrite {

struct OutSection {
  uint32_t Name = 0;
  uint32_t Type = 0;
  uint64_t Flags = 0;
  uint32_t Link = 0;
  uint32_t Info = 0;
  uint64_t AddrAlign = 0;
  uint64_t EntSize = 0;
  uint64_t Size = 0;      // for NOBITS
  llvm::ArrayRef<uint8_t> Data; // borrowed, or in the model's own storage
  /// When re-encoded (then Data is unused).
  llvm::MutableArrayRef<ElfReloc> Relocs;
  bool EncodeRelocs = false;
  /// An input relocation section: its relocations as read, encoded anew
  /// from here (instead of Data copied) once the symbols are renumbered.
  llvm::ArrayRef<ElfReloc> Source;
  /// A coalesced run's relocations (then Relocs is unused): each joined
  /// section's, to be moved by its offset in the head.
  std::vector<std::pair<llvm::ArrayRef<ElfReloc>, uint64_t>> RelocParts;
  /// A coalesced section: its parts at their offsets (then Data is unused),
  /// the gaps filled with Fill.
  std::vector<std::pair<uint64_t, llvm::ArrayRef<uint8_t>>> Parts;
  std::array<uint8_t, 4> Fill{};

  /// A new section with this one's header and no contents.
  OutSection headerOnly() const;
  bool isRelocSection() const;
};

class ObjectModel {
public:
  /// Every section and symbol of O, unchanged. ExtraSections: how many
  /// sections the edits may append (reserved once).
  ObjectModel(const ElfObject &O, size_t ExtraSections);

  /// The input. Its Sections index Secs until compact() renumbers them.
  const ElfObject &O;
  std::vector<OutSection> Secs;
  std::vector<ElfSymbol> Syms;
  /// Where the symbol table, its string table, .shstrtab and the extended
  /// index table are among Secs (compact() renumbers them).
  uint32_t SymtabIdx = 0, StrtabIdx = 0, ShStrIdx = 0, ShndxIndex = 0;
  /// Over O.Sections: the sections the edits exclude, known before the
  /// tables are split so that a piece of an excluded owner is excluded too.
  llvm::BitVector Excluded;
  /// Sections coalesce() emptied: joined into their run's head, or a
  /// relocation section whose relocations moved to the head's.
  llvm::BitVector Joined;
  /// Once the symbols are renumbered: the new index of each symbol index
  /// the relocations hold (they keep the old ones; the writer maps them).
  std::vector<uint32_t> SymbolMap;

  // --- Names ---------------------------------------------------------------
  /// The index of a symbol named Name, appending an undefined global if the
  /// object has none.
  uint32_t symbolNamed(llvm::StringRef Name);
  /// An offset in .shstrtab reading Name: an existing string or the tail of
  /// one ("text" inside ".rela.text"), else appended.
  uint32_t sectionNameOffset(llvm::StringRef Name);
  /// The section name at offset Off of .shstrtab as it stands.
  llvm::StringRef sectionName(uint32_t Off) const;
  /// Append S to the symbol string table; its offset.
  uint32_t appendString(llvm::StringRef S);
  /// A name that lives as long as the model.
  llvm::StringRef saveName(std::string S);
  /// The symbol string table grew.
  bool stringsGrew() const { return !ExtraStrings.empty(); }
  llvm::ArrayRef<uint8_t> strings() const { return ExtraStrings; }

  // --- Relocations -----------------------------------------------------------
  /// The relocations of input section I as they stand.
  llvm::ArrayRef<ElfReloc> relocsOf(uint32_t I) const;
  /// The relocations of input section Target, copied once so that edits can
  /// change them (its relocation section is then re-encoded).
  llvm::MutableArrayRef<ElfReloc> editableRelocs(uint32_t Target);
  /// The input section a relocation index belongs to (0 if none).
  uint32_t relocTarget(uint32_t Reloc);
  /// Give the relocations of input section Sec, which was cut up, to their
  /// new homes: Dest maps an offset in Sec to (output section, offset
  /// there), each one Sec itself or one of NewSecs. Each new home gets a
  /// relocation section of its own (appended), in the original order.
  llvm::Error
  moveRelocs(uint32_t Sec, llvm::ArrayRef<uint32_t> NewSecs,
             llvm::function_ref<std::pair<uint32_t, uint64_t>(uint64_t)> Dest);
  /// Give relocation R a new addend. R patches the bytes of output section
  /// Sec at Off: a REL object keeps its addends there (lld's implicit
  /// addends), so they are rewritten too. They must hold R's old addend as
  /// the architecture reads it (ArchInfo::implicitAddend, the reader's
  /// own), in a data word that is the whole addend (tableRelocSize).
  llvm::Error setAddend(ElfReloc &R, int64_t Addend, uint32_t Sec,
                        uint64_t Off);

  // --- Symbols ---------------------------------------------------------------
  /// Put symbol I at NewIndex[I] (a permutation of Syms) and FirstGlobal
  /// in .symtab's sh_info. What names a symbol by index follows: group
  /// signatures and .llvm_addrsig now, relocations as they are written.
  llvm::Error renumberSymbols(llvm::ArrayRef<uint32_t> NewIndex,
                              uint32_t FirstGlobal);
  /// The index symbol I is written at.
  uint32_t newSymbolIndex(uint32_t I) const {
    return SymbolMap.empty() ? I : SymbolMap[I];
  }

  // --- Sections --------------------------------------------------------------
  /// Append an empty SHF_LINK_ORDER piece of section Sec, linked to Owner.
  /// A piece of an excluded owner is excluded with it.
  uint32_t addPiece(uint32_t Sec, uint32_t Owner);
  /// The bytes of output section Sec, copied once so that an edit can
  /// change them in place (the moves that follow read them from there).
  llvm::MutableArrayRef<uint8_t> editableBytes(uint32_t Sec);
  /// Byte storage that lives as long as the model (never moves).
  std::vector<uint8_t> &ownBytes() { return ByteStore.emplace_back(); }
  /// Relocation storage that lives as long as the model (never moves).
  std::vector<ElfReloc> &ownRelocs(size_t N) {
    return RelocStore.emplace_back(N);
  }

private:
  std::vector<uint8_t> ExtraStrings;
  std::vector<uint8_t> ShStr;
  llvm::StringMap<uint32_t> NewSymbolIndex;
  llvm::StringMap<uint32_t> NameOffsets;
  std::deque<std::string> NewNames;
  std::deque<std::vector<uint8_t>> ByteStore;
  std::deque<std::vector<ElfReloc>> RelocStore;
  /// editableBytes' copies, by output section.
  llvm::DenseMap<uint32_t, std::vector<uint8_t> *> OwnedBytes;
  /// (first relocation, input section), sorted: relocTarget's index.
  std::vector<std::pair<uint32_t, uint32_t>> RelocRanges;
};

} // namespace sysgc::rewrite

#endif
