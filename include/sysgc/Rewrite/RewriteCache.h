//===- sysgc/Rewrite/RewriteCache.h - Rewritten objects, by content -*- C++ -*-===//
//
// Kbuild links vmlinux up to three times with the same vmlinux.o (the
// kallsyms passes). The cache keys a rewritten object by the sysgc-ld
// binary, the input's bytes and the edits, so later passes reuse the first
// pass's file. Entries are written atomically (temporary + rename) and the
// oldest are evicted beyond a small bound; a cache that cannot be written
// is simply not used.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_REWRITE_REWRITECACHE_H
#define SYSGC_REWRITE_REWRITECACHE_H

#include "sysgc/Rewrite/ObjectWriter.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace sysgc {

class RewriteCache {
public:
  /// Dir "off" disables the cache.
  explicit RewriteCache(std::string Dir, unsigned MaxEntries = 32);

  /// The cached file for (Obj, Edits), or "".
  std::string lookup(const ElfObject &Obj, const ObjectEdits &Edits) const;
  /// Store Data; returns its path, or "" when the cache is off.
  llvm::Expected<std::string> store(const ElfObject &Obj,
                                    const ObjectEdits &Edits,
                                    llvm::ArrayRef<char> Data) const;

  /// Remove the oldest entries beyond the bound, never those in InUse.
  void evict(const std::vector<std::string> &InUse) const;

  /// The key (hex) of (Obj, Edits).
  std::string key(const ElfObject &Obj, const ObjectEdits &Edits) const;

private:
  std::string Dir;
  unsigned MaxEntries;
};

} // namespace sysgc

#endif
