//===- FileUtil.cpp - Writing files safely --------------------------------===//
#include "sysgc/Support/FileUtil.h"
#include "sysgc/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

using namespace sysgc;
using namespace llvm;

Error sysgc::writeFile(StringRef Path, ArrayRef<char> Data) {
  std::error_code EC;
  raw_fd_ostream OS(Path, EC, sys::fs::OF_None);
  if (EC)
    return makeError("{0}: cannot write: {1}", Path, EC.message());
  OS.write(Data.data(), Data.size());
  OS.close();
  if (OS.has_error())
    return makeError("{0}: write failed: {1}", Path, OS.error().message());
  return Error::success();
}

Error sysgc::writeFileAtomically(StringRef Path, ArrayRef<char> Data) {
  std::string Tmp =
      (Path + ".sysgc-tmp." + Twine(sys::Process::getProcessId())).str();
  sys::RemoveFileOnSignal(Tmp);
  if (Error E = writeFile(Tmp, Data)) {
    sys::fs::remove(Tmp);
    sys::DontRemoveFileOnSignal(Tmp);
    return E;
  }
  std::error_code EC = sys::fs::rename(Tmp, Path);
  if (EC)
    sys::fs::remove(Tmp);
  sys::DontRemoveFileOnSignal(Tmp);
  if (EC)
    return makeError("{0}: cannot rename into place: {1}", Path, EC.message());
  return Error::success();
}
