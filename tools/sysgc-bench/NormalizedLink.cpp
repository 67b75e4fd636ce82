//===- NormalizedLink.cpp - The fair plain-lld baseline -------------------===//
#include "NormalizedLink.h"
#include "sysgc/Arch/Arch.h"
#include "sysgc/Driver/LinkInputs.h"
#include "sysgc/Driver/TempFiles.h"
#include "sysgc/Graph/SectionGraph.h"
#include "sysgc/Input/InputSet.h"
#include "sysgc/Link/LinkCommand.h"
#include "sysgc/Plan/Plan.h"
#include "sysgc/Rewrite/ObjectWriter.h"
#include "sysgc/Rewrite/RewriteCache.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

using namespace sysgc;
using namespace llvm;

Expected<std::vector<std::string>>
sysgc::normalizedLinkArgs(const std::string &Cwd,
                          const std::vector<std::string> &Args,
                          const std::string &WorkDir, TempFiles &Temps) {
  // Kbuild's paths are relative to its directory.
  SmallString<256> Old;
  if (std::error_code EC = sys::fs::current_path(Old))
    return makeError("cannot read the current directory: {0}", EC.message());
  if (std::error_code EC = sys::fs::set_current_path(Cwd))
    return makeError("{0}: {1}", Cwd, EC.message());
  auto Restore = make_scope_exit([&] { sys::fs::set_current_path(Old); });

  std::vector<const char *> Argv = {"ld.lld"};
  for (const std::string &A : Args)
    Argv.push_back(A.c_str());
  std::string Output = WorkDir + "/normalized";
  Argv.push_back("-o");
  Argv.push_back(Output.c_str());
  LinkCommand Cmd;
  SysgcOptions Opts;
  if (Error E = parseLinkCommand(
          Argv, [](StringRef) { return std::optional<std::string>(); }, Cmd,
          Opts))
    return std::move(E);
  auto In = InputSet::read(Cmd);
  if (!In)
    return In.takeError();
  const ArchInfo *Arch = getArch((*In)->Machine);
  if (!Arch)
    return makeError("no architecture sysgc knows in this link");
  SectionGraph G(**In);
  LinkPlan Plan;
  Plan.Arch = Arch;
  Plan.Mode = GcMode::Retain;
  Plan.Discarded.resize(G.numNodes());
  planNormalize(G, Plan);
  std::vector<ObjectEdits> Edits = editsFromPlan(G, Plan);
  RewriteCache Cache(WorkDir + "/normalized-cache");
  auto NewPath = writeRewrittenObjects(G, **In, Edits, Cache, Temps, Output);
  if (!NewPath)
    return NewPath.takeError();
  auto NewArgs = rewriteInputArgs(Cmd, **In, *NewPath, Temps);
  if (!NewArgs)
    return NewArgs.takeError();
  // Without the program name and the output: the caller adds its own.
  std::vector<std::string> Out;
  for (size_t I = 1; I < NewArgs->size(); ++I) {
    if ((*NewArgs)[I] == "-o") {
      ++I;
      continue;
    }
    Out.push_back((*NewArgs)[I]);
  }
  return Out;
}
