//===- Scan.cpp - Run the scanner over programs or a root filesystem ------===//
//
// The driver: find the programs, load each one's modules as the dynamic
// loader would (interpreter, then DT_NEEDED breadth-first, resolved inside
// the root, and the NSS modules glibc dlopens), summarise each module once
// per build-id, compute reachability
// and resolve syscall numbers per program, and unite the results.
// SYSGC_SCAN_DEBUG=1 lists every module's functions on stderr (=2: with
// their call and syscall sites).
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/Scan.h"
#include "sysgc/Scan/RootFs.h"
#include "sysgc/Scan/ScanTarget.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <set>

using namespace sysgc;
using namespace llvm;

namespace {
class Scanner {
public:
  Scanner(const ScanOptions &O) : Opts(O), Root(O.Root.empty() ? "/" : O.Root) {}
  Expected<ScanResult> run();

private:
  /// The summary of the module at HostPath (cached by build-id).
  Expected<std::shared_ptr<ModuleSummary>> module(const std::string &HostPath);
  Expected<ScanTarget *> target(const ArchInfo &A);
  Error scanProgram(const std::string &HostPath);

  const ScanOptions &Opts;
  RootFs Root;
  ScanResult Result;
  std::map<std::string, std::shared_ptr<ModuleSummary>> ByPath, ByBuildId;
  /// When each cached summary was last used (a program counter), and how
  /// many functions the cache holds: a whole root's libraries do not all
  /// fit in memory (a few KB per function: libLLVM alone is a GB), so the least
  /// recently used go once the cache passes MaxCachedFunctions; libc,
  /// used by every program, stays.
  std::map<const ModuleSummary *, uint64_t> LastUse;
  uint64_t Clock = 0;
  static constexpr size_t MaxCachedFunctions = 400000;
  void evict();
  std::map<const ArchInfo *, std::unique_ptr<ScanTarget>> Targets;
  std::set<std::pair<std::string, uint64_t>> SeenUnresolved, SeenNotInTable;
};
} // namespace

Expected<ScanTarget *> Scanner::target(const ArchInfo &A) {
  auto It = Targets.find(&A);
  if (It != Targets.end())
    return It->second.get();
  auto T = ScanTarget::create(A);
  if (!T)
    return T.takeError();
  return (Targets[&A] = std::move(*T)).get();
}

Expected<std::shared_ptr<ModuleSummary>>
Scanner::module(const std::string &HostPath) {
  auto It = ByPath.find(HostPath);
  if (It != ByPath.end()) {
    LastUse[It->second.get()] = Clock;
    return It->second;
  }
  auto I = ScanImage::readFile(HostPath);
  if (!I)
    return I.takeError();
  std::shared_ptr<ScanImage> Img = std::move(*I);
  if (!Img->BuildId.empty()) {
    auto B = ByBuildId.find(Img->BuildId);
    if (B != ByBuildId.end()) {
      ++Result.SummariesReused;
      LastUse[B->second.get()] = Clock;
      return ByPath[HostPath] = B->second;
    }
  }
  auto T = target(*Img->Arch);
  if (!T)
    return withContext(T.takeError(), HostPath);
  auto S = summarizeModule(Img, **T);
  if (!S)
    return S.takeError();
  ++Result.ModulesSummarised;
  if (!Img->BuildId.empty())
    ByBuildId[Img->BuildId] = *S;
  LastUse[S->get()] = Clock;
  return ByPath[HostPath] = *S;
}

void Scanner::evict() {
  size_t Total = 0;
  for (auto &[M, T] : LastUse)
    Total += M->Funcs.size();
  while (Total > MaxCachedFunctions) {
    // The least recently used summary not used by the current program.
    auto Oldest = LastUse.end();
    for (auto It = LastUse.begin(); It != LastUse.end(); ++It)
      if (It->second < Clock &&
          (Oldest == LastUse.end() || It->second < Oldest->second))
        Oldest = It;
    if (Oldest == LastUse.end())
      return;
    const ModuleSummary *M = Oldest->first;
    Total -= M->Funcs.size();
    LastUse.erase(Oldest);
    for (auto *Map : {&ByPath, &ByBuildId})
      for (auto It = Map->begin(); It != Map->end();)
        It = It->second.get() == M ? Map->erase(It) : std::next(It);
  }
}

Error Scanner::scanProgram(const std::string &HostPath) {
  ++Clock;
  evict();
  auto Exe = module(HostPath);
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
    auto M = module(H);
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
  ProgramSyscalls S = resolveSyscalls(P, R, **T);

  ProgramResult PR;
  PR.Path = P.Path;
  for (const auto &M : P.Mods) {
    PR.Modules.push_back(M->Image->Path);
    PR.Functions += M->Funcs.size();
  }
  PR.Missing = P.Missing;
  PR.ReachableFunctions = R.Reachable.size();
  for (auto &[K, Provs] : S.Syscalls) {
    PR.Syscalls.insert(K);
    auto &U = Result.Syscalls[K];
    if (U.size() < 8)
      for (const Provenance &Pv : Provs)
        if (U.size() < 8)
          U.push_back({P.Path, Pv});
  }
  for (const SiteReport &U : S.Unresolved) {
    PR.Unresolved.push_back(U);
    if (SeenUnresolved.insert({U.Module, U.Addr}).second)
      Result.Unresolved.push_back({P.Path, U});
  }
  for (const SiteReport &U : S.NotInTable)
    if (SeenNotInTable.insert({U.Module, U.Addr}).second)
      Result.NotInTable.push_back({P.Path, U});
  if (Opts.Naive) {
    ProgramSyscalls N = resolveSyscalls(P, computeReachability(P, true), **T);
    for (auto &[K, V] : N.Syscalls)
      PR.NaiveSyscalls.insert(K);
  }
  Result.Programs.push_back(std::move(PR));
  return Error::success();
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
  for (const std::string &H : Hosts) {
    // Programs only: a library with an execute bit is scanned as a
    // dependency, not as a root.
    auto M = ScanImage::readFile(H);
    if (!M) {
      if (Explicit)
        return M.takeError();
      Result.Notes.push_back(toString(M.takeError()));
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
      Result.Notes.push_back(Msg);
      continue;
    }
    if (Error E = scanProgram(H)) {
      if (Explicit)
        return std::move(E);
      Result.Notes.push_back(toString(std::move(E)));
    }
  }
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
