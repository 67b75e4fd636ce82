//===- sysgc/Report/HtmlReport.h - The report as one web page ---*- C++ -*-===//
//
// One self-contained HTML page (no script, no network): the size comparison,
// and with `sysgc cost` / `sysgc why` JSON outputs, a treemap of the removed
// bytes by syscall and function, the cost table and the why-chains.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_REPORT_HTMLREPORT_H
#define SYSGC_REPORT_HTMLREPORT_H

#include "sysgc/Report/SizeDiff.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace sysgc {

/// Cost: a parsed `sysgc cost --format=json` (or null); Whys: parsed
/// `sysgc why --format=json` outputs.
void writeHtmlReport(const SizeDiff &D, const llvm::json::Value *Cost,
                     llvm::ArrayRef<llvm::json::Value> Whys,
                     llvm::raw_ostream &OS);

} // namespace sysgc

#endif
