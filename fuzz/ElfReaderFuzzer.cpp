//===- ElfReaderFuzzer.cpp - Malformed ELF must never crash the reader ----===//
//
// Feeds arbitrary bytes to the input reader as a link input would be read
// (a relocatable object, a shared object or an archive of them, lazy and
// --whole-archive) and, when they parse, builds the section graph and walks
// every edge and symbol the later stages trust the reader to have checked.
//
// fuzz-seeds: mini-kernel
//
//===----------------------------------------------------------------------===//
#include "sysgc/Graph/SectionGraph.h"

using namespace sysgc;
using namespace llvm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  StringRef Bytes(reinterpret_cast<const char *>(Data), Size);
  for (bool Whole : {false, true}) {
    InputSet In;
    if (Error E = In.addFileBuffer(MemoryBufferRef(Bytes, "fuzz.a"), "fuzz.a",
                                   Whole)) {
      consumeError(std::move(E));
      return 0;
    }
    SectionGraph G(In);
    size_t Sum = 0;
    for (NodeId N = 0; N < G.numNodes(); ++N) {
      Sum += G.section(N).Name.size() + G.describe(N).size();
      for (const GraphEdge &E : G.edges(N))
        Sum += E.To == NoNode ? 0 : G.section(E.To).Size;
      for (uint32_t S : G.symbolsIn(N))
        Sum += G.object(G.fileOf(N)).Symbols[S].Name.size();
    }
    (void)Sum;
  }
  return 0;
}
