//===- SysgcLd.cpp - The sysgc-ld pipeline --------------------------------===//
//
// One link, in order, each step a method of Pipeline:
//   read -> graph -> kernel? -> plan -> rewrite -> link -> verify -> report
// A link that is not a kernel link (no allowlist, -r, no dispatch) goes to
// lld untouched. The output is written to a temporary next to the real one
// (TempFiles) and only replaces it, by rename, once verified.
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
#include "llvm/ADT/StringSwitch.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>
#include <csignal>
#include <set>
#include <unistd.h>

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
bool ordersSections(const LinkCommand &Cmd) {
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

// "riscv64", "aarch64": how an ELF machine is called in messages.
std::string machineName(uint16_t Machine) {
  switch (Machine) {
  case ELF::EM_X86_64: return "x86_64";
  case ELF::EM_386: return "i386";
  case ELF::EM_AARCH64: return "aarch64";
  case ELF::EM_ARM: return "arm";
  case ELF::EM_RISCV: return "riscv";
  case ELF::EM_PPC64: return "ppc64";
  case ELF::EM_PPC: return "ppc";
  case ELF::EM_MIPS: return "mips";
  case ELF::EM_S390: return "s390";
  case ELF::EM_LOONGARCH: return "loongarch";
  default: return ("ELF machine " + Twine(Machine)).str();
  }
}

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
  std::unique_ptr<MemoryBuffer> OutputBuf;
  /// Where lld may place which sections, from the scripts.
  SectionPlacement Placement;
  /// Where plans and rewritten objects are kept, or "off".
  std::string CacheDir;
  std::string PlanPath;

  int run(ArrayRef<const char *> Argv);

  // The steps of a transformed link, in order.
  Expected<std::optional<KernelLink>> findKernel();
  Expected<PlanOptions> planOptions();
  Expected<LinkPlan> plan(const KernelLink &K, const PlanOptions &PO);
  Expected<std::string> rewriteAndLink(const LinkPlan &Plan);
  Expected<VerifyResult> verify(const std::string &TmpOut,
                                const LinkPlan &Plan);
  Error report(const LinkPlan &Plan, const VerifyResult &V);
  Expected<int> transform(const KernelLink &K);

  Expected<LinkPlan> planOrReuse(const ArchInfo &Arch, const Allowlist &Allow,
                                 const PlanOptions &PO,
                                 std::vector<DispatchSite> Sites,
                                 bool &Reused);
  /// May sections be joined (ObjectEdits::Coalesce)? Not if asked not to,
  /// if lld orders sections by other means than their place, or if an
  /// input is a script sysgc has not read (lld takes a non-ELF input file
  /// as a script).
  bool coalescing() const {
    if (!Opts.Coalesce || ordersSections(Cmd))
      return false;
    return llvm::none_of(Inputs->Files, [](const InputFileInfo &F) {
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
};

} // namespace

namespace {
// Read the relocations of every object (they were left unread, in case an
// earlier pass's plan made them unnecessary) and give the graph its edges.
Error loadAllRelocs(InputSet &In, SectionGraph &G) {
  for (InputObject &O : In.Objects)
    if (Error E = O.Elf->loadRelocs()) // a no-op where read already
      return E;
  // The graph was built before any of them (a leaf's too) was read.
  G.buildEdges();
  return Error::success();
}

} // namespace

// The plan of G: the one a previous pass of this build made, when its key
// matches (the kallsyms passes differ only in a data-only object), else a
// new one, stored for the next pass. PlanPath gets the cache entry's path.
// A reused plan needs no relocations but the leaves' (their shape is part
// of the key): everything else is read only to plan anew.
Expected<LinkPlan> Pipeline::planOrReuse(const ArchInfo &Arch,
                                         const Allowlist &Allow,
                                         const PlanOptions &PO,
                                         std::vector<DispatchSite> Sites,
                                         bool &Reused) {
  InputSet &In = *Inputs;
  SectionGraph &G = *Graph;
  auto PlanAnew = [&]() -> Expected<LinkPlan> {
    Timer.phase("relocs");
    if (Error E = loadAllRelocs(In, G))
      return std::move(E);
    Timer.phase("plan");
    return planLink(G, Arch, Allow, PO, std::move(Sites));
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

// Is this a kernel link sysgc transforms? Decided once, from the graph:
// an architecture sysgc knows and the dispatch symbols it defines (or those
// --sysgc-dispatch names). A link that asks for a shrink but cannot get one
// -- a kernel of an architecture sysgc does not know, a kernel whose
// dispatch sysgc cannot find -- is an error, never a silent pass-through;
// every other link (modules, the vDSO, boot code: SYSGC_ALLOW is set for a
// whole Kbuild run) is nullopt and goes to lld as it is.
Expected<std::optional<KernelLink>> Pipeline::findKernel() {
  return sysgc::findKernel(Cmd, Opts, *Inputs, *Graph);
}

Expected<std::optional<KernelLink>>
sysgc::findKernel(const LinkCommand &Cmd, const SysgcOptions &Opts,
                  const InputSet &In, const SectionGraph &G) {
  const InputSet *Inputs = &In;
  const SectionGraph *Graph = &G;
  const ArchInfo *Arch =
      getArch(Inputs->Machine, Inputs->Objects.empty()
                                   ? std::nullopt
                                   : std::optional<bool>(
                                         Inputs->Objects.front().Elf->Is64));
  if (!Arch) {
    if (!Opts.Allow)
      return std::nullopt;
    // The dispatch names of every architecture sysgc knows, and the user's.
    std::vector<std::string> Names = {"sys_call_table"};
    for (const ArchInfo *A : allArchs())
      for (const AbiInfo &Abi : A->Abis)
        for (StringRef D : Abi.DispatchSymbols)
          Names.push_back(D.str());
    for (StringRef D : Opts.Dispatch)
      Names.push_back(D.rsplit(':').second.empty() ? D.str()
                                                   : D.rsplit(':').second.str());
    for (const std::string &N : Names)
      if (Graph->sectionOf(Graph->lookup(N)) != NoNode) {
        std::vector<std::string> Known;
        for (const ArchInfo *A : allArchs())
          Known.push_back(A->Name.str());
        return makeError(
            "{0}: this {1} link defines {2}, a syscall dispatch, and an "
            "allowlist was given, but sysgc-ld cannot shrink {1} kernels "
            "(it supports {3}); nothing was linked. Build this kernel without "
            "SYSGC_ALLOW / --sysgc-allow to get it unshrunk",
            Cmd.Output, machineName(Inputs->Machine), N, join(Known, ", "));
      }
    return std::nullopt;
  }
  KernelLink K;
  K.Arch = Arch;
  PlanOptions PO;
  PO.Dispatch = Opts.Dispatch;
  auto Sites = findDispatch(*Graph, *Arch, PO, K.Warnings);
  if (!Sites)
    return withContext(Sites.takeError(), Cmd.Output);
  if (Sites->empty()) {
    // Syscall entries without a dispatch sysgc knows: a kernel whose
    // dispatch is spelled differently. Never pass it through unshrunk.
    if (Opts.Allow)
      if (std::optional<std::string> Entry =
              findSyscallEntry(*Graph, *Arch, Opts.EntryRegex)) {
        std::vector<std::string> Known;
        for (const AbiInfo &A : Arch->Abis)
          for (StringRef D : A.DispatchSymbols)
            Known.push_back((A.Name + ":" + D).str());
        return makeError(
            "{0}: this link defines syscall entry points ({1}, ...) but "
            "none of the dispatch symbols sysgc knows for {2} ({3}); name "
            "the dispatch with --sysgc-dispatch=[ABI:]SYMBOL",
            Cmd.Output, *Entry, Arch->Name, join(Known, ", "));
      }
    return std::nullopt; // not a kernel link
  }
  K.Dispatch = std::move(*Sites);
  return std::move(K);
}

// The planner's options: sysgc's and what the link itself says (its
// --gc-sections, entry and -u symbols, and its linker scripts' /DISCARD/
// patterns and symbol names). The scripts also give Placement.
Expected<PlanOptions> Pipeline::planOptions() {
  return sysgc::planOptions(Cmd, Opts, &Placement);
}

Expected<PlanOptions> sysgc::planOptions(const LinkCommand &Cmd,
                                         const SysgcOptions &Opts,
                                         SectionPlacement *Placement) {
  PlanOptions PO;
  PO.Mode = Cmd.GcSections ? GcMode::Collect : GcMode::Retain;
  PO.Dispatch = Opts.Dispatch;
  PO.EntryRegex = Opts.EntryRegex;
  PO.RootSymbols = Cmd.Undefined;
  PO.RootSymbols.push_back(Cmd.Entry.value_or("_start"));
  PO.Normalize = Opts.Normalize == "yes" ||
                 (Opts.Normalize == "auto" && !Cmd.GcSections);
  PO.Full = Opts.Gc == "full";
  PO.UnknownTablesAreErrors = Opts.UnknownTables == "error";
  PO.AllowInlinedDispatch = Opts.AllowInlinedDispatch;
  PO.AcceptNoEntries = Opts.AcceptNoEntries;
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
    if (Placement)
      if (Error E = Placement->addScript((*Text)->getBuffer(), Script))
        return std::move(E);
    // What it KEEPs or names: the roots of whole-kernel collection (read
    // whatever the mode: sysgc cost and why may ask for full mode).
    {
      auto Roots = parseScriptRoots((*Text)->getBuffer(), Script);
      if (!Roots)
        return Roots.takeError();
      for (const std::string &P : Roots->Kept)
        if (Error E = PO.ScriptKept.add(P))
          return withContext(std::move(E), Script);
      for (const std::string &P : Roots->Named)
        if (Error E = PO.ScriptNamed.add(P))
          return withContext(std::move(E), Script);
    }
    // What the script names (jiffies = jiffies_64, PROVIDE, ASSERT, ...)
    // stays: lld would not find it otherwise.
    auto Names = scriptSymbolNames((*Text)->getBuffer(), Script);
    if (!Names)
      return Names.takeError();
    PO.RootSymbols.insert(PO.RootSymbols.end(), Names->begin(), Names->end());
  }
  return PO;
}

// The plan: with an allowlist, what to retarget, split and drop (reused
// from an earlier kallsyms pass when its key matches); without one
// (--sysgc-normalize-sections=yes alone), only the renames.
Expected<LinkPlan> Pipeline::plan(const KernelLink &K, const PlanOptions &PO) {
  SectionGraph &G = *Graph;
  if (!Opts.Allow && !PO.Full) {
    LinkPlan Plan;
    Plan.Arch = K.Arch;
    Plan.Mode = PO.Mode;
    Plan.Discarded.resize(G.numNodes());
    planNormalize(G, Plan);
    return Plan;
  }
  // Whole-kernel collection without an allowlist keeps every syscall.
  Allowlist Allow = Allowlist::everything(*K.Arch);
  if (Opts.Allow) {
    auto TextOrErr = MemoryBuffer::getFile(*Opts.Allow, /*IsText=*/true);
    if (!TextOrErr)
      return makeError("{0}: cannot read the allowlist: {1}", *Opts.Allow,
                       TextOrErr.getError().message());
    AllowlistOptions AO;
    AO.AllowUnknown = Opts.AllowUnknown;
    auto AllowOrErr =
        Allowlist::parse((*TextOrErr)->getBuffer(), *Opts.Allow, *K.Arch, AO);
    if (!AllowOrErr)
      return AllowOrErr.takeError();
    Allow = std::move(*AllowOrErr);
    // Judged against the ABIs this link dispatches, each once.
    std::vector<std::string> Abis;
    for (const DispatchSite &D : K.Dispatch)
      Abis.push_back(D.Abi);
    for (const std::string &W : Allow.Warnings)
      errs() << W << "\n";
    for (const std::string &W :
         Allow.bootCriticalWarnings(*Opts.Allow, *K.Arch, Abis))
      errs() << W << "\n";
  }
  bool Reused = false;
  auto P = planOrReuse(*K.Arch, Allow, PO, K.Dispatch, Reused);
  if (P && Reused)
    Timer.relabel("plan-reused");
  if (P)
    P->Warnings.insert(P->Warnings.begin(), K.Warnings.begin(),
                       K.Warnings.end());
  return P;
}

// Write each changed object (into the cache, or next to the output) and
// run lld on the new command line, its output a temporary next to the
// real one. Returns the temporary's path.
Expected<std::string> Pipeline::rewriteAndLink(const LinkPlan &Plan) {
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
  std::vector<ObjectEdits> Edits =
      editsFromPlan(*Graph, Plan, coalescing() ? &Placement : nullptr);
  RewriteCache Cache(CacheDir);
  auto NewPathOrErr =
      writeRewrittenObjects(*Graph, *Inputs, Edits, Cache, Temps, Cmd.Output);
  if (!NewPathOrErr)
    return NewPathOrErr.takeError();
  std::vector<std::string> NewPath = std::move(*NewPathOrErr);
  auto ArgsOrErr = rewriteInputArgs(Cmd, *Inputs, NewPath, Temps);
  if (!ArgsOrErr)
    return ArgsOrErr.takeError();
  std::vector<std::string> Args = std::move(*ArgsOrErr);
  std::string TmpOut = Temps.createForOutput(Cmd.Output);
  Args.push_back("-o");
  Args.push_back(TmpOut);

  Timer.phase("lld");
  int RC = runLldContained(Args, outs(), errs(), Inputs->lldInputs(NewPath));
  NewPath.push_back(PlanPath);
  Cache.evict(NewPath);
  if (RC != 0)
    return makeError("{0}: lld failed (exit code {1}); nothing was written",
                     Cmd.Output, RC);
  return TmpOut;
}

// Read lld's output back and check every promise of the plan.
Expected<VerifyResult> Pipeline::verify(const std::string &TmpOut,
                                        const LinkPlan &Plan) {
  Timer.phase("verify");
  auto OutBuf = MemoryBuffer::getFile(TmpOut, false, false);
  if (!OutBuf)
    return makeError("{0}: cannot read lld's output: {1}", TmpOut,
                     OutBuf.getError().message());
  OutputBuf = std::move(*OutBuf);
  auto OutElf = ElfObject::create(OutputBuf->getMemBufferRef(), Cmd.Output,
                                  /*WithRelocs=*/false);
  if (!OutElf)
    return OutElf.takeError();
  OutputElf = std::move(*OutElf);
  auto V = verifyOutput(*OutputElf, *Graph, Plan);
  if (!V)
    return withContext(V.takeError(), "verification failed");
  return V;
}

// The JSON report (--sysgc-report), written atomically.
Error Pipeline::report(const LinkPlan &Plan, const VerifyResult &V) {
  Timer.phase("report");
  if (!Opts.Report)
    return Error::success();
  ReportData RD;
  RD.Output = Cmd.Output;
  RD.AllowlistPath = Opts.Allow.value_or("");
  RD.Graph = Graph.get();
  RD.Plan = &Plan;
  RD.Verify = V;
  RD.IncludeTimings = Opts.ReportTimings;
  RD.Timings = [&] {
    Timer.phase(""); // the report phase ends as its timings are written
    return Timer.Timings;
  };
  std::string Json;
  raw_string_ostream JS(Json);
  writeJsonReport(RD, JS);
  return writeFileAtomically(*Opts.Report,
                             ArrayRef<char>(Json.data(), Json.size()));
}

Expected<int> Pipeline::transform(const KernelLink &K) {
  Timer.phase("plan");
  auto PO = planOptions();
  if (!PO)
    return PO.takeError();
  if (Opts.Record)
    record();
  CacheDir = !Opts.CacheDir.empty()
                 ? Opts.CacheDir
                 : (sys::path::parent_path(Cmd.Output).empty()
                        ? std::string(".sysgc-cache")
                        : (sys::path::parent_path(Cmd.Output) + "/.sysgc-cache")
                              .str());
  auto PlanOrErr = plan(K, *PO);
  if (!PlanOrErr)
    return PlanOrErr.takeError();
  ThePlan = std::make_unique<LinkPlan>(std::move(*PlanOrErr));
  const LinkPlan &Plan = *ThePlan;
  // Warnings are printed whatever --sysgc-quiet says, as lld's are.
  for (const std::string &W : Plan.Warnings)
    errs() << "sysgc-ld: warning: " << W << "\n";

  auto TmpOut = rewriteAndLink(Plan);
  if (!TmpOut)
    return TmpOut.takeError();
  if (!Opts.Allow && !Plan.Full) { // only renames: nothing to verify
    if (Error E = replaceFile(*TmpOut, Cmd.Output))
      return std::move(E);
    return 0;
  }

  auto V = verify(*TmpOut, Plan);
  if (!V)
    return V.takeError();
  if (Error E = report(Plan, *V))
    return std::move(E);
  OutputBuf.reset();
  crashPointForTesting("rename");
  if (Error E = replaceFile(*TmpOut, Cmd.Output))
    return std::move(E);
  if (!Opts.Quiet) {
    ReportData RD;
    RD.Graph = Graph.get();
    RD.Plan = &Plan;
    RD.Verify = *V;
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

  Timer.phase("graph");
  // Edges only where relocations were read: none yet (see planOrReuse).
  Graph = std::make_unique<SectionGraph>(*Inputs);
  auto K = findKernel();
  if (!K)
    return fail(K.takeError());
  if (!*K)
    return passThrough(Argv);
  auto RC = transform(**K);
  if (!RC)
    return fail(RC.takeError());
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
