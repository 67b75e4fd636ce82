//===- sysgc/Plan/EhFrame.h - The records of an .eh_frame section -*- C++ -*-===//
//
// lld parses .eh_frame into CIEs and FDEs: an FDE is never a root and lives
// exactly as long as the function its first relocation names, while a CIE's
// relocations (the personality routine) are ordinary references. sysgc's
// liveness must see .eh_frame the same way, so it needs the record bounds.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_PLAN_EHFRAME_H
#define SYSGC_PLAN_EHFRAME_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace sysgc {

struct EhRecord {
  uint64_t Offset = 0; // of the length field
  uint64_t Size = 0;   // the whole record, length field included
  bool IsCie = false;
};

/// The CIE and FDE records of an .eh_frame section's contents, in order. A
/// zero terminator ends the list. Malformed contents (a record running past
/// the end, a 64-bit DWARF length lld refuses too) are an error naming the
/// offset.
llvm::Expected<std::vector<EhRecord>>
parseEhFrame(llvm::ArrayRef<uint8_t> Contents, bool LittleEndian);

/// The name lld recognises .eh_frame by (its type is SHT_PROGBITS, or
/// SHT_X86_64_UNWIND on x86-64: the name decides).
inline bool isEhFrameName(llvm::StringRef Name) { return Name == ".eh_frame"; }

} // namespace sysgc

#endif
