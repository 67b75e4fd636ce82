//===- LinkerScriptFuzzer.cpp - Any script text parses or errors ----------===//
//
// The /DISCARD/ reader and the KEEP / by-name reader of full mode on
// arbitrary text (comments, strings, unbalanced braces, huge patterns);
// every pattern they return must compile into the section matcher or be
// refused with an error, and matching must not crash.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Link/LinkerScript.h"

using namespace sysgc;
using namespace llvm;

static void matchAll(const std::vector<std::string> &Pats) {
  SectionMatcher M;
  for (const std::string &P : Pats)
    if (Error E = M.add(P))
      consumeError(std::move(E));
  for (StringRef Name : {".text", ".discard.addressable", ".exit.text",
                         ".note.GNU-stack", "", "*", ".text.foo"})
    (void)M.match(Name);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  StringRef Text(reinterpret_cast<const char *>(Data), Size);
  if (auto Roots = parseScriptRoots(Text, "fuzz.lds")) {
    matchAll(Roots->Kept);
    matchAll(Roots->Named);
  } else {
    consumeError(Roots.takeError());
  }
  auto Pats = parseDiscardPatterns(Text, "fuzz.lds");
  if (!Pats) {
    consumeError(Pats.takeError());
    return 0;
  }
  matchAll(*Pats);
  return 0;
}
