//===- CommandLine.cpp - What every sysgc command parses alike ------------===//
#include "CommandLine.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <iostream>

namespace po = boost::program_options;

namespace sysgc::tool {

bool parseOptions(const po::options_description &Desc,
                  const po::positional_options_description &Pos,
                  const std::vector<std::string> &Args, po::variables_map &VM) {
  po::store(po::command_line_parser(Args).options(Desc).positional(Pos).run(),
            VM);
  if (VM.count("help")) {
    std::cout << Desc;
    return false;
  }
  po::notify(VM);
  return true;
}

int commandError(llvm::StringRef Cmd, const llvm::Twine &Msg) {
  llvm::errs() << "sysgc" << (Cmd.empty() ? "" : " ") << Cmd
               << ": error: " << Msg << "\n";
  return 1;
}

std::pair<std::vector<std::string>, std::vector<std::string>>
splitAtDashes(const std::vector<std::string> &Args) {
  auto Dash = std::find(Args.begin(), Args.end(), "--");
  std::vector<std::string> Own(Args.begin(), Dash), Linker;
  if (Dash != Args.end())
    Linker.assign(Dash + 1, Args.end());
  return {std::move(Own), std::move(Linker)};
}

} // namespace sysgc::tool
