//===- sysgc/Scan/Summary.h - One module's functions, analysed once -*- C++ -*-===//
//
// A module summary is what the scanner keeps of an executable or library
// after analysing it: its functions (symbols, unwind-table entries and
// call targets cut the code into them) each with the syscall sites, calls
// and function pointers ConstProp found. It does not depend on who loads
// the module, so a root filesystem's libc is summarised once, keyed by its
// build-id, and shared by every program that needs it.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_SCAN_SUMMARY_H
#define SYSGC_SCAN_SUMMARY_H

#include "sysgc/Scan/ConstProp.h"
#include "sysgc/Scan/Image.h"
#include "llvm/ADT/StringMap.h"
#include <memory>

namespace sysgc {

class ScanTarget;

struct ModuleFunction {
  std::string Name; // symbol, "name+0x10" inside one, or "sub_401000"
  FunctionSummary S;
};

struct ModuleSummary {
  std::shared_ptr<ScanImage> Image;
  std::vector<ModuleFunction> Funcs; // sorted by address, disjoint
  /// Exported function name -> indices into Funcs.
  llvm::StringMap<std::vector<uint32_t>> Exports;
  /// The function containing Addr, or -1.
  int find(uint64_t Addr) const;
};

/// Cut Image's code into functions and analyse each.
llvm::Expected<std::shared_ptr<ModuleSummary>>
summarizeModule(std::shared_ptr<ScanImage> Image, const ScanTarget &T);

} // namespace sysgc

#endif
