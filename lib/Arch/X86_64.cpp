//===- X86_64.cpp - x86-64 syscall ABIs, dispatch and tables --------------===//
//
// Linux 6.9+ on x86-64 dispatches through x64_sys_call() (a compare tree of
// tail jumps, R_X86_64_PLT32 to __x64_sys_*) and keeps sys_call_table[]
// (R_X86_64_64) for tracing; ia32_sys_call/x32_sys_call serve the other ABIs.
// The table layouts are those of arch/x86 in 6.12 (asm/extable.h, orc_types.h,
// jump_label.h, alternative.h, bug.h, static_call_types.h).
//
//===----------------------------------------------------------------------===//
#include "SyscallTables.h"
#include "Targets.h"
#include "sysgc/Object/ElfObject.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace llvm;


namespace {
class X86_64 final : public ArchInfo {
public:
  X86_64() {
    Name = "x86_64";
    Machine = ELF::EM_X86_64;
    Is64 = true;
    PointerSize = 8;
    Triple = "x86_64-unknown-linux-gnu";
    Abis = {
        {"x64", getSyscallTable(SyscallTableId::X86_64), "__x64_",
         "__x64_sys_ni_syscall", {"x64_sys_call", "sys_call_table"},
         {"64", "x86_64"}},
        {"ia32", getSyscallTable(SyscallTableId::X86_IA32), "__ia32_",
         "__ia32_sys_ni_syscall", {"ia32_sys_call", "ia32_sys_call_table"},
         {"i386", "32"}},
        {"x32", getSyscallTable(SyscallTableId::X86_X32), "__x64_",
         "__x64_sys_ni_syscall", {"x32_sys_call", "x32_sys_call_table"},
         {}},
    };
    Tables = {
        // struct exception_table_entry { int insn, fixup, data; }
        {"__ex_table", 12, 0, "", false},
        // ORC: int ip[] and the parallel struct orc_entry (6 bytes) array.
        {".orc_unwind_ip", 4, 0, "", false},
        {".orc_unwind", 6, 0, ".orc_unwind_ip", false},
        // struct jump_entry { s32 code, target; long key; }: the kernel
        // rewrites the instruction at code.
        {"__jump_table", 16, 0, "", true},
        // struct static_call_site { s32 addr, key; }
        {".static_call_sites", 8, 0, "", true},
        // objtool's lists of s32 code addresses.
        {".retpoline_sites", 4, 0, "", true},
        {".return_sites", 4, 0, "", true},
        {".call_sites", 4, 0, "", true},
        {".ibt_endbr_seal", 4, 0, "", true},
        {".smp_locks", 4, 0, "", true},
        // unsigned long __mcount_loc[]
        {"__mcount_loc", 8, 0, "", true},
        // struct alt_instr { s32 instr_offset, repl_offset; u32 ft_flags;
        // u8 instrlen, replacementlen; } (14 bytes, packed)
        {".altinstructions", 14, 0, "", true, 0, ".altinstr_replacement", 4,
         13},
        // runtime-const: s32 offsets of the instructions to patch.
        {"runtime_ptr_*", 4, 0, "", true},
        {"runtime_shift_*", 4, 0, "", true},
        // struct bug_entry { s32 bug_addr_disp; [s32 file_disp; u16 line;]
        // u16 flags; }: 12 bytes with DEBUG_BUGVERBOSE, 8 without.
        {"__bug_table", 12, 0, "", false, 8},
        // paravirt patch sites: struct paravirt_patch_site { s32 instr_offset;
        // u8 type, len; } (8 bytes with padding).
        {".parainstructions", 8, 0, "", true},
    };
    // Alternative replacement code and static_cpu_has() fallbacks: snippets
    // owned by the functions that use them.
    BackRefCode = {".altinstr_replacement", ".altinstr_aux"};
    TrapFill = std::array<uint8_t, 4>{0xcc, 0xcc, 0xcc, 0xcc}; // int3
    RelativeReloc = ELF::R_X86_64_RELATIVE;
  }

  std::optional<std::map<uint32_t, std::set<uint32_t>>>
  switchCases(const ElfObject &O, uint32_t Sec, uint64_t Begin,
              uint64_t End) const override {
    return decodeX86SwitchCases(O, Sec, Begin, End);
  }

  std::optional<unsigned> tableRelocSize(uint32_t Type) const override {
    switch (Type) {
    case ELF::R_X86_64_NONE:
      return 0;
    case ELF::R_X86_64_PC32:
    case ELF::R_X86_64_32:
    case ELF::R_X86_64_32S:
      return 4;
    case ELF::R_X86_64_64:
    case ELF::R_X86_64_PC64:
      return 8;
    default:
      return std::nullopt;
    }
  }

  int64_t targetBias(uint32_t Type, bool InExec) const override {
    // A call or jump encodes its target relative to the next instruction.
    if (InExec && (Type == ELF::R_X86_64_PLT32 || Type == ELF::R_X86_64_PC32))
      return 4;
    return 0;
  }
};
} // namespace

const ArchInfo &sysgc::getX86_64Arch() {
  static const X86_64 Arch;
  return Arch;
}
