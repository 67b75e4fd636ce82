//===- LinkSession.cpp - A link read as sysgc-ld reads it -----------------===//
//
// parse -> read (with relocations) -> graph -> kernel? -> plan options: the
// first steps of sysgc-ld's Pipeline, through the same functions.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Analysis/LinkSession.h"
#include "sysgc/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace sysgc;
using namespace llvm;

Expected<std::unique_ptr<LinkSession>>
LinkSession::read(ArrayRef<std::string> Args, const EnvLookup &Env) {
  auto S = std::make_unique<LinkSession>();
  std::vector<const char *> Argv = {"ld.lld"};
  for (const std::string &A : Args)
    Argv.push_back(A.c_str());
  if (Error E = parseLinkCommand(Argv, Env, S->Cmd, S->Opts))
    return std::move(E);
  if (S->Cmd.Relocatable || S->Cmd.InfoOnly)
    return makeError("{0}: an ld -r or information-only link (--version, "
                     "--help) has no syscall dispatch to analyse",
                     S->Cmd.Output);
  auto In = InputSet::read(S->Cmd, /*WithRelocs=*/true);
  if (!In)
    return In.takeError();
  S->Inputs = std::move(*In);
  S->Graph = std::make_unique<SectionGraph>(*S->Inputs);
  auto K = findKernel(S->Cmd, S->Opts, *S->Inputs, *S->Graph);
  if (!K)
    return K.takeError();
  if (!*K)
    return makeError("{0}: not a kernel link sysgc-ld transforms: its inputs "
                     "define no syscall dispatch sysgc knows for this "
                     "architecture (name it with --sysgc-dispatch)",
                     S->Cmd.Output);
  S->Kernel = std::move(**K);
  auto PO = planOptions(S->Cmd, S->Opts, nullptr);
  if (!PO)
    return PO.takeError();
  S->PlanOpts = std::move(*PO);
  return std::move(S);
}

Expected<std::unique_ptr<LinkSession>>
LinkSession::open(const std::optional<std::string> &Record, int LinkIndex,
                  ArrayRef<std::string> LinkerArgs) {
  if (!Record) {
    if (LinkerArgs.empty())
      return makeError("no link given: pass the linker's arguments after "
                       "'--', or --record FILE");
    return read(LinkerArgs, processEnv);
  }
  if (!LinkerArgs.empty())
    return makeError("--record and linker arguments after '--' exclude "
                     "each other");
  auto R = readRecordedLink(*Record, LinkIndex);
  if (!R)
    return R.takeError();
  if (std::error_code EC = sys::fs::set_current_path(R->Cwd))
    return makeError("{0}: cannot enter the recorded link's directory {1}: "
                     "{2}",
                     *Record, R->Cwd, EC.message());
  return read(R->Args, processEnv);
}

Expected<std::optional<Allowlist>>
LinkSession::allowlist(const std::optional<std::string> &Override,
                       std::vector<std::string> &Warnings,
                       std::string &AllowPath) const {
  std::optional<std::string> Path = Override ? Override : Opts.Allow;
  if (!Path)
    return std::nullopt;
  AllowPath = *Path;
  auto Text = MemoryBuffer::getFile(*Path, /*IsText=*/true);
  if (!Text)
    return makeError("{0}: cannot read the allowlist: {1}", *Path,
                     Text.getError().message());
  AllowlistOptions AO;
  AO.AllowUnknown = Opts.AllowUnknown;
  auto A = Allowlist::parse((*Text)->getBuffer(), *Path, *Kernel.Arch, AO);
  if (!A)
    return A.takeError();
  Warnings.insert(Warnings.end(), A->Warnings.begin(), A->Warnings.end());
  return std::optional<Allowlist>(std::move(*A));
}

Expected<RecordedLink> sysgc::readRecordedLink(StringRef Path, int Index) {
  auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return makeError("{0}: cannot read the record: {1}", Path,
                     Buf.getError().message());
  SmallVector<StringRef, 8> Lines;
  (*Buf)->getBuffer().split(Lines, '\n', -1, /*KeepEmpty=*/false);
  if (Lines.empty())
    return makeError("{0}: the record holds no link (sysgc-ld appends one "
                     "line per transformed link when SYSGC_RECORD is set)",
                     Path);
  int N = Lines.size();
  if (Index < -N || Index >= N)
    return makeError("{0}: no link {1}: the record holds {2}", Path, Index, N);
  unsigned I = Index < 0 ? N + Index : Index;
  auto V = json::parse(Lines[I]);
  if (!V)
    return makeError("{0}:{1}: {2}", Path, I + 1, toString(V.takeError()));
  const json::Object *O = V->getAsObject();
  const json::Array *A = O ? O->getArray("args") : nullptr;
  std::optional<StringRef> Cwd = O ? O->getString("cwd") : std::nullopt;
  if (!A || !Cwd)
    return makeError("{0}:{1}: not a recorded link (expected {{\"cwd\": ..., "
                     "\"args\": [...]})",
                     Path, I + 1);
  RecordedLink R;
  R.Cwd = Cwd->str();
  for (const json::Value &X : *A) {
    std::optional<StringRef> S = X.getAsString();
    if (!S)
      return makeError("{0}:{1}: an argument is not a string", Path, I + 1);
    R.Args.push_back(S->str());
  }
  return R;
}
