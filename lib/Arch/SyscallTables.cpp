//===- SyscallTables.cpp - The generated syscall rows, per table ----------===//
//
// Turns the generated SYSGC_SYSCALL rows into one sorted array per table.
//
//===----------------------------------------------------------------------===//
#include "SyscallTables.h"

using namespace sysgc;
using namespace llvm;

namespace {
struct Row {
  SyscallTableId Table;
  SyscallDesc Desc;
};
#define SYSGC_SYSCALL(TABLE, ABI, NR, NAME, ENTRY, COMPAT)                     \
  {SyscallTableId::TABLE, {NR, NAME, ENTRY, COMPAT}},
const Row AllRows[] = {
#include "SyscallTables.inc"
};
#undef SYSGC_SYSCALL
} // namespace

ArrayRef<SyscallDesc> sysgc::getSyscallTable(SyscallTableId Id) {
  static const std::vector<std::vector<SyscallDesc>> Tables = [] {
    std::vector<std::vector<SyscallDesc>> T(8);
    for (const Row &R : AllRows)
      T[static_cast<size_t>(R.Table)].push_back(R.Desc);
    return T;
  }();
  return Tables[static_cast<size_t>(Id)];
}

StringRef sysgc::syscallTableSourceVersion() {
#define SYSGC_SYSCALL(...)
#include "SyscallTables.inc"
#undef SYSGC_SYSCALL
  return SYSGC_SYSCALL_SOURCE_VERSION;
}
