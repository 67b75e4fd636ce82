//===- EntryNaming.cpp - Syscall entry names, by prefix or by regex -------===//
//
// A prefix naming is computed from the name alone; a regex naming cannot be
// inverted, so the link's global symbols are matched once and remembered by
// the entry point they capture.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Plan/EntryNaming.h"
#include "sysgc/Support/Error.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace llvm;

Expected<EntryNaming> EntryNaming::create(const AbiInfo &Abi,
                                          const std::optional<std::string> &Regex,
                                          const SectionGraph &G) {
  EntryNaming N;
  N.Abi = &Abi;
  // Rows whose entry is sys_ni_syscall itself (_sysctl, reserved slots)
  // name no syscall code: such an entry is never a syscall's own.
  for (const SyscallDesc &D : Abi.Syscalls) {
    if (!D.Entry.empty() && D.Entry != "sys_ni_syscall")
      N.ByEntryPoint[D.Entry].push_back(D.Nr);
    if (!D.CompatEntry.empty() && D.CompatEntry != "sys_ni_syscall")
      N.ByEntryPoint[D.CompatEntry].push_back(D.Nr);
  }
  if (!Regex)
    return std::move(N);
  N.ReText = *Regex;
  N.Re.emplace(*Regex);
  std::string Err;
  if (!N.Re->isValid(Err))
    return makeError("--sysgc-entry-regex: {0}", Err);
  if (N.Re->getNumMatches() < 1)
    return makeError("--sysgc-entry-regex: needs one capture group giving "
                     "the entry point (sys_read)");
  for (uint32_t F = 0; F < G.inputs().Objects.size(); ++F) {
    if (!G.isLinked(F))
      continue;
    for (const ElfSymbol &S : G.object(F).Symbols) {
      if (S.Binding == ELF::STB_LOCAL || !S.isDefined())
        continue;
      if (std::optional<StringRef> EP = N.entryPoint(S.Name))
        N.SymbolOf.try_emplace(*EP, S.Name.str());
    }
  }
  return std::move(N);
}

std::optional<StringRef> EntryNaming::entryPoint(StringRef Symbol) const {
  if (!Re)
    return Symbol.consume_front(Abi->EntryPrefix) && !Symbol.empty()
               ? std::optional<StringRef>(Symbol)
               : std::nullopt;
  SmallVector<StringRef, 2> M;
  if (!Re->match(Symbol, &M) || M.size() < 2 || M[1].empty())
    return std::nullopt;
  return M[1];
}

const std::vector<uint32_t> *EntryNaming::numbersOf(StringRef Symbol) const {
  std::optional<StringRef> EP = entryPoint(Symbol);
  if (!EP)
    return nullptr;
  auto It = ByEntryPoint.find(*EP);
  return It == ByEntryPoint.end() ? nullptr : &It->second;
}

std::string EntryNaming::symbolFor(StringRef EP) const {
  if (!Re)
    return (Abi->EntryPrefix + EP).str();
  auto It = SymbolOf.find(EP);
  return It == SymbolOf.end() ? std::string() : It->second;
}

std::vector<std::string> EntryNaming::entrySymbols(const SyscallDesc &D) const {
  std::vector<std::string> Out;
  for (StringRef EP : {D.Entry, D.CompatEntry})
    if (!EP.empty())
      if (std::string S = symbolFor(EP); !S.empty())
        Out.push_back(std::move(S));
  return Out;
}

std::string EntryNaming::niSymbol() const {
  std::string S = symbolFor("sys_ni_syscall");
  return S.empty() ? Abi->NiEntry.str() : S;
}

std::string EntryNaming::describe() const {
  if (Re)
    return "--sysgc-entry-regex '" + ReText + "'";
  return ("the " + Abi->Name + " prefix " + Abi->EntryPrefix).str();
}
