//===- SysgcLd.cpp - The sysgc-ld pipeline --------------------------------===//
//
// One link, in order: read -> graph -> plan -> rewrite (LinkInputs) -> lld ->
// verify -> report. The output is written to a temporary next to the real
// one (TempFiles) and only replaces it, by rename, once verified.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Driver/SysgcLd.h"
#include "sysgc/Driver/LinkInputs.h"
#include "sysgc/Driver/TempFiles.h"
#include "sysgc/Allowlist/Allowlist.h"
#include "sysgc/Graph/SectionGraph.h"
#include "sysgc/Input/InputSet.h"
#include "sysgc/Link/LinkerScript.h"
#include "sysgc/Link/LinkCommand.h"
#include "sysgc/Link/Lld.h"
#include "sysgc/Plan/Plan.h"
#include "sysgc/Plan/PlanCache.h"
#include "sysgc/Report/Report.h"
#include "sysgc/Rewrite/ObjectWriter.h"
#include "sysgc/Rewrite/RewriteCache.h"
#include "sysgc/Support/Error.h"
#include "sysgc/Support/FileUtil.h"
#include "sysgc/Verify/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/ADT/StringSwitch.h"
#include <chrono>
#include <csignal>
#include <unistd.h>
#include <set>

using namespace sysgc;
using namespace llvm;

namespace {
/// For the failure-safety tests only: SYSGC_TEST_CRASH_AT=PHASE[:SIGNAL]
/// (KILL by default, or TERM, INT, PIPE, HUP) sends the signal to this
/// process as phase PHASE begins ("rename" is the final rename).
void crashPointForTesting(StringRef Phase) {
  static const char *At = getenv("SYSGC_TEST_CRASH_AT");
  if (!At)
    return;
  auto [Where, Sig] = StringRef(At).split(':');
  if (Where != Phase)
    return;
  int Signo = StringSwitch<int>(Sig)
                  .Case("TERM", SIGTERM)
                  .Case("INT", SIGINT)
                  .Case("PIPE", SIGPIPE)
                  .Case("HUP", SIGHUP)
                  .Default(SIGKILL);
  ::kill(::getpid(), Signo);
}

// Does the link order input sections by something else than their place
// (an ordering file, a sort, a shuffle)? Then joined sections would be
// placed otherwise than lld places them apart: sysgc joins none.
static bool ordersSections(const LinkCommand &Cmd) {
  for (StringRef A : drop_begin(Cmd.Args)) {
    A = A.ltrim('-');
    for (StringRef P : {"symbol-ordering-file", "call-graph-ordering-file",
                        "shuffle-sections", "sort-section", "bp-"})
      if (A.starts_with(P))
        return true;
  }
  return false;
}

class PhaseTimer {
public:
  void phase(StringRef Name) {
    crashPointForTesting(Name);
    auto Now = std::chrono::steady_clock::now();
    if (!Current.empty()) {
      double Ms = std::chrono::duration<double, std::milli>(Now - Start).count();
      // A phase entered twice (plan, around the relocations it may need)
      // is one entry: the report's keys are unique.
      auto It = llvm::find_if(Timings,
                              [&](const auto &T) { return T.first == Current; });
      if (It != Timings.end())
        It->second += Ms;
      else
        Timings.push_back({Current, Ms});
    }
    Current = Name.str();
    Start = Now;
  }
  /// Rename the phase under way ("plan" -> "plan-reused").
  void relabel(StringRef Name) { Current = Name.str(); }
  std::vector<std::pair<std::string, double>> Timings;

private:
  std::string Current;
  std::chrono::steady_clock::time_point Start;
};

struct Pipeline {
  LinkCommand Cmd;
  SysgcOptions Opts;
  PhaseTimer Timer;
  TempFiles Temps;
  // The big state of a link, held here so that a process about to exit can
  // leave it to the OS (sysgcLdMain's FastExit) instead of freeing it.
  std::unique_ptr<InputSet> Inputs;
  std::unique_ptr<SectionGraph> Graph;
  std::unique_ptr<LinkPlan> ThePlan;
  std::unique_ptr<ElfObject> OutputElf;
  /// Where lld may place which sections, from the scripts.
  SectionPlacement Placement;

  /// May sections be joined (ObjectEdits::Coalesce)? Not if asked not to,
  /// if lld orders sections by other means than their place, or if an
  /// input is a script sysgc has not read (lld takes a non-ELF input file
  /// as a script).
  bool coalescing(const InputSet &In) const {
    if (!Opts.Coalesce || ordersSections(Cmd))
      return false;
    return llvm::none_of(In.Files, [](const InputFileInfo &F) {
      return F.K == InputFileInfo::Opaque;
    });
  }

  int fail(Error E) {
    errs() << "sysgc-ld: error: " << toString(std::move(E)) << "\n";
    return 1;
  }

  int passThrough(ArrayRef<const char *> Argv) {
    std::vector<std::string> Args;
    if (Cmd.Rewritten)
      Args = Cmd.Args;
    else
      for (const char *A : Argv)
        Args.push_back(A);
    return runLld(Args, outs(), errs());
  }

  int run(ArrayRef<const char *> Argv);
  /// --sysgc-record: append this link (cwd, lld arguments) as a JSON line,
  /// for sysgc-bench to replay.
  void record() {
    SmallString<256> Cwd;
    sys::fs::current_path(Cwd);
    std::error_code EC;
    raw_fd_ostream OS(*Opts.Record, EC, sys::fs::OF_Append);
    if (EC)
      return;
    json::OStream J(OS);
    J.object([&] {
      J.attribute("cwd", Cwd.str());
      J.attributeArray("args", [&] {
        for (size_t I = 1; I < Cmd.Args.size(); ++I)
          J.value(Cmd.Args[I]);
      });
    });
    OS << "\n";
  }
  Expected<int> transform(InputSet &In, const ArchInfo &Arch);
  Expected<LinkPlan> planOrReuse(InputSet &In, SectionGraph &G,
                                 const ArchInfo &Arch, const Allowlist &Allow,
                                 const PlanOptions &PO,
                                 const std::string &CacheDir,
                                 std::string &PlanPath, bool &Reused);
};

} // namespace

// Read the relocations of every object (they were left unread, in case an
// earlier pass's plan made them unnecessary) and give the graph its edges.
static Error loadAllRelocs(InputSet &In, SectionGraph &G) {
  for (InputObject &O : In.Objects)
    if (Error E = O.Elf->loadRelocs()) // a no-op where read already
      return E;
  // The graph was built before any of them (a leaf's too) was read.
  G.buildEdges();
  return Error::success();
}

// The plan of G: the one a previous pass of this build made, when its key
// matches (the kallsyms passes differ only in a data-only object), else a
// new one, stored for the next pass. PlanPath gets the cache entry's path.
// A reused plan needs no relocations but the leaves' (their shape is part
// of the key): everything else is read only to plan anew.
Expected<LinkPlan> Pipeline::planOrReuse(InputSet &In, SectionGraph &G,
                                         const ArchInfo &Arch,
                                         const Allowlist &Allow,
                                         const PlanOptions &PO,
                                         const std::string &CacheDir,
                                         std::string &PlanPath, bool &Reused) {
  auto PlanAnew = [&]() -> Expected<LinkPlan> {
    Timer.phase("relocs");
    if (Error E = loadAllRelocs(In, G))
      return std::move(E);
    Timer.phase("plan");
    return planLink(G, Arch, Allow, PO);
  };
  if (CacheDir == "off")
    return PlanAnew();
  for (uint32_t F = 0; F < In.Objects.size(); ++F)
    if (isLeafObject(G, Arch, F))
      if (Error E = In.Objects[F].Elf->loadRelocs())
        return std::move(E);
  PlanPath = CacheDir + "/" + planKey(G, Arch, Allow, PO, toolHash()) + ".plan";
  if (auto Buf = MemoryBuffer::getFile(PlanPath, false, false)) {
    auto P = deserializePlan((*Buf)->getBuffer(), G, Arch);
    if (P) {
      Reused = true;
      return P;
    }
    consumeError(P.takeError()); // damaged: plan anew, and replace it
  }
  auto P = PlanAnew();
  if (P && cacheable(*P) && !sys::fs::create_directories(CacheDir)) {
    std::string Data = serializePlan(*P);
    // A cache that cannot be written is simply not used.
    consumeError(writeFileAtomically(
        PlanPath, ArrayRef<char>(Data.data(), Data.size())));
  }
  return P;
}

Expected<int> Pipeline::transform(InputSet &In, const ArchInfo &Arch) {
  Timer.phase("graph");
  // Edges only where relocations were read: none yet (see planOrReuse).
  Graph = std::make_unique<SectionGraph>(In);
  SectionGraph &G = *Graph;

  Timer.phase("plan");
  PlanOptions PO;
  PO.Mode = Cmd.GcSections ? GcMode::Collect : GcMode::Retain;
  PO.Dispatch = Opts.Dispatch;
  PO.EntryRegex = Opts.EntryRegex;
  PO.RootSymbols = Cmd.Undefined;
  PO.RootSymbols.push_back(Cmd.Entry.value_or("_start"));
  PO.Normalize = Opts.Normalize == "yes" ||
                 (Opts.Normalize == "auto" && !Cmd.GcSections);
  PO.UnknownTablesAreErrors = Opts.UnknownTablesAreErrors;
  PO.AllowInlinedDispatch = Opts.AllowInlinedDispatch;
  for (const std::string &Script : Cmd.Scripts) {
    auto Text = MemoryBuffer::getFile(Script, /*IsText=*/true);
    if (!Text)
      return makeError("{0}: cannot read the linker script: {1}", Script,
                       Text.getError().message());
    auto Pats = parseDiscardPatterns((*Text)->getBuffer(), Script);
    if (!Pats)
      return Pats.takeError();
    for (const std::string &P : *Pats)
      if (Error E = PO.Discarded.add(P))
        return withContext(std::move(E), Script);
    // What the script names (jiffies = jiffies_64, PROVIDE, ASSERT, ...)
    // stays: lld would not find it otherwise.
    if (Error E = Placement.addScript((*Text)->getBuffer(), Script))
      return std::move(E);
    auto Names = scriptSymbolNames((*Text)->getBuffer(), Script);
    if (!Names)
      return Names.takeError();
    PO.RootSymbols.insert(PO.RootSymbols.end(), Names->begin(), Names->end());
  }
  {
    std::vector<std::string> W;
    if (findDispatch(G, Arch, PO, W).empty()) {
      if (!Opts.Dispatch.empty())
        return makeError("--sysgc-dispatch: none of {0} is defined in this "
                         "link (output {1})",
                         join(Opts.Dispatch, ", "), Cmd.Output);
      // Syscall entries without a dispatch sysgc knows: a kernel whose
      // dispatch is spelled differently. Never pass it through unshrunk.
      if (Opts.Allow)
        if (std::optional<std::string> Entry = findSyscallEntry(G, Arch)) {
          std::vector<std::string> Known;
          for (const AbiInfo &A : Arch.Abis)
            for (StringRef D : A.DispatchSymbols)
              Known.push_back((A.Name + ":" + D).str());
          return makeError(
              "{0}: this link defines syscall entry points ({1}, ...) but "
              "none of the dispatch symbols sysgc knows for {2} ({3}); name "
              "the dispatch with --sysgc-dispatch=[ABI:]SYMBOL",
              Cmd.Output, *Entry, Arch.Name, join(Known, ", "));
        }
      return -1; // not a kernel link
    }
  }
  if (Opts.Record)
    record();
  std::string CacheDir =
      !Opts.CacheDir.empty()
          ? Opts.CacheDir
          : (sys::path::parent_path(Cmd.Output).empty()
                 ? std::string(".sysgc-cache")
                 : (sys::path::parent_path(Cmd.Output) + "/.sysgc-cache")
                       .str());
  std::string PlanPath;
  ThePlan = std::make_unique<LinkPlan>();
  LinkPlan &Plan = *ThePlan;
  bool NormalizeOnly = !Opts.Allow;
  if (NormalizeOnly) {
    // --sysgc-normalize-sections=yes without an allowlist: the plain kernel,
    // with its function sections placed where a DCE script would.
    Plan.Arch = &Arch;
    Plan.Mode = PO.Mode;
    Plan.Discarded.resize(G.numNodes());
    planNormalize(G, Plan);
  } else {
    auto TextOrErr = MemoryBuffer::getFile(*Opts.Allow, /*IsText=*/true);
    if (!TextOrErr)
      return makeError("{0}: cannot read the allowlist: {1}", *Opts.Allow,
                       TextOrErr.getError().message());
    AllowlistOptions AO;
    AO.AllowUnknown = Opts.AllowUnknown;
    auto AllowOrErr =
        Allowlist::parse((*TextOrErr)->getBuffer(), *Opts.Allow, Arch, AO);
    if (!AllowOrErr)
      return AllowOrErr.takeError();
    for (const std::string &W : AllowOrErr->Warnings)
      errs() << W << "\n";
    bool Reused = false;
    auto PlanOrErr =
        planOrReuse(In, G, Arch, *AllowOrErr, PO, CacheDir, PlanPath, Reused);
    if (!PlanOrErr)
      return PlanOrErr.takeError();
    Plan = std::move(*PlanOrErr);
    if (Reused)
      Timer.relabel("plan-reused");
  }

  // Warnings are printed whatever --sysgc-quiet says, as lld's are.
  for (const std::string &W : Plan.Warnings)
    errs() << "sysgc-ld: warning: " << W << "\n";

  Timer.phase("rewrite");
  Temps.Keep = Opts.KeepTemps;
  // What a killed run left behind (never a live run's files).
  {
    std::vector<std::string> Dirs = {sys::path::parent_path(Cmd.Output).str()};
    if (CacheDir != "off")
      Dirs.push_back(CacheDir);
    if (Opts.Report)
      Dirs.push_back(sys::path::parent_path(*Opts.Report).str());
    removeStaleTemps(Dirs);
  }
  // Per object: its edits; the rewritten copies; the new command line.
  std::vector<ObjectEdits> Edits =
      editsFromPlan(G, Plan, coalescing(In) ? &Placement : nullptr);
  RewriteCache Cache(CacheDir);
  auto NewPathOrErr =
      writeRewrittenObjects(G, In, Edits, Cache, Temps, Cmd.Output);
  if (!NewPathOrErr)
    return NewPathOrErr.takeError();
  std::vector<std::string> NewPath = std::move(*NewPathOrErr);
  auto ArgsOrErr = rewriteInputArgs(Cmd, In, NewPath, Temps);
  if (!ArgsOrErr)
    return ArgsOrErr.takeError();
  std::vector<std::string> Args = std::move(*ArgsOrErr);
  std::string TmpOut = Temps.createForOutput(Cmd.Output);
  Args.push_back("-o");
  Args.push_back(TmpOut);

  Timer.phase("lld");
  int RC = runLld(Args, outs(), errs());
  NewPath.push_back(PlanPath);
  Cache.evict(NewPath);
  if (RC != 0)
    return RC;

  auto RenameIntoPlace = [&]() -> Error {
    return replaceFile(TmpOut, Cmd.Output);
  };
  // Only sections were renamed: nothing to verify.
  if (NormalizeOnly) {
    if (Error E = RenameIntoPlace())
      return std::move(E);
    return 0;
  }

  Timer.phase("verify");
  auto OutBuf = MemoryBuffer::getFile(TmpOut, false, false);
  if (!OutBuf)
    return makeError("{0}: cannot read lld's output: {1}", TmpOut,
                     OutBuf.getError().message());
  auto OutElf = ElfObject::create((*OutBuf)->getMemBufferRef(), Cmd.Output,
                                  /*WithRelocs=*/false);
  if (!OutElf)
    return OutElf.takeError();
  OutputElf = std::move(*OutElf);
  auto VerifyOrErr = verifyOutput(*OutputElf, G, Plan);
  if (!VerifyOrErr)
    return withContext(VerifyOrErr.takeError(), "verification failed");

  Timer.phase("report");
  ReportData RD;
  RD.Output = Cmd.Output;
  RD.AllowlistPath = *Opts.Allow;
  RD.Graph = &G;
  RD.Plan = &Plan;
  RD.Verify = *VerifyOrErr;
  RD.IncludeTimings = Opts.ReportTimings;
  RD.Timings = [&] {
    Timer.phase(""); // the report phase ends as its timings are written
    return Timer.Timings;
  };
  if (Opts.Report) {
    std::string Json;
    raw_string_ostream JS(Json);
    writeJsonReport(RD, JS);
    if (Error E = writeFileAtomically(
            *Opts.Report, ArrayRef<char>(Json.data(), Json.size())))
      return std::move(E);
  }
  OutBuf->reset();
  crashPointForTesting("rename");
  if (Error E = RenameIntoPlace())
    return std::move(E);
  if (!Opts.Quiet) {
    printSummary(RD, errs());
    if (Opts.Report)
      errs() << "sysgc-ld: report: " << *Opts.Report << "\n";
  }
  return 0;
}

int Pipeline::run(ArrayRef<const char *> Argv) {
  for (const char *A : Argv.drop_front())
    if (StringRef(A) == "--sysgc-help") {
      outs() << "usage: sysgc-ld [ld.lld options] [--sysgc-* options]\n\n"
             << sysgcOptionsHelp();
      return 0;
    }
  if (Error E = parseLinkCommand(Argv, processEnv, Cmd, Opts))
    return fail(std::move(E));
  if (!Opts.transformRequested() || Cmd.Relocatable || Cmd.InfoOnly)
    return passThrough(Argv);

  Timer.phase("read");
  // Relocations are read later, and only if needed (planOrReuse).
  auto InOrErr = InputSet::read(Cmd, /*WithRelocs=*/false);
  if (!InOrErr)
    return fail(InOrErr.takeError());
  Inputs = std::move(*InOrErr);
  const ArchInfo *Arch = getArch(Inputs->Machine);
  if (!Arch)
    return passThrough(Argv); // an architecture sysgc does not rewrite
  auto RC = transform(*Inputs, *Arch);
  if (!RC)
    return fail(RC.takeError());
  if (*RC == -1)
    return passThrough(Argv);
  return *RC;
}

// A closed pipe on stdout/stderr (make's output piped to head, an aborted
// CI log) kills with SIGPIPE, for which LLVM installs no clean-up: remove
// the temporaries first, then die of the signal as before.
static void onSigPipe(int Sig) {
  sys::RunInterruptHandlers();
  ::signal(Sig, SIG_DFL);
  ::raise(Sig);
}

int sysgc::sysgcLdMain(ArrayRef<const char *> Argv, bool FastExit) {
  ::signal(SIGPIPE, onSigPipe);
  initLld();
  auto P = std::make_unique<Pipeline>();
  int RC = P->run(Argv);
  P->Temps.removeAll();
  if (FastExit)
    (void)P.release(); // the OS takes it back at exit, all at once
  return RC;
}
