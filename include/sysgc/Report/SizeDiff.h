//===- sysgc/Report/SizeDiff.h - Two linked files compared ------*- C++ -*-===//
//
// What `sysgc report BEFORE AFTER` prints: the per-symbol deltas of
// scripts/bloat-o-meter (the same symbols, the same name folding, the same
// numbers and text), and the per-section, per-class (text, rodata, data,
// bss) and per-segment totals that bloat-o-meter does not give, as text,
// JSON or CSV. Symbol types are GNU nm's letters, which bloat-o-meter
// selects on; sizes are st_size, as `nm --size-sort` prints them.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_REPORT_SIZEDIFF_H
#define SYSGC_REPORT_SIZEDIFF_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sysgc {

class ElfObject;

/// A symbol as `nm --size-sort` lists it.
struct NmSymbol {
  std::string Name;
  uint64_t Size = 0;
  char Type = '?';
};

/// An allocated section's size, or a loadable segment's.
struct SectionSize {
  std::string Name;
  uint64_t Size = 0;
  /// "text", "rodata", "data" or "bss" (sections), "load" (segments).
  std::string Class;
};

/// What a linked file is made of, for size comparisons.
struct SizeProfile {
  std::string Path;
  uint64_t FileSize = 0;
  std::vector<NmSymbol> Symbols;
  std::vector<SectionSize> Sections;
  /// PT_LOAD segments, named "LOAD#<index> <flags>" with their memory size.
  std::vector<SectionSize> Segments;
};

/// GNU nm's type letter for Sym of O ('\0' for what nm does not list).
char nmType(const ElfObject &O, uint32_t SymIndex);

/// The symbols (nm's, sized, defined), allocated sections and PT_LOAD
/// segments of a linked file.
llvm::Expected<SizeProfile> readSizeProfile(llvm::StringRef Path);

/// bloat-o-meter's selections: -c prints three tables, -d and -t one, the
/// default one over every letter.
enum class SymbolSelection { All, Categories, Data, Text };

/// One bloat-o-meter table.
struct SymbolTable {
  std::string Title;       // "Function", "Data", "RO Data"
  std::string Letters;     // the nm types it takes
  struct Row {
    std::string Name;
    std::optional<uint64_t> Old, New;
    int64_t Delta = 0;
  };
  /// Rows with a non-zero delta, largest delta first (then name, descending).
  std::vector<Row> Rows;
  unsigned Add = 0, Remove = 0, Grow = 0, Shrink = 0;
  uint64_t Up = 0, Down = 0;
  uint64_t OldTotal = 0, NewTotal = 0;
};

struct SizeDiff {
  SizeProfile Before, After;
  std::vector<SymbolTable> Tables;
  /// Optional compressed images (e.g. zImage, Image.gz): their file sizes.
  std::optional<std::pair<uint64_t, uint64_t>> Image;
};

/// The tables of Selection over two profiles.
std::vector<SymbolTable> diffSymbols(const SizeProfile &Before,
                                     const SizeProfile &After,
                                     SymbolSelection Selection);

/// The bytes of Class ("text", "rodata", "data", "bss") before and after.
std::pair<uint64_t, uint64_t> classTotal(const SizeDiff &D, llvm::StringRef Class);

/// bloat-o-meter's text, byte for byte.
void printBloatOMeter(const std::vector<SymbolTable> &Tables,
                      llvm::raw_ostream &OS);
/// Section, class and segment totals after the symbol tables (text format).
void printSectionTotals(const SizeDiff &D, llvm::raw_ostream &OS);
/// The whole comparison as JSON (schema sysgc-size-diff/1) or CSV.
void writeSizeDiffJson(const SizeDiff &D, llvm::raw_ostream &OS);
void writeSizeDiffCsv(const SizeDiff &D, llvm::raw_ostream &OS);

} // namespace sysgc

#endif
