//===- FileUtil.cpp - Writing files safely --------------------------------===//
#include "sysgc/Support/FileUtil.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"
#include <cerrno>
#include <signal.h>

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

std::string sysgc::tempPathFor(StringRef Path) {
  return (Path + ".sysgc-tmp." + Twine(sys::Process::getProcessId())).str();
}

// Is Pid a running process (of anyone)?
static bool isAlive(long Pid) {
  return Pid > 0 && (::kill(Pid, 0) == 0 || errno == EPERM);
}

// The PID in Name after Marker ("x.sysgc-tmp.123.tmpab" -> 123), or 0.
static long pidAfter(StringRef Name, StringRef Marker) {
  size_t At = Name.find(Marker);
  if (At == StringRef::npos)
    return 0;
  StringRef Rest = Name.drop_front(At + Marker.size());
  StringRef Digits = Rest.take_while([](char C) { return isDigit(C); });
  long Pid = 0;
  if (Digits.empty() || Digits.getAsInteger(10, Pid))
    return 0;
  return Pid;
}

void sysgc::removeStaleTemps(ArrayRef<std::string> Dirs) {
  long Self = sys::Process::getProcessId();
  std::error_code EC;
  for (const std::string &Dir : Dirs)
    for (sys::fs::directory_iterator It(Dir.empty() ? "." : Dir, EC), End;
         It != End && !EC; It.increment(EC)) {
      StringRef Name = sys::path::filename(It->path());
      long Pid = pidAfter(Name, ".sysgc-tmp.");
      if (Pid && Pid != Self && !isAlive(Pid))
        sys::fs::remove(It->path());
    }
}

Error sysgc::writeFileAtomically(StringRef Path, ArrayRef<char> Data) {
  std::string Tmp = tempPathFor(Path);
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
