//===- sysgc/Rewrite/ObjectWriter.h - Write a changed relocatable object -*- C++ -*-===//
//
// Applies one object's share of the plan and serialises a new ELF
// relocatable file: dispatch relocations pointed at another symbol, table
// sections cut into SHF_LINK_ORDER pieces (new sections appended, so every
// existing section and symbol index stays valid), SHF_EXCLUDE on the
// sections lld must not collect. Extended section numbering (SHN_XINDEX) is
// produced whenever the section count needs it. The input is never touched.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_REWRITE_OBJECTWRITER_H
#define SYSGC_REWRITE_OBJECTWRITER_H

#include "sysgc/Object/ElfObject.h"
#include "sysgc/Plan/Plan.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
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

  bool empty() const {
    return Retargets.empty() && Splits.empty() && RangeSplits.empty() &&
           Exclude.empty() && Renames.empty();
  }
};

/// The plan cut into each object's edits (indexed like InputSet::Objects).
/// The result points into Plan, which must outlive it.
std::vector<ObjectEdits> editsFromPlan(const SectionGraph &G,
                                       const LinkPlan &Plan);

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

/// Serialise O with Edits applied to Path, atomically, straight into a
/// mapping of the new file (a kernel's vmlinux.o is tens of MB: no copy of
/// it is made in memory).
llvm::Error writeObjectFile(const ElfObject &O, const ObjectEdits &Edits,
                            llvm::StringRef Path);

} // namespace sysgc

#endif
