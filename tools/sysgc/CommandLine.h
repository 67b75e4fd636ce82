//===- CommandLine.h - What every sysgc command parses alike ----*- C++ -*-===//
//
// The commands of `sysgc` (main.cpp and the *Command.cpp files) share these:
// options parsed with --help handled, "sysgc CMD: error: ..." reporting, and
// the split of a command line at "--" into the command's own arguments and
// the linker's.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_TOOLS_SYSGC_COMMANDLINE_H
#define SYSGC_TOOLS_SYSGC_COMMANDLINE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include <boost/program_options.hpp>
#include <string>
#include <utility>
#include <vector>

namespace sysgc::tool {

/// Parse Args against Desc (with Pos) into VM; false when --help was
/// printed (the command is done).
bool parseOptions(const boost::program_options::options_description &Desc,
                  const boost::program_options::positional_options_description &Pos,
                  const std::vector<std::string> &Args,
                  boost::program_options::variables_map &VM);

/// Print "sysgc CMD: error: MSG" (or "sysgc: error: MSG" without a
/// command) and return the exit code 1.
int commandError(llvm::StringRef Cmd, const llvm::Twine &Msg);

/// Args before "--" (the command's) and after it (the linker's).
std::pair<std::vector<std::string>, std::vector<std::string>>
splitAtDashes(const std::vector<std::string> &Args);

} // namespace sysgc::tool

#endif
