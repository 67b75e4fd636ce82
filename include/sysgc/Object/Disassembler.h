//===- sysgc/Object/Disassembler.h - MC disassembly for one ELF machine -*- C++ -*-===//
//
// The MC objects needed to decode instructions of an ELF file's machine,
// created once: used by the verifier (branch targets of dispatchers), the
// x86 switch-case decoder and sysgc scan (one per ISA mode, with the
// extensions userspace code may use).
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_OBJECT_DISASSEMBLER_H
#define SYSGC_OBJECT_DISASSEMBLER_H

#include "sysgc/Object/ElfObject.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/ADT/StringRef.h"
#include <memory>

namespace sysgc {

class Disassembler {
public:
  /// A disassembler for TripleName (the architecture's ArchInfo::Triple),
  /// decoding the subtarget Features ("+m,+a,...") as well as the baseline.
  static llvm::Expected<std::unique_ptr<Disassembler>>
  create(llvm::StringRef TripleName, llvm::StringRef Features = "");

  llvm::MCDisassembler &dis() { return *Dis; }
  const llvm::MCInstrInfo &instrInfo() const { return *MII; }
  const llvm::MCInstrAnalysis &analysis() const { return *MIA; }
  const llvm::MCRegisterInfo &regInfo() const { return *MRI; }

private:
  std::unique_ptr<llvm::MCRegisterInfo> MRI;
  std::unique_ptr<llvm::MCAsmInfo> MAI;
  std::unique_ptr<llvm::MCSubtargetInfo> STI;
  std::unique_ptr<llvm::MCInstrInfo> MII;
  std::unique_ptr<llvm::MCContext> Ctx;
  std::unique_ptr<llvm::MCDisassembler> Dis;
  std::unique_ptr<llvm::MCInstrAnalysis> MIA;
};

} // namespace sysgc

#endif
