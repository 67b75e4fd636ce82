//===- LinkChecks.h - What lld trusts in a relocatable object ---*- C++ -*-===//
//
// The checks ElfObject runs on every relocatable object it reads, so that a
// damaged input is an error naming it instead of a crash inside lld (see
// LinkChecks.cpp). Private to lib/Object.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_LIB_OBJECT_LINKCHECKS_H
#define SYSGC_LIB_OBJECT_LINKCHECKS_H

#include "sysgc/Object/ElfObject.h"
#include "llvm/Support/Error.h"

namespace sysgc {

/// Sections and symbols of a relocatable object (read, relocations not
/// needed): section kinds, alignments, groups, SHF_LINK_ORDER and
/// relocation-section links, compressed and mergeable sections, bindings.
llvm::Error checkSectionsForLink(const ElfObject &O);

/// Every relocation of a relocatable object whose relocations are read: a
/// type lld knows, and the bytes lld reads or patches inside its section.
llvm::Error checkRelocsForLink(const ElfObject &O);

} // namespace sysgc

#endif
