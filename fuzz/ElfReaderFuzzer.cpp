//===- ElfReaderFuzzer.cpp - Malformed ELF must never crash the reader ----===//
//
// Feeds arbitrary bytes to ElfObject::create and, when they parse, builds the
// section graph and plans a link against an empty allowlist: every index
// the later stages trust was validated by the reader.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Allowlist/Allowlist.h"
#include "sysgc/Graph/SectionGraph.h"
#include "sysgc/Plan/Plan.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace llvm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  InputSet In;
  StringRef Bytes(reinterpret_cast<const char *>(Data), Size);
  if (Error E = In.addBuffer(MemoryBufferRef(Bytes, "fuzz.o"), "fuzz.o")) {
    consumeError(std::move(E));
    return 0;
  }
  SectionGraph G(In);
  const ArchInfo *Arch = getArch(ELF::EM_X86_64);
  auto A = Allowlist::parse("read\n", "fuzz.allow", *Arch);
  if (!A)
    return 0;
  PlanOptions O;
  auto P = planLink(G, *Arch, *A, O);
  if (!P)
    consumeError(P.takeError());
  return 0;
}
