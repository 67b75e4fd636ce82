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
#include "llvm/ADT/StringMap.h"
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

/// What a script says must stay whatever references it has, for whole-
/// kernel collection (--sysgc-gc=full): the section patterns of every input
/// section description inside KEEP(...), and every pattern with no wildcard
/// ("*(.x86_cpu_dev.init)", "*(.init.text)"), which places a section by its
/// own name, as scripts do for what the kernel walks from a start to an
/// end symbol. /DISCARD/ blocks and the file lists of EXCLUDE_FILE are left
/// out.
struct ScriptRoots {
  std::vector<std::string> Kept;
  std::vector<std::string> Named;
};
llvm::Expected<ScriptRoots> parseScriptRoots(llvm::StringRef Script,
                                             llvm::StringRef Name);

/// A set of section-name globs.
class SectionMatcher {
public:
  SectionMatcher() = default;
  /// A copy compiles the patterns again: a GlobPattern points into the
  /// text it was made from, which a copy would leave behind.
  SectionMatcher(const SectionMatcher &Other);
  SectionMatcher &operator=(const SectionMatcher &Other);
  SectionMatcher(SectionMatcher &&) = default;
  SectionMatcher &operator=(SectionMatcher &&) = default;

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

/// Which input sections lld may place between two sections of one name of
/// one file. lld gives the sections an input section description matches
/// in file order, then section order; so a section of another name comes
/// between them only if one description may match both names. That is read
/// from the scripts conservatively: every parenthesised list in them
/// (nested ones flattened, EXCLUDE_FILE lists left out) counts as one
/// description's patterns. A name no list matches is an orphan: lld gives
/// orphans of one name one output section, after the described sections;
/// two orphans whose names share their first component (".text.a",
/// ".text.b") are taken to meet, which covers lld's grouping of orphans by
/// prefix in links without SECTIONS.
class SectionPlacement {
public:
  llvm::Error addScript(llvm::StringRef Script, llvm::StringRef Name);
  /// May lld place a section named Other between two sections named Name
  /// of one file, with nothing between them otherwise?
  bool mayComeBetween(llvm::StringRef Name, llvm::StringRef Other) const;
  /// The placement classes of a section name, sorted: the descriptions
  /// that may match it, or its orphan class. Two names of a common class
  /// may come between each other.
  const std::vector<uint32_t> &classesOf(llvm::StringRef Name) const;
  /// Identifies the patterns read (for cache keys).
  uint64_t hash() const;

private:
  mutable llvm::StringMap<uint32_t> OrphanClasses;
  /// Each description's patterns.
  std::vector<SectionMatcher> Groups;
  mutable llvm::StringMap<std::vector<uint32_t>> Cache;
};

} // namespace sysgc

#endif
