//===- ElfReaderFuzzer.cpp - Malformed ELF must never crash the reader ----===//
//
// Feeds arbitrary bytes to the input reader as a link input would be read
// (a relocatable object, a shared object or an archive of them, lazy and
// --whole-archive) and, when they parse, builds the section graph and walks
// every edge and symbol the later stages trust the reader to have checked.
// An object read without its relocations, then given them (loadRelocs, as
// sysgc-ld reads its inputs), must end up exactly as one read at once.
//
// fuzz-seeds: mini-kernel
//
//===----------------------------------------------------------------------===//
#include "sysgc/Graph/SectionGraph.h"
#include <cstdlib>

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

  MemoryBufferRef Buf(Bytes, "fuzz.o");
  auto Eager = ElfObject::create(Buf, "fuzz.o", /*WithRelocs=*/true);
  auto Lazy = ElfObject::create(Buf, "fuzz.o", /*WithRelocs=*/false);
  bool LazyOk = bool(Lazy);
  uint64_t Claimed = LazyOk ? (*Lazy)->RelocCount : 0;
  if (LazyOk)
    if (Error E = (*Lazy)->loadRelocs()) {
      consumeError(std::move(E));
      LazyOk = false;
    }
  if (bool(Eager) != LazyOk)
    abort(); // the two ways disagree on whether the file is good
  if (Eager) {
    const ElfObject &A = **Eager, &B = **Lazy;
    if (A.Relocs.size() != B.Relocs.size() || !B.RelocsLoaded ||
        A.Sections.size() != B.Sections.size() || A.IsRela != B.IsRela ||
        (A.isRelocatable() && Claimed != B.Relocs.size()))
      abort();
    for (size_t I = 0; I < A.Relocs.size(); ++I)
      if (A.Relocs[I].Offset != B.Relocs[I].Offset ||
          A.Relocs[I].Symbol != B.Relocs[I].Symbol ||
          A.Relocs[I].Type != B.Relocs[I].Type ||
          A.Relocs[I].Addend != B.Relocs[I].Addend)
        abort();
    for (size_t I = 0; I < A.Sections.size(); ++I)
      if (A.Sections[I].FirstReloc != B.Sections[I].FirstReloc ||
          A.Sections[I].NumRelocs != B.Sections[I].NumRelocs ||
          A.Sections[I].RelocSection != B.Sections[I].RelocSection)
        abort();
  } else {
    consumeError(Eager.takeError());
  }
  if (!Lazy)
    consumeError(Lazy.takeError());
  return 0;
}
