//===- FileUtilTest.cpp - atomic writes and stale temporaries -------------===//
#include "sysgc/Support/FileUtil.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "gtest/gtest.h"
#include <sys/wait.h>
#include <unistd.h>

using namespace sysgc;
using namespace llvm;

namespace {
std::string touch(StringRef Dir, const Twine &Name) {
  SmallString<128> P(Dir);
  sys::path::append(P, Name);
  std::string S = P.str().str();
  EXPECT_FALSE(bool(writeFile(S, ArrayRef<char>("x", 1))));
  return S;
}

// The PID of a process that has exited (and been reaped).
long deadPid() {
  pid_t P = fork();
  if (P == 0)
    _exit(0);
  waitpid(P, nullptr, 0);
  return P;
}
} // namespace

TEST(FileUtil, AtomicWriteLeavesNoTemporary) {
  SmallString<128> Dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("sysgc-fu", Dir));
  std::string P = (Dir + "/out").str();
  ASSERT_FALSE(bool(writeFileAtomically(P, ArrayRef<char>("abc", 3))));
  EXPECT_TRUE(sys::fs::exists(P));
  EXPECT_FALSE(sys::fs::exists(tempPathFor(P)));
  // A directory in the way: an error, and still no temporary.
  std::string Sub = (Dir + "/sub").str();
  ASSERT_FALSE(sys::fs::create_directory(Sub));
  EXPECT_TRUE(errorToBool(writeFileAtomically(Sub, ArrayRef<char>("abc", 3))));
  EXPECT_FALSE(sys::fs::exists(tempPathFor(Sub)));
  sys::fs::remove_directories(Dir);
}

TEST(FileUtil, StaleTemporariesOfDeadProcessesOnly) {
  SmallString<128> Dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("sysgc-fu", Dir));
  long Dead = deadPid();
  long Live = getppid();
  long Self = sys::Process::getProcessId();
  // This machine's tag, as tempPathFor spells it.
  std::string Mine = tempPathFor("x");
  std::string Tag = Mine.substr(Mine.rfind('-'));
  std::string A = touch(Dir, "vmlinux.sysgc-tmp." + Twine(Dead) + Tag);
  std::string B =
      touch(Dir, "vmlinux.sysgc-tmp." + Twine(Dead) + Tag + ".tmp1a2b3c");
  std::string C = touch(Dir, "vmlinux.sysgc-tmp." + Twine(Live) + Tag);
  std::string D =
      touch(Dir, "vmlinux.sysgc-tmp." + Twine(Self) + Tag + ".0-x.o");
  std::string E = touch(Dir, "vmlinux");
  std::string F = touch(Dir, "notes.sysgc-tmp.abc");
  // A dead PID of another machine sharing the directory.
  std::string H = touch(Dir, "vmlinux.sysgc-tmp." + Twine(Dead) + "-00000000");
  removeStaleTemps({Dir.str().str()});
  EXPECT_FALSE(sys::fs::exists(A));
  EXPECT_FALSE(sys::fs::exists(B));
  EXPECT_TRUE(sys::fs::exists(C)); // a live process's: never touched
  EXPECT_TRUE(sys::fs::exists(D)); // our own
  EXPECT_TRUE(sys::fs::exists(E));
  EXPECT_TRUE(sys::fs::exists(F)); // no PID: not ours
  EXPECT_TRUE(sys::fs::exists(H) || Tag == "-00000000"); // not this machine's
  sys::fs::remove_directories(Dir);
}
