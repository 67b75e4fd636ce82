//===- sysgc/Link/LinkCommand.h - A linker command line, understood -*- C++ -*-===//
//
// sysgc-ld receives ld.lld's command line. This splits off sysgc's own
// --sysgc-* options (also read from SYSGC_* environment variables, since
// Kbuild calls $(LD) with arguments we do not control), and finds what the
// rest means to us: the inputs in order with their --whole-archive state,
// the output, -r, --gc-sections. Everything else is lld's business and is
// passed through verbatim.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_LINK_LINKCOMMAND_H
#define SYSGC_LINK_LINKCOMMAND_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sysgc {

/// The value types of the option kinds SysgcOptions.def uses.
namespace optkind {
struct Path { using Type = std::optional<std::string>; };
struct Text { using Type = std::string; };
struct List { using Type = std::vector<std::string>; };
struct Flag { using Type = bool; };
struct Choice { using Type = std::string; };
} // namespace optkind

/// sysgc's own options (--sysgc-*, or SYSGC_* in the environment): one
/// field per line of SysgcOptions.def, which says what each means.
struct SysgcOptions {
#define SYSGC_OPTION(FIELD, NAME, ENV, KIND, DEFAULT, META, HELP)              \
  optkind::KIND::Type FIELD = DEFAULT;
#include "sysgc/Link/SysgcOptions.def"

  /// Does this link ask for a transformation (else it is lld's alone)?
  bool transformRequested() const {
    return Allow.has_value() || Normalize == "yes" || Gc == "full";
  }
};

struct LinkInput {
  size_t ArgIndex;      // position in LinkCommand::Args
  std::string Path;     // as given, or the resolved -l library
  bool WholeArchive;
  bool FromLibraryOption; // came from -l
  size_t ArgCount;        // 2 for "-l foo", else 1
};

struct LinkCommand {
  /// lld's arguments (response files expanded, --sysgc-* removed), with
  /// Args[0] the program name.
  std::vector<std::string> Args;
  std::vector<LinkInput> Inputs;
  /// The output path (lld takes the last -o).
  std::string Output = "a.out";
  bool Relocatable = false;
  bool GcSections = false;
  /// --version, -v or --help: lld prints and may not link.
  bool InfoOnly = false;
  bool BinaryFormat = false;
  std::optional<std::string> Entry;
  std::vector<std::string> Undefined; // -u / --undefined / --require-defined
  std::vector<std::string> Scripts;   // -T / --script
  /// The original argv had a response file or sysgc options: Args differs.
  bool Rewritten = false;
};

using EnvLookup = std::function<std::optional<std::string>(llvm::StringRef)>;

/// Parse Argv (argv[0] included). Env reads SYSGC_* variables.
llvm::Error parseLinkCommand(llvm::ArrayRef<const char *> Argv,
                             const EnvLookup &Env, LinkCommand &Cmd,
                             SysgcOptions &Opts);

/// The process environment.
std::optional<std::string> processEnv(llvm::StringRef Name);

/// Help text for the --sysgc-* options.
std::string sysgcOptionsHelp();

} // namespace sysgc

#endif
