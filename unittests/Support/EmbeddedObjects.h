//===- EmbeddedObjects.h - Embedded kernels in ELF YAML ---------*- C++ -*-===//
//
// One small kernel per embedded architecture, each split into the objects a
// Linux 6.12 build makes, and shaped after what clang-22 emits for those
// sources (checked with `clang-22 --target=... -c` and llvm-readelf-22 -r):
// the dispatch table of arch/*/kernel, syscall bodies with their
// back-reference tables, and kernel/sys_ni.o's COND_SYSCALL stubs. In every
// kernel read (63 or 3) and getpid (172 or 20) are the syscalls a test
// keeps; socket (198 or 281) owns the chain socket -> sock_create ->
// sock_alloc -> net_families; quotactl (60 or 131) has only sys_ni.o's weak
// stub. Each table lists socket's entries first and read's last, so that
// read's entries move when the others are cut out.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_UNITTESTS_EMBEDDEDOBJECTS_H
#define SYSGC_UNITTESTS_EMBEDDEDOBJECTS_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sysgc::test {

/// riscv64 kernel.o (RELA, R_RISCV_RELAX next to every call): _start ->
/// do_trap_ecall_u, which reads sys_call_table (.rodata.sys_call_table, 246
/// R_RISCV_64 slots: 60 quotactl, 63 read, 172 getpid, 198 socket, 244 and
/// 245 __riscv_sys_ni_syscall). __ex_table (12-byte entries: socket,
/// sock_alloc, read) and __jump_table (16 bytes: socket, read) hold
/// "1b - ." fields as clang-22 writes them: R_RISCV_ADD32 naming a local
/// label in the owner function and R_RISCV_SUB32 (SUB64 for the key)
/// naming a ".L0 " label of the table itself at the field, both at the same
/// offset. netstamp_enable keeps the static key alive.
extern const char *const RiscvKernelYaml;
/// riscv64 kernel/sys_ni.o: sys_ni_syscall, and weak __riscv_sys_quotactl
/// and __riscv_sys_socket stubs that tail-call it.
extern const char *const RiscvSysNiYaml;
/// RiscvKernelYaml with every R_RISCV_SUB32/SUB64 naming the table's
/// section symbol plus the field's offset instead of a label: the same
/// "1b - ." written as an assembler that keeps no local label (or a tool
/// that converted labels to section symbols) writes it.
std::string riscvKernelYamlWithSectionSymbolSubs();

/// arm64 arch/arm64/kernel/sys.o: sys_call_table (.rodata.sys_call_table,
/// 246 R_AARCH64_ABS64 slots as in RiscvKernelYaml, to __arm64_sys_*) and
/// __arm64_sys_ni_syscall, which branches to sys_ni_syscall.
extern const char *const Arm64SysYaml;
/// arm64 kernel.o: do_el0_svc (ADRP/ADD of sys_call_table), the bodies,
/// __ex_table (12 bytes, two R_AARCH64_PREL32 against the owner's section
/// symbol: socket, sock_alloc, read), .altinstructions (12 bytes, the
/// replacement in the owner's own section, ".subsection 1": sock_alloc,
/// read) and __jump_table (16 bytes, PREL32 code and target, PREL64 key:
/// socket).
extern const char *const Arm64KernelYaml;
/// arm64 kernel/sys_ni.o: sys_ni_syscall, weak __arm64_sys_quotactl and
/// __arm64_sys_socket.
extern const char *const Arm64SysNiYaml;

/// 32-bit arm (ELFCLASS32, SHT_REL: addends in the section bytes)
/// arch/arm/kernel/entry-common.o: .entry.text holds vector_swi at 0, the
/// STT_OBJECT sys_call_table at 8 (282 R_ARM_ABS32 slots: 3 sys_read, 13
/// sys_ni_syscall, 20 sys_getpid, 131 sys_quotactl, 192 sys_mmap2, 281
/// sys_socket) and, right after it at ArmMmap2Offset, the LOCAL function
/// sys_mmap2, which its slot names as ".entry.text + ArmMmap2Offset" (the
/// section symbol, the addend in the slot's bytes), as `.long sys_mmap2`
/// assembles.
std::string armEntryCommonYaml();
constexpr unsigned ArmTableOffset = 8, ArmTableSlots = 282;
constexpr unsigned ArmMmap2Offset = ArmTableOffset + 4 * ArmTableSlots;
/// 32-bit arm kernel.o: sys_read, sys_getpid, fdget, sys_socket -> static
/// sock_create -> sock_alloc -> net_families, each function with its
/// .ARM.exidx.text.* (SHT_ARM_EXIDX, SHF_LINK_ORDER, R_ARM_PREL31; the one
/// of sock_create also points at .ARM.extab.text.sock_create), and
/// __ex_table (8-byte absolute pairs against the owner's section symbol,
/// sock_alloc's "+ 16, + 20" first, sys_read's "+ 8, + 12" second).
extern const char *const ArmKernelYaml;
/// 32-bit arm kernel/sys_ni.o: sys_ni_syscall, and sys_quotactl and
/// sys_socket as weak aliases of it (cond_syscall).
extern const char *const ArmSysNiYaml;

/// One of the kernels above: its objects as a link reads them, in order
/// (name, YAML), and the ELF machine of its architecture.
struct EmbeddedKernel {
  uint16_t Machine;
  bool Is64;
  std::vector<std::pair<std::string, std::string>> Objects;
};
EmbeddedKernel riscvKernel(bool SectionSymbolSubs = false);
EmbeddedKernel arm64Kernel();
EmbeddedKernel armKernel();

} // namespace sysgc::test

#endif
