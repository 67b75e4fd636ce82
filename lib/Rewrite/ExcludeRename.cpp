//===- ExcludeRename.cpp - Header-only edits: SHF_EXCLUDE and new names ---===//
//
// In Retain mode lld collects nothing, so the dead sections are flagged
// SHF_EXCLUDE and lld drops them as it reads them. Renames give sections the
// names a dead-code-elimination linker script would match (normalisation).
// Neither touches contents, relocations or symbols.
//
//===----------------------------------------------------------------------===//
#include "Edits.h"
#include "sysgc/Support/Error.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;

Error sysgc::rewrite::noteExcluded(ObjectModel &M, ArrayRef<uint32_t> Exclude) {
  for (uint32_t I : Exclude) {
    if (I == 0 || I >= M.O.Sections.size())
      return makeError("{0}: cannot exclude section #{1}", M.O.Name, I);
    M.Excluded.set(I);
  }
  return Error::success();
}

void sysgc::rewrite::exclude(ObjectModel &M, ArrayRef<uint32_t> Exclude) {
  for (uint32_t I : Exclude)
    M.Secs[I].Flags |= ELF::SHF_EXCLUDE;
}

Error sysgc::rewrite::rename(
    ObjectModel &M, ArrayRef<std::pair<uint32_t, std::string>> Renames) {
  for (auto &[I, Name] : Renames) {
    if (I == 0 || I >= M.O.Sections.size())
      return makeError("{0}: cannot rename section #{1}", M.O.Name, I);
    M.Secs[I].Name = M.sectionNameOffset(Name);
  }
  return Error::success();
}
