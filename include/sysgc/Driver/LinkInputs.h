//===- sysgc/Driver/LinkInputs.h - The inputs lld gets instead -*- C++ -*-===//
//
// After planning, each object with edits is written anew (or found in the
// rewrite cache), and the link's command line is rewritten to name the new
// files: a plain object is replaced, a --whole-archive archive becomes its
// members, a lazily searched archive is rebuilt with the changed members.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_DRIVER_LINKINPUTS_H
#define SYSGC_DRIVER_LINKINPUTS_H

#include "sysgc/Driver/TempFiles.h"
#include "sysgc/Graph/SectionGraph.h"
#include "sysgc/Link/LinkCommand.h"
#include "sysgc/Rewrite/ObjectWriter.h"
#include "sysgc/Rewrite/RewriteCache.h"
#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace sysgc {

/// Write every linked object that has edits; the new path of each object
/// (indexed like InputSet::Objects), "" for the unchanged ones. Files come
/// from Cache when it has them, else go into it, else are private
/// temporaries next to Output. In is G's input set: an object written anew
/// has its relocations read here if they were not yet.
llvm::Expected<std::vector<std::string>>
writeRewrittenObjects(const SectionGraph &G, InputSet &In,
                      const std::vector<ObjectEdits> &Edits,
                      const RewriteCache &Cache, TempFiles &Temps,
                      llvm::StringRef Output);

/// Cmd's arguments with every changed input replaced (NewPath from
/// writeRewrittenObjects; unchanged members of a --whole-archive archive
/// are given paths too).
llvm::Expected<std::vector<std::string>>
rewriteInputArgs(const LinkCommand &Cmd, const InputSet &In,
                 std::vector<std::string> &NewPath, TempFiles &Temps);

} // namespace sysgc

#endif
