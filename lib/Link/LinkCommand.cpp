//===- LinkCommand.cpp - Parse a linker command line ----------------------===//
//
// Classifies each argument as one of lld's options (with or without a
// separate value, from the generated LldOptions.inc), one of ours, or an
// input file. Long options take one or two dashes, as in lld; a single-letter
// option may carry its value joined ("-Tfile", "-L/dir").
//
//===----------------------------------------------------------------------===//
#include "sysgc/Link/LinkCommand.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/StringSaver.h"
#include <cstdlib>

using namespace sysgc;
using namespace llvm;

namespace {
enum class OptKind { Unknown, Flag, Separate };

OptKind lldOptionKind(StringRef Name) {
  static const StringSet<> Separate = {
#define SYSGC_LLD_SEPARATE(N) N,
#define SYSGC_LLD_FLAG(N)
#include "LldOptions.inc"
#undef SYSGC_LLD_SEPARATE
#undef SYSGC_LLD_FLAG
  };
  static const StringSet<> Flags = {
#define SYSGC_LLD_SEPARATE(N)
#define SYSGC_LLD_FLAG(N) N,
#include "LldOptions.inc"
#undef SYSGC_LLD_SEPARATE
#undef SYSGC_LLD_FLAG
  };
  if (Separate.contains(Name))
    return OptKind::Separate;
  if (Flags.contains(Name))
    return OptKind::Flag;
  return OptKind::Unknown;
}

struct SysgcOpt {
  StringRef Name;
  bool TakesValue;
  StringRef Env;
};
const SysgcOpt SysgcOpts[] = {
    {"allow", true, "SYSGC_ALLOW"},
    {"allow-unknown", false, "SYSGC_ALLOW_UNKNOWN"},
    {"report", true, "SYSGC_REPORT"},
    {"dispatch", true, "SYSGC_DISPATCH"},
    {"entry-regex", true, "SYSGC_ENTRY_REGEX"},
    {"keep-temps", false, "SYSGC_KEEP_TEMPS"},
    {"quiet", false, "SYSGC_QUIET"},
    {"report-timings", true, "SYSGC_REPORT_TIMINGS"},
    {"normalize-sections", true, "SYSGC_NORMALIZE_SECTIONS"},
    {"unknown-tables", true, "SYSGC_UNKNOWN_TABLES"},
    {"allow-inlined-dispatch", false, "SYSGC_ALLOW_INLINED_DISPATCH"},
    {"cache", true, "SYSGC_CACHE_DIR"},
    {"record", true, "SYSGC_RECORD"},
    {"coalesce", true, "SYSGC_COALESCE"},
};

Error applySysgc(StringRef Name, StringRef Value, SysgcOptions &O,
                 StringRef Origin) {
  auto Bool = [&](bool &Out) -> Error {
    if (Value.empty() || Value == "1" || Value == "yes" || Value == "true")
      Out = true;
    else if (Value == "0" || Value == "no" || Value == "false")
      Out = false;
    else
      return makeError("{0}: expected yes or no, got '{1}'", Origin, Value);
    return Error::success();
  };
  if (Name == "allow")
    O.Allow = Value.str();
  else if (Name == "allow-unknown")
    return Bool(O.AllowUnknown);
  else if (Name == "report")
    O.Report = Value.str();
  else if (Name == "dispatch") {
    SmallVector<StringRef, 4> Parts;
    Value.split(Parts, ',', -1, false);
    for (StringRef P : Parts)
      O.Dispatch.push_back(P.trim().str());
  } else if (Name == "entry-regex")
    O.EntryRegex = Value.str();
  else if (Name == "cache")
    O.CacheDir = Value.str();
  else if (Name == "record")
    O.Record = Value.str();
  else if (Name == "allow-inlined-dispatch")
    return Bool(O.AllowInlinedDispatch);
  else if (Name == "keep-temps")
    return Bool(O.KeepTemps);
  else if (Name == "coalesce")
    return Bool(O.Coalesce);
  else if (Name == "quiet")
    return Bool(O.Quiet);
  else if (Name == "report-timings")
    return Bool(O.ReportTimings);
  else if (Name == "normalize-sections") {
    if (Value != "auto" && Value != "yes" && Value != "no")
      return makeError("{0}: expected auto, yes or no, got '{1}'", Origin,
                       Value);
    O.Normalize = Value.str();
  } else if (Name == "unknown-tables") {
    if (Value != "error" && Value != "warn")
      return makeError("{0}: expected error or warn, got '{1}'", Origin,
                       Value);
    O.UnknownTablesAreErrors = Value == "error";
  }
  if ((Name == "allow" || Name == "report" || Name == "entry-regex") &&
      Value.empty())
    return makeError("{0}: needs a value", Origin);
  return Error::success();
}
} // namespace

std::optional<std::string> sysgc::processEnv(StringRef Name) {
  if (const char *V = std::getenv(Name.str().c_str()))
    return std::string(V);
  return std::nullopt;
}

StringRef sysgc::sysgcOptionsHelp() {
  return R"(sysgc-ld options (each also read from the environment variable shown):
  --sysgc-allow=FILE        allowlist of syscalls to keep; enables the rewrite
                            of kernel links                       SYSGC_ALLOW
  --sysgc-allow-unknown     unknown names in the allowlist are warnings
                                                                  SYSGC_ALLOW_UNKNOWN=1
  --sysgc-report=FILE       write a JSON report of what was done  SYSGC_REPORT
  --sysgc-dispatch=[ABI:]SYMBOL
                            dispatch symbol (table or switch); repeatable or
                            comma-separated; replaces auto-detection
                                                                  SYSGC_DISPATCH
  --sysgc-entry-regex=REGEX syscall entry naming: one capture group giving
                            the entry point (default ^__x64_(.+)$ etc.)
                                                                  SYSGC_ENTRY_REGEX
  --sysgc-report-timings=no leave timings out of the report (deterministic)
                                                                  SYSGC_REPORT_TIMINGS
  --sysgc-normalize-sections=auto|yes|no
                            rename .text.foo/.data.foo/.bss.foo to .text/
                            .data/.bss as the kernel's DCE script macros
                            would match them (auto: links without
                            --gc-sections); yes works without an allowlist
                                                                  SYSGC_NORMALIZE_SECTIONS
  --sysgc-unknown-tables=error|warn
                            an unreferenced data section (a table sysgc has
                            no layout for) that alone keeps a removed
                            syscall alive is an error, or a warning
                                                                  SYSGC_UNKNOWN_TABLES
  --sysgc-allow-inlined-dispatch
                            a switch dispatcher that lacks a case its table
                            names (inlined) is a warning, not an error
                                                                  SYSGC_ALLOW_INLINED_DISPATCH=1
  --sysgc-coalesce=no       keep every input section of a rewritten object
                            apart (default: in links without --gc-sections,
                            adjacent sections of one name are joined, as
                            lld would lay them out: far fewer for lld to
                            place)                                SYSGC_COALESCE
  --sysgc-cache=DIR|off     where rewritten objects are kept by content, so
                            that Kbuild's repeated kallsyms links rewrite
                            once (default: .sysgc-cache next to the output)
                                                                  SYSGC_CACHE_DIR
  --sysgc-record=FILE       append each transformed link's command line and
                            directory as a JSON line (for sysgc-bench)
                                                                  SYSGC_RECORD
  --sysgc-keep-temps        keep the rewritten objects (path printed)
                                                                  SYSGC_KEEP_TEMPS=1
  --sysgc-quiet             no summary on stderr                  SYSGC_QUIET=1
)";
}

Error sysgc::parseLinkCommand(ArrayRef<const char *> Argv, const EnvLookup &Env,
                              LinkCommand &Cmd, SysgcOptions &Opts) {
  if (Argv.empty())
    return makeError("empty command line");
  // Environment first; the command line overrides it.
  for (const SysgcOpt &O : SysgcOpts)
    if (auto V = Env(O.Env))
      if (Error E = applySysgc(O.Name, *V, Opts, O.Env))
        return E;

  // Expand response files the way lld does (GNU quoting).
  BumpPtrAllocator Alloc;
  StringSaver Saver(Alloc);
  SmallVector<const char *, 256> Expanded(Argv.begin(), Argv.end());
  bool HadRsp = false;
  for (const char *A : Argv.drop_front())
    HadRsp |= A[0] == '@';
  if (HadRsp) {
    cl::ExpansionContext ECtx(Alloc, cl::TokenizeGNUCommandLine);
    if (Error E = ECtx.expandResponseFiles(Expanded))
      return E;
  }

  Cmd.Args.push_back(Expanded[0]);
  Cmd.Rewritten = HadRsp;
  bool Whole = false;
  std::vector<bool> WholeStack;
  std::vector<std::string> LibPaths;
  bool Static = false;
  std::vector<std::pair<size_t, std::string>> Libs;
  for (size_t I = 1; I < Expanded.size(); ++I) {
    StringRef A = Expanded[I];
    auto Next = [&](StringRef Opt) -> Expected<StringRef> {
      if (I + 1 >= Expanded.size())
        return makeError("{0}: missing value", Opt);
      return StringRef(Expanded[++I]);
    };

    // Ours.
    if (A.starts_with("--sysgc-") || A.starts_with("-sysgc-")) {
      Cmd.Rewritten = true;
      StringRef Body = A.ltrim('-').drop_front(strlen("sysgc-"));
      auto [Name, Value] = Body.split('=');
      const SysgcOpt *Known = nullptr;
      for (const SysgcOpt &O : SysgcOpts)
        if (O.Name == Name)
          Known = &O;
      if (!Known)
        return makeError("unknown option '{0}' (sysgc-ld --sysgc-help lists "
                         "them)",
                         A);
      std::string Val = Value.str();
      if (Known->TakesValue && !Body.contains('=')) {
        auto V = Next(A);
        if (!V)
          return V.takeError();
        Val = V->str();
      }
      if (Error E = applySysgc(Name, Val, Opts, A))
        return E;
      continue;
    }

    size_t Index = Cmd.Args.size();
    Cmd.Args.push_back(A.str());
    if (A.size() < 2 || A[0] != '-') {
      Cmd.Inputs.push_back({Index, A.str(), Whole, false, 1});
      continue;
    }

    StringRef Body = A.drop_front(A.starts_with("--") ? 2 : 1);
    auto [Name, Joined] = Body.split('=');
    bool HasEq = Body.contains('=');
    OptKind Kind = lldOptionKind(Name);
    StringRef Value;
    bool HasValue = false;
    if (Kind == OptKind::Separate) {
      if (HasEq) {
        Value = Joined;
      } else {
        if (I + 1 >= Expanded.size())
          return makeError("{0}: missing value", A);
        Value = Expanded[++I];
        Cmd.Args.push_back(Value.str());
      }
      HasValue = true;
    } else if (Kind == OptKind::Unknown && !A.starts_with("--") &&
               lldOptionKind(Body.take_front(1)) == OptKind::Separate) {
      // Joined single-letter option: -Tfile, -L/dir, -lfoo, -ofile.
      Name = Body.take_front(1);
      Value = Body.drop_front(1);
      HasValue = true;
    }

    if (Name == "o" || Name == "output") {
      Cmd.Output = Value.str();
    } else if (Name == "r" || Name == "relocatable") {
      Cmd.Relocatable = true;
    } else if (Name == "gc-sections") {
      Cmd.GcSections = true;
    } else if (Name == "no-gc-sections") {
      Cmd.GcSections = false;
    } else if (Name == "whole-archive") {
      Whole = true;
    } else if (Name == "no-whole-archive") {
      Whole = false;
    } else if (Name == "push-state") {
      WholeStack.push_back(Whole);
    } else if (Name == "pop-state") {
      if (!WholeStack.empty()) {
        Whole = WholeStack.back();
        WholeStack.pop_back();
      }
    } else if (Name == "version" || Name == "v" || Name == "help" ||
               Name == "V") {
      Cmd.InfoOnly = true;
    } else if (Name == "L" || Name == "library-path") {
      LibPaths.push_back(Value.str());
    } else if (Name == "l" || Name == "library") {
      Cmd.Inputs.push_back({Index, ("-l" + Value).str(), Whole, true,
                            Cmd.Args.size() - Index});
    } else if (Name == "static" || Name == "Bstatic" || Name == "dn" ||
               Name == "non_shared") {
      Static = true;
    } else if (Name == "Bdynamic" || Name == "dy" || Name == "call_shared") {
      Static = false;
    } else if (Name == "b" || Name == "format") {
      Cmd.BinaryFormat |= Value == "binary";
    } else if (Name == "e" || Name == "entry") {
      Cmd.Entry = Value.str();
    } else if (Name == "T" || Name == "script") {
      Cmd.Scripts.push_back(Value.str());
    } else if (Name == "u" || Name == "undefined" ||
               Name == "require-defined") {
      Cmd.Undefined.push_back(Value.str());
    }
    (void)HasValue;
    if (Name == "l" || Name == "library")
      Libs.push_back({Cmd.Inputs.size() - 1, Static ? "a" : "so"});
  }

  // Resolve -l against the -L directories, as lld does.
  for (auto &[InputIdx, Pref] : Libs) {
    LinkInput &In = Cmd.Inputs[InputIdx];
    StringRef Lib = StringRef(In.Path).drop_front(2);
    std::vector<std::string> Names;
    if (Lib.starts_with(":"))
      Names.push_back(Lib.drop_front().str());
    else {
      if (Pref == "so")
        Names.push_back(("lib" + Lib + ".so").str());
      Names.push_back(("lib" + Lib + ".a").str());
    }
    bool Found = false;
    for (const std::string &Dir : LibPaths) {
      for (const std::string &N : Names) {
        std::string P = Dir + "/" + N;
        if (FILE *F = fopen(P.c_str(), "rb")) {
          fclose(F);
          In.Path = P;
          Found = true;
          break;
        }
      }
      if (Found)
        break;
    }
  }
  return Error::success();
}
