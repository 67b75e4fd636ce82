//===- Retarget.cpp - Point relocations at another symbol -----------------===//
//
// The dispatch edit: a relocation that named a removed syscall's entry names
// the not-implemented stub instead. The symbol changes and its place stays,
// so the relocation section is re-encoded and nothing moves; a name the
// object lacks becomes a new undefined global, appended. The addend stays
// too, unless the plan gives a new one: a relocation against a section
// symbol picked its entry by its addend (a REL object's is rewritten in the
// bytes).
//
//===----------------------------------------------------------------------===//
#include "Edits.h"
#include "sysgc/Support/Error.h"

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;

Error sysgc::rewrite::retarget(
    ObjectModel &M, ArrayRef<std::pair<uint32_t, std::string>> Retargets,
    ArrayRef<std::pair<uint32_t, int64_t>> Addends) {
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
    ElfReloc &R = Rs[Reloc - O.Sections[Target].FirstReloc];
    R.Symbol = M.symbolNamed(Name);
    for (auto &[AR, Addend] : Addends)
      if (AR == Reloc)
        if (Error Err = M.setAddend(R, Addend, Target, R.Offset))
          return Err;
  }
  return Error::success();
}
