//===- Edits.h - The edits the writer applies, one per file -----*- C++ -*-===//
//
// Each edit changes the object model in one way and lives in the file named
// after it; ObjectWriter.cpp applies them in the order their comments
// require, then ElfWriter.cpp serialises the model.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_LIB_REWRITE_EDITS_H
#define SYSGC_LIB_REWRITE_EDITS_H

#include "ObjectModel.h"
#include "sysgc/Plan/Plan.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <array>
#include <string>
#include <utility>

namespace sysgc {
class SectionPlacement;
class ObjectSink;
} // namespace sysgc

namespace sysgc::rewrite {

/// Retarget.cpp: point relocations (index into ElfObject::Relocs) at the
/// symbol of the given name.
llvm::Error
retarget(ObjectModel &M,
         llvm::ArrayRef<std::pair<uint32_t, std::string>> Retargets,
         llvm::ArrayRef<std::pair<uint32_t, int64_t>> Addends = {});

/// SplitRanges.cpp: cut byte ranges of a code section into per-owner
/// link-order pieces. Before the tables: it changes the references they
/// hold into the code it splits.
llvm::Error splitRanges(ObjectModel &M, const RangeSplit &RS);

/// SplitTables.cpp: cut a table into per-owner link-order pieces.
llvm::Error splitTable(ObjectModel &M, const TableSplit &T);

/// ExcludeRename.cpp: record which sections will be excluded (before the
/// splits, whose pieces follow their owner), then flag them.
llvm::Error noteExcluded(ObjectModel &M, llvm::ArrayRef<uint32_t> Exclude);
void exclude(ObjectModel &M, llvm::ArrayRef<uint32_t> Exclude);
/// ExcludeRename.cpp: give sections new names.
llvm::Error
rename(ObjectModel &M,
       llvm::ArrayRef<std::pair<uint32_t, std::string>> Renames);

/// Localize.cpp: make the given globals (input symbol indices) locals of
/// an excluded section, each defined in one or an undefined reference to a
/// removed definition; renumber the symbols, locals first.
llvm::Error localize(ObjectModel &M, llvm::ArrayRef<uint32_t> Symbols);

/// Coalesce.cpp: join runs of adjacent sections lld would place one after
/// the other (ObjectEdits::Placement).
void coalesce(ObjectModel &M, const SectionPlacement &Placement,
              const std::array<uint8_t, 4> &CodeFill);

/// Compact.cpp: remove the sections coalesce() emptied, renumber the rest.
llvm::Error compact(ObjectModel &M);

/// ElfWriter.cpp: serialise the model, front to back.
llvm::Error writeElf(ObjectModel &M, ObjectSink &Sink);

} // namespace sysgc::rewrite

#endif
