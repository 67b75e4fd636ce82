//===- ARM.cpp - 32-bit arm (EABI) syscall ABI, dispatch and tables -------===//
//
// Linux 6.12 on arm assembles sys_call_table in arch/arm/kernel/
// entry-common.S (calls-eabi.S) into .entry.text, a code section it shares
// with vector_swi: an STT_OBJECT inside code, its slots R_ARM_ABS32 to plain
// sys_* entries (no ABI prefix), unused ones to sys_ni_syscall. Objects are
// SHT_REL: every addend lives in the bytes a relocation patches and is read
// once, by implicitAddend, when the relocations are read. Exception tables
// are absolute pairs; .ARM.exidx is SHF_LINK_ORDER already.
//
//===----------------------------------------------------------------------===//
#include "SyscallTables.h"
#include "Targets.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

using namespace sysgc;
using namespace llvm;

namespace {
class ARM final : public ArchInfo {
public:
  ARM() {
    Name = "arm";
    Machine = ELF::EM_ARM;
    Is64 = false;
    PointerSize = 4;
    Triple = "armv7-unknown-linux-gnueabi";
    UsesRel = true;
    Abis = {
        {"arm", getSyscallTable(SyscallTableId::ARM), "", "sys_ni_syscall",
         {"sys_call_table"}, {"eabi", "32"}},
    };
    Tables = {
        // struct exception_table_entry { unsigned long insn, fixup; }
        {"__ex_table", 8, 0, "", false},
        // struct bug_entry { unsigned long bug_addr; [const char *file;
        // u16 line;] u16 flags; }: 12 bytes with DEBUG_BUGVERBOSE, 8 without.
        {"__bug_table", 12, 0, "", false, 8},
        // struct jump_entry { u32 code, target, key; }
        {"__jump_table", 12, 0, "", true},
        // __pv_stub: ".long 1b - ." per patched instruction.
        {".pv_table", 4, 0, "", true},
        // unsigned long __mcount_loc[]
        {"__mcount_loc", 4, 0, "", true},
    };
    RelativeReloc = ELF::R_ARM_RELATIVE;
  }

  std::optional<unsigned> tableRelocSize(uint32_t Type) const override {
    switch (Type) {
    case ELF::R_ARM_NONE:
    case ELF::R_ARM_V4BX: // a marker on a bx instruction, patches nothing
      return 0;
    case ELF::R_ARM_ABS32:
    case ELF::R_ARM_REL32:
    case ELF::R_ARM_PREL31:
    case ELF::R_ARM_TARGET1:
      return 4;
    default:
      return std::nullopt;
    }
  }

  // The instruction encodings lld's ARM::getImplicitAddend reads too.
  int64_t implicitAddend(uint32_t Type, ArrayRef<uint8_t> Loc) const override {
    if (Loc.size() < 4)
      return 0;
    uint32_t W = support::endian::read32le(Loc.data());
    switch (Type) {
    case ELF::R_ARM_ABS32:
    case ELF::R_ARM_REL32:
    case ELF::R_ARM_TARGET1:
    case ELF::R_ARM_BASE_PREL:
    case ELF::R_ARM_GOT_BREL:
    case ELF::R_ARM_GOT_PREL:
    case ELF::R_ARM_TLS_LDO32:
    case ELF::R_ARM_TLS_IE32:
    case ELF::R_ARM_TLS_GD32:
    case ELF::R_ARM_TLS_LDM32:
    case ELF::R_ARM_TLS_LE32:
      return int32_t(W);
    case ELF::R_ARM_PREL31:
      return SignExtend64<31>(W);
    case ELF::R_ARM_CALL:
    case ELF::R_ARM_JUMP24:
    case ELF::R_ARM_PC24:
    case ELF::R_ARM_PLT32:
      return SignExtend64<26>(W << 2);
    case ELF::R_ARM_THM_JUMP24:
    case ELF::R_ARM_THM_CALL: {
      // Two halfwords: S:imm10 then J1:J2:imm11 (lld's encoding, BL/B.W).
      uint16_t Hi = support::endian::read16le(Loc.data());
      uint16_t Lo = support::endian::read16le(Loc.data() + 2);
      uint32_t S = (Hi >> 10) & 1, J1 = (Lo >> 13) & 1, J2 = (Lo >> 11) & 1;
      uint32_t I1 = !(J1 ^ S), I2 = !(J2 ^ S);
      return SignExtend64<25>((S << 24) | (I1 << 23) | (I2 << 22) |
                              ((Hi & 0x3ff) << 12) | ((Lo & 0x7ff) << 1));
    }
    case ELF::R_ARM_MOVW_ABS_NC:
    case ELF::R_ARM_MOVT_ABS:
    case ELF::R_ARM_MOVW_PREL_NC:
    case ELF::R_ARM_MOVT_PREL:
      return SignExtend64<16>(((W & 0xf0000) >> 4) | (W & 0xfff));
    case ELF::R_ARM_THM_MOVW_ABS_NC:
    case ELF::R_ARM_THM_MOVT_ABS:
    case ELF::R_ARM_THM_MOVW_PREL_NC:
    case ELF::R_ARM_THM_MOVT_PREL: {
      uint16_t Hi = support::endian::read16le(Loc.data());
      uint16_t Lo = support::endian::read16le(Loc.data() + 2);
      return SignExtend64<16>(((Hi & 0x000f) << 12) | ((Hi & 0x0400) << 1) |
                              ((Lo & 0x7000) >> 4) | (Lo & 0x00ff));
    }
    default:
      return 0;
    }
  }

  // A branch's encoded addend is relative to PC + 8 (ARM) / + 4 (Thumb).
  int64_t targetBias(uint32_t Type, bool InExec) const override {
    if (!InExec)
      return 0;
    switch (Type) {
    case ELF::R_ARM_CALL:
    case ELF::R_ARM_JUMP24:
    case ELF::R_ARM_PC24:
    case ELF::R_ARM_PLT32:
      return 8;
    case ELF::R_ARM_THM_JUMP24:
    case ELF::R_ARM_THM_CALL:
      return 4;
    default:
      return 0;
    }
  }
};
} // namespace

const ArchInfo &sysgc::getARMArch() {
  static const ARM Arch;
  return Arch;
}
