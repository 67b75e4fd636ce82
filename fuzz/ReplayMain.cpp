//===- ReplayMain.cpp - Run a fuzz target over saved inputs ---------------===//
//
// libFuzzer's main, for builds without libFuzzer: every file named on the
// command line (directories are walked, sorted) is fed to
// LLVMFuzzerTestOneInput once. A crash is a crash; the input being run is
// printed first so the failing one is named.
//
//===----------------------------------------------------------------------===//
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size);

int main(int argc, char **argv) {
  std::vector<std::string> Files;
  for (int I = 1; I < argc; ++I) {
    if (!llvm::sys::fs::is_directory(argv[I])) {
      Files.push_back(argv[I]);
      continue;
    }
    std::error_code EC;
    for (llvm::sys::fs::recursive_directory_iterator It(argv[I], EC), End;
         It != End && !EC; It.increment(EC))
      if (llvm::sys::fs::is_regular_file(It->path()))
        Files.push_back(It->path());
    if (EC) {
      llvm::errs() << argv[I] << ": " << EC.message() << "\n";
      return 1;
    }
  }
  llvm::sort(Files);
  if (Files.empty()) {
    llvm::errs() << "no inputs: name files or directories\n";
    return 1;
  }
  for (const std::string &F : Files) {
    auto Buf = llvm::MemoryBuffer::getFile(F, false, false);
    if (!Buf) {
      llvm::errs() << F << ": " << Buf.getError().message() << "\n";
      return 1;
    }
    llvm::outs() << "running " << F << "\n";
    llvm::outs().flush();
    // An exact-size heap copy, as libFuzzer passes it: a read one byte past
    // the end is caught by ASan, not hidden by the mapping's padding.
    size_t Size = (*Buf)->getBufferSize();
    std::unique_ptr<uint8_t[]> Copy(new uint8_t[Size]);
    memcpy(Copy.get(), (*Buf)->getBufferStart(), Size);
    LLVMFuzzerTestOneInput(Copy.get(), Size);
  }
  llvm::outs() << Files.size() << " inputs ran\n";
  return 0;
}
