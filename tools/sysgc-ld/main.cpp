//===- sysgc-ld/main.cpp - A drop-in ld.lld that removes dead syscalls ----===//
#include "sysgc/Driver/SysgcLd.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, const char **argv) {
  llvm::InitLLVM X(argc, argv);
  int RC = sysgc::sysgcLdMain(llvm::ArrayRef<const char *>(argv, argc),
                              /*FastExit=*/true);
  // As ld.lld: what the link built is left to the OS, not destroyed piece
  // by piece (temporaries are gone already, output is flushed here).
  llvm::outs().flush();
  llvm::errs().flush();
  llvm::sys::Process::Exit(RC, /*NoCleanup=*/true);
}
