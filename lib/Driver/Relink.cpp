//===- Relink.cpp - A recorded kernel link replayed with a new allowlist --===//
//
// The post-link shrink of an embedded build without Kbuild: read the link
// sysgc-ld recorded, refuse a kernel whose final link carries data made
// from an earlier pass (kallsyms, BTF: Kbuild's link-vmlinux.sh makes them
// between its links, from the previous link's symbols, and a new allowlist
// moves every symbol), run sysgc-ld in-process with the record's arguments,
// the new allowlist and a temporary output in the record's directory, run
// the tree's scripts/sorttable on it when the config has
// CONFIG_BUILDTIME_TABLE_SORT (link-vmlinux.sh's step after the final
// link), and rename it into place.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Driver/Relink.h"
#include "sysgc/Driver/SysgcLd.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include <cstdlib>

using namespace sysgc;
using namespace llvm;

Expected<std::vector<RecordedLink>> sysgc::readLinkRecord(StringRef Path) {
  auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return createStringError(Buf.getError(), "%s: %s", Path.str().c_str(),
                             Buf.getError().message().c_str());
  std::vector<RecordedLink> Links;
  SmallVector<StringRef, 0> Lines;
  (*Buf)->getBuffer().split(Lines, '\n');
  for (size_t I = 0; I < Lines.size(); ++I) {
    StringRef L = Lines[I].trim();
    if (L.empty())
      continue;
    auto Where = [&] { return (Path + ":" + Twine(I + 1)).str(); };
    Expected<json::Value> V = json::parse(L);
    if (!V)
      return createStringError(std::errc::invalid_argument,
                               "%s: not a SYSGC_RECORD line: %s",
                               Where().c_str(), toString(V.takeError()).c_str());
    const json::Object *O = V->getAsObject();
    const json::Array *A = O ? O->getArray("args") : nullptr;
    std::optional<StringRef> Cwd = O ? O->getString("cwd") : std::nullopt;
    if (!A || !Cwd)
      return createStringError(std::errc::invalid_argument,
                               "%s: a SYSGC_RECORD line needs \"cwd\" and \"args\"",
                               Where().c_str());
    RecordedLink R;
    R.Cwd = Cwd->str();
    for (const json::Value &Arg : *A) {
      std::optional<StringRef> S = Arg.getAsString();
      if (!S)
        return createStringError(std::errc::invalid_argument,
                                 "%s: \"args\" holds a non-string",
                                 Where().c_str());
      R.Args.push_back(S->str());
    }
    Links.push_back(std::move(R));
  }
  if (Links.empty())
    return createStringError(std::errc::invalid_argument,
                             "%s: no recorded link (sysgc-ld records a link it "
                             "shrinks when SYSGC_RECORD names this file)",
                             Path.str().c_str());
  return Links;
}

std::string sysgc::passDependentInput(const RecordedLink &Link) {
  for (const std::string &A : Link.Args) {
    StringRef Base = sys::path::filename(A);
    if (Base.starts_with(".tmp_vmlinux") &&
        (Base.ends_with(".kallsyms.o") || Base.ends_with(".btf.o")))
      return A;
  }
  return "";
}

namespace {
// CONFIG_NAME=y in the tree's include/config/auto.conf.
bool configEnabled(StringRef Tree, StringRef Name) {
  SmallString<256> P(Tree);
  sys::path::append(P, "include", "config", "auto.conf");
  auto Buf = MemoryBuffer::getFile(P, /*IsText=*/true);
  if (!Buf)
    return false;
  SmallVector<StringRef, 0> Lines;
  (*Buf)->getBuffer().split(Lines, '\n');
  for (StringRef L : Lines)
    if (L.trim() == (Name + "=y").str())
      return true;
  return false;
}

// The arguments with OUT for the output and Allow for the allowlist.
std::vector<std::string> replayArgs(const RecordedLink &Link, StringRef Out,
                                    StringRef Allow, StringRef Gc) {
  std::vector<std::string> Args;
  for (size_t I = 0; I < Link.Args.size(); ++I) {
    StringRef A = Link.Args[I];
    // Kbuild writes "-o vmlinux"; lld's other spellings of the output.
    if ((A == "-o" || A == "--output" || A == "-output") &&
        I + 1 < Link.Args.size()) {
      ++I;
      continue;
    }
    if (A.starts_with("--output=") || A.starts_with("-o=") ||
        A.starts_with("--sysgc-allow=") || A.starts_with("--sysgc-cache=") ||
        A.starts_with("--sysgc-gc="))
      continue;
    Args.push_back(A.str());
  }
  Args.push_back("-o");
  Args.push_back(Out.str());
  if (!Allow.empty())
    Args.push_back(("--sysgc-allow=" + Allow).str());
  Args.push_back(("--sysgc-gc=" + Gc).str());
  // The plan cache of the tree the link ran in, as under Kbuild.
  Args.push_back("--sysgc-cache=" + Link.Cwd + "/.sysgc-cache");
  return Args;
}
} // namespace

Error sysgc::relink(const RelinkOptions &Opts, raw_ostream &Log) {
  auto Links = readLinkRecord(Opts.Record);
  if (!Links)
    return Links.takeError();
  int N = int(Links->size());
  int Index = Opts.Link < 0 ? N + Opts.Link : Opts.Link;
  if (Index < 0 || Index >= N)
    return createStringError(std::errc::invalid_argument,
                             "%s: link %d asked for, the record has %d",
                             Opts.Record.c_str(), Opts.Link, N);
  const RecordedLink &Link = (*Links)[Index];
  if (std::string In = passDependentInput(Link); !In.empty()) {
    std::string Env;
    if (!Opts.Allow.empty())
      Env += "SYSGC_ALLOW=" + Opts.Allow + " ";
    if (Opts.Gc != "syscall")
      Env += "SYSGC_GC=" + Opts.Gc + " ";
    return createStringError(
        std::errc::not_supported,
        "%s: link %d reads %s, which Kbuild made from the previous link's "
        "symbols (kallsyms or BTF, scripts/link-vmlinux.sh); a new allowlist "
        "moves every symbol, so only Kbuild's passes can make it again. "
        "Relink through Kbuild instead, which compiles nothing: in %s, "
        "rm vmlinux; %smake <the same make arguments> vmlinux "
        "(a tree built with plain lld: PATH=<prefix>/lib/sysgc/bin:$PATH)",
        Opts.Record.c_str(), Index, In.c_str(), Link.Cwd.c_str(), Env.c_str());
  }

  // Paths: the caller's, made absolute before moving into the record's
  // directory; the output's temporary beside it, renamed at the end.
  if (Opts.Gc != "syscall" && Opts.Gc != "full")
    return createStringError(std::errc::invalid_argument,
                             "--gc %s: expected syscall or full", Opts.Gc.c_str());
  if (Opts.Allow.empty() && Opts.Gc != "full")
    return createStringError(std::errc::invalid_argument,
                             "no allowlist: name one, or ask for --gc full "
                             "(dead-code elimination keeping every syscall)");
  SmallString<256> Allow(Opts.Allow), Out(Opts.Output);
  if (!Allow.empty())
    if (std::error_code EC = sys::fs::make_absolute(Allow))
      return createStringError(EC, "%s: %s", Opts.Allow.c_str(), EC.message().c_str());
  if (std::error_code EC = sys::fs::make_absolute(Out))
    return createStringError(EC, "%s: %s", Opts.Output.c_str(), EC.message().c_str());
  if (!Allow.empty() && !sys::fs::exists(Allow))
    return createStringError(std::errc::no_such_file_or_directory,
                             "%s: no such allowlist", Allow.c_str());
  SmallString<256> Tmp;
  if (std::error_code EC = sys::fs::createUniqueFile(Out + ".relink-%%%%%%", Tmp))
    return createStringError(EC, "%s: cannot create a temporary beside it: %s",
                             Out.c_str(), EC.message().c_str());
  auto Cleanup = make_scope_exit([&] { sys::fs::remove(Tmp); });

  SmallString<256> OldCwd;
  sys::fs::current_path(OldCwd);
  if (std::error_code EC = sys::fs::set_current_path(Link.Cwd))
    return createStringError(EC, "%s: the recorded directory %s: %s",
                             Opts.Record.c_str(), Link.Cwd.c_str(),
                             EC.message().c_str());
  auto Back = make_scope_exit([&] { sys::fs::set_current_path(OldCwd); });
  // The replay must not append to the record it reads.
  ::unsetenv("SYSGC_RECORD");
  std::vector<std::string> Args = replayArgs(Link, Tmp, Allow, Opts.Gc);
  std::vector<const char *> Argv = {"sysgc-ld"};
  for (const std::string &A : Args)
    Argv.push_back(A.c_str());
  Log << "relink: link " << Index << " of " << Opts.Record << " in " << Link.Cwd
      << " with " << (Allow.empty() ? StringRef("every syscall") : StringRef(Allow))
      << ", gc " << Opts.Gc << "\n";
  if (int RC = sysgcLdMain(Argv, /*FastExit=*/false))
    return createStringError(std::errc::io_error,
                             "sysgc-ld failed (exit %d) replaying link %d of %s",
                             RC, Index, Opts.Record.c_str());

  if (configEnabled(Link.Cwd, "CONFIG_BUILDTIME_TABLE_SORT")) {
    SmallString<256> Sorttable(Link.Cwd);
    sys::path::append(Sorttable, "scripts", "sorttable");
    if (!sys::fs::can_execute(Sorttable))
      return createStringError(std::errc::no_such_file_or_directory,
                               "%s: missing; CONFIG_BUILDTIME_TABLE_SORT asks "
                               "for the kernel tables to be sorted after the "
                               "link (build the tree's scripts first)",
                               Sorttable.c_str());
    Log << "relink: " << Sorttable << " (CONFIG_BUILDTIME_TABLE_SORT)\n";
    StringRef SortArgs[] = {Sorttable, Tmp};
    std::string Err;
    int RC = sys::ExecuteAndWait(Sorttable, SortArgs, std::nullopt, {}, 0, 0, &Err);
    if (RC != 0)
      return createStringError(std::errc::io_error,
                               "%s failed on the relinked vmlinux (exit %d) %s",
                               Sorttable.c_str(), RC, Err.c_str());
  }
  if (std::error_code EC = sys::fs::rename(Tmp, Out))
    return createStringError(EC, "%s: %s", Out.c_str(), EC.message().c_str());
  Cleanup.release();
  Log << "relink: wrote " << Out << "\n";
  return Error::success();
}
