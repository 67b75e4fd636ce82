//===- EmbeddedObjects.cpp - riscv64, arm64 and arm kernels in ELF YAML ---===//
//
// What each fixture copies from the real objects is said next to it; the
// relocation types, their symbols (labels, section symbols) and the code
// bytes are clang-22's for the same kernel sources (6.12's asm-extable.h,
// jump_label.h, alternative-macros.h, entry-common.S, sys_ni.c).
//
//===----------------------------------------------------------------------===//
#include "EmbeddedObjects.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Regex.h"
#include <vector>

using namespace llvm;

namespace sysgc::test {

const char *const RiscvKernelYaml = R"(--- !ELF
FileHeader:
  Class: ELFCLASS64
  Data:  ELFDATA2LSB
  Type:  ET_REL
  Machine: EM_RISCV
  Flags: [ EF_RISCV_RVC ]
Sections:
  # arch/riscv: -mcmodel=medany, linker relaxation on (lld >= 15), so every
  # call and PC-relative pair carries R_RISCV_RELAX.
  - { Name: .head.text, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '97000000e78000001300000013000000' }
  - { Name: .text.do_trap_ecall_u, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '170500000335050082803335050082800100010001000100' }
  - { Name: .text.__riscv_sys_socket, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 32 }
  - { Name: .text.sock_create, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 16 }
  - { Name: .text.sock_alloc, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 24 }
  - { Name: .text.__riscv_sys_read, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 40 }
  - { Name: .text.__riscv_sys_getpid, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 8 }
  - { Name: .text.fdget, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 8 }
  - { Name: .text.netstamp_enable, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 12 }
  - { Name: .text.__riscv_sys_ni_syscall, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 8 }
  - { Name: __ex_table, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], AddressAlign: 4, Content: '000000000000000003000100000000000000000003000200000000000000000003000300' }
  - { Name: __jump_table, Type: SHT_PROGBITS, Flags: [ SHF_WRITE, SHF_ALLOC ], AddressAlign: 8, Size: 32 }
  - { Name: .rodata.sys_call_table, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], AddressAlign: 8, Size: 1968 }
  - { Name: .data.netstamp_needed_key, Type: SHT_PROGBITS, Flags: [ SHF_WRITE, SHF_ALLOC ], AddressAlign: 8, Size: 16 }
  - { Name: .data.net_families, Type: SHT_PROGBITS, Flags: [ SHF_WRITE, SHF_ALLOC ], AddressAlign: 8, Size: 64 }
  - Name: .rela.head.text
    Type: SHT_RELA
    Info: .head.text
    Relocations:
      - { Offset: 0, Symbol: do_trap_ecall_u, Type: R_RISCV_CALL_PLT }
      - { Offset: 0, Type: R_RISCV_RELAX }
  - Name: .rela.text.do_trap_ecall_u
    Type: SHT_RELA
    Info: .text.do_trap_ecall_u
    Relocations:
      - { Offset: 0, Symbol: sys_call_table, Type: R_RISCV_PCREL_HI20 }
      - { Offset: 0, Type: R_RISCV_RELAX }
      - { Offset: 4, Symbol: .Lpcrel_hi0, Type: R_RISCV_PCREL_LO12_I }
      - { Offset: 4, Type: R_RISCV_RELAX }
  - Name: .rela.text.__riscv_sys_socket
    Type: SHT_RELA
    Info: .text.__riscv_sys_socket
    Relocations:
      - { Offset: 8, Symbol: sock_create, Type: R_RISCV_CALL_PLT }
      - { Offset: 8, Type: R_RISCV_RELAX }
  - Name: .rela.text.sock_create
    Type: SHT_RELA
    Info: .text.sock_create
    Relocations:
      - { Offset: 4, Symbol: sock_alloc, Type: R_RISCV_CALL_PLT }
      - { Offset: 4, Type: R_RISCV_RELAX }
  - Name: .rela.text.sock_alloc
    Type: SHT_RELA
    Info: .text.sock_alloc
    Relocations:
      - { Offset: 0, Symbol: net_families, Type: R_RISCV_PCREL_HI20 }
      - { Offset: 0, Type: R_RISCV_RELAX }
      - { Offset: 4, Symbol: .Lpcrel_hi1, Type: R_RISCV_PCREL_LO12_I }
      - { Offset: 4, Type: R_RISCV_RELAX }
  - Name: .rela.text.__riscv_sys_read
    Type: SHT_RELA
    Info: .text.__riscv_sys_read
    Relocations:
      - { Offset: 18, Symbol: fdget, Type: R_RISCV_CALL_PLT }
      - { Offset: 18, Type: R_RISCV_RELAX }
  - Name: .rela.text.netstamp_enable
    Type: SHT_RELA
    Info: .text.netstamp_enable
    Relocations:
      - { Offset: 0, Symbol: netstamp_needed_key, Type: R_RISCV_PCREL_HI20 }
      - { Offset: 0, Type: R_RISCV_RELAX }
      - { Offset: 4, Symbol: .Lpcrel_hi2, Type: R_RISCV_PCREL_LO12_I }
      - { Offset: 4, Type: R_RISCV_RELAX }
  - Name: .rela.text.__riscv_sys_ni_syscall
    Type: SHT_RELA
    Info: .text.__riscv_sys_ni_syscall
    Relocations:
      - { Offset: 0, Symbol: sys_ni_syscall, Type: R_RISCV_CALL_PLT }
      - { Offset: 0, Type: R_RISCV_RELAX }
  # asm-extable.h: ".long ((insn) - .); .long ((fixup) - .); .short type;
  # .short data". clang-22 writes each "x - ." as R_RISCV_ADD32 against a
  # label in the function and R_RISCV_SUB32 against a ".L0 " label it
  # defines at the field, both at the field's offset (llvm-readelf-22 -r on
  # a compiled copy); GNU as names the same ".L0 " labels.
  - Name: .rela__ex_table
    Type: SHT_RELA
    Info: __ex_table
    Relocations:
      - { Offset: 0, Symbol: .Ltmp0, Type: R_RISCV_ADD32 }
      - { Offset: 0, Symbol: '.L0 ', Type: R_RISCV_SUB32 }
      - { Offset: 4, Symbol: .Ltmp1, Type: R_RISCV_ADD32 }
      - { Offset: 4, Symbol: '.L0  (1)', Type: R_RISCV_SUB32 }
      - { Offset: 12, Symbol: .Ltmp3, Type: R_RISCV_ADD32 }
      - { Offset: 12, Symbol: '.L0  (2)', Type: R_RISCV_SUB32 }
      - { Offset: 16, Symbol: .Ltmp4, Type: R_RISCV_ADD32 }
      - { Offset: 16, Symbol: '.L0  (3)', Type: R_RISCV_SUB32 }
      - { Offset: 24, Symbol: .Ltmp5, Type: R_RISCV_ADD32 }
      - { Offset: 24, Symbol: '.L0  (4)', Type: R_RISCV_SUB32 }
      - { Offset: 28, Symbol: .Ltmp6, Type: R_RISCV_ADD32 }
      - { Offset: 28, Symbol: '.L0  (5)', Type: R_RISCV_SUB32 }
  # jump_label.h: ".long 1b - ., %l[label] - .; .dword %0 - ." (key +
  # branch): ADD64/SUB64 for the key field.
  - Name: .rela__jump_table
    Type: SHT_RELA
    Info: __jump_table
    Relocations:
      - { Offset: 0, Symbol: .Ltmp2, Type: R_RISCV_ADD32 }
      - { Offset: 0, Symbol: '.L0  (6)', Type: R_RISCV_SUB32 }
      - { Offset: 4, Symbol: .LBB0_2, Type: R_RISCV_ADD32 }
      - { Offset: 4, Symbol: '.L0  (7)', Type: R_RISCV_SUB32 }
      - { Offset: 8, Symbol: netstamp_needed_key, Type: R_RISCV_ADD64 }
      - { Offset: 8, Symbol: '.L0  (8)', Type: R_RISCV_SUB64 }
      - { Offset: 16, Symbol: .Ltmp7, Type: R_RISCV_ADD32 }
      - { Offset: 16, Symbol: '.L0  (9)', Type: R_RISCV_SUB32 }
      - { Offset: 20, Symbol: .LBB5_2, Type: R_RISCV_ADD32 }
      - { Offset: 20, Symbol: '.L0  (10)', Type: R_RISCV_SUB32 }
      - { Offset: 24, Symbol: netstamp_needed_key, Type: R_RISCV_ADD64, Addend: 1 }
      - { Offset: 24, Symbol: '.L0  (11)', Type: R_RISCV_SUB64 }
  - Name: .rela.rodata.sys_call_table
    Type: SHT_RELA
    Info: .rodata.sys_call_table
    Relocations:
      - { Offset: 480, Symbol: __riscv_sys_quotactl, Type: R_RISCV_64 }
      - { Offset: 504, Symbol: __riscv_sys_read, Type: R_RISCV_64 }
      - { Offset: 1376, Symbol: __riscv_sys_getpid, Type: R_RISCV_64 }
      - { Offset: 1584, Symbol: __riscv_sys_socket, Type: R_RISCV_64 }
      - { Offset: 1952, Symbol: __riscv_sys_ni_syscall, Type: R_RISCV_64 }
      - { Offset: 1960, Symbol: __riscv_sys_ni_syscall, Type: R_RISCV_64 }
Symbols:
  # The tables' section symbols: named by no relocation here (see
  # riscvKernelYamlWithSectionSymbolSubs).
  - { Name: __ex_table, Type: STT_SECTION, Section: __ex_table }
  - { Name: __jump_table, Type: STT_SECTION, Section: __jump_table }
  - { Name: .Lpcrel_hi0, Section: .text.do_trap_ecall_u }
  - { Name: .Ltmp0, Section: .text.__riscv_sys_socket }
  - { Name: .Ltmp1, Section: .text.__riscv_sys_socket, Value: 2 }
  - { Name: .Ltmp2, Section: .text.__riscv_sys_socket, Value: 12 }
  - { Name: .LBB0_2, Section: .text.__riscv_sys_socket, Value: 26 }
  - { Name: .Lpcrel_hi1, Section: .text.sock_alloc }
  - { Name: .Ltmp3, Section: .text.sock_alloc, Value: 8 }
  - { Name: .Ltmp4, Section: .text.sock_alloc, Value: 12 }
  - { Name: .Ltmp5, Section: .text.__riscv_sys_read, Value: 6 }
  - { Name: .Ltmp6, Section: .text.__riscv_sys_read, Value: 8 }
  - { Name: .Ltmp7, Section: .text.__riscv_sys_read, Value: 12 }
  - { Name: .LBB5_2, Section: .text.__riscv_sys_read, Value: 30 }
  - { Name: .Lpcrel_hi2, Section: .text.netstamp_enable }
  - { Name: '.L0 ', Section: __ex_table }
  - { Name: '.L0  (1)', Section: __ex_table, Value: 4 }
  - { Name: '.L0  (2)', Section: __ex_table, Value: 12 }
  - { Name: '.L0  (3)', Section: __ex_table, Value: 16 }
  - { Name: '.L0  (4)', Section: __ex_table, Value: 24 }
  - { Name: '.L0  (5)', Section: __ex_table, Value: 28 }
  - { Name: '.L0  (6)', Section: __jump_table }
  - { Name: '.L0  (7)', Section: __jump_table, Value: 4 }
  - { Name: '.L0  (8)', Section: __jump_table, Value: 8 }
  - { Name: '.L0  (9)', Section: __jump_table, Value: 16 }
  - { Name: '.L0  (10)', Section: __jump_table, Value: 20 }
  - { Name: '.L0  (11)', Section: __jump_table, Value: 24 }
  - { Name: net_families, Type: STT_OBJECT, Section: .data.net_families, Size: 64 }
  - { Name: _start, Type: STT_FUNC, Section: .head.text, Binding: STB_GLOBAL, Size: 16 }
  - { Name: do_trap_ecall_u, Type: STT_FUNC, Section: .text.do_trap_ecall_u, Binding: STB_GLOBAL, Size: 24 }
  - { Name: __riscv_sys_socket, Type: STT_FUNC, Section: .text.__riscv_sys_socket, Binding: STB_GLOBAL, Size: 32 }
  - { Name: sock_create, Type: STT_FUNC, Section: .text.sock_create, Binding: STB_GLOBAL, Size: 16 }
  - { Name: sock_alloc, Type: STT_FUNC, Section: .text.sock_alloc, Binding: STB_GLOBAL, Size: 24 }
  - { Name: __riscv_sys_read, Type: STT_FUNC, Section: .text.__riscv_sys_read, Binding: STB_GLOBAL, Size: 40 }
  - { Name: __riscv_sys_getpid, Type: STT_FUNC, Section: .text.__riscv_sys_getpid, Binding: STB_GLOBAL, Size: 8 }
  - { Name: fdget, Type: STT_FUNC, Section: .text.fdget, Binding: STB_GLOBAL, Size: 8 }
  - { Name: netstamp_enable, Type: STT_FUNC, Section: .text.netstamp_enable, Binding: STB_GLOBAL, Size: 12 }
  - { Name: __riscv_sys_ni_syscall, Type: STT_FUNC, Section: .text.__riscv_sys_ni_syscall, Binding: STB_GLOBAL, Size: 8 }
  - { Name: sys_call_table, Type: STT_OBJECT, Section: .rodata.sys_call_table, Binding: STB_GLOBAL, Size: 1968 }
  - { Name: netstamp_needed_key, Type: STT_OBJECT, Section: .data.netstamp_needed_key, Binding: STB_GLOBAL, Size: 16 }
  - { Name: sys_ni_syscall, Binding: STB_GLOBAL }
  - { Name: __riscv_sys_quotactl, Binding: STB_GLOBAL }
...
)";

const char *const RiscvSysNiYaml = R"(--- !ELF
FileHeader:
  Class: ELFCLASS64
  Data:  ELFDATA2LSB
  Type:  ET_REL
  Machine: EM_RISCV
  Flags: [ EF_RISCV_RVC ]
Sections:
  # COND_SYSCALL(name): a weak __riscv_sys_name that tail-calls sys_ni_syscall.
  - { Name: .text.sys_ni_syscall, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '1305a0fd82800100' }
  - { Name: .text.__riscv_sys_quotactl, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '1703000067000300' }
  - { Name: .text.__riscv_sys_socket, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '1703000067000300' }
  - Name: .rela.text.__riscv_sys_quotactl
    Type: SHT_RELA
    Info: .text.__riscv_sys_quotactl
    Relocations:
      - { Offset: 0, Symbol: sys_ni_syscall, Type: R_RISCV_CALL_PLT }
      - { Offset: 0, Type: R_RISCV_RELAX }
  - Name: .rela.text.__riscv_sys_socket
    Type: SHT_RELA
    Info: .text.__riscv_sys_socket
    Relocations:
      - { Offset: 0, Symbol: sys_ni_syscall, Type: R_RISCV_CALL_PLT }
      - { Offset: 0, Type: R_RISCV_RELAX }
Symbols:
  - { Name: sys_ni_syscall, Type: STT_FUNC, Section: .text.sys_ni_syscall, Binding: STB_GLOBAL, Size: 8 }
  - { Name: __riscv_sys_quotactl, Type: STT_FUNC, Section: .text.__riscv_sys_quotactl, Binding: STB_WEAK, Size: 8 }
  - { Name: __riscv_sys_socket, Type: STT_FUNC, Section: .text.__riscv_sys_socket, Binding: STB_WEAK, Size: 8 }
...
)";

std::string riscvKernelYamlWithSectionSymbolSubs() {
  // "{ Offset: N, Symbol: '.L0  (k)', Type: R_RISCV_SUBxx }" in the block
  // of table T becomes "{ Offset: N, Symbol: T, Type: R_RISCV_SUBxx,
  // Addend: N }": the same place, named through the section symbol.
  std::string Yaml = RiscvKernelYaml;
  Regex Sub("\\{ Offset: ([0-9]+), Symbol: '\\.L0 [^']*', Type: "
            "(R_RISCV_SUB32|R_RISCV_SUB64) \\}");
  std::string Table;
  std::string Out;
  StringRef Rest = Yaml;
  while (!Rest.empty()) {
    auto [Line, Tail] = Rest.split('\n');
    Rest = Tail;
    if (Line.starts_with("    Info: "))
      Table = Line.drop_front(10).str();
    SmallVector<StringRef, 3> M;
    std::string L = Line.str();
    if (Sub.match(Line, &M))
      L = Line.take_front(Line.find('{')).str() + "{ Offset: " + M[1].str() +
          ", Symbol: " + Table + ", Type: " + M[2].str() +
          ", Addend: " + M[1].str() + " }";
    Out += L + "\n";
  }
  return Out;
}

const char *const Arm64SysYaml = R"(--- !ELF
FileHeader:
  Class: ELFCLASS64
  Data:  ELFDATA2LSB
  Type:  ET_REL
  Machine: EM_AARCH64
Sections:
  # arch/arm64/kernel/sys.c: __arm64_sys_ni_syscall returns sys_ni_syscall()
  # (a tail branch); sys_call_table[__NR_syscalls] = { [0 ...] =
  # __arm64_sys_ni_syscall, ... }. Slots 244 and 245 are unused numbers.
  - { Name: .text.__arm64_sys_ni_syscall, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '00000014' }
  - { Name: .rodata.sys_call_table, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], AddressAlign: 8, Size: 1968 }
  - Name: .rela.text.__arm64_sys_ni_syscall
    Type: SHT_RELA
    Info: .text.__arm64_sys_ni_syscall
    Relocations:
      - { Offset: 0, Symbol: sys_ni_syscall, Type: R_AARCH64_JUMP26 }
  - Name: .rela.rodata.sys_call_table
    Type: SHT_RELA
    Info: .rodata.sys_call_table
    Relocations:
      - { Offset: 480, Symbol: __arm64_sys_quotactl, Type: R_AARCH64_ABS64 }
      - { Offset: 504, Symbol: __arm64_sys_read, Type: R_AARCH64_ABS64 }
      - { Offset: 1376, Symbol: __arm64_sys_getpid, Type: R_AARCH64_ABS64 }
      - { Offset: 1584, Symbol: __arm64_sys_socket, Type: R_AARCH64_ABS64 }
      - { Offset: 1952, Symbol: __arm64_sys_ni_syscall, Type: R_AARCH64_ABS64 }
      - { Offset: 1960, Symbol: __arm64_sys_ni_syscall, Type: R_AARCH64_ABS64 }
Symbols:
  - { Name: __arm64_sys_ni_syscall, Type: STT_FUNC, Section: .text.__arm64_sys_ni_syscall, Binding: STB_GLOBAL, Size: 4 }
  - { Name: sys_call_table, Type: STT_OBJECT, Section: .rodata.sys_call_table, Binding: STB_GLOBAL, Size: 1968 }
  - { Name: sys_ni_syscall, Binding: STB_GLOBAL }
  - { Name: __arm64_sys_quotactl, Binding: STB_GLOBAL }
  - { Name: __arm64_sys_read, Binding: STB_GLOBAL }
  - { Name: __arm64_sys_getpid, Binding: STB_GLOBAL }
  - { Name: __arm64_sys_socket, Binding: STB_GLOBAL }
...
)";

const char *const Arm64KernelYaml = R"(--- !ELF
FileHeader:
  Class: ELFCLASS64
  Data:  ELFDATA2LSB
  Type:  ET_REL
  Machine: EM_AARCH64
Sections:
  - { Name: .text.do_el0_svc, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 32 }
  - { Name: .text.__arm64_sys_socket, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 52 }
  - { Name: .text.sock_create, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 16 }
  - { Name: .text.sock_alloc, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 44 }
  - { Name: .text.__arm64_sys_read, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 44 }
  - { Name: .text.__arm64_sys_getpid, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 8 }
  - { Name: .text.fdget, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 8 }
  - { Name: .text.net_enable_timestamp, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Size: 16 }
  - { Name: __ex_table, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], AddressAlign: 4, Content: '000000000000000003000100000000000000000003000200000000000000000003000300' }
  - { Name: .altinstructions, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], AddressAlign: 1, Content: '000000000000000005000404000000000000000039000404' }
  - { Name: __jump_table, Type: SHT_PROGBITS, Flags: [ SHF_WRITE, SHF_ALLOC ], AddressAlign: 8, Size: 16 }
  - { Name: .data.netstamp_needed_key, Type: SHT_PROGBITS, Flags: [ SHF_WRITE, SHF_ALLOC ], AddressAlign: 8, Size: 16 }
  - { Name: .data.net_families, Type: SHT_PROGBITS, Flags: [ SHF_WRITE, SHF_ALLOC ], AddressAlign: 8, Size: 64 }
  - Name: .rela.text.do_el0_svc
    Type: SHT_RELA
    Info: .text.do_el0_svc
    Relocations:
      - { Offset: 8, Symbol: sys_call_table, Type: R_AARCH64_ADR_PREL_PG_HI21 }
      - { Offset: 12, Symbol: sys_call_table, Type: R_AARCH64_ADD_ABS_LO12_NC }
  - Name: .rela.text.__arm64_sys_socket
    Type: SHT_RELA
    Info: .text.__arm64_sys_socket
    Relocations:
      - { Offset: 32, Symbol: sock_create, Type: R_AARCH64_CALL26 }
  - Name: .rela.text.sock_create
    Type: SHT_RELA
    Info: .text.sock_create
    Relocations:
      - { Offset: 4, Symbol: sock_alloc, Type: R_AARCH64_CALL26 }
  - Name: .rela.text.sock_alloc
    Type: SHT_RELA
    Info: .text.sock_alloc
    Relocations:
      - { Offset: 0, Symbol: net_families, Type: R_AARCH64_ADR_PREL_PG_HI21 }
      - { Offset: 4, Symbol: net_families, Type: R_AARCH64_ADD_ABS_LO12_NC }
  - Name: .rela.text.__arm64_sys_read
    Type: SHT_RELA
    Info: .text.__arm64_sys_read
    Relocations:
      - { Offset: 20, Symbol: fdget, Type: R_AARCH64_CALL26 }
  - Name: .rela.text.net_enable_timestamp
    Type: SHT_RELA
    Info: .text.net_enable_timestamp
    Relocations:
      - { Offset: 0, Symbol: netstamp_needed_key, Type: R_AARCH64_ADR_PREL_PG_HI21 }
      - { Offset: 4, Symbol: netstamp_needed_key, Type: R_AARCH64_ADD_ABS_LO12_NC }
  # clang-22 names a label in a function section as the section symbol
  # plus the label's offset (no local label survives, unlike riscv).
  - Name: .rela__ex_table
    Type: SHT_RELA
    Info: __ex_table
    Relocations:
      - { Offset: 0, Symbol: .text.__arm64_sys_socket, Type: R_AARCH64_PREL32, Addend: 20 }
      - { Offset: 4, Symbol: .text.__arm64_sys_socket, Type: R_AARCH64_PREL32, Addend: 24 }
      - { Offset: 12, Symbol: .text.sock_alloc, Type: R_AARCH64_PREL32, Addend: 16 }
      - { Offset: 16, Symbol: .text.sock_alloc, Type: R_AARCH64_PREL32, Addend: 20 }
      - { Offset: 24, Symbol: .text.__arm64_sys_read, Type: R_AARCH64_PREL32, Addend: 12 }
      - { Offset: 28, Symbol: .text.__arm64_sys_read, Type: R_AARCH64_PREL32, Addend: 16 }
  # ALTINSTR_ENTRY: ".word 661b - .; .word 663f - .; .hword cpucap; .byte
  # len, len"; the replacement (663:) is in ".subsection 1" of the same
  # section, past the function's symbol size (40 of 44 bytes).
  - Name: .rela.altinstructions
    Type: SHT_RELA
    Info: .altinstructions
    Relocations:
      - { Offset: 0, Symbol: .text.sock_alloc, Type: R_AARCH64_PREL32, Addend: 24 }
      - { Offset: 4, Symbol: .text.sock_alloc, Type: R_AARCH64_PREL32, Addend: 40 }
      - { Offset: 12, Symbol: .text.__arm64_sys_read, Type: R_AARCH64_PREL32, Addend: 16 }
      - { Offset: 16, Symbol: .text.__arm64_sys_read, Type: R_AARCH64_PREL32, Addend: 40 }
  # jump_label.h: ".long 1b - ., %l[label] - .; .quad %c0 - .".
  - Name: .rela__jump_table
    Type: SHT_RELA
    Info: __jump_table
    Relocations:
      - { Offset: 0, Symbol: .text.__arm64_sys_socket, Type: R_AARCH64_PREL32, Addend: 24 }
      - { Offset: 4, Symbol: .text.__arm64_sys_socket, Type: R_AARCH64_PREL32, Addend: 40 }
      - { Offset: 8, Symbol: netstamp_needed_key, Type: R_AARCH64_PREL64 }
Symbols:
  - { Name: .text.__arm64_sys_socket, Type: STT_SECTION, Section: .text.__arm64_sys_socket }
  - { Name: .text.sock_alloc, Type: STT_SECTION, Section: .text.sock_alloc }
  - { Name: .text.__arm64_sys_read, Type: STT_SECTION, Section: .text.__arm64_sys_read }
  - { Name: net_families, Type: STT_OBJECT, Section: .data.net_families, Size: 64 }
  - { Name: do_el0_svc, Type: STT_FUNC, Section: .text.do_el0_svc, Binding: STB_GLOBAL, Size: 32 }
  - { Name: __arm64_sys_socket, Type: STT_FUNC, Section: .text.__arm64_sys_socket, Binding: STB_GLOBAL, Size: 52 }
  - { Name: sock_create, Type: STT_FUNC, Section: .text.sock_create, Binding: STB_GLOBAL, Size: 16 }
  - { Name: sock_alloc, Type: STT_FUNC, Section: .text.sock_alloc, Binding: STB_GLOBAL, Size: 40 }
  - { Name: __arm64_sys_read, Type: STT_FUNC, Section: .text.__arm64_sys_read, Binding: STB_GLOBAL, Size: 40 }
  - { Name: __arm64_sys_getpid, Type: STT_FUNC, Section: .text.__arm64_sys_getpid, Binding: STB_GLOBAL, Size: 8 }
  - { Name: fdget, Type: STT_FUNC, Section: .text.fdget, Binding: STB_GLOBAL, Size: 8 }
  - { Name: net_enable_timestamp, Type: STT_FUNC, Section: .text.net_enable_timestamp, Binding: STB_GLOBAL, Size: 16 }
  - { Name: netstamp_needed_key, Type: STT_OBJECT, Section: .data.netstamp_needed_key, Binding: STB_GLOBAL, Size: 16 }
  - { Name: sys_call_table, Binding: STB_GLOBAL }
...
)";

const char *const Arm64SysNiYaml = R"(--- !ELF
FileHeader:
  Class: ELFCLASS64
  Data:  ELFDATA2LSB
  Type:  ET_REL
  Machine: EM_AARCH64
Sections:
  - { Name: .text.sys_ni_syscall, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: 'a0048092c0035fd6' }
  - { Name: .text.__arm64_sys_quotactl, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '00000014' }
  - { Name: .text.__arm64_sys_socket, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '00000014' }
  - Name: .rela.text.__arm64_sys_quotactl
    Type: SHT_RELA
    Info: .text.__arm64_sys_quotactl
    Relocations:
      - { Offset: 0, Symbol: sys_ni_syscall, Type: R_AARCH64_JUMP26 }
  - Name: .rela.text.__arm64_sys_socket
    Type: SHT_RELA
    Info: .text.__arm64_sys_socket
    Relocations:
      - { Offset: 0, Symbol: sys_ni_syscall, Type: R_AARCH64_JUMP26 }
Symbols:
  - { Name: sys_ni_syscall, Type: STT_FUNC, Section: .text.sys_ni_syscall, Binding: STB_GLOBAL, Size: 8 }
  - { Name: __arm64_sys_quotactl, Type: STT_FUNC, Section: .text.__arm64_sys_quotactl, Binding: STB_WEAK, Size: 4 }
  - { Name: __arm64_sys_socket, Type: STT_FUNC, Section: .text.__arm64_sys_socket, Binding: STB_WEAK, Size: 4 }
...
)";

std::string armEntryCommonYaml() {
  std::vector<uint32_t> Slots(ArmTableSlots, 0);
  Slots[192] = ArmMmap2Offset; // .long sys_mmap2 == .entry.text + 0x470
  // adr r8, sys_call_table; ldr pc, [r8, r7, lsl #2]
  std::string Hex = "08804fe207f198e7";
  for (uint32_t W : Slots) {
    uint8_t B[4];
    support::endian::write32le(B, W);
    for (uint8_t C : B) {
      Hex += "0123456789abcdef"[C >> 4];
      Hex += "0123456789abcdef"[C & 15];
    }
  }
  Hex += "04508de5feffffea"; // str r5, [sp, #4]; b sys_mmap_pgoff
  std::string Yaml = R"(--- !ELF
FileHeader:
  Class: ELFCLASS32
  Data:  ELFDATA2LSB
  Type:  ET_REL
  Machine: EM_ARM
  Flags: [ EF_ARM_EABI_VER5 ]
Sections:
  # entry-common.S: vector_swi ("adr tbl, sys_call_table; ldr pc, [tbl,
  # scno, lsl #2]"), then syscall_table_start/end around calls-eabi.S
  # (".long sys_*" per slot, sys_ni_syscall in the gaps; slot 13 is an
  # OABI-only number), then the local wrappers (sys_mmap2: "str r5, [sp,
  # #4]; b sys_mmap_pgoff"). The implicit addends are in the bytes:
  # 0x470 in slot 192, -8 in the branch.
  - { Name: .entry.text, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 32, Content: '@ENTRY_TEXT@' }
  - Name: .rel.entry.text
    Type: SHT_REL
    Info: .entry.text
    Relocations:
      - { Offset: 0, Symbol: sys_call_table, Type: R_ARM_ALU_PC_G0 }
      - { Offset: 20, Symbol: sys_read, Type: R_ARM_ABS32 }
      - { Offset: 60, Symbol: sys_ni_syscall, Type: R_ARM_ABS32 }
      - { Offset: 88, Symbol: sys_getpid, Type: R_ARM_ABS32 }
      - { Offset: 532, Symbol: sys_quotactl, Type: R_ARM_ABS32 }
      - { Offset: 776, Symbol: .entry.text, Type: R_ARM_ABS32 }
      - { Offset: 1132, Symbol: sys_socket, Type: R_ARM_ABS32 }
      - { Offset: 1140, Symbol: sys_mmap_pgoff, Type: R_ARM_JUMP24 }
Symbols:
  - { Name: .entry.text, Type: STT_SECTION, Section: .entry.text }
  - { Name: '$a', Section: .entry.text }
  - { Name: '$d', Section: .entry.text, Value: 8 }
  - { Name: sys_mmap2, Type: STT_FUNC, Section: .entry.text, Value: 1136, Size: 8 }
  - { Name: '$a (1)', Section: .entry.text, Value: 1136 }
  - { Name: vector_swi, Type: STT_FUNC, Section: .entry.text, Binding: STB_GLOBAL, Size: 8 }
  - { Name: sys_call_table, Type: STT_OBJECT, Section: .entry.text, Value: 8, Binding: STB_GLOBAL, Size: 1128 }
  - { Name: sys_read, Binding: STB_GLOBAL }
  - { Name: sys_ni_syscall, Binding: STB_GLOBAL }
  - { Name: sys_getpid, Binding: STB_GLOBAL }
  - { Name: sys_quotactl, Binding: STB_GLOBAL }
  - { Name: sys_socket, Binding: STB_GLOBAL }
  - { Name: sys_mmap_pgoff, Binding: STB_GLOBAL }
...
)";
  Yaml.replace(Yaml.find("@ENTRY_TEXT@"), 12, Hex);
  return Yaml;
}

const char *const ArmKernelYaml = R"(--- !ELF
FileHeader:
  Class: ELFCLASS32
  Data:  ELFDATA2LSB
  Type:  ET_REL
  Machine: EM_ARM
  Flags: [ EF_ARM_EABI_VER5 ]
Sections:
  # -funwind-tables (ARM_UNWIND): every function has its .ARM.exidx.<sec>,
  # SHF_LINK_ORDER to it, whose R_ARM_PREL31 names the function's section
  # symbol; R_ARM_NONE pulls in the personality routine. sock_create's
  # unwind opcodes live in .ARM.extab.text.sock_create. Calls are "bl"
  # with the implicit addend -8 (feffffeb).
  - { Name: .text.sock_alloc, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '10402de9000000e3000040e3000090e5000090e51080bde8' }
  - { Name: .ARM.exidx.text.sock_alloc, Type: SHT_ARM_EXIDX, Flags: [ SHF_ALLOC, SHF_LINK_ORDER ], Link: .text.sock_alloc, AddressAlign: 4, Content: '00000000b0b0a880' }
  - { Name: .text.sock_create, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '10402de9feffffeb1080bde8' }
  - { Name: .ARM.extab.text.sock_create, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], AddressAlign: 4, Content: 'b0a80181b0b0b000' }
  - { Name: .ARM.exidx.text.sock_create, Type: SHT_ARM_EXIDX, Flags: [ SHF_ALLOC, SHF_LINK_ORDER ], Link: .text.sock_create, AddressAlign: 4, Content: '0000000000000000' }
  - { Name: .text.sys_socket, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '10402de9004090e5feffffeb040080e01080bde8' }
  - { Name: .ARM.exidx.text.sys_socket, Type: SHT_ARM_EXIDX, Flags: [ SHF_ALLOC, SHF_LINK_ORDER ], Link: .text.sys_socket, AddressAlign: 4, Content: '00000000b0b0a880' }
  - { Name: .text.sys_read, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '10402de9feffffeb004090e51080bde8' }
  - { Name: .ARM.exidx.text.sys_read, Type: SHT_ARM_EXIDX, Flags: [ SHF_ALLOC, SHF_LINK_ORDER ], Link: .text.sys_read, AddressAlign: 4, Content: '00000000b0b0a880' }
  - { Name: .text.sys_getpid, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '0100a0e31eff2fe1' }
  - { Name: .ARM.exidx.text.sys_getpid, Type: SHT_ARM_EXIDX, Flags: [ SHF_ALLOC, SHF_LINK_ORDER ], Link: .text.sys_getpid, AddressAlign: 4, Content: '00000000b0b0b080' }
  - { Name: .text.fdget, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '0000a0e31eff2fe1' }
  - { Name: .ARM.exidx.text.fdget, Type: SHT_ARM_EXIDX, Flags: [ SHF_ALLOC, SHF_LINK_ORDER ], Link: .text.fdget, AddressAlign: 4, Content: '00000000b0b0b080' }
  - { Name: __ex_table, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC ], AddressAlign: 8, Content: '1000000014000000080000000c000000' }
  - { Name: .data.net_families, Type: SHT_PROGBITS, Flags: [ SHF_WRITE, SHF_ALLOC ], AddressAlign: 4, Size: 64 }
  - Name: .rel.text.sock_alloc
    Type: SHT_REL
    Info: .text.sock_alloc
    Relocations:
      - { Offset: 4, Symbol: net_families, Type: R_ARM_MOVW_ABS_NC }
      - { Offset: 8, Symbol: net_families, Type: R_ARM_MOVT_ABS }
  - Name: .rel.ARM.exidx.text.sock_alloc
    Type: SHT_REL
    Info: .ARM.exidx.text.sock_alloc
    Relocations:
      - { Offset: 0, Symbol: __aeabi_unwind_cpp_pr0, Type: R_ARM_NONE }
      - { Offset: 0, Symbol: .text.sock_alloc, Type: R_ARM_PREL31 }
  - Name: .rel.text.sock_create
    Type: SHT_REL
    Info: .text.sock_create
    Relocations:
      - { Offset: 4, Symbol: sock_alloc, Type: R_ARM_CALL }
  - Name: .rel.ARM.exidx.text.sock_create
    Type: SHT_REL
    Info: .ARM.exidx.text.sock_create
    Relocations:
      - { Offset: 0, Symbol: __aeabi_unwind_cpp_pr1, Type: R_ARM_NONE }
      - { Offset: 0, Symbol: .text.sock_create, Type: R_ARM_PREL31 }
      - { Offset: 4, Symbol: .ARM.extab.text.sock_create, Type: R_ARM_PREL31 }
  - Name: .rel.text.sys_socket
    Type: SHT_REL
    Info: .text.sys_socket
    Relocations:
      - { Offset: 8, Symbol: sock_create, Type: R_ARM_CALL }
  - Name: .rel.ARM.exidx.text.sys_socket
    Type: SHT_REL
    Info: .ARM.exidx.text.sys_socket
    Relocations:
      - { Offset: 0, Symbol: __aeabi_unwind_cpp_pr0, Type: R_ARM_NONE }
      - { Offset: 0, Symbol: .text.sys_socket, Type: R_ARM_PREL31 }
  - Name: .rel.text.sys_read
    Type: SHT_REL
    Info: .text.sys_read
    Relocations:
      - { Offset: 4, Symbol: fdget, Type: R_ARM_CALL }
  - Name: .rel.ARM.exidx.text.sys_read
    Type: SHT_REL
    Info: .ARM.exidx.text.sys_read
    Relocations:
      - { Offset: 0, Symbol: __aeabi_unwind_cpp_pr0, Type: R_ARM_NONE }
      - { Offset: 0, Symbol: .text.sys_read, Type: R_ARM_PREL31 }
  - Name: .rel.ARM.exidx.text.sys_getpid
    Type: SHT_REL
    Info: .ARM.exidx.text.sys_getpid
    Relocations:
      - { Offset: 0, Symbol: __aeabi_unwind_cpp_pr0, Type: R_ARM_NONE }
      - { Offset: 0, Symbol: .text.sys_getpid, Type: R_ARM_PREL31 }
  - Name: .rel.ARM.exidx.text.fdget
    Type: SHT_REL
    Info: .ARM.exidx.text.fdget
    Relocations:
      - { Offset: 0, Symbol: __aeabi_unwind_cpp_pr0, Type: R_ARM_NONE }
      - { Offset: 0, Symbol: .text.fdget, Type: R_ARM_PREL31 }
  # ".long 1b, 2b" (absolute pairs): R_ARM_ABS32 against the function's
  # section symbol, the offsets (16, 20; 8, 12) in the table's bytes.
  - Name: .rel__ex_table
    Type: SHT_REL
    Info: __ex_table
    Relocations:
      - { Offset: 0, Symbol: .text.sock_alloc, Type: R_ARM_ABS32 }
      - { Offset: 4, Symbol: .text.sock_alloc, Type: R_ARM_ABS32 }
      - { Offset: 8, Symbol: .text.sys_read, Type: R_ARM_ABS32 }
      - { Offset: 12, Symbol: .text.sys_read, Type: R_ARM_ABS32 }
Symbols:
  - { Name: .text.sock_alloc, Type: STT_SECTION, Section: .text.sock_alloc }
  - { Name: .text.sock_create, Type: STT_SECTION, Section: .text.sock_create }
  - { Name: .ARM.extab.text.sock_create, Type: STT_SECTION, Section: .ARM.extab.text.sock_create }
  - { Name: .text.sys_socket, Type: STT_SECTION, Section: .text.sys_socket }
  - { Name: .text.sys_read, Type: STT_SECTION, Section: .text.sys_read }
  - { Name: .text.sys_getpid, Type: STT_SECTION, Section: .text.sys_getpid }
  - { Name: .text.fdget, Type: STT_SECTION, Section: .text.fdget }
  - { Name: sock_create, Type: STT_FUNC, Section: .text.sock_create, Size: 12 }
  - { Name: net_families, Type: STT_OBJECT, Section: .data.net_families, Size: 64 }
  - { Name: sock_alloc, Type: STT_FUNC, Section: .text.sock_alloc, Binding: STB_GLOBAL, Size: 24 }
  - { Name: sys_socket, Type: STT_FUNC, Section: .text.sys_socket, Binding: STB_GLOBAL, Size: 20 }
  - { Name: sys_read, Type: STT_FUNC, Section: .text.sys_read, Binding: STB_GLOBAL, Size: 16 }
  - { Name: sys_getpid, Type: STT_FUNC, Section: .text.sys_getpid, Binding: STB_GLOBAL, Size: 8 }
  - { Name: fdget, Type: STT_FUNC, Section: .text.fdget, Binding: STB_GLOBAL, Size: 8 }
  - { Name: __aeabi_unwind_cpp_pr0, Binding: STB_GLOBAL }
  - { Name: __aeabi_unwind_cpp_pr1, Binding: STB_GLOBAL }
...
)";

const char *const ArmSysNiYaml = R"(--- !ELF
FileHeader:
  Class: ELFCLASS32
  Data:  ELFDATA2LSB
  Type:  ET_REL
  Machine: EM_ARM
  Flags: [ EF_ARM_EABI_VER5 ]
Sections:
  # linkage.h cond_syscall(x): ".weak x; .set x, sys_ni_syscall", so
  # sys_quotactl and sys_socket are weak FUNC aliases inside
  # .text.sys_ni_syscall.
  - { Name: .text.sys_ni_syscall, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], AddressAlign: 4, Content: '2500e0e31eff2fe1' }
  - { Name: .ARM.exidx.text.sys_ni_syscall, Type: SHT_ARM_EXIDX, Flags: [ SHF_ALLOC, SHF_LINK_ORDER ], Link: .text.sys_ni_syscall, AddressAlign: 4, Content: '00000000b0b0b080' }
  - Name: .rel.ARM.exidx.text.sys_ni_syscall
    Type: SHT_REL
    Info: .ARM.exidx.text.sys_ni_syscall
    Relocations:
      - { Offset: 0, Symbol: __aeabi_unwind_cpp_pr0, Type: R_ARM_NONE }
      - { Offset: 0, Symbol: .text.sys_ni_syscall, Type: R_ARM_PREL31 }
Symbols:
  - { Name: .text.sys_ni_syscall, Type: STT_SECTION, Section: .text.sys_ni_syscall }
  - { Name: sys_quotactl, Type: STT_FUNC, Section: .text.sys_ni_syscall, Binding: STB_WEAK, Size: 8 }
  - { Name: sys_ni_syscall, Type: STT_FUNC, Section: .text.sys_ni_syscall, Binding: STB_GLOBAL, Size: 8 }
  - { Name: sys_socket, Type: STT_FUNC, Section: .text.sys_ni_syscall, Binding: STB_WEAK, Size: 8 }
  - { Name: __aeabi_unwind_cpp_pr0, Binding: STB_GLOBAL }
...
)";

EmbeddedKernel riscvKernel(bool SectionSymbolSubs) {
  return {
      ELF::EM_RISCV,
      true,
      {{"kernel.o", SectionSymbolSubs ? riscvKernelYamlWithSectionSymbolSubs()
                                      : std::string(RiscvKernelYaml)},
       {"sys_ni.o", RiscvSysNiYaml}}};
}

EmbeddedKernel arm64Kernel() {
  return {ELF::EM_AARCH64,
          true,
          {{"sys.o", Arm64SysYaml},
           {"kernel.o", Arm64KernelYaml},
           {"sys_ni.o", Arm64SysNiYaml}}};
}

EmbeddedKernel armKernel() {
  return {ELF::EM_ARM,
          false,
          {{"entry-common.o", armEntryCommonYaml()},
           {"kernel.o", ArmKernelYaml},
           {"sys_ni.o", ArmSysNiYaml}}};
}

} // namespace sysgc::test
