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
#include "llvm/ADT/StringExtras.h"
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

// Setting one option from its text, per kind. Origin names where the text
// came from (the argument or the environment variable) for errors.
Error set(optkind::Path::Type &Out, StringRef V, StringRef Origin, StringRef) {
  if (V.empty())
    return makeError("{0}: needs a value", Origin);
  Out = V.str();
  return Error::success();
}
Error set(optkind::Text::Type &Out, StringRef V, StringRef, StringRef) {
  Out = V.str();
  return Error::success();
}
Error set(optkind::List::Type &Out, StringRef V, StringRef, StringRef) {
  SmallVector<StringRef, 4> Parts;
  V.split(Parts, ',', -1, false);
  for (StringRef P : Parts)
    Out.push_back(P.trim().str());
  return Error::success();
}
Error set(optkind::Flag::Type &Out, StringRef V, StringRef Origin, StringRef) {
  if (V.empty() || V == "1" || V == "yes" || V == "true")
    Out = true;
  else if (V == "0" || V == "no" || V == "false")
    Out = false;
  else
    return makeError("{0}: expected yes or no, got '{1}'", Origin, V);
  return Error::success();
}
Error setChoice(std::string &Out, StringRef V, StringRef Origin,
                StringRef Meta) {
  SmallVector<StringRef, 4> Words;
  Meta.split(Words, '|');
  if (!llvm::is_contained(Words, V))
    return makeError("{0}: expected {1}, got '{2}'", Origin,
                     join(Words, " or "), V);
  Out = V.str();
  return Error::success();
}

struct SysgcOpt {
  StringRef Name, Env, Meta, Help;
  bool TakesValue; // else a flag: "--sysgc-NAME" alone, or "=no"
  Error (*Set)(SysgcOptions &, StringRef Value, StringRef Origin);
};

template <class Kind> constexpr bool takesValue() {
  return !std::is_same_v<Kind, optkind::Flag>;
}
template <class Kind>
Error setAs(typename Kind::Type &Out, StringRef V, StringRef Origin,
            StringRef Meta) {
  if constexpr (std::is_same_v<Kind, optkind::Choice>)
    return setChoice(Out, V, Origin, Meta);
  else
    return set(Out, V, Origin, Meta);
}

const SysgcOpt SysgcOpts[] = {
#define SYSGC_OPTION(FIELD, NAME, ENV, KIND, DEFAULT, META, HELP)              \
  {NAME, ENV, META, HELP, takesValue<optkind::KIND>(),                         \
   [](SysgcOptions &O, StringRef V, StringRef Origin) {                        \
     return setAs<optkind::KIND>(O.FIELD, V, Origin, META);                    \
   }},
#include "sysgc/Link/SysgcOptions.def"
};

const SysgcOpt *findSysgcOpt(StringRef Name) {
  for (const SysgcOpt &O : SysgcOpts)
    if (O.Name == Name)
      return &O;
  return nullptr;
}
} // namespace

std::optional<std::string> sysgc::processEnv(StringRef Name) {
  if (const char *V = std::getenv(Name.str().c_str()))
    return std::string(V);
  return std::nullopt;
}

std::string sysgc::sysgcOptionsHelp() {
  std::string Out = "sysgc-ld options (each also read from the environment "
                    "variable shown):\n";
  for (const SysgcOpt &O : SysgcOpts) {
    std::string Head = ("  --sysgc-" + O.Name).str();
    if (!O.Meta.empty())
      Head += "=" + O.Meta.str();
    // The help text wrapped into a 48-column block at column 28.
    std::vector<std::string> Lines(1);
    SmallVector<StringRef, 16> Words;
    O.Help.split(Words, ' ', -1, false);
    for (StringRef W : Words) {
      if (!Lines.back().empty() && Lines.back().size() + 1 + W.size() > 48)
        Lines.emplace_back();
      if (!Lines.back().empty())
        Lines.back() += ' ';
      Lines.back() += W.str();
    }
    Lines.push_back("[" + O.Env.str() + "]");
    if (Head.size() >= 28)
      Out += Head + "\n" + std::string(28, ' ');
    else
      Out += Head + std::string(28 - Head.size(), ' ');
    for (size_t I = 0; I < Lines.size(); ++I)
      Out += (I ? std::string(28, ' ') : "") + Lines[I] + "\n";
  }
  return Out;
}

Error sysgc::parseLinkCommand(ArrayRef<const char *> Argv, const EnvLookup &Env,
                              LinkCommand &Cmd, SysgcOptions &Opts) {
  if (Argv.empty())
    return makeError("empty command line");
  // Environment first; the command line overrides it.
  for (const SysgcOpt &O : SysgcOpts)
    if (auto V = Env(O.Env))
      if (Error E = O.Set(Opts, *V, O.Env))
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
      const SysgcOpt *Known = findSysgcOpt(Name);
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
      if (Error E = Known->Set(Opts, Val, A))
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
