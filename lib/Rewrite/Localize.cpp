//===- Localize.cpp - Globals of removed code reach lld as locals ---------===//
//
// lld reads a global defined in an SHF_EXCLUDE section as an undefined
// symbol and, with no --gc-sections, writes it to the output's .symtab: a
// phantom `U` for every removed function. A local in a discarded section is
// dropped silently, and a kept reference to it is still lld's "relocation
// refers to a symbol in a discarded section". So those globals, the
// undefined references to them (as locals of a discarded section too) and
// the writer's own symbols in excluded pieces become locals, moved behind
// the existing ones (ELF wants locals first), all others keeping their order.
//
//===----------------------------------------------------------------------===//
#include "Edits.h"
#include "sysgc/Support/Error.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;

Error sysgc::rewrite::localize(ObjectModel &M, ArrayRef<uint32_t> Symbols) {
  const ElfObject &O = M.O;
  uint32_t NumSyms = M.Syms.size();
  uint32_t FirstGlobal = O.FirstGlobal;
  BitVector Hide(NumSyms), HideUndef(NumSyms);
  // The edits' own symbols (snippet pieces' hidden globals) in pieces of
  // excluded owners: only this object uses them.
  for (uint32_t I = O.Symbols.size(); I < NumSyms; ++I) {
    const ElfSymbol &S = M.Syms[I];
    if (S.inSection() && S.Shndx < M.Secs.size() &&
        (M.Secs[S.Shndx].Flags & ELF::SHF_EXCLUDE))
      Hide.set(I);
  }
  if (Symbols.empty() && Hide.none())
    return Error::success();
  for (uint32_t I : Symbols) {
    if (I < FirstGlobal || I >= O.Symbols.size())
      return makeError("{0}: symbol #{1} is not a global to make local",
                       O.Name, I);
    const ElfSymbol &S = M.Syms[I];
    if (S.isUndefined()) {
      HideUndef.set(I);
    } else if (!S.inSection() || S.Shndx >= O.Sections.size() ||
               !M.Excluded[S.Shndx]) {
      return makeError("{0}: {1} is defined in a section that stays: it "
                       "cannot become local",
                       O.Name, S.Name);
    }
    Hide.set(I);
  }

  // An undefined reference becomes a local of one of this object's
  // excluded sections: lld then reads it exactly as it read the removed
  // definition it bound to (an undefined symbol of a discarded section):
  // unused, it is dropped; from debug info, the tombstone; from anything
  // kept, "relocation refers to a symbol in a discarded section". (In an
  // object with no excluded section it stays undefined: lld's "undefined
  // symbol" error from anything kept.)
  int Home = M.Excluded.find_first();
  for (int I = HideUndef.find_first(); I != -1 && Home > 0;
       I = HideUndef.find_next(I)) {
    ElfSymbol &S = M.Syms[I];
    S.Shndx = Home;
    S.XIndex = uint32_t(Home) >= ELF::SHN_LORESERVE;
    S.Value = 0;
  }

  // Locals as they were, the new ones, then the other globals, each group
  // in its old order: lld resolves (and pulls archive members for) the
  // remaining globals in the order it did.
  std::vector<uint32_t> NewIndex(NumSyms);
  uint32_t Next = 0;
  for (uint32_t I = 0; I < FirstGlobal; ++I)
    NewIndex[I] = Next++;
  for (uint32_t I = FirstGlobal; I < NumSyms; ++I)
    if (Hide[I]) {
      NewIndex[I] = Next++;
      M.Syms[I].Binding = ELF::STB_LOCAL;
    }
  uint32_t NewFirstGlobal = Next;
  for (uint32_t I = FirstGlobal; I < NumSyms; ++I)
    if (!Hide[I])
      NewIndex[I] = Next++;
  return M.renumberSymbols(NewIndex, NewFirstGlobal);
}
