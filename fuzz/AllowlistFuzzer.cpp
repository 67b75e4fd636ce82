//===- AllowlistFuzzer.cpp - Any allowlist text parses or errors ----------===//
#include "sysgc/Allowlist/Allowlist.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace llvm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  StringRef Text(reinterpret_cast<const char *>(Data), Size);
  for (bool Unknown : {false, true}) {
    AllowlistOptions O;
    O.AllowUnknown = Unknown;
    auto L = Allowlist::parse(Text, "fuzz.allow", *getArch(ELF::EM_X86_64), O);
    if (!L)
      consumeError(L.takeError());
  }
  return 0;
}
