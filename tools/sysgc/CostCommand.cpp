//===- CostCommand.cpp - sysgc cost [--allow FILE] -- LINKER-ARGS ---------===//
//
// Thin: the link read as sysgc-ld reads it (LinkSession), computeCosts, one
// of the library's writers. Timings go to stderr with --timings only, so
// the output is the same for the same inputs.
//
//===----------------------------------------------------------------------===//
#include "CommandLine.h"
#include "sysgc/Analysis/Cost.h"
#include "sysgc/Analysis/LinkSession.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>

namespace po = boost::program_options;
using namespace sysgc;
using namespace llvm;

int cmdCost(const std::vector<std::string> &Args) {
  po::options_description Desc(
      "sysgc cost [options] -- LINKER-ARGS...\n"
      "sysgc cost [options] --record FILE [--link N]\n"
      "For every syscall of the kernel link (the arguments sysgc-ld gets, or\n"
      "a link recorded with SYSGC_RECORD): the bytes removing it alone would\n"
      "save and the bytes it shares with other syscalls; with --allow, what\n"
      "sysgc-ld would remove for that allowlist");
  Desc.add_options()("help,h", "this help")(
      "allow", po::value<std::string>(),
      "predict the removal of this allowlist (default: the link's own "
      "--sysgc-allow / SYSGC_ALLOW, if any)")(
      "format", po::value<std::string>()->default_value("text"),
      "text, json or csv")(
      "limit", po::value<size_t>()->default_value(40),
      "text: rows shown (0: all)")(
      "record", po::value<std::string>(), "a SYSGC_RECORD file")(
      "link", po::value<int>()->default_value(-1),
      "which link of the record, from 0 (-1: the last)")(
      "gc", po::value<std::string>(),
      "syscall or full: the collection sysgc-ld would run (default: the "
      "link's own --sysgc-gc / SYSGC_GC)")(
      "by-name", "one row per syscall name, every ABI together (what an "
                 "unqualified allowlist line removes)")(
      "timings", "print the phases' times to stderr");
  auto Fail = [](const Twine &Msg) { return tool::commandError("cost", Msg); };
  // Everything after "--" is the linker's.
  auto [Own, Linker] = tool::splitAtDashes(Args);
  po::variables_map VM;
  if (!tool::parseOptions(Desc, {}, Own, VM))
    return 0;
  std::string Format = VM["format"].as<std::string>();
  if (Format != "text" && Format != "json" && Format != "csv")
    return Fail("unknown --format " + Format + " (text, json or csv)");
  std::optional<std::string> Allow, Record;
  // Made absolute: a recorded link is read from its own directory.
  auto Absolute = [](std::string P) {
    SmallString<256> S(P);
    sys::fs::make_absolute(S);
    return S.str().str();
  };
  if (VM.count("allow"))
    Allow = Absolute(VM["allow"].as<std::string>());
  if (VM.count("record"))
    Record = Absolute(VM["record"].as<std::string>());

  auto T0 = std::chrono::steady_clock::now();
  auto S = LinkSession::open(Record, VM["link"].as<int>(), Linker);
  if (!S)
    return Fail(toString(S.takeError()));
  if (VM.count("gc")) {
    std::string Gc = VM["gc"].as<std::string>();
    if (Gc != "syscall" && Gc != "full")
      return Fail("--gc " + Gc + ": expected syscall or full");
    (*S)->PlanOpts.Full = Gc == "full";
  }
  double ReadMs = std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - T0)
                      .count();
  std::vector<std::string> Warnings;
  CostOptions CO;
  auto A = (*S)->allowlist(Allow, Warnings, CO.AllowPath);
  if (!A)
    return Fail(toString(A.takeError()));
  for (const std::string &W : Warnings)
    errs() << W << "\n";
  if (*A)
    CO.Allow = &**A;
  CO.Output = (*S)->Cmd.Output;
  CO.ByName = VM.count("by-name");
  auto R = computeCosts(*(*S)->Graph, *(*S)->Kernel.Arch, (*S)->PlanOpts,
                        (*S)->Kernel.Dispatch, CO);
  if (!R)
    return Fail(toString(R.takeError()));
  R->Warnings.insert(R->Warnings.begin(), (*S)->Kernel.Warnings.begin(),
                     (*S)->Kernel.Warnings.end());
  if (Format == "json")
    writeCostJson(*R, outs());
  else if (Format == "csv")
    writeCostCsv(*R, outs());
  else
    writeCostText(*R, outs(), VM["limit"].as<size_t>());
  if (VM.count("timings")) {
    double Sum = 0;
    errs() << formatv("sysgc cost: read {0:f1} ms", ReadMs);
    for (auto &[Phase, Ms] : R->TimingsMs) {
      errs() << formatv(", {0} {1:f1} ms", Phase, Ms);
      Sum += Ms;
    }
    errs() << formatv("; after reading: {0:f1} ms\n", Sum);
  }
  return 0;
}
