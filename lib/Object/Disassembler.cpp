//===- Disassembler.cpp - MC disassembly for one ELF machine --------------===//
#include "sysgc/Object/Disassembler.h"
#include "sysgc/Support/Error.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"

using namespace sysgc;
using namespace llvm;

Expected<std::unique_ptr<Disassembler>>
Disassembler::create(StringRef TripleName, StringRef Features) {
  static bool Init = [] {
    InitializeAllTargetInfos();
    InitializeAllTargetMCs();
    InitializeAllDisassemblers();
    return true;
  }();
  (void)Init;
  Triple T(TripleName);
  std::string Err;
  const Target *Tgt = TargetRegistry::lookupTarget(T, Err);
  if (!Tgt)
    return makeError("no MC target for {0}: {1}", T.str(), Err);
  auto D = std::make_unique<Disassembler>();
  MCTargetOptions Opts;
  D->MRI.reset(Tgt->createMCRegInfo(T));
  if (D->MRI)
    D->MAI.reset(Tgt->createMCAsmInfo(*D->MRI, T, Opts));
  D->STI.reset(Tgt->createMCSubtargetInfo(T, "", Features));
  D->MII.reset(Tgt->createMCInstrInfo());
  if (!D->MRI || !D->MAI || !D->STI || !D->MII)
    return makeError("incomplete MC target for {0}", T.str());
  D->Ctx = std::make_unique<MCContext>(T, D->MAI.get(), D->MRI.get(),
                                       D->STI.get());
  D->Dis.reset(Tgt->createMCDisassembler(*D->STI, *D->Ctx));
  D->MIA.reset(Tgt->createMCInstrAnalysis(D->MII.get()));
  if (!D->Dis || !D->MIA)
    return makeError("no disassembler for {0}", T.str());
  return std::move(D);
}
