//===- NormalizedLink.h - The fair plain-lld baseline ---------*- C++ -*-===//
//
// sysgc needs a kernel compiled with -ffunction-sections/-fdata-sections.
// x86's vmlinux.lds (no LD_DEAD_CODE_DATA_ELIMINATION) does not name
// .text.foo and friends, so plain lld on that vmlinux.o places every one
// of them as an orphan (18 k warnings and output sections on the 6.12
// "rich" kernel), which makes plain lld slower than it would be on a kernel
// laid out as intended. The fair baseline is lld on the same inputs with
// their sections renamed as the DCE script macros would match them: what
// sysgc-ld's --sysgc-normalize-sections does, written once, outside the
// timed region.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_BENCH_NORMALIZEDLINK_H
#define SYSGC_BENCH_NORMALIZEDLINK_H

#include "llvm/Support/Error.h"
#include <string>
#include <vector>

namespace sysgc {
class TempFiles;

/// lld's arguments (no program name, no -o) for the link Args run in Cwd,
/// with every input whose sections need renaming replaced by a renamed
/// copy under WorkDir. Files are kept until Temps goes.
llvm::Expected<std::vector<std::string>>
normalizedLinkArgs(const std::string &Cwd, const std::vector<std::string> &Args,
                   const std::string &WorkDir, TempFiles &Temps);

} // namespace sysgc

#endif
