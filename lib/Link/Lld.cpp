//===- Lld.cpp - lld 22, in process ---------------------------------------===//
//
// lld::lldMain with only the GNU (ELF) driver. args[0] must read "ld.lld" so
// that lld picks its GNU flavor whatever our binary is called.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Link/Lld.h"
#include "lld/Common/Driver.h"
#include "llvm/Support/CrashRecoveryContext.h"

LLD_HAS_DRIVER(elf)

using namespace llvm;

void sysgc::initLld() { CrashRecoveryContext::Enable(); }

int sysgc::runLld(ArrayRef<std::string> Args, raw_ostream &Out,
                  raw_ostream &Err) {
  std::vector<const char *> Argv;
  Argv.push_back("ld.lld");
  for (size_t I = 1; I < Args.size(); ++I)
    Argv.push_back(Args[I].c_str());
  lld::Result R = lld::lldMain(Argv, Out, Err, {{lld::Gnu, &lld::elf::link}});
  Out.flush();
  Err.flush();
  return R.retCode;
}
