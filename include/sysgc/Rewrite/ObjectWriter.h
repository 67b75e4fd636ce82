//===- sysgc/Rewrite/ObjectWriter.h - Write a changed relocatable object -*- C++ -*-===//
//
// Applies one object's share of the plan and serialises a new ELF
// relocatable file: dispatch relocations pointed at another symbol, table
// sections cut into SHF_LINK_ORDER pieces (new sections appended, so every
// existing section and symbol index stays valid), SHF_EXCLUDE on the
// sections lld must not collect, adjacent sections joined for lld. Extended section numbering (SHN_XINDEX) is
// produced whenever the section count needs it. The input is never touched.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_REWRITE_OBJECTWRITER_H
#define SYSGC_REWRITE_OBJECTWRITER_H

#include "sysgc/Object/ElfObject.h"
#include "sysgc/Link/LinkerScript.h"
#include "sysgc/Plan/Plan.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include <array>
#include <string>
#include <vector>

namespace sysgc {

struct ObjectEdits {
  /// (index into ElfObject::Relocs, name of the new target symbol).
  std::vector<std::pair<uint32_t, std::string>> Retargets;
  std::vector<const TableSplit *> Splits;
  std::vector<const RangeSplit *> RangeSplits;
  /// Section indices to mark SHF_EXCLUDE (lld drops them as it reads
  /// them), and with them every table piece and snippet piece they own.
  std::vector<uint32_t> Exclude;
  /// (section index, new name).
  std::vector<std::pair<uint32_t, std::string>> Renames;
  /// Join each run of adjacent allocated sections that lld would place one
  /// after the other (same name, type and flags; nothing else allocated
  /// and kept in between) into its first section: contents laid out as lld
  /// would lay them out (each part at its own alignment, executable gaps
  /// filled with CodeFill), symbols moved into it, relocations concatenated.
  /// The other sections of the run (and the relocation sections they
  /// emptied) are removed and the rest renumbered; one something still
  /// names stays as an empty SHF_EXCLUDE placeholder. Only where lld
  /// collects nothing (Retain mode):
  /// a joined section is kept or dropped whole. Placement says which
  /// sections may come between two others (null: no coalescing).
  const SectionPlacement *Placement = nullptr;
  std::array<uint8_t, 4> CodeFill{};

  bool empty() const {
    return Retargets.empty() && Splits.empty() && RangeSplits.empty() &&
           Exclude.empty() && Renames.empty();
  }
};

/// The plan cut into each object's edits (indexed like InputSet::Objects).
/// The result points into Plan (and Placement), which must outlive it.
/// With a Placement, sections are joined where the plan allows it (Retain
/// mode, an architecture with a trap fill).
std::vector<ObjectEdits> editsFromPlan(const SectionGraph &G,
                                       const LinkPlan &Plan,
                                       const SectionPlacement *Placement =
                                           nullptr);

/// Gives the buffer for an output of Size bytes, once its layout is known.
/// The writer writes every byte of it (the buffer need not be zeroed).
using OutputAllocator = llvm::function_ref<
    llvm::Expected<llvm::MutableArrayRef<char>>(uint64_t Size)>;

/// Serialise O with Edits applied into the buffer Alloc gives.
llvm::Error writeObject(const ElfObject &O, const ObjectEdits &Edits,
                        OutputAllocator Alloc);

/// Serialise O with Edits applied, in memory.
llvm::Expected<std::vector<char>> writeObject(const ElfObject &O,
                                              const ObjectEdits &Edits);

/// Serialise O with Edits applied to Path, atomically (an AtomicFileBuffer:
/// laid out in memory, written out with one write).
llvm::Error writeObjectFile(const ElfObject &O, const ObjectEdits &Edits,
                            llvm::StringRef Path);

} // namespace sysgc

#endif
