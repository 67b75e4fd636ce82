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

/// sysgc's own options (--sysgc-*, or SYSGC_* in the environment).
struct SysgcOptions {
  std::optional<std::string> Allow;       // --sysgc-allow=FILE
  bool AllowUnknown = false;              // --sysgc-allow-unknown
  std::optional<std::string> Report;      // --sysgc-report=FILE
  std::vector<std::string> Dispatch;      // --sysgc-dispatch=[ABI:]SYMBOL
  std::optional<std::string> EntryRegex;  // --sysgc-entry-regex=REGEX
  bool KeepTemps = false;                 // --sysgc-keep-temps
  bool Quiet = false;                     // --sysgc-quiet
  bool ReportTimings = true;              // --sysgc-report-timings=no
  /// --sysgc-normalize-sections=auto|yes|no: rename .text.foo to .text (and
  /// .data.*, .bss.*) as the kernel's DCE linker-script macros would match
  /// them, so that a script without those macros places function sections
  /// where it places .text. auto: when the link has no --gc-sections.
  std::string Normalize = "auto";
  /// --sysgc-coalesce=yes|no: where lld collects nothing (no --gc-sections),
  /// join the runs of adjacent same-named sections of a rewritten object
  /// into one section each, laid out as lld would place them.
  bool Coalesce = true;
  /// --sysgc-unknown-tables=error|warn
  bool UnknownTablesAreErrors = true;
  /// --sysgc-allow-inlined-dispatch
  bool AllowInlinedDispatch = false;
  /// --sysgc-cache=DIR|off: rewritten objects, by content (default: a
  /// .sysgc-cache folder next to the output).
  std::string CacheDir;
  /// --sysgc-record=FILE: append every transformed link's command line.
  std::optional<std::string> Record;

  bool transformRequested() const {
    return Allow.has_value() || Normalize == "yes";
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
llvm::StringRef sysgcOptionsHelp();

} // namespace sysgc

#endif
