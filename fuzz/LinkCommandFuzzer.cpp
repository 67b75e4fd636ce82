//===- LinkCommandFuzzer.cpp - Any command line parses or errors ----------===//
//
// The link command parser (lld's option table, sysgc's own options, their
// environment forms) on arbitrary argument vectors: the input is split at
// NUL bytes; arguments "ENV:NAME=VALUE" become the environment. Response
// files are left out (they would read the fuzzing machine's files).
//
//===----------------------------------------------------------------------===//
#include "sysgc/Link/LinkCommand.h"
#include "llvm/ADT/SmallVector.h"
#include <map>

using namespace sysgc;
using namespace llvm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  StringRef Text(reinterpret_cast<const char *>(Data), Size);
  SmallVector<StringRef, 16> Parts;
  Text.split(Parts, '\0');
  std::vector<std::string> Args = {"ld.lld"};
  std::map<std::string, std::string> Env;
  for (StringRef P : Parts) {
    if (P.consume_front("ENV:")) {
      auto [K, V] = P.split('=');
      Env[K.str()] = V.str();
    } else if (!P.starts_with("@")) {
      Args.push_back(P.str());
    }
  }
  std::vector<const char *> Argv;
  for (const std::string &A : Args)
    Argv.push_back(A.c_str());
  EnvLookup Lookup = [&](StringRef Name) -> std::optional<std::string> {
    auto It = Env.find(Name.str());
    if (It == Env.end())
      return std::nullopt;
    return It->second;
  };
  LinkCommand Cmd;
  SysgcOptions Opts;
  if (Error E = parseLinkCommand(Argv, Lookup, Cmd, Opts))
    consumeError(std::move(E));
  return 0;
}
