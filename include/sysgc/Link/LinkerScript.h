//===- sysgc/Link/LinkerScript.h - What a linker script discards -*- C++ -*-===//
//
// sysgc does not interpret linker scripts; it only needs to know which input
// sections a script throws away (/DISCARD/), because such sections (objtool
// annotations, .discard.addressable, .export_symbol, ...) reference code
// without keeping it alive in the output, and which symbols a script names,
// because those are roots.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_LINK_LINKERSCRIPT_H
#define SYSGC_LINK_LINKERSCRIPT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/GlobPattern.h"
#include <deque>
#include <string>
#include <vector>

namespace sysgc {

/// The input-section patterns of every /DISCARD/ block in Script.
llvm::Expected<std::vector<std::string>>
parseDiscardPatterns(llvm::StringRef Script, llvm::StringRef Name);

/// Every name in Script that could be a symbol (identifier-like tokens
/// outside comments and strings; section names and keywords included),
/// sorted and unique. A symbol a script assigns from, PROVIDEs, ASSERTs or
/// takes the ADDR of is a root lld keeps alive: sysgc must never remove it.
llvm::Expected<std::vector<std::string>>
scriptSymbolNames(llvm::StringRef Script, llvm::StringRef Name);

/// A set of section-name globs.
class SectionMatcher {
public:
  llvm::Error add(llvm::StringRef Pattern);
  bool match(llvm::StringRef SectionName) const;
  bool empty() const { return Globs.empty(); }
  /// The patterns, in the order added.
  const std::deque<std::string> &patterns() const { return Texts; }

private:
  // GlobPattern keeps a StringRef to its text: the matcher owns the text.
  std::deque<std::string> Texts;
  std::vector<llvm::GlobPattern> Globs;
};

} // namespace sysgc

#endif
