//===- PlanCacheFuzzer.cpp - A damaged plan cache never crashes -----------===//
//
// The plan cache reader on arbitrary bytes, against the unit tests' small
// kernel: whatever it accepts must be safe for everything downstream, so an
// accepted plan is cut into edits, explained (planStatuses) and written
// through the object writer, whose output must read back.
// SYSGC_FUZZ_WRITE_SEED=FILE also writes a valid plan, the seed.
//
//===----------------------------------------------------------------------===//
#include "../unittests/Support/TestObjects.h"
#include "sysgc/Allowlist/Allowlist.h"
#include "sysgc/Plan/PlanCache.h"
#include "sysgc/Rewrite/ObjectWriter.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>

using namespace sysgc;
using namespace llvm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  static test::TestInputs *In = [] {
    auto *T = new test::TestInputs;
    T->add(test::KernelYaml, "kernel.o");
    return T;
  }();
  static SectionGraph G(In->Set);
  const ArchInfo &Arch = *getArch(ELF::EM_X86_64);
  static Allowlist Allow = cantFail(Allowlist::parse("read\n", "a", Arch));
  // SYSGC_FUZZ_WRITE_SEED=FILE writes a valid plan of that kernel (the seed
  // in test-inputs/fuzz/PlanCache/ was made so).
  static bool Seeded = [&] {
    if (const char *Path = getenv("SYSGC_FUZZ_WRITE_SEED")) {
      LinkPlan Fresh = cantFail(planLink(G, Arch, Allow, PlanOptions()));
      std::error_code EC;
      raw_fd_ostream OS(Path, EC);
      OS << serializePlan(Fresh);
    }
    return true;
  }();
  (void)Seeded;

  auto P = deserializePlan(
      StringRef(reinterpret_cast<const char *>(Data), Size), G, Arch);
  if (!P) {
    consumeError(P.takeError());
    return 0;
  }
  planStatuses(G, Allow, *P);
  std::vector<ObjectEdits> Edits = editsFromPlan(G, *P);
  for (uint32_t F = 0; F < Edits.size(); ++F) {
    if (Edits[F].empty())
      continue;
    auto Out = writeObject(G.object(F), Edits[F]);
    if (!Out) {
      consumeError(Out.takeError());
      continue;
    }
    auto Back = ElfObject::create(
        MemoryBufferRef(StringRef(Out->data(), Out->size()), "out.o"), "out.o");
    if (!Back) {
      errs() << toString(Back.takeError()) << "\n";
      abort();
    }
  }
  return 0;
}
