//===- LinkerScriptFuzzer.cpp - Any script text parses or errors ----------===//
//
// The /DISCARD/ reader on arbitrary text (comments, strings, unbalanced
// braces, huge patterns); every pattern it returns must compile into the
// section matcher or be refused with an error, and matching must not crash.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Link/LinkerScript.h"

using namespace sysgc;
using namespace llvm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  StringRef Text(reinterpret_cast<const char *>(Data), Size);
  auto Pats = parseDiscardPatterns(Text, "fuzz.lds");
  if (!Pats) {
    consumeError(Pats.takeError());
    return 0;
  }
  SectionMatcher M;
  for (const std::string &P : *Pats)
    if (Error E = M.add(P))
      consumeError(std::move(E));
  for (StringRef Name : {".text", ".discard.addressable", ".exit.text",
                         ".note.GNU-stack", "", "*"})
    (void)M.match(Name);
  return 0;
}
