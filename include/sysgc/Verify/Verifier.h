//===- sysgc/Verify/Verifier.h - Check the linked output before it lands -*- C++ -*-===//
//
// Reads the freshly linked file back and checks the promises sysgc makes:
// every slot of each dispatch table holds its allowlisted entry or the ABI's
// sys_ni_syscall; every direct branch out of each dispatch function (found
// by disassembling it with MC) goes to an allowed entry, sys_ni_syscall or
// something that is no syscall entry; no removed syscall's entry symbol
// survives unless the plan says what keeps it; and lld collected exactly
// what the plan predicted (compared by symbol names and counts). A dispatch
// lld collected (a --gc-sections link whose code never reads it) is noted,
// not an error. A failure stops the output from replacing the previous one.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_VERIFY_VERIFIER_H
#define SYSGC_VERIFY_VERIFIER_H

#include "sysgc/Object/ElfObject.h"
#include "sysgc/Plan/Plan.h"
#include "llvm/Support/Error.h"
#include <set>
#include <string>
#include <vector>

namespace sysgc {

struct VerifyResult {
  size_t SlotsChecked = 0;
  size_t BranchesChecked = 0;
  std::vector<std::string> Notes;
  /// Dispatch symbols (LinkPlan::Dispatch indices) that lld collected: in a
  /// --gc-sections link, a table nothing reads (x86's tracing-only
  /// sys_call_table) rightly goes. Only the survivors are checked.
  std::vector<size_t> CollectedDispatch;
};

/// Check Output (a linked executable) against Plan.
llvm::Expected<VerifyResult> verifyOutput(const ElfObject &Output,
                                          const SectionGraph &G,
                                          const LinkPlan &Plan);

} // namespace sysgc

#endif
