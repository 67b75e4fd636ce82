//===- FileUtilTest.cpp - atomic writes and stale temporaries -------------===//
#include "sysgc/Support/FileUtil.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Object/ELF.h"
#include "llvm/Support/xxhash.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "gtest/gtest.h"
#include <csignal>
#include <sys/resource.h>
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

// Every entry of Dir, sorted.
static std::vector<std::string> listDir(StringRef Dir) {
  std::vector<std::string> Out;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    Out.push_back(sys::path::filename(It->path()).str());
  llvm::sort(Out);
  return Out;
}

TEST(FileUtil, AtomicFileWriterAppearsOnlyOnCommit) {
  SmallString<128> Dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("sysgc-fu", Dir));
  std::string P = (Dir + "/obj.o").str();
  // Small pieces, space() filled in place, and pieces bigger than the
  // buffer (written straight through) in between: the bytes come out in
  // order.
  std::string Want;
  {
    auto F = AtomicFileWriter::create(P);
    ASSERT_TRUE(bool(F)) << toString(F.takeError());
    std::string Big(AtomicFileWriter::BufferSize * 2 + 7, 'b');
    for (int Round = 0; Round < 3; ++Round) {
      F->write(ArrayRef<char>("hello", 5));
      Want += "hello";
      MutableArrayRef<char> S = F->space(AtomicFileWriter::BufferSize);
      for (size_t I = 0; I < S.size(); ++I)
        S[I] = char('0' + (I + Round) % 10);
      Want.append(S.begin(), S.end());
      F->write(ArrayRef<char>(Big.data(), Big.size() - Round));
      Want.append(Big, 0, Big.size() - Round);
    }
    EXPECT_FALSE(sys::fs::exists(P)); // not before commit
    ASSERT_FALSE(bool(F->commit()));
  }
  EXPECT_EQ(listDir(Dir), std::vector<std::string>{"obj.o"});
  auto B = MemoryBuffer::getFile(P);
  ASSERT_TRUE(bool(B));
  EXPECT_TRUE((*B)->getBuffer() == Want);
  // Dropped without a commit: the previous file stays, nothing is left.
  {
    auto F = AtomicFileWriter::create(P);
    ASSERT_TRUE(bool(F));
    F->write(ArrayRef<char>("bye", 3));
    auto Moved = std::move(*F);
  }
  EXPECT_EQ(listDir(Dir), std::vector<std::string>{"obj.o"});
  B = MemoryBuffer::getFile(P);
  ASSERT_TRUE(bool(B));
  EXPECT_TRUE((*B)->getBuffer() == Want);
  // A directory that does not exist: an error naming the path.
  auto Bad = AtomicFileWriter::create((Dir + "/no/such/obj.o").str());
  ASSERT_FALSE(bool(Bad));
  EXPECT_NE(toString(Bad.takeError()).find("no/such/obj.o"), std::string::npos);
  sys::fs::remove_directories(Dir);
}

// A write that fails (the file size limit here; a full disk alike): commit
// says so, the temporary goes, the previous file stays.
TEST(FileUtil, AtomicFileWriterReportsAFailedWrite) {
  SmallString<128> Dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("sysgc-fu", Dir));
  std::string P = (Dir + "/obj.o").str();
  ASSERT_FALSE(bool(writeFileAtomically(P, ArrayRef<char>("old", 3))));
  pid_t Pid = fork();
  if (Pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit L = {1 << 20, 1 << 20};
    setrlimit(RLIMIT_FSIZE, &L);
    auto F = AtomicFileWriter::create(P);
    if (!F)
      _exit(10);
    std::string Big(3 << 20, 'x');
    F->write(ArrayRef<char>(Big.data(), Big.size()));
    Error E = F->commit();
    if (!E)
      _exit(11);
    std::string Msg = toString(std::move(E));
    _exit(Msg.find("write failed") != std::string::npos &&
                  Msg.find("obj.o") != std::string::npos
              ? 0
              : 12);
  }
  int Status = 0;
  waitpid(Pid, &Status, 0);
  ASSERT_TRUE(WIFEXITED(Status));
  EXPECT_EQ(WEXITSTATUS(Status), 0)
      << "10: create failed, 11: commit succeeded, 12: unclear message";
  EXPECT_EQ(listDir(Dir), std::vector<std::string>{"obj.o"});
  auto B = MemoryBuffer::getFile(P);
  ASSERT_TRUE(bool(B));
  EXPECT_EQ((*B)->getBuffer(), "old");
  sys::fs::remove_directories(Dir);
}

TEST(FileUtil, ReplaceFileReplacesAndRemovesTheOldFile) {
  SmallString<128> Dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("sysgc-fu", Dir));
  std::string Out = (Dir + "/vmlinux").str();
  std::string New = tempPathFor(Out);
  ASSERT_FALSE(bool(writeFile(Out, ArrayRef<char>("old", 3))));
  ASSERT_FALSE(bool(writeFile(New, ArrayRef<char>("new!", 4))));
  ASSERT_FALSE(bool(replaceFile(New, Out)));
  EXPECT_EQ(listDir(Dir), std::vector<std::string>{"vmlinux"});
  auto B = MemoryBuffer::getFile(Out);
  ASSERT_TRUE(bool(B));
  EXPECT_EQ((*B)->getBuffer(), "new!");
  // No old file: a plain rename.
  std::string Fresh = (Dir + "/fresh").str();
  ASSERT_FALSE(bool(writeFile(New, ArrayRef<char>("x", 1))));
  ASSERT_FALSE(bool(replaceFile(New, Fresh)));
  EXPECT_EQ(listDir(Dir), (std::vector<std::string>{"fresh", "vmlinux"}));
  // A directory in the way is never swapped out: an error, both kept.
  std::string Sub = (Dir + "/sub").str();
  ASSERT_FALSE(sys::fs::create_directory(Sub));
  ASSERT_FALSE(bool(writeFile(Sub + "/keep", ArrayRef<char>("k", 1))));
  ASSERT_FALSE(bool(writeFile(New, ArrayRef<char>("y", 1))));
  EXPECT_TRUE(errorToBool(replaceFile(New, Sub)));
  EXPECT_TRUE(sys::fs::is_directory(Sub));
  EXPECT_TRUE(sys::fs::exists(Sub + "/keep"));
  EXPECT_TRUE(sys::fs::exists(New));
  sys::fs::remove_directories(Dir);
}

// The tool's identity is the running program's GNU build ID, as the file's
// own note says (read here with libObject, independently).
TEST(FileUtil, ToolHashIsTheBuildId) {
  std::string Exe = sys::fs::getMainExecutable(nullptr, (void *)&listDir);
  auto Buf = MemoryBuffer::getFile(Exe, false, false);
  ASSERT_TRUE(bool(Buf));
  auto File = object::ELF64LEFile::create((*Buf)->getBuffer());
  ASSERT_TRUE(bool(File)) << toString(File.takeError());
  auto Phdrs = File->program_headers();
  ASSERT_TRUE(bool(Phdrs));
  std::optional<uint64_t> Want;
  for (const auto &P : *Phdrs) {
    if (P.p_type != ELF::PT_NOTE)
      continue;
    Error Err = Error::success();
    for (const auto &N : File->notes(P, Err))
      if (N.getType() == ELF::NT_GNU_BUILD_ID && N.getName() == "GNU")
        Want = xxh3_64bits(N.getDesc(P.p_align));
    ASSERT_FALSE(bool(Err));
  }
  if (!Want) // linked without a build ID: the executable's bytes then
    Want = xxh3_64bits(arrayRefFromStringRef((*Buf)->getBuffer()));
  EXPECT_EQ(toolHash(), *Want);
  EXPECT_EQ(toolHash(), toolHash());
}
