//===- AArch64.cpp - arm64 syscall ABIs, dispatch and tables --------------===//
//
// Linux 6.12 on arm64 dispatches through sys_call_table (arch/arm64/kernel/
// sys.c: R_AARCH64_ABS64 slots to __arm64_sys_*, unused ones to
// __arm64_sys_ni_syscall) read by invoke_syscall(), and, with COMPAT,
// compat_sys_call_table (sys32.c). With RELOCATABLE the vmlinux link is
// -shared --no-apply-dynamic-relocs: the slots hold 0 in the file and their
// values are R_AARCH64_RELATIVE addends. Alternatives keep their
// replacement code in ".subsection 1" of the patched function's section.
//
//===----------------------------------------------------------------------===//
#include "SyscallTables.h"
#include "Targets.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace llvm;

namespace {
class AArch64 final : public ArchInfo {
public:
  AArch64() {
    Name = "aarch64";
    Machine = ELF::EM_AARCH64;
    Is64 = true;
    PointerSize = 8;
    Triple = "aarch64-unknown-linux-gnu";
    Abis = {
        {"arm64", getSyscallTable(SyscallTableId::ARM64), "__arm64_",
         "__arm64_sys_ni_syscall", {"sys_call_table"}, {"64", "aarch64"}},
        {"compat", getSyscallTable(SyscallTableId::ARM64_COMPAT), "__arm64_",
         "__arm64_sys_ni_syscall", {"compat_sys_call_table"}, {"32", "arm32"}},
    };
    Tables = {
        // struct exception_table_entry { int insn, fixup; short type, data; }
        {"__ex_table", 12, 0, "", false},
        // struct bug_entry (GENERIC_BUG_RELATIVE_POINTERS): 12 or 8 bytes.
        {"__bug_table", 12, 0, "", false, 8},
        // struct jump_entry { s32 code, target; long key; }
        {"__jump_table", 16, 0, "", true},
        // struct alt_instr { s32 orig_offset, alt_offset; u16 cpucap;
        // u8 orig_len, alt_len; }
        {".altinstructions", 12, 0, "", true},
        // unsigned long __mcount_loc[]
        {"__mcount_loc", 8, 0, "", true},
    };
    RelativeReloc = ELF::R_AARCH64_RELATIVE;
    // lld's AArch64 trapInstr: brk #0x3e8... left unset until measured:
    // sysgc does not join arm64 sections yet.
  }

  std::optional<unsigned> tableRelocSize(uint32_t Type) const override {
    switch (Type) {
    case ELF::R_AARCH64_NONE:
    case 256: // R_AARCH64_NONE as the ABI's second spelling (R_AARCH64_NULL)
      return 0;
    case ELF::R_AARCH64_PREL32:
    case ELF::R_AARCH64_ABS32:
      return 4;
    case ELF::R_AARCH64_PREL64:
    case ELF::R_AARCH64_ABS64:
      return 8;
    default:
      return std::nullopt;
    }
  }
};
} // namespace

const ArchInfo &sysgc::getAArch64Arch() {
  static const AArch64 Arch;
  return Arch;
}
