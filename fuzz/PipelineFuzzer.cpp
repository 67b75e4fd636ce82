//===- PipelineFuzzer.cpp - Plan and rewrite whatever parses --------------===//
//
// The table splitter and the object writer on hostile input: the bytes are
// read as one link input, planned against an allowlist (the mini kernel's
// objects as seeds reach the dispatch, the tables and the snippets), every
// object's edits are written, and the written object must parse again with
// the same reader (the writer never produces what sysgc itself rejects).
//
// fuzz-seeds: mini-kernel
//
//===----------------------------------------------------------------------===//
#include "sysgc/Allowlist/Allowlist.h"
#include "sysgc/Graph/SectionGraph.h"
#include "sysgc/Plan/Plan.h"
#include "sysgc/Rewrite/ObjectWriter.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>

using namespace sysgc;
using namespace llvm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  StringRef Bytes(reinterpret_cast<const char *>(Data), Size);
  InputSet In;
  if (Error E = In.addFileBuffer(MemoryBufferRef(Bytes, "fuzz.o"), "fuzz.o",
                                 /*WholeArchive=*/true)) {
    consumeError(std::move(E));
    return 0;
  }
  const ArchInfo *Arch = getArch(In.Machine);
  if (!Arch)
    return 0;
  SectionGraph G(In);
  auto A = Allowlist::parse("read\nwrite\nexit_group\n", "fuzz.allow", *Arch);
  if (!A) {
    consumeError(A.takeError());
    return 0;
  }
  for (GcMode Mode : {GcMode::Retain, GcMode::Collect}) {
    PlanOptions O;
    O.Mode = Mode;
    O.Normalize = Mode == GcMode::Retain;
    O.UnknownTablesAreErrors = false;
    auto P = planLink(G, *Arch, *A, O);
    if (!P) {
      consumeError(P.takeError());
      continue;
    }
    std::vector<ObjectEdits> Edits = editsFromPlan(G, *P);
    for (uint32_t F = 0; F < In.Objects.size(); ++F) {
      if (Edits[F].empty())
        continue;
      auto Out = writeObject(*In.Objects[F].Elf, Edits[F]);
      if (!Out) {
        consumeError(Out.takeError());
        continue;
      }
      StringRef OutBytes(Out->data(), Out->size());
      auto Back = ElfObject::create(MemoryBufferRef(OutBytes, "rewritten.o"),
                                    "rewritten.o");
      if (!Back) {
        errs() << "the writer produced an object the reader rejects: "
               << toString(Back.takeError()) << "\n";
        abort();
      }
    }
  }
  return 0;
}
