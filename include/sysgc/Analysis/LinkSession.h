//===- sysgc/Analysis/LinkSession.h - A link read as sysgc-ld reads it -*- C++ -*-===//
//
// The analysis commands (sysgc cost, sysgc why) answer questions about the
// link sysgc-ld would transform, so they read it with sysgc-ld's own steps:
// the command line (parseLinkCommand, --sysgc-* options and SYSGC_*
// variables included), every input (InputSet), the section graph, the kernel
// check (findKernel) and the planner's options (planOptions). Nothing here
// reads a file another way. A link recorded with SYSGC_RECORD is replayed
// from its JSON line.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_ANALYSIS_LINKSESSION_H
#define SYSGC_ANALYSIS_LINKSESSION_H

#include "sysgc/Driver/SysgcLd.h"
#include <memory>
#include <string>
#include <vector>

namespace sysgc {

struct LinkSession {
  LinkCommand Cmd;
  SysgcOptions Opts;
  std::unique_ptr<InputSet> Inputs;
  std::unique_ptr<SectionGraph> Graph;
  KernelLink Kernel;
  PlanOptions PlanOpts;

  /// Read the link whose ld.lld arguments (no program name) are Args, in
  /// the current directory, as sysgc-ld does; Env gives the SYSGC_*
  /// variables. A link that is not a kernel link sysgc-ld would transform
  /// (no dispatch, an architecture sysgc does not know, -r) is an error.
  static llvm::Expected<std::unique_ptr<LinkSession>>
  read(llvm::ArrayRef<std::string> Args, const EnvLookup &Env);

  /// The link a command names: LinkerArgs, or link LinkIndex of the record
  /// at Record (then the process moves to the recorded directory, as the
  /// link's relative paths need).
  static llvm::Expected<std::unique_ptr<LinkSession>>
  open(const std::optional<std::string> &Record, int LinkIndex,
       llvm::ArrayRef<std::string> LinkerArgs);

  /// The allowlist: Override (a path made absolute before open() moved),
  /// else the link's own --sysgc-allow / SYSGC_ALLOW, else none (nullopt).
  /// Parsed as sysgc-ld parses it; its warnings go to Warnings. AllowPath
  /// gets the path read.
  llvm::Expected<std::optional<Allowlist>>
  allowlist(const std::optional<std::string> &Override,
            std::vector<std::string> &Warnings, std::string &AllowPath) const;
};

/// One link of a SYSGC_RECORD file: a JSON object per line, {"cwd": DIR,
/// "args": [ld.lld arguments, no program name]}.
struct RecordedLink {
  std::string Cwd;
  std::vector<std::string> Args;
};

/// Link Index of the record at Path (counted from 0; -1 = the last one,
/// the final vmlinux of a kallsyms build).
llvm::Expected<RecordedLink> readRecordedLink(llvm::StringRef Path,
                                              int Index = -1);

} // namespace sysgc

#endif
