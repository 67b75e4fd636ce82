//===- sysgc-ld/main.cpp - A drop-in ld.lld that removes dead syscalls ----===//
#include "sysgc/Driver/SysgcLd.h"
#include "llvm/Support/InitLLVM.h"

int main(int argc, const char **argv) {
  llvm::InitLLVM X(argc, argv);
  return sysgc::sysgcLdMain(llvm::ArrayRef<const char *>(argv, argc));
}
