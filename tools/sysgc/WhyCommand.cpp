//===- WhyCommand.cpp - sysgc why SYMBOL [--allow FILE] -- LINKER-ARGS -----===//
//
// Thin: the link read as sysgc-ld reads it (LinkSession), explainSymbol,
// one of the library's writers.
//
//===----------------------------------------------------------------------===//
#include "CommandLine.h"
#include "sysgc/Analysis/LinkSession.h"
#include "sysgc/Analysis/ReferenceModel.h"
#include "sysgc/Analysis/WhyLive.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;
using namespace sysgc;
using namespace llvm;

int cmdWhy(const std::vector<std::string> &Args) {
  po::options_description Desc(
      "sysgc why SYMBOL [options] -- LINKER-ARGS...\n"
      "sysgc why SYMBOL [options] --record FILE [--link N]\n"
      "Why SYMBOL survives sysgc-ld under the allowlist: the shortest chain\n"
      "of references from a root of the plan, each with its relocation; for\n"
      "a removed syscall whose code stays, what pins it");
  Desc.add_options()("help,h", "this help")(
      "allow", po::value<std::string>(),
      "the allowlist (default: the link's own --sysgc-allow / SYSGC_ALLOW; "
      "without one, every syscall is kept)")(
      "format", po::value<std::string>()->default_value("text"),
      "text or json")("record", po::value<std::string>(),
                      "a SYSGC_RECORD file")(
      "link", po::value<int>()->default_value(-1),
      "which link of the record, from 0 (-1: the last)")(
      "gc", po::value<std::string>(),
      "syscall or full: the collection sysgc-ld would run (default: the "
      "link's own --sysgc-gc / SYSGC_GC)")(
      "symbol", po::value<std::string>(), "the symbol");
  po::positional_options_description Pos;
  Pos.add("symbol", 1);
  auto Fail = [](const Twine &Msg) { return tool::commandError("why", Msg); };
  auto [Own, Linker] = tool::splitAtDashes(Args);
  po::variables_map VM;
  if (!tool::parseOptions(Desc, Pos, Own, VM))
    return 0;
  if (!VM.count("symbol"))
    return Fail("name the symbol: sysgc why SYMBOL -- LINKER-ARGS...");
  std::string Format = VM["format"].as<std::string>();
  if (Format != "text" && Format != "json")
    return Fail("unknown --format " + Format + " (text or json)");
  auto Absolute = [](std::string P) {
    SmallString<256> S(P);
    sys::fs::make_absolute(S);
    return S.str().str();
  };
  std::optional<std::string> Allow, Record;
  if (VM.count("allow"))
    Allow = Absolute(VM["allow"].as<std::string>());
  if (VM.count("record"))
    Record = Absolute(VM["record"].as<std::string>());

  auto S = LinkSession::open(Record, VM["link"].as<int>(), Linker);
  if (!S)
    return Fail(toString(S.takeError()));
  if (VM.count("gc")) {
    std::string Gc = VM["gc"].as<std::string>();
    if (Gc != "syscall" && Gc != "full")
      return Fail("--gc " + Gc + ": expected syscall or full");
    (*S)->PlanOpts.Full = Gc == "full";
  }
  std::vector<std::string> Warnings;
  std::string AllowPath;
  auto A = (*S)->allowlist(Allow, Warnings, AllowPath);
  if (!A)
    return Fail(toString(A.takeError()));
  for (const std::string &W : Warnings)
    errs() << W << "\n";
  if (!*A) {
    auto All = ReferenceModel::allowAll(*(*S)->Kernel.Arch);
    if (!All)
      return Fail(toString(All.takeError()));
    *A = std::move(*All);
  }
  auto Answer = explainSymbol(*(*S)->Graph, *(*S)->Kernel.Arch,
                              (*S)->PlanOpts, (*S)->Kernel.Dispatch, **A,
                              VM["symbol"].as<std::string>());
  if (!Answer)
    return Fail(toString(Answer.takeError()));
  if (Format == "json")
    writeWhyJson(*Answer, outs());
  else
    writeWhyText(*Answer, outs());
  return 0;
}
