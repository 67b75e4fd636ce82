//===- Retarget.cpp - Point relocations at another symbol -----------------===//
//
// The dispatch edit: a relocation that named a removed syscall's entry names
// the not-implemented stub instead. Only the symbol changes (its addend and
// place stay), so the relocation section is re-encoded and nothing moves; a
// name the object lacks becomes a new undefined global, appended.
//
//===----------------------------------------------------------------------===//
#include "Edits.h"
#include "sysgc/Support/Error.h"

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;

Error sysgc::rewrite::retarget(
    ObjectModel &M, ArrayRef<std::pair<uint32_t, std::string>> Retargets) {
  if (Retargets.empty())
    return Error::success();
  const ElfObject &O = M.O;
  if (!O.SymtabIndex)
    return makeError("{0}: no symbol table", O.Name);
  for (auto &[Reloc, Name] : Retargets) {
    if (Reloc >= O.Relocs.size())
      return makeError("{0}: no relocation #{1}", O.Name, Reloc);
    uint32_t Target = M.relocTarget(Reloc);
    MutableArrayRef<ElfReloc> Rs = M.editableRelocs(Target);
    Rs[Reloc - O.Sections[Target].FirstReloc].Symbol = M.symbolNamed(Name);
  }
  return Error::success();
}
