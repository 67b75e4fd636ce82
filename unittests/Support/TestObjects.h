//===- TestObjects.h - Hand-built ELF inputs for unit tests ------*- C++ -*-===//
//
// Unit tests build their objects from ELF YAML (LLVM's yaml2obj library), so
// a test of the planner or the writer states its whole input in a few lines
// and needs no compiler. KernelYaml is a tiny x86-64 "kernel" that most
// tests share.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_UNITTESTS_TESTOBJECTS_H
#define SYSGC_UNITTESTS_TESTOBJECTS_H

#include "sysgc/Input/InputSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>
#include <string>

namespace sysgc::test {

/// yaml2obj; aborts the test binary on malformed YAML.
std::unique_ptr<llvm::MemoryBuffer> yamlToObject(llvm::StringRef Yaml);

/// An InputSet holding the given objects as plain inputs, in order.
struct TestInputs {
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> Buffers;
  InputSet Set;
  void add(llvm::StringRef Yaml, std::string Name, bool Lazy = false);
};

/// A small kernel: read (slot 0) and socket (41) share fdget; socket owns a
/// chain socket -> sock_create -> sock_alloc; time (201) is also called by
/// emulate_vsyscall; __ex_table has one entry in read and one in
/// sock_alloc; .orc_unwind_ip/.orc_unwind have an entry per function;
/// sys_call_table has 202 slots and x64_sys_call tail-calls the three
/// entries.
extern const char *const KernelYaml;
/// KernelYaml plus sections whole-kernel collection must tell apart.
std::string fullModeKernelYaml();

} // namespace sysgc::test

#endif
