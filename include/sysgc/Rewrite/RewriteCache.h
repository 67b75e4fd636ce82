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
#include <map>
#include <string>
#include <vector>

namespace sysgc {

class RewriteCache {
public:
  /// Dir "off" disables the cache.
  explicit RewriteCache(std::string Dir, unsigned MaxEntries = 32);

  /// The cached file of Obj rewritten with Edits, or "" if there is none
  /// (or the cache is off).
  std::string cachedPath(const ElfObject &Obj, const ObjectEdits &Edits) const;
  /// Write Obj rewritten with Edits into the cache (Obj's relocations must
  /// be read); its path, or "" when the cache is off.
  llvm::Expected<std::string> store(const ElfObject &Obj,
                                    const ObjectEdits &Edits) const;

  /// Remove the oldest entries beyond the bound, never those in InUse.
  void evict(const std::vector<std::string> &InUse) const;

  /// The key (hex) of (Obj, Edits).
  std::string key(const ElfObject &Obj, const ObjectEdits &Edits) const;

private:
  /// key(), once per (object, edits) of this link: a kernel's edits (every
  /// renamed section, every piece) make a string of hundreds of KB.
  const std::string &keyOnce(const ElfObject &Obj,
                             const ObjectEdits &Edits) const;
  std::string Dir;
  unsigned MaxEntries;
  mutable std::map<std::pair<const ElfObject *, const ObjectEdits *>,
                   std::string>
      Keys;
};

} // namespace sysgc

#endif
