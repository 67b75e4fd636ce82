//===- Scan.cpp - Run the scanner over programs or a root filesystem ------===//
//
// The driver: find the programs, load each one's modules as the dynamic
// loader would (interpreter, then DT_NEEDED breadth-first, resolved inside
// the root, and the NSS modules glibc dlopens), summarise each module once
// per build-id, compute reachability
// and resolve syscall numbers per program, and unite the results.
// Programs are scanned on --threads worker threads (each summary is made
// once, by the first program that needs it; the others wait for it), and
// their results are united in the programs' order, so the output does not
// depend on the schedule. A module's own summary is made on every core too
// (Summary.cpp), so one big library does not leave a core idle.
// SYSGC_SCAN_DEBUG=1 lists every module's functions on stderr (=2: with
// their call and syscall sites); it scans one program at a time.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/Scan.h"
#include "sysgc/Scan/RootFs.h"
#include "sysgc/Scan/ScanTarget.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Parallel.h"
#include "llvm/Support/Path.h"
#include <atomic>
#include <condition_variable>
#include <future>
#include <optional>
#include <mutex>
#include <set>
#include <thread>

using namespace sysgc;
using namespace llvm;

namespace {
/// A summary in the cache: made once, by the first program that asks for
/// it; the others wait for Ready. S is null and Err says why if it failed.
struct CachedSummary {
  std::promise<void> Made;
  std::shared_future<void> Ready = Made.get_future().share();
  std::shared_ptr<ModuleSummary> S;
  std::string Err;
  uint64_t LastUse = 0; // the index of the last program that used it
};

/// What one program contributes, united in the programs' order.
struct ProgramOutcome {
  std::optional<std::string> Err; // the program could not be scanned
  bool Scanned = false;
  ProgramResult PR;
  ProgramSyscalls S;
};

class Scanner {
public:
  Scanner(const ScanOptions &O) : Opts(O), Root(O.Root.empty() ? "/" : O.Root) {}
  Expected<ScanResult> run();

private:
  /// The summary of the module at HostPath (cached by path and build-id),
  /// used by program Use.
  Expected<std::shared_ptr<ModuleSummary>> module(const std::string &HostPath,
                                                  uint64_t Use);
  Expected<ScanTarget *> target(const ArchInfo &A);
  /// Scan program Index (at HostPath) into O; thread-safe.
  void scanProgram(const std::string &HostPath, uint64_t Index, ProgramOutcome &O);
  /// Add O's results to Result (in the programs' order).
  void unite(ProgramOutcome &O);

  const ScanOptions &Opts;
  RootFs Root;
  ScanResult Result;
  /// Guards the cache, the targets and the counters below.
  std::mutex Mu;
  std::map<std::string, std::shared_ptr<CachedSummary>> ByPath, ByBuildId;
  /// How many functions the cache may hold: a whole root's libraries do
  /// not all fit in memory (a few KB per function: libLLVM alone is a GB),
  /// so the least recently used go once the cache passes it; libc, used by
  /// every program, stays. Summaries a program in flight holds stay alive
  /// until it is done. Measured on the 649 programs of a Debian /usr/bin
  /// (2 threads): 400,000 functions 171 s, 2.40 GB peak; 150,000 168 s,
  /// 1.78 GB; 60,000 189 s, 1.61 GB (630 summaries made again).
  static constexpr size_t MaxCachedFunctions = 150000;
  void evict(uint64_t Current);
  std::map<const ArchInfo *, std::unique_ptr<ScanTarget>> Targets;
  std::set<std::pair<std::string, uint64_t>> SeenUnresolved, SeenNotInTable;
};
} // namespace

Expected<ScanTarget *> Scanner::target(const ArchInfo &A) {
  std::lock_guard<std::mutex> L(Mu);
  auto It = Targets.find(&A);
  if (It != Targets.end())
    return It->second.get();
  auto T = ScanTarget::create(A);
  if (!T)
    return T.takeError();
  return (Targets[&A] = std::move(*T)).get();
}

// Wait for a cached summary; note the use.
static Expected<std::shared_ptr<ModuleSummary>>
await(std::mutex &Mu, const std::shared_ptr<CachedSummary> &C, uint64_t Use) {
  C->Ready.wait();
  if (!C->S)
    return makeError("{0}", C->Err);
  std::lock_guard<std::mutex> L(Mu);
  C->LastUse = std::max(C->LastUse, Use);
  return C->S;
}

Expected<std::shared_ptr<ModuleSummary>>
Scanner::module(const std::string &HostPath, uint64_t Use) {
  // The program that adds the entry makes the summary; any other waits.
  std::shared_ptr<CachedSummary> C;
  bool Make = false;
  {
    std::lock_guard<std::mutex> L(Mu);
    auto It = ByPath.find(HostPath);
    if (It != ByPath.end()) {
      C = It->second;
    } else {
      ByPath[HostPath] = C = std::make_shared<CachedSummary>();
      Make = true;
    }
  }
  if (!Make)
    return await(Mu, C, Use);
  auto Publish = [&](Expected<std::shared_ptr<ModuleSummary>> S)
      -> Expected<std::shared_ptr<ModuleSummary>> {
    std::lock_guard<std::mutex> L(Mu);
    C->LastUse = Use;
    if (S)
      C->S = *S;
    else
      C->Err = toString(S.takeError());
    C->Made.set_value();
    if (!C->S)
      return makeError("{0}", C->Err);
    return C->S;
  };
  auto I = ScanImage::readFile(HostPath);
  if (!I)
    return Publish(I.takeError());
  std::shared_ptr<ScanImage> Img = std::move(*I);
  if (!Img->BuildId.empty()) {
    std::shared_ptr<CachedSummary> Same;
    {
      std::lock_guard<std::mutex> L(Mu);
      auto B = ByBuildId.find(Img->BuildId);
      if (B != ByBuildId.end())
        Same = B->second;
      else
        ByBuildId[Img->BuildId] = C;
    }
    if (Same) {
      auto S = await(Mu, Same, Use);
      if (S) {
        std::lock_guard<std::mutex> L(Mu);
        ++Result.SummariesReused;
      }
      return Publish(std::move(S));
    }
  }
  auto T = target(*Img->Arch);
  if (!T)
    return Publish(withContext(T.takeError(), HostPath));
  auto S = summarizeModule(Img, **T);
  if (S) {
    std::lock_guard<std::mutex> L(Mu);
    ++Result.ModulesSummarised;
  }
  return Publish(std::move(S));
}

void Scanner::evict(uint64_t Current) {
  std::lock_guard<std::mutex> L(Mu);
  std::map<const CachedSummary *, std::shared_ptr<CachedSummary>> Made;
  for (auto *Map : {&ByPath, &ByBuildId})
    for (auto &[K, C] : *Map)
      if (C->S)
        Made[C.get()] = C;
  size_t Total = 0;
  for (auto &[P, C] : Made)
    Total += C->S->Funcs.size();
  while (Total > MaxCachedFunctions) {
    // The least recently used summary no later program has used (one
    // still being made or failed is not counted).
    auto Oldest = Made.end();
    for (auto It = Made.begin(); It != Made.end(); ++It)
      if (It->second->LastUse < Current &&
          (Oldest == Made.end() || It->second->LastUse < Oldest->second->LastUse))
        Oldest = It;
    if (Oldest == Made.end())
      return;
    const CachedSummary *M = Oldest->first;
    Total -= Oldest->second->S->Funcs.size();
    Made.erase(Oldest);
    for (auto *Map : {&ByPath, &ByBuildId})
      for (auto It = Map->begin(); It != Map->end();)
        It = It->second.get() == M ? Map->erase(It) : std::next(It);
  }
}

void Scanner::scanProgram(const std::string &HostPath, uint64_t Index,
                          ProgramOutcome &Out) {
  Error E = [&]() -> Error {
  // Program indices start at 1: 0 is "never used".
  uint64_t Use = Index + 1;
  evict(Use);
  auto Exe = module(HostPath, Use);
  if (!Exe)
    return Exe.takeError();
  const ScanImage &EI = *(*Exe)->Image;
  Program P;
  P.Path = Root.inside(HostPath);
  P.Mods.push_back(*Exe);
  std::set<std::string> Loaded{HostPath};
  auto Load = [&](const std::string &H) -> Error {
    if (!Loaded.insert(H).second)
      return Error::success();
    auto M = module(H, Use);
    if (!M)
      return M.takeError();
    P.Mods.push_back(*M);
    return Error::success();
  };
  // The loader's order: the executable, its DT_NEEDED breadth-first, then
  // each library's; the interpreter is in the list (libc needs it).
  for (size_t K = 0; K < P.Mods.size(); ++K) {
    const ScanImage &I = *P.Mods[K]->Image;
    for (const std::string &N : I.Needed) {
      // A library already loaded under that soname is reused, as ld.so
      // does (DT_RUNPATH is not inherited: libsystemd-core finds
      // libsystemd-shared only because the program loaded it).
      if (llvm::any_of(P.Mods, [&](const std::shared_ptr<ModuleSummary> &M) {
            return M->Image->SoName == N;
          }))
        continue;
      std::optional<std::string> H = Root.findLibrary(N, I, EI);
      if (!H) {
        if (!llvm::is_contained(P.Missing, N))
          P.Missing.push_back(N);
        continue;
      }
      if (Error E = Load(*H))
        return E;
    }
  }
  // glibc dlopens the NSS services nsswitch.conf names (libnss_SERVICE.so.2,
  // with their own DT_NEEDED) when a program looks up users, groups, hosts
  // or services: when some module imports one of those functions.
  static const char *const NssUsers[] = {
      "getpw", "getgr", "getsp", "getaddrinfo", "getnameinfo", "gethostby",
      "gethostent", "getnet", "getproto", "getserv", "getrpc", "initgroups",
      "getgrouplist", "innetgr", "setnetgrent", "getnetgrent", "ether_",
      "setpwent", "setgrent", "setspent", "setservent", "sethostent",
      "getlogin", "cuserid", "rcmd", "rexec", "ruserok"};
  bool UsesNss = llvm::any_of(P.Mods, [](const auto &M) {
    return M->Image->SoName != "libc.so.6" &&
           llvm::any_of(M->Image->Imports, [](StringRef N) {
             return llvm::any_of(NssUsers, [&](const char *U) {
               return N.starts_with(U);
             });
           });
  });
  if (UsesNss && llvm::any_of(P.Mods, [](const std::shared_ptr<ModuleSummary> &M) {
        return M->Image->SoName == "libc.so.6";
      })) {
    const ScanImage &Libc = *llvm::find_if(P.Mods, [](const auto &M) {
      return M->Image->SoName == "libc.so.6";
    })->get()->Image;
    for (const std::string &Svc : Root.nssServices()) {
      std::string Name = "libnss_" + Svc + ".so.2";
      std::optional<std::string> H = Root.findLibrary(Name, Libc, EI);
      if (!H || Loaded.count(*H))
        continue; // a service without a module (dns and files are in libc)
      size_t Before = P.Mods.size();
      if (Error E = Load(*H))
        return E;
      P.Dlopened.insert(Before);
      for (size_t K = Before; K < P.Mods.size(); ++K) {
        const ScanImage &I = *P.Mods[K]->Image;
        for (const std::string &N : I.Needed) {
          if (llvm::any_of(P.Mods, [&](const auto &M) {
                return M->Image->SoName == N;
              }))
            continue;
          if (std::optional<std::string> L = Root.findLibrary(N, I, EI)) {
            if (Error E = Load(*L))
              return E;
          } else if (!llvm::is_contained(P.Missing, N)) {
            P.Missing.push_back(N);
          }
        }
      }
    }
  }
  if (!EI.Interp.empty()) {
    std::optional<std::string> H = Root.resolve(EI.Interp);
    if (!H) {
      P.Missing.push_back(EI.Interp);
    } else {
      if (Error E = Load(*H))
        return E;
      for (uint32_t K = 0; K < P.Mods.size(); ++K)
        if (P.Mods[K]->Image->Path == *H)
          P.Interp = K;
    }
  }
  auto T = target(*EI.Arch);
  if (!T)
    return T.takeError();
  Reachability R = computeReachability(P);
  if (getenv("SYSGC_SCAN_DEBUG"))
    for (uint32_t M = 0; M < P.Mods.size(); ++M) {
      const ScanImage &I = *P.Mods[M]->Image;
      errs() << formatv("module {0}: {1} starts, {2} data pointers, {3} "
                        "init/fini, {4} ifunc, {5} imports\n",
                        I.Path, I.Starts.size(), I.DataPointers.size(),
                        I.InitFini.size(), I.IfuncResolvers.size(),
                        I.Imports.size());
      for (uint32_t F = 0; F < P.Mods[M]->Funcs.size(); ++F) {
        const ModuleFunction &MF = P.Mods[M]->Funcs[F];
        errs() << formatv("  {0:x}-{1:x} {2} {3} sys={4} calls={5} taken={6} undec={7}{8}\n",
                          MF.S.Begin, MF.S.End, MF.Name,
                          R.Reachable.count({M, F}) ? "R" : "-",
                          MF.S.Syscalls.size(), MF.S.Calls.size(),
                          MF.S.AddressTaken.size(), MF.S.Undecodable,
                          MF.S.Thumb ? " thumb" : "");
        if (StringRef(getenv("SYSGC_SCAN_DEBUG")) == "2") {
          for (const CallSite &C : MF.S.Calls) {
            errs() << formatv("    call {0:x} k={1} tail={2} -> {3:x}", C.Addr,
                              int(C.K), C.Tail, C.Target);
            for (const auto &[K, V] : C.Known)
              if (V.K == Value::Const)
                errs() << " " << (*T)->regName(K) << "=" << V.C;
            errs() << "\n";
          }
          for (const SyscallSite &Y : MF.S.Syscalls)
            errs() << formatv("    sys {0:x} kind={1} id={2} c={3}\n", Y.Addr,
                              int(Y.Nr.K), Y.Nr.Id, Y.Nr.C);
        }
      }
    }
  ProgramSyscalls &S = Out.S;
  S = resolveSyscalls(P, R, **T);

  ProgramResult &PR = Out.PR;
  PR.Path = P.Path;
  for (const auto &M : P.Mods) {
    PR.Modules.push_back(M->Image->Path);
    PR.Functions += M->Funcs.size();
  }
  PR.Missing = P.Missing;
  PR.ReachableFunctions = R.Reachable.size();
  for (auto &[K, Provs] : S.Syscalls)
    PR.Syscalls.insert(K);
  PR.Unresolved = S.Unresolved;
  if (Opts.Naive) {
    ProgramSyscalls N = resolveSyscalls(P, computeReachability(P, true), **T);
    for (auto &[K, V] : N.Syscalls)
      PR.NaiveSyscalls.insert(K);
  }
  Out.Scanned = true;
  return Error::success();
  }();
  if (E)
    Out.Err = toString(std::move(E));
}

void Scanner::unite(ProgramOutcome &O) {
  const std::string &Path = O.PR.Path;
  for (auto &[K, Provs] : O.S.Syscalls) {
    auto &U = Result.Syscalls[K];
    if (U.size() < 8)
      for (const Provenance &Pv : Provs)
        if (U.size() < 8)
          U.push_back({Path, Pv});
  }
  for (const SiteReport &U : O.S.Unresolved)
    if (SeenUnresolved.insert({U.Module, U.Addr}).second)
      Result.Unresolved.push_back({Path, U});
  for (const SiteReport &U : O.S.NotInTable)
    if (SeenNotInTable.insert({U.Module, U.Addr}).second)
      Result.NotInTable.push_back({Path, U});
  Result.Programs.push_back(std::move(O.PR));
  O.S = ProgramSyscalls();
}

Expected<ScanResult> Scanner::run() {
  std::vector<std::string> Hosts;
  bool HasRoot = !Opts.Root.empty();
  if (HasRoot && !sys::fs::is_directory(Opts.Root))
    return makeError("--root {0}: not a directory", Opts.Root);
  if (Opts.Binaries.empty()) {
    if (!HasRoot)
      return makeError("nothing to scan: name programs, or a root with --root");
    Hosts = Root.executables();
  } else {
    for (const std::string &B : Opts.Binaries) {
      if (!HasRoot) {
        Hosts.push_back(B);
        continue;
      }
      std::optional<std::string> H =
          Root.resolve(B.starts_with("/") ? B : "/" + B);
      if (!H)
        return makeError("{0}: not found inside the root {1}", B, Opts.Root);
      Hosts.push_back(*H);
    }
  }
  Result.Arch = Opts.Arch;
  bool Explicit = !Opts.Binaries.empty();
  // The programs, in order, and the notes that come before each (a file
  // skipped is noted where the sequential scan noted it).
  struct Job {
    std::string Host;
    std::vector<std::string> NotesBefore;
  };
  std::vector<Job> Jobs;
  std::vector<std::string> Pending;
  for (const std::string &H : Hosts) {
    // Programs only: a library with an execute bit is scanned as a
    // dependency, not as a root.
    auto M = ScanImage::readFile(H);
    if (!M) {
      if (Explicit)
        return M.takeError();
      Pending.push_back(toString(M.takeError()));
      continue;
    }
    const ScanImage &I = **M;
    if (!Explicit && !I.IsExec)
      continue;
    if (!Result.Arch)
      Result.Arch = I.Arch;
    if (I.Arch != Result.Arch) {
      std::string Msg = formatv("{0}: {1} code, not {2}: skipped", H,
                                I.Arch->Name, Result.Arch->Name);
      if (Explicit)
        return makeError("{0}; scan one architecture at a time (--arch)", Msg);
      Pending.push_back(Msg);
      continue;
    }
    Jobs.push_back({H, std::move(Pending)});
    Pending.clear();
  }
  // Scan on the worker threads, each taking the next program; unite in
  // order as soon as the next program in order is done.
  std::vector<ProgramOutcome> Outcomes(Jobs.size());
  std::vector<char> Done(Jobs.size(), 0);
  std::atomic<size_t> Next{0};
  std::mutex DoneMu;
  std::condition_variable DoneCv;
  unsigned Workers = std::min<size_t>(
      getenv("SYSGC_SCAN_DEBUG") ? 1 : parallel::strategy.compute_thread_count(),
      Jobs.size());
  auto Work = [&] {
    for (size_t K; (K = Next++) < Jobs.size();) {
      scanProgram(Jobs[K].Host, K, Outcomes[K]);
      std::lock_guard<std::mutex> L(DoneMu);
      Done[K] = 1;
      DoneCv.notify_all();
    }
  };
  std::vector<std::thread> Threads;
  for (unsigned W = 1; W < Workers; ++W)
    Threads.emplace_back(Work);
  std::thread Uniter;
  std::optional<std::string> First;
  auto Unite = [&] {
    for (size_t K = 0; K < Jobs.size(); ++K) {
      {
        std::unique_lock<std::mutex> L(DoneMu);
        DoneCv.wait(L, [&] { return Done[K] != 0; });
      }
      llvm::append_range(Result.Notes, Jobs[K].NotesBefore);
      ProgramOutcome &O = Outcomes[K];
      if (O.Err) {
        if (!Explicit)
          Result.Notes.push_back(*O.Err);
        else if (!First)
          First = O.Err;
        continue;
      }
      if (O.Scanned)
        unite(O);
    }
  };
  Uniter = std::thread(Unite);
  if (Workers > 0)
    Work();
  for (std::thread &T : Threads)
    T.join();
  Uniter.join();
  if (First)
    return makeError("{0}", *First);
  llvm::append_range(Result.Notes, Pending);
  if (Result.Programs.empty())
    return makeError("no {0}program found to scan{1}",
                     Result.Arch ? (Result.Arch->Name + " ").str() : "",
                     HasRoot ? " under " + Opts.Root : "");
  return std::move(Result);
}

Expected<ScanResult> sysgc::runScan(const ScanOptions &Opts) {
  Scanner S(Opts);
  return S.run();
}
