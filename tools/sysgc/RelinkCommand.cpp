//===- RelinkCommand.cpp - sysgc relink RECORD --allow FILE -o OUT --------===//
//
// Thin: options into RelinkOptions, lib/Driver/Relink.cpp does the work.
//
//===----------------------------------------------------------------------===//
#include "CommandLine.h"
#include "sysgc/Driver/Relink.h"
#include "llvm/Support/raw_ostream.h"
#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;
using namespace sysgc;
using namespace llvm;

int cmdRelink(const std::vector<std::string> &Args) {
  po::options_description Desc(
      "sysgc relink RECORD --allow FILE -o OUT [--link N] [--gc syscall|full]\n"
      "Link a kernel's recorded final link (SYSGC_RECORD) again with another\n"
      "allowlist, without Kbuild, and sort its tables as Kbuild does.\n"
      "Kernels with kallsyms or BTF are refused: relink those through Kbuild");
  Desc.add_options()("help,h", "this help")(
      "allow", po::value<std::string>(), "the new allowlist")(
      "gc", po::value<std::string>()->default_value("syscall"),
      "what may be collected: syscall (the code only removed syscalls "
      "reach) or full (whole-kernel; --allow may then be left out)")(
      "output,o", po::value<std::string>(), "the vmlinux to write")(
      "link", po::value<int>()->default_value(-1),
      "which recorded link (0-based; -1: the last, the final vmlinux)")(
      "record", po::value<std::string>(), "the SYSGC_RECORD file");
  po::positional_options_description Pos;
  Pos.add("record", 1);
  po::variables_map VM;
  if (!tool::parseOptions(Desc, Pos, Args, VM))
    return 0;
  auto Fail = [](const Twine &Msg) { return tool::commandError("relink", Msg); };
  std::string Gc = VM["gc"].as<std::string>();
  if (!VM.count("record") || !VM.count("output") ||
      (!VM.count("allow") && Gc != "full"))
    return Fail("usage: sysgc relink RECORD --allow FILE -o OUT [--gc full]");
  RelinkOptions Opts;
  Opts.Record = VM["record"].as<std::string>();
  if (VM.count("allow"))
    Opts.Allow = VM["allow"].as<std::string>();
  Opts.Gc = Gc;
  Opts.Output = VM["output"].as<std::string>();
  Opts.Link = VM["link"].as<int>();
  if (Error E = relink(Opts, errs()))
    return Fail(toString(std::move(E)));
  return 0;
}
