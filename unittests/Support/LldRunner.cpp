//===- LldRunner.cpp - ld.lld-22 on objects a test wrote ------------------===//
//
// See LldRunner.h. A missing ld.lld-22 leaves Ran false with the reason in
// Err: callers ASSERT on Ran, so the test fails instead of skipping.
//
//===----------------------------------------------------------------------===//
#include "LldRunner.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include <optional>

using namespace llvm;

namespace sysgc::test {

LldRun runLld(const std::vector<std::vector<char>> &Objects,
              const std::vector<std::string> &Flags) {
  LldRun Run;
  auto Lld = sys::findProgramByName("ld.lld-22");
  if (!Lld) {
    Run.Err = "ld.lld-22 not found on PATH (scripts/install-deps.sh installs lld-22)";
    return Run;
  }
  SmallString<128> Dir;
  if (std::error_code EC = sys::fs::createUniqueDirectory("sysgc-lld", Dir)) {
    Run.Err = "cannot create a temporary directory: " + EC.message();
    return Run;
  }
  std::vector<std::string> Args = {*Lld};
  Args.insert(Args.end(), Flags.begin(), Flags.end());
  Args.push_back("-o");
  Args.push_back((Dir + "/out").str());
  for (size_t I = 0; I < Objects.size(); ++I) {
    std::string P = (Dir + "/" + Twine(I) + ".o").str();
    std::error_code EC;
    raw_fd_ostream OS(P, EC);
    OS.write(Objects[I].data(), Objects[I].size());
    Args.push_back(P);
  }
  std::string ErrFile = (Dir + "/stderr").str();
  std::vector<StringRef> Refs(Args.begin(), Args.end());
  std::optional<StringRef> Redirects[] = {std::nullopt, StringRef(ErrFile),
                                          StringRef(ErrFile)};
  std::string ExecErr;
  Run.RC = sys::ExecuteAndWait(*Lld, Refs, std::nullopt, Redirects, 0, 0,
                               &ExecErr);
  if (auto B = MemoryBuffer::getFile(ErrFile))
    Run.Err = (*B)->getBuffer().str();
  Run.Err += ExecErr;
  Run.Ran = Run.RC >= 0;
  if (auto B = MemoryBuffer::getFile(Dir + "/out"))
    Run.Out = std::move(*B);
  sys::fs::remove_directories(Dir);
  return Run;
}

} // namespace sysgc::test
