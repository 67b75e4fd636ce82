//===- RISCV.cpp - riscv64 syscall ABI, dispatch and tables ---------------===//
//
// Linux 6.12 on riscv64 dispatches through sys_call_table
// (arch/riscv/kernel/syscall_table.c: 463 R_RISCV_64 slots to __riscv_sys_*,
// unused ones to __riscv_sys_ni_syscall) and, with COMPAT,
// compat_sys_call_table. Its relative tables ("1b - .") are R_RISCV_ADD32 /
// R_RISCV_SUB32 pairs (ADD64/SUB64 for a pointer-sized field): the ADD names
// the owner, the SUB the table itself. Alternatives put their replacement
// code in ".subsection 1" of the patched function's own section, so no
// snippet section needs cutting.
//
//===----------------------------------------------------------------------===//
#include "SyscallTables.h"
#include "Targets.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace llvm;

namespace {
class RISCV64 final : public ArchInfo {
public:
  RISCV64() {
    Name = "riscv64";
    Machine = ELF::EM_RISCV;
    Is64 = true;
    PointerSize = 8;
    Triple = "riscv64-unknown-linux-gnu";
    Abis = {
        {"riscv64", getSyscallTable(SyscallTableId::RISCV64), "__riscv_",
         "__riscv_sys_ni_syscall", {"sys_call_table"}, {"64"}},
        {"riscv32", getSyscallTable(SyscallTableId::RISCV32), "__riscv_",
         "__riscv_sys_ni_syscall", {"compat_sys_call_table"}, {"compat", "32"}},
    };
    Tables = {
        // struct exception_table_entry { int insn, fixup; short type, data; }
        {"__ex_table", 12, 0, "", false},
        // struct bug_entry { s32 bug_addr_disp; [s32 file_disp; u16 line;]
        // u16 flags; } (GENERIC_BUG_RELATIVE_POINTERS): 12 or 8 bytes.
        {"__bug_table", 12, 0, "", false, 8},
        // struct jump_entry { s32 code, target; long key; }
        {"__jump_table", 16, 0, "", true},
        // struct alt_entry { s32 old_offset, alt_offset; u16 vendor_id,
        // alt_len; u32 patch_id; }
        {".alternative", 16, 0, "", true},
        // unsigned long __mcount_loc[] (FTRACE without patchable entries)
        {"__mcount_loc", 8, 0, "", true},
    };
    RelativeReloc = ELF::R_RISCV_RELATIVE;
    // No TrapFill: riscv code carries R_RISCV_ALIGN/RELAX, which lld
    // resolves per input section; sysgc never joins riscv sections.
  }

  std::optional<unsigned> tableRelocSize(uint32_t Type) const override {
    switch (Type) {
    case ELF::R_RISCV_NONE:
      return 0;
    case ELF::R_RISCV_32:
    case ELF::R_RISCV_32_PCREL:
    case ELF::R_RISCV_ADD32:
    case ELF::R_RISCV_SUB32:
      return 4;
    case ELF::R_RISCV_64:
    case ELF::R_RISCV_ADD64:
    case ELF::R_RISCV_SUB64:
      return 8;
    default:
      return std::nullopt;
    }
  }

  bool namesOwner(uint32_t Type) const override {
    return Type != ELF::R_RISCV_SUB32 && Type != ELF::R_RISCV_SUB64;
  }
};
} // namespace

const ArchInfo &sysgc::getRISCV64Arch() {
  static const RISCV64 Arch;
  return Arch;
}
