//===- SysgcLdFuzzer.cpp - The whole of sysgc-ld on a damaged kernel ------===//
//
// The bytes stand in for the mini kernel's vmlinux.o in its kernel link
// (with its version object, lib.a, linker script and an allowlist), and
// sysgc-ld runs it end to end: read, plan, rewrite, lld, verify. Whatever
// the bytes, it must return (never crash, in sysgc or inside lld: a crash
// lld's containment caught counts as one), and a failed link must leave no
// output and no temporary behind. Even-sized inputs link as x86 does,
// odd-sized ones with --gc-sections. sysgc-ld's messages go to a file in
// the target's scratch directory (printed at start): a crash's report too.
//
// fuzz-seeds: mini-kernel
//
//===----------------------------------------------------------------------===//
#include "sysgc/Driver/SysgcLd.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <unistd.h>
#include <vector>

using namespace llvm;

namespace {
struct Workspace {
  std::string Dir;      // scratch: the input, the output, sysgc's temps
  std::string Kernel;   // the mini kernel, built once (the fuzz_seeds fixture)
  std::string Script;   // mini.lds
  std::string Allow;
};

const Workspace &workspace() {
  static Workspace W = [] {
    Workspace W;
    W.Kernel = SYSGC_FUZZ_BINARY_DIR "/seeds-build";
    W.Script = SYSGC_SOURCE_DIR "/test-inputs/mini-kernel/mini.lds";
    if (!sys::fs::exists(W.Kernel + "/lib.a")) {
      std::string Cmd = "python3 " SYSGC_SOURCE_DIR
                        "/test-inputs/mini-kernel/mk.py build " +
                        W.Kernel + " >&2";
      if (std::system(Cmd.c_str()) != 0) {
        fprintf(stderr, "SysgcLdFuzzer: cannot build the mini kernel\n");
        abort();
      }
    }
    SmallString<128> Dir;
    if (sys::fs::createUniqueDirectory("sysgc-ld-fuzz", Dir)) {
      fprintf(stderr, "SysgcLdFuzzer: cannot make a scratch directory\n");
      abort();
    }
    W.Dir = Dir.str().str();
    // Removed at exit (by a copy: W is destroyed before atexit's calls).
    static const std::string *Scratch = new std::string(W.Dir);
    std::atexit([] { sys::fs::remove_directories(*Scratch); });
    W.Allow = W.Dir + "/typical.allow";
    // What sysgc-ld says about the input being run (a crash's report
    // included) goes there, not to the terminal.
    fprintf(stderr, "SysgcLdFuzzer: sysgc-ld's messages go to %s/stderr\n",
            W.Dir.c_str());
    std::error_code EC;
    raw_fd_ostream OS(W.Allow, EC);
    OS << "read\nwrite\nopenat\nclose\nfstat\nmmap\nbrk\nuname\ngetpid\n"
          "exit_group\nfutex\nclock_gettime\nexecve\nclone\nwait4\n"
          "rt_sigreturn\n";
    return W;
  }();
  return W;
}

std::vector<std::string> scratchFiles(const std::string &Dir) {
  std::vector<std::string> Found;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    Found.push_back(sys::path::filename(It->path()).str());
  return Found;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  // Only what sysgc-ld transforms: an x86-64 object (anything else is a
  // link sysgc-ld hands to lld untouched, crashes and all, as ld.lld).
  StringRef Bytes(reinterpret_cast<const char *>(Data), Size);
  if (Size < 20 || !Bytes.starts_with("\x7f"
                                      "ELF\x02\x01") ||
      Data[18] != ELF::EM_X86_64 || Data[19] != 0)
    return 0;
  const Workspace &W = workspace();
  std::string In = W.Dir + "/vmlinux.o", Out = W.Dir + "/vmlinux",
              Log = W.Dir + "/stderr";
  {
    std::error_code EC;
    raw_fd_ostream OS(In, EC);
    OS.write(reinterpret_cast<const char *>(Data), Size);
  }
  std::vector<std::string> Args = {
      "sysgc-ld", "-m", "elf_x86_64", "-static", "-nostdlib", "-z",
      "noexecstack", "-T", W.Script, "-o", Out, In,
      W.Kernel + "/init/version.o", W.Kernel + "/lib.a",
      "--sysgc-allow=" + W.Allow, "--sysgc-quiet", "--sysgc-cache=off",
      "--sysgc-report-timings=no",
      // Named, the dispatch is never "not a kernel link": no pass-through.
      "--sysgc-dispatch=x64:sys_call_table,x64:x64_sys_call"};
  if (Size % 2)
    Args.push_back("--gc-sections");
  std::vector<const char *> Argv;
  for (const std::string &A : Args)
    Argv.push_back(A.c_str());

  // sysgc-ld's (and lld's) messages go to a file, read back for the one
  // that says lld crashed.
  fflush(stderr);
  errs().flush();
  int Saved = dup(2);
  int LogFd = ::open(Log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(LogFd, 2);
  ::close(LogFd);
  int RC = sysgc::sysgcLdMain(Argv);
  fflush(stderr);
  errs().flush();
  dup2(Saved, 2);
  ::close(Saved);

  auto Text = MemoryBuffer::getFile(Log);
  StringRef Messages = Text ? (*Text)->getBuffer() : "";
  if (Messages.contains("lld crashed")) {
    fprintf(stderr, "%s\nSysgcLdFuzzer: lld crashed on this input\n",
            Messages.str().c_str());
    abort();
  }
  bool Made = sys::fs::exists(Out);
  if (RC != 0 && Made) {
    fprintf(stderr, "%s\nSysgcLdFuzzer: a failed link left its output\n",
            Messages.str().c_str());
    abort();
  }
  if (RC == 0 && !Made) {
    fprintf(stderr, "SysgcLdFuzzer: a link that succeeded wrote nothing\n");
    abort();
  }
  for (const std::string &F : scratchFiles(W.Dir))
    if (StringRef(F).contains(".sysgc-tmp.")) {
      fprintf(stderr, "%s\nSysgcLdFuzzer: %s was left behind\n",
              Messages.str().c_str(), F.c_str());
      abort();
    }
  sys::fs::remove(Out);
  return 0;
}
