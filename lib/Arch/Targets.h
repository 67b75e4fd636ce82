//===- Targets.h - The architectures sysgc knows, one getter each ---------===//
//
// As lld's ELF/Target.h declares every get*TargetInfo() once: each
// architecture lives in its own file (X86_64.cpp, RISCV.cpp, AArch64.cpp,
// ARM.cpp) and is reached only through its getter, by the registry in
// Arch.cpp. Nothing outside lib/Arch names an architecture.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_LIB_ARCH_TARGETS_H
#define SYSGC_LIB_ARCH_TARGETS_H

#include "sysgc/Arch/Arch.h"

namespace sysgc {
class ElfObject;

const ArchInfo &getX86_64Arch();
const ArchInfo &getRISCV64Arch();
const ArchInfo &getAArch64Arch();
const ArchInfo &getARMArch();

/// x86-64's switch dispatcher decoder (X86SwitchCases.cpp).
std::optional<std::map<uint32_t, std::set<uint32_t>>>
decodeX86SwitchCases(const ElfObject &O, uint32_t Sec, uint64_t Begin,
                     uint64_t End);
} // namespace sysgc

#endif
