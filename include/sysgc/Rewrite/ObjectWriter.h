//===- sysgc/Rewrite/ObjectWriter.h - Write a changed relocatable object -*- C++ -*-===//
//
// Applies one object's share of the plan and serialises a new ELF
// relocatable file: dispatch relocations pointed at another symbol, table
// sections cut into SHF_LINK_ORDER pieces (new sections appended, so every
// existing section and symbol index stays valid), SHF_EXCLUDE on the
// sections lld must not collect, the globals they define made local,
// adjacent sections joined for lld. Extended section numbering (SHN_XINDEX)
// is produced whenever the section count needs it. The input is never
// touched.
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
  /// Of those, the ones whose addend changes too: (reloc, new addend).
  std::vector<std::pair<uint32_t, int64_t>> RetargetAddends;
  std::vector<const TableSplit *> Splits;
  std::vector<const RangeSplit *> RangeSplits;
  /// Section indices to mark SHF_EXCLUDE (lld drops them as it reads
  /// them), and with them every table piece and snippet piece they own.
  std::vector<uint32_t> Exclude;
  /// (section index, new name).
  std::vector<std::pair<uint32_t, std::string>> Renames;
  /// Global symbols (indices into ElfObject::Symbols) that reach lld as
  /// locals of an excluded section: each one defined in an excluded
  /// section, or an undefined reference to a name whose definition is. lld
  /// turns a global defined in a discarded section into an undefined symbol
  /// and, without --gc-sections, lists it in the output's .symtab: a
  /// phantom `U` that no lld collection leaves. As a local it is dropped
  /// silently, and a kept reference to it is still lld's "relocation refers
  /// to a symbol in a discarded section".
  std::vector<uint32_t> Localize;
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
           Exclude.empty() && Renames.empty() && Localize.empty();
  }
};

/// The plan cut into each object's edits (indexed like InputSet::Objects).
/// The result points into Plan (and Placement), which must outlive it.
/// With a Placement, sections are joined where the plan allows it (Retain
/// mode, an architecture with a trap fill). Reads symbols only, never
/// relocations (a reused plan's link has not read them).
std::vector<ObjectEdits> editsFromPlan(const SectionGraph &G,
                                       const LinkPlan &Plan,
                                       const SectionPlacement *Placement =
                                           nullptr);

/// Where a serialised object goes: its size once the layout is known, then
/// every byte, front to back.
class ObjectSink {
public:
  /// The most space() gives at once.
  static constexpr size_t MaxSpace = 64 * 1024;
  virtual ~ObjectSink() = default;
  virtual llvm::Error start(uint64_t Size) = 0;
  /// Append Bytes (read during the call only).
  void append(llvm::ArrayRef<char> Bytes) {
    Written += Bytes.size();
    doAppend(Bytes);
  }
  /// Append N <= MaxSpace bytes that the caller fills in before the next
  /// call.
  llvm::MutableArrayRef<char> space(size_t N) {
    Written += N;
    return doSpace(N);
  }
  uint64_t written() const { return Written; }

protected:
  virtual void doAppend(llvm::ArrayRef<char> Bytes) = 0;
  virtual llvm::MutableArrayRef<char> doSpace(size_t N) = 0;

private:
  uint64_t Written = 0;
};

/// Serialise O with Edits applied into Sink.
llvm::Error writeObject(const ElfObject &O, const ObjectEdits &Edits,
                        ObjectSink &Sink);

/// Serialise O with Edits applied, in memory.
llvm::Expected<std::vector<char>> writeObject(const ElfObject &O,
                                              const ObjectEdits &Edits);

/// Serialise O with Edits applied to Path, atomically (an AtomicFileWriter:
/// written front to back, the sections' bytes straight from the input).
llvm::Error writeObjectFile(const ElfObject &O, const ObjectEdits &Edits,
                            llvm::StringRef Path);

} // namespace sysgc

#endif
