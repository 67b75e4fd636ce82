//===- TempFiles.cpp - Files a link writes on the way ---------------------===//
#include "sysgc/Driver/TempFiles.h"
#include "sysgc/Support/FileUtil.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

using namespace sysgc;
using namespace llvm;

void TempFiles::removeAll() {
  if (Keep) {
    for (const std::string &F : Files)
      if (sys::fs::exists(F))
        errs() << "sysgc-ld: kept temporary file " << F << "\n";
  } else {
    for (const std::string &F : Files) {
      sys::fs::remove(F);
      sys::DontRemoveFileOnSignal(F);
    }
  }
  Files.clear();
}

std::string TempFiles::add(std::string Path) {
  Files.push_back(Path);
  sys::RemoveFileOnSignal(Path);
  return Path;
}

std::string TempFiles::create(StringRef Output, const Twine &Suffix) {
  return add((tempPathFor(Output) + "." + Suffix).str());
}

std::string TempFiles::createForOutput(StringRef Output) {
  return add(tempPathFor(Output));
}
