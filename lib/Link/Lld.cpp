//===- Lld.cpp - lld 22, in process ---------------------------------------===//
//
// lld::lldMain with only the GNU (ELF) driver. args[0] must read "ld.lld" so
// that lld picks its GNU flavor whatever our binary is called. A transformed
// link runs lld on one thread, inside lld's own crash recovery, so that a
// crash anywhere in lld is caught (why one thread and not a forked child:
// README.md, Robustness).
//
//===----------------------------------------------------------------------===//
#include "sysgc/Link/Lld.h"
#include "sysgc/Link/LinkCommand.h"
#include "lld/Common/Driver.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/Path.h"
#include <cstring>

LLD_HAS_DRIVER(elf)

using namespace llvm;

void sysgc::initLld() { CrashRecoveryContext::Enable(); }

static lld::Result lldResult(ArrayRef<std::string> Args, raw_ostream &Out,
                             raw_ostream &Err) {
  std::vector<const char *> Argv;
  Argv.push_back("ld.lld");
  for (size_t I = 1; I < Args.size(); ++I)
    Argv.push_back(Args[I].c_str());
  lld::Result R = lld::lldMain(Argv, Out, Err, {{lld::Gnu, &lld::elf::link}});
  Out.flush();
  Err.flush();
  return R;
}

int sysgc::runLld(ArrayRef<std::string> Args, raw_ostream &Out,
                  raw_ostream &Err) {
  return lldResult(Args, Out, Err).retCode;
}

namespace {
/// Err, keeping a copy of the first MiB written to it: which rewritten
/// files lld's messages name.
class CopyingStream : public raw_ostream {
public:
  CopyingStream(raw_ostream &To, std::string &Copy) : To(To), Copy(Copy) {
    SetUnbuffered();
  }
  ~CopyingStream() override { flush(); }
  bool is_displayed() const override { return To.is_displayed(); }
  bool has_colors() const override { return To.has_colors(); }

private:
  void write_impl(const char *Ptr, size_t Size) override {
    To.write(Ptr, Size);
    Copy.append(Ptr, std::min(Size, (1u << 20) - std::min<size_t>(
                                                     Copy.size(), 1u << 20)));
  }
  uint64_t current_pos() const override { return To.tell(); }
  raw_ostream &To;
  std::string &Copy;
};

// "lld crashed with signal 11 (Segmentation fault) while linking OUT;
// inputs: vmlinux.o (rewritten as X), ...".
std::string crashMessage(int Sig, ArrayRef<std::string> Args,
                         ArrayRef<sysgc::LldInput> Rewritten) {
  std::vector<const char *> Argv;
  for (const std::string &A : Args)
    Argv.push_back(A.c_str());
  sysgc::LinkCommand Cmd;
  sysgc::SysgcOptions Opts;
  auto NoEnv = [](StringRef) -> std::optional<std::string> {
    return std::nullopt;
  };
  std::string Output = "the output", Inputs = "?";
  if (Error E = sysgc::parseLinkCommand(Argv, NoEnv, Cmd, Opts)) {
    consumeError(std::move(E));
  } else {
    // lld writes the output's temporary ("vmlinux.sysgc-tmp.PID-HOST").
    Output = StringRef(Cmd.Output).split(".sysgc-tmp.").first.str();
    std::vector<std::string> Names;
    for (const sysgc::LinkInput &In : Cmd.Inputs) {
      auto It = llvm::find_if(Rewritten, [&](const sysgc::LldInput &R) {
        return R.Path == In.Path;
      });
      Names.push_back(It == Rewritten.end()
                          ? In.Path
                          : It->Input + " (rewritten as " + In.Path + ")");
    }
    // A thin archive given whole is hundreds of members.
    const size_t Shown = 8;
    if (Names.size() > Shown) {
      size_t More = Names.size() - Shown;
      Names.resize(Shown);
      Names.push_back("and " + std::to_string(More) + " more");
    }
    Inputs = join(Names, ", ");
  }
  const char *Name = strsignal(Sig);
  return "sysgc-ld: error: lld crashed with signal " + std::to_string(Sig) +
         " (" + (Name ? Name : "?") + ") while linking " + Output +
         "; inputs: " + Inputs + "\n";
}

// lld writes the output to "OUT.tmp" + 7 random characters, renamed over
// OUT when it is complete.
void removeLldTemporaries(ArrayRef<std::string> Args) {
  std::string Output = "a.out";
  for (size_t I = 1; I < Args.size(); ++I) {
    StringRef A = Args[I];
    if ((A == "-o" || A == "--output") && I + 1 < Args.size())
      Output = Args[++I];
    else if (A.consume_front("--output=") || A.consume_front("-o"))
      Output = A.str();
  }
  StringRef Dir = sys::path::parent_path(Output);
  std::string Prefix = (sys::path::filename(Output) + ".tmp").str();
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir.empty() ? "." : Dir, EC), End;
       It != End && !EC; It.increment(EC)) {
    StringRef Name = sys::path::filename(It->path());
    if (Name.size() == Prefix.size() + 7 && Name.starts_with(Prefix))
      sys::fs::remove(It->path());
  }
}
} // namespace

int sysgc::runLldContained(ArrayRef<std::string> Args, raw_ostream &Out,
                           raw_ostream &Err, ArrayRef<LldInput> Rewritten) {
  // lld's crash recovery (the CrashRecoveryContext initLld enables) covers
  // the thread that calls lldMain; with --threads=1 (after the user's own
  // --threads, so it wins) that is every thread lld runs on. A forked child
  // could not keep lld's threads either: llvm::parallel's executor, started
  // by sysgc's reader on any kernel, does not survive fork().
  std::vector<std::string> OneThread(Args.begin(), Args.end());
  OneThread.push_back("--threads=1");
  // lld makes its --threads the process's: sysgc's own, for verification.
  ThreadPoolStrategy Strategy = parallel::strategy;
  std::string Said;
  lld::Result R;
  {
    CopyingStream ErrAndCopy(Err, Said);
    R = lldResult(OneThread, Out, ErrAndCopy);
  }
  parallel::strategy = Strategy;

  // A crash caught: lldMain returns 128 + the signal, and lld must not run
  // again in this process (a fatal error returns 1).
  if (!R.canRunAgain && R.retCode > 128) {
    // Nothing removed what the signal would have: lld's half-written output
    // (FileOutputBuffer's "OUT.tmpXXXXXXX"). sysgc's own temporaries are
    // the driver's (--sysgc-keep-temps keeps them).
    removeLldTemporaries(Args);
    Err << crashMessage(R.retCode - 128, Args, Rewritten);
    Err.flush();
    return 1;
  }
  if (R.retCode != 0)
    for (const LldInput &In : Rewritten)
      if (StringRef(Said).contains(In.Path))
        Err << "sysgc-ld: note: " << In.Path << " is " << In.Input
            << " as sysgc rewrote it\n";
  Err.flush();
  return R.retCode;
}
