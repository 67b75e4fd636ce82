//===- sysgc-bench/ScanBench.cpp - How fast `sysgc scan` reads programs ---===//
//
//   sysgc-bench scan [--sysgc PATH] [--runs N] [--root-runs N] [--threads N]
//                    [--busybox PATH] [--dynamic PATH] [--dir DIR]
//                    [--only busybox,dynamic,root] [--json FILE]
//
// Three workloads, each run as its own `sysgc scan` process (the whole
// command timed from spawn to exit, peak RSS from wait4's ru_maxrss):
//   busybox  a static busybox (Debian's busybox-static: /bin/busybox)
//   dynamic  a dynamic program with its libraries (`--root / /usr/bin/ls`)
//   root     every ELF executable directly in DIR (default /usr/bin; no
//            symbolic links, scripts or other files), `--root /`
// Each writes --format=json to a file; the number of programs scanned is
// read back from it. Reported per workload: programs, median wall time,
// programs per second, the largest peak RSS, and the command.
//
//===----------------------------------------------------------------------===//
#include "Spawn.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;
using namespace llvm;

namespace {
struct Workload {
  std::string Name;
  std::vector<std::string> Args; // after "sysgc scan"
  std::string Shown;             // the command as the table prints it
  unsigned Runs;
};

struct Outcome {
  std::vector<double> Seconds;
  long MaxRssKB = 0;
  int64_t Programs = 0, Modules = 0, Reused = 0;
};

// Every ELF executable directly in Dir, sorted: regular files (not
// symbolic links) with an execute bit and the ELF magic.
std::vector<std::string> elfPrograms(const std::string &Dir) {
  std::vector<std::string> Out;
  std::error_code EC;
  for (sys::fs::directory_iterator It(Dir, EC), E; It != E && !EC;
       It.increment(EC)) {
    sys::fs::file_status St;
    if (sys::fs::status(It->path(), St, /*Follow=*/false) ||
        St.type() != sys::fs::file_type::regular_file ||
        !(St.permissions() & sys::fs::all_exe))
      continue;
    auto B = MemoryBuffer::getFileSlice(It->path(), 4, 0, false);
    if (B && (*B)->getBuffer() == "\x7f" "ELF")
      Out.push_back(It->path());
  }
  llvm::sort(Out);
  return Out;
}

double median(std::vector<double> V) {
  llvm::sort(V);
  return V.size() % 2 ? V[V.size() / 2]
                      : (V[V.size() / 2 - 1] + V[V.size() / 2]) / 2;
}
} // namespace

int scanBench(const std::vector<std::string> &Args, const std::string &Self) {
  po::options_description Desc("sysgc-bench scan options");
  Desc.add_options()("help,h", "this help")(
      "sysgc", po::value<std::string>(), "sysgc binary (default: the build's)")(
      "runs", po::value<unsigned>()->default_value(5),
      "repetitions of the busybox and dynamic workloads")(
      "root-runs", po::value<unsigned>()->default_value(1),
      "repetitions of the root workload")(
      "threads", po::value<unsigned>()->default_value(2), "sysgc scan --threads")(
      "busybox", po::value<std::string>()->default_value("/bin/busybox"),
      "a static busybox")(
      "dynamic", po::value<std::string>()->default_value("/usr/bin/ls"),
      "a dynamic program (scanned with --root /)")(
      "dir", po::value<std::string>()->default_value("/usr/bin"),
      "the root workload's programs: every ELF executable in DIR")(
      "only", po::value<std::string>(), "busybox,dynamic,root: a subset")(
      "json", po::value<std::string>(), "write the results here");
  po::variables_map VM;
  try {
    po::store(po::command_line_parser(Args).options(Desc).run(), VM);
    po::notify(VM);
  } catch (const po::error &E) {
    errs() << "sysgc-bench scan: " << E.what() << "\n";
    return 2;
  }
  if (VM.count("help")) {
    std::cout << Desc;
    return 0;
  }
  std::string Sysgc =
      VM.count("sysgc")
          ? VM["sysgc"].as<std::string>()
          : (sys::path::parent_path(sys::path::parent_path(Self)) + "/sysgc/sysgc")
                .str();
  if (!sys::fs::can_execute(Sysgc)) {
    errs() << "sysgc-bench scan: " << Sysgc << " is not an executable (--sysgc)\n";
    return 1;
  }
  std::string Threads = std::to_string(VM["threads"].as<unsigned>());
  unsigned Runs = VM["runs"].as<unsigned>(), RootRuns = VM["root-runs"].as<unsigned>();
  std::string Only = VM.count("only") ? VM["only"].as<std::string>() : "";
  auto Wanted = [&](StringRef W) {
    if (Only.empty())
      return true;
    SmallVector<StringRef, 4> Parts;
    StringRef(Only).split(Parts, ',');
    return llvm::is_contained(Parts, W);
  };

  std::vector<Workload> Loads;
  std::string Busybox = VM["busybox"].as<std::string>();
  std::string Dynamic = VM["dynamic"].as<std::string>();
  std::string Dir = VM["dir"].as<std::string>();
  for (const std::string &F : {Busybox, Dynamic})
    if (!sys::fs::exists(F)) {
      errs() << "sysgc-bench scan: " << F << " does not exist\n";
      return 1;
    }
  if (Wanted("busybox"))
    Loads.push_back({"busybox", {Busybox}, "sysgc scan --threads " + Threads + " " + Busybox,
                     Runs});
  if (Wanted("dynamic"))
    Loads.push_back({"dynamic", {"--root", "/", Dynamic},
                     "sysgc scan --threads " + Threads + " --root / " + Dynamic, Runs});
  if (Wanted("root")) {
    std::vector<std::string> Progs = elfPrograms(Dir);
    if (Progs.empty()) {
      errs() << "sysgc-bench scan: no ELF executable in " << Dir << "\n";
      return 1;
    }
    Workload W{"root", {"--root", "/"}, "", RootRuns};
    llvm::append_range(W.Args, Progs);
    W.Shown = formatv("sysgc scan --threads {0} --root / <the {1} ELF executables "
                      "of {2}>",
                      Threads, Progs.size(), Dir);
    Loads.push_back(std::move(W));
  }

  SmallString<128> Out;
  if (std::error_code EC = sys::fs::createTemporaryFile("sysgc-bench-scan", "json", Out)) {
    errs() << "sysgc-bench scan: " << EC.message() << "\n";
    return 1;
  }
  std::vector<Outcome> Results;
  for (const Workload &W : Loads) {
    Outcome O;
    for (unsigned R = 0; R < W.Runs; ++R) {
      std::vector<std::string> Argv{Sysgc, "scan", "--threads", Threads,
                                    "--format=json", "-o", Out.str().str()};
      llvm::append_range(Argv, W.Args);
      RunResult RR = spawn(Argv, "");
      if (RR.Status != 0) {
        errs() << "sysgc-bench scan: " << W.Name << ": sysgc scan exited with "
               << RR.Status << " (" << W.Shown << ")\n";
        sys::fs::remove(Out);
        return 1;
      }
      O.Seconds.push_back(RR.Seconds);
      O.MaxRssKB = std::max(O.MaxRssKB, RR.MaxRssKB);
      auto Buf = MemoryBuffer::getFile(Out);
      auto J = Buf ? json::parse((*Buf)->getBuffer())
                   : Expected<json::Value>(errorCodeToError(Buf.getError()));
      if (!J) {
        errs() << "sysgc-bench scan: " << W.Name << ": " << toString(J.takeError())
               << "\n";
        sys::fs::remove(Out);
        return 1;
      }
      const json::Object *Obj = J->getAsObject();
      const json::Array *P = Obj ? Obj->getArray("programs") : nullptr;
      O.Programs = P ? P->size() : 0;
      if (const json::Object *S = Obj ? Obj->getObject("stats") : nullptr) {
        O.Modules = S->getInteger("modules_summarised").value_or(0);
        O.Reused = S->getInteger("summaries_reused").value_or(0);
      }
      errs() << formatv("{0} run {1}: {2:f2} s, {3} MB\n", W.Name, R + 1, RR.Seconds,
                        RR.MaxRssKB / 1024);
    }
    Results.push_back(std::move(O));
  }
  sys::fs::remove(Out);

  outs() << "| workload | programs | modules summarised | runs | wall (median) | "
            "programs/s | peak RSS | command |\n|---|---|---|---|---|---|---|---|\n";
  for (size_t K = 0; K < Loads.size(); ++K) {
    const Outcome &O = Results[K];
    double Wall = median(O.Seconds);
    outs() << formatv("| {0} | {1} | {2} | {3} | {4:f2} s | {5:f1} | {6} MB | `{7}` |\n",
                      Loads[K].Name, O.Programs, O.Modules, O.Seconds.size(), Wall,
                      O.Programs / Wall, O.MaxRssKB / 1024, Loads[K].Shown);
  }
  if (VM.count("json")) {
    std::error_code EC;
    raw_fd_ostream F(VM["json"].as<std::string>(), EC);
    if (EC) {
      errs() << "sysgc-bench scan: " << EC.message() << "\n";
      return 1;
    }
    json::OStream J(F, 1);
    J.array([&] {
      for (size_t K = 0; K < Loads.size(); ++K)
        J.object([&] {
          const Outcome &O = Results[K];
          J.attribute("workload", Loads[K].Name);
          J.attribute("command", Loads[K].Shown);
          J.attribute("programs", O.Programs);
          J.attribute("modules_summarised", O.Modules);
          J.attribute("summaries_reused", O.Reused);
          J.attribute("median_seconds", median(O.Seconds));
          J.attributeArray("seconds", [&] {
            for (double S : O.Seconds)
              J.value(S);
          });
          J.attribute("peak_rss_kb", int64_t(O.MaxRssKB));
        });
    });
    F << "\n";
  }
  return 0;
}
