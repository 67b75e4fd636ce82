//===- sysgc-bench/main.cpp - What sysgc-ld costs a kernel build ----------===//
//
// A plain benchmark driver (not a timed unit test). Each measurement runs
// plain ld.lld-22 and sysgc-ld on the same inputs in the same process run,
// alternating, and reports medians, the ratio sysgc-ld / lld and the peak
// RSS of both (ru_maxrss of the child), plus sysgc-ld's own phases (from
// its report).
//
//   sysgc-bench replay RECORD.jsonl --allow FILE [--runs N] [--pause MS]
//       RECORD holds the vmlinux links of one kernel build (sysgc-ld
//       --sysgc-record). One "build" = all of them in order, with a cold
//       rewrite cache, as Kbuild runs them.
//   sysgc-bench scan [--runs N] [--root-runs N] [--threads N] [--dir DIR]
//       sysgc scan's speed (ScanBench.cpp): busybox-static, a dynamic
//       program with its libc, every ELF program of DIR (/usr/bin) with
//       --root /.
//   sysgc-bench synthetic [--functions 20000,60000,200000] [--runs N]
//                         [--pause MS]
//       kernel-shaped inputs of growing size (function sections, calls,
//       a dispatch table and switch, __ex_table, ORC-like tables), each
//       linked three times as the kallsyms passes do, with the flags Kbuild
//       gives an x86 vmlinux link: the same kernel object with a different
//       data-only kallsyms object each pass.
//
//===----------------------------------------------------------------------===//
#include "NormalizedLink.h"
#include "Spawn.h"
#include "sysgc/Arch/Arch.h"
#include "sysgc/Driver/TempFiles.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <random>
#include <thread>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
namespace po = boost::program_options;
using namespace llvm;

namespace {
double median(std::vector<double> V) {
  if (V.empty())
    return 0;
  llvm::sort(V);
  return V.size() % 2 ? V[V.size() / 2]
                      : (V[V.size() / 2 - 1] + V[V.size() / 2]) / 2;
}

struct Link {
  std::string Cwd;
  std::vector<std::string> Args; // without the program name
  /// The same link with its inputs' sections renamed as a DCE linker
  /// script would match them (NormalizedLink.h).
  std::vector<std::string> NormalizedArgs;
};

// Replace the output of a link with Out.
std::vector<std::string> withOutput(std::vector<std::string> Args,
                                    const std::string &Out) {
  Args.push_back("-o");
  Args.push_back(Out);
  return Args;
}

struct Measurement {
  std::string Name;
  std::vector<double> Lld, LldNormalized, Sysgc;
  long LldRss = 0, SysgcRss = 0;
  std::map<std::string, std::vector<double>> Phases;
  size_t Links = 0;
  /// Synthetic inputs: the number of functions (0 for recorded builds).
  unsigned Functions = 0;
};

// Fill each link's NormalizedArgs (files under Tmp, kept by Temps).
Error prepareNormalized(std::vector<Link> &Links, const std::string &Tmp,
                        sysgc::TempFiles &Temps) {
  for (size_t I = 0; I < Links.size(); ++I) {
    std::string Dir = Tmp + "/normalized-" + std::to_string(I);
    sys::fs::create_directories(Dir);
    auto A = sysgc::normalizedLinkArgs(Links[I].Cwd, Links[I].Args, Dir, Temps);
    if (!A)
      return A.takeError();
    Links[I].NormalizedArgs = std::move(*A);
  }
  return Error::success();
}

// A kernel build runs its vmlinux links after seconds of other work, not
// back to back: memory freed that long ago may have gone back to the host
// (a VM's free page reporting) and costs more to touch again. --pause
// models it.
void Pause(unsigned Ms) {
  if (Ms)
    std::this_thread::sleep_for(std::chrono::milliseconds(Ms));
}

// One "build": every link in order, lld then sysgc-ld, Runs times. PauseMs
// of idle time come before each timed link (outside what is timed).
Error measure(Measurement &M, const std::vector<Link> &Links,
              const std::string &Lld, const std::string &SysgcLd,
              const std::vector<std::string> &SysgcArgs, unsigned Runs,
              unsigned PauseMs,
              const std::string &Tmp) {
  M.Links = Links.size();
  for (unsigned R = 0; R < Runs; ++R) {
    std::string Cache = Tmp + "/cache-" + std::to_string(R);
    sys::fs::remove_directories(Cache);
    double L = 0, LN = 0, S = 0;
    for (size_t I = 0; I < Links.size(); ++I) {
      std::vector<std::string> AN = {Lld};
      for (const std::string &X :
           withOutput(Links[I].NormalizedArgs, Tmp + "/out-lld-normalized"))
        AN.push_back(X);
      Pause(PauseMs);
      RunResult RN = spawn(AN, Links[I].Cwd);
      if (RN.Status)
        return createStringError(inconvertibleErrorCode(),
                                 "ld.lld failed on normalised link %zu (in %s)",
                                 I, Links[I].Cwd.c_str());
      std::vector<std::string> A = {Lld};
      for (const std::string &X : withOutput(Links[I].Args, Tmp + "/out-lld"))
        A.push_back(X);
      Pause(PauseMs);
      RunResult RL = spawn(A, Links[I].Cwd);
      if (RL.Status)
        return createStringError(inconvertibleErrorCode(),
                                 "ld.lld failed on link %zu (in %s)", I,
                                 Links[I].Cwd.c_str());
      std::string Report = Tmp + "/report.json";
      std::vector<std::string> B = {SysgcLd};
      for (const std::string &X : withOutput(Links[I].Args, Tmp + "/out-sysgc"))
        B.push_back(X);
      for (const std::string &X : SysgcArgs)
        B.push_back(X);
      B.push_back("--sysgc-cache=" + Cache);
      B.push_back("--sysgc-report=" + Report);
      B.push_back("--sysgc-quiet");
      Pause(PauseMs);
      RunResult RS = spawn(B, Links[I].Cwd);
      if (RS.Status)
        return createStringError(inconvertibleErrorCode(),
                                 "sysgc-ld failed on link %zu (status %d): %s",
                                 I, RS.Status, join(B, " ").c_str());
      L += RL.Seconds;
      LN += RN.Seconds;
      S += RS.Seconds;
      M.LldRss = std::max(M.LldRss, RL.MaxRssKB);
      M.SysgcRss = std::max(M.SysgcRss, RS.MaxRssKB);
      if (auto Buf = MemoryBuffer::getFile(Report))
        if (auto V = json::parse((*Buf)->getBuffer()))
          if (auto *T = V->getAsObject()->getObject("timings_ms")) {
            double Sum = 0;
            for (auto &KV : *T) {
              M.Phases[(KV.first.str() + "#" + std::to_string(I))].push_back(
                  *KV.second.getAsNumber());
              Sum += *KV.second.getAsNumber();
            }
            // Start-up, writing the report, the final rename, exit.
            M.Phases["outside-phases#" + std::to_string(I)].push_back(
                RS.Seconds * 1000 - Sum);
          }
    }
    M.Lld.push_back(L);
    M.LldNormalized.push_back(LN);
    M.Sysgc.push_back(S);
    sys::fs::remove_directories(Cache);
  }
  return Error::success();
}

void print(const std::vector<Measurement> &Ms, raw_ostream &OS) {
  OS << "| input | links | ld.lld-22 s | lld, normalised s | sysgc-ld s | "
        "ratio | ratio vs normalised | lld RSS MB | sysgc-ld RSS MB | "
        "RSS ratio |\n|---|---|---|---|---|---|---|---|---|---|\n";
  // The ratios of medians, then the spread of the per-build ratios (lld
  // and sysgc-ld alternate within a build, so each build's ratio shares
  // its noise).
  auto Spread = [](const std::vector<double> &Num,
                   const std::vector<double> &Den) {
    double Lo = 0, Hi = 0;
    for (size_t I = 0; I < Num.size() && I < Den.size(); ++I) {
      double R = Den[I] ? Num[I] / Den[I] : 0;
      Lo = I ? std::min(Lo, R) : R;
      Hi = I ? std::max(Hi, R) : R;
    }
    return formatv("{0:f2}-{1:f2}", Lo, Hi).str();
  };
  for (const Measurement &M : Ms) {
    double L = median(M.Lld), LN = median(M.LldNormalized),
           S = median(M.Sysgc);
    OS << formatv("| {0} | {1} | {2:f3} | {3:f3} | {4:f3} | {5:f2} ({10}) | "
                  "{6:f2} ({11}) | {7:f1} | {8:f1} | {9:f2} |\n",
                  M.Name, M.Links, L, LN, S, L ? S / L : 0, LN ? S / LN : 0,
                  M.LldRss / 1024.0, M.SysgcRss / 1024.0,
                  M.LldRss ? double(M.SysgcRss) / M.LldRss : 0,
                  Spread(M.Sysgc, M.Lld), Spread(M.Sysgc, M.LldNormalized));
  }
  // How the cost grows with the input: per 1000 functions, each size
  // against the smallest. Linear growth keeps these near 1.
  std::vector<const Measurement *> Synth;
  for (const Measurement &M : Ms)
    if (M.Functions)
      Synth.push_back(&M);
  if (Synth.size() > 1) {
    OS << "\nscaling (per 1000 functions; growth = per-function cost against "
          "the smallest input):\n"
          "| functions | lld ms | sysgc-ld ms | time growth lld / sysgc-ld | "
          "lld RSS KB | sysgc-ld RSS KB | RSS growth lld / sysgc-ld |\n"
          "|---|---|---|---|---|---|---|\n";
    const Measurement &B = *Synth.front();
    auto Per = [](double V, unsigned N) { return V / (N / 1000.0); };
    for (const Measurement *M : Synth) {
      double L = Per(median(M->Lld) * 1000, M->Functions),
             S = Per(median(M->Sysgc) * 1000, M->Functions),
             LR = Per(M->LldRss, M->Functions), SR = Per(M->SysgcRss, M->Functions);
      double L0 = Per(median(B.Lld) * 1000, B.Functions),
             S0 = Per(median(B.Sysgc) * 1000, B.Functions),
             LR0 = Per(B.LldRss, B.Functions), SR0 = Per(B.SysgcRss, B.Functions);
      OS << formatv("| {0} | {1:f2} | {2:f2} | {3:f2} / {4:f2} | {5:f0} | "
                    "{6:f0} | {7:f2} / {8:f2} |\n",
                    M->Functions, L, S, L / L0, S / S0, LR, SR, LR / LR0,
                    SR / SR0);
    }
  }
  OS << "\nsysgc-ld phases (median ms, per link):\n";
  for (const Measurement &M : Ms) {
    OS << "  " << M.Name << ":";
    for (auto &[Phase, V] : M.Phases)
      OS << formatv(" {0}={1:f1}", Phase, median(V));
    OS << "\n";
  }
}

json::Value toJson(const std::vector<Measurement> &Ms) {
  json::Array A;
  for (const Measurement &M : Ms) {
    json::Object Phases;
    for (auto &[Phase, V] : M.Phases)
      Phases[Phase] = median(V);
    A.push_back(json::Object{
        {"input", M.Name},
        {"links", int64_t(M.Links)},
        {"lld_seconds", median(M.Lld)},
        {"lld_normalized_seconds", median(M.LldNormalized)},
        {"ratio_vs_normalized",
         median(M.LldNormalized) ? median(M.Sysgc) / median(M.LldNormalized)
                                 : 0},
        {"sysgc_seconds", median(M.Sysgc)},
        {"ratio", median(M.Lld) ? median(M.Sysgc) / median(M.Lld) : 0},
        {"lld_max_rss_kb", int64_t(M.LldRss)},
        {"sysgc_max_rss_kb", int64_t(M.SysgcRss)},
        {"functions", int64_t(M.Functions)},
        {"phases_ms", std::move(Phases)}});
  }
  return A;
}

// ---- synthetic kernel-shaped inputs ----------------------------------

// Assembly for a kernel of NFuncs functions: 400 syscall entries dispatched
// by a table and a switch, each function calling 8 others (shared helpers
// and exclusive chains), an __ex_table entry in every 4th function, an
// ORC-like pair of tables with one entry per function, data every 10th.
std::string kernelAsm(unsigned NFuncs) {
  std::mt19937 Rng(12345);
  std::string S;
  raw_string_ostream OS(S);
  // The entries are the real x86-64 ones, so allowlists resolve as usual.
  const sysgc::AbiInfo &Abi =
      *sysgc::getArch(ELF::EM_X86_64)->findAbi("x64");
  std::vector<std::string> Entries;
  std::vector<uint32_t> Nrs;
  for (const sysgc::SyscallDesc &D : Abi.Syscalls)
    if (!D.Entry.empty() && D.Entry != "sys_ni_syscall" &&
        !llvm::is_contained(Entries, "__x64_" + D.Entry.str())) {
      Entries.push_back("__x64_" + D.Entry.str());
      Nrs.push_back(D.Nr);
    }
  const unsigned NSys = Entries.size();
  auto Name = [&](unsigned I) -> std::string {
    return I < NSys ? Entries[I] : "f" + std::to_string(I);
  };
  for (unsigned I = 0; I < NFuncs; ++I) {
    std::string N = Name(I);
    OS << "\t.section .text." << N << ",\"ax\",@progbits\n\t.globl " << N
       << "\n\t.type " << N << ",@function\n" << N << ":\n";
    OS << "1:\tnop\n";
    for (unsigned C = 0; C < 8; ++C) {
      // Mostly calls "down" the numbering (a DAG), into the helper range.
      unsigned T = NSys + Rng() % (NFuncs - NSys);
      if (T <= I && I >= NSys) {
        unsigned Next = I + 1 + Rng() % 64;
        T = Next < NFuncs ? Next : NSys;
      }
      OS << "\tcall " << Name(T) << "\n";
    }
    if (I % 10 == 0)
      OS << "\tmovq d" << I << "(%rip), %rax\n";
    OS << "2:\tret\n";
    if (I % 4 == 0)
      OS << "\t.pushsection __ex_table,\"a\"\n\t.balign 4\n\t.long 1b - ., 2b - ., 0\n"
            "\t.popsection\n";
    OS << "\t.pushsection .orc_unwind_ip,\"a\"\n\t.balign 4\n\t.long 1b - .\n"
          "\t.popsection\n\t.pushsection .orc_unwind,\"a\"\n\t.balign 2\n"
          "\t.long 0\n\t.short 0\n\t.popsection\n";
    OS << "\t.size " << N << ", .-" << N << "\n";
    if (I % 10 == 0)
      OS << "\t.section .data.d" << I << ",\"aw\",@progbits\nd" << I
         << ":\n\t.quad " << N << "\n";
  }
  OS << "\t.section .text.__x64_sys_ni_syscall,\"ax\",@progbits\n"
        "\t.globl __x64_sys_ni_syscall\n\t.type __x64_sys_ni_syscall,@function\n"
        "__x64_sys_ni_syscall:\n\tmovq $-38, %rax\n\tret\n"
        "\t.size __x64_sys_ni_syscall, .-__x64_sys_ni_syscall\n";
  // The switch: a compare tree flattened to a chain of tail jumps.
  OS << "\t.section .text.x64_sys_call,\"ax\",@progbits\n\t.globl x64_sys_call\n"
        "\t.type x64_sys_call,@function\nx64_sys_call:\n";
  for (unsigned I = 0; I < NSys; ++I)
    OS << "\tcmpl $" << Nrs[I] << ", %esi\n\tje " << Name(I) << "\n";
  OS << "\tjmp __x64_sys_ni_syscall\n\t.size x64_sys_call, .-x64_sys_call\n";
  OS << "\t.section .rodata.sys_call_table,\"a\",@progbits\n\t.globl sys_call_table\n"
        "\t.type sys_call_table,@object\n\t.balign 8\nsys_call_table:\n";
  std::vector<std::string> Slots(*llvm::max_element(Nrs) + 1,
                                 "__x64_sys_ni_syscall");
  for (unsigned I = 0; I < NSys; ++I)
    Slots[Nrs[I]] = Name(I);
  for (const std::string &Slot : Slots)
    OS << "\t.quad " << Slot << "\n";
  OS << "\t.size sys_call_table, .-sys_call_table\n";
  // _start also reads the symbol table the kallsyms object of each pass
  // provides, as the kernel's kallsyms code does.
  OS << "\t.section .text._start,\"ax\",@progbits\n\t.globl _start\n_start:\n"
        "\tcall x64_sys_call\n\tleaq sys_call_table(%rip), %rax\n"
        "\tleaq kallsyms_names(%rip), %rax\n\tret\n";
  return S;
}

// The kallsyms object of pass Pass: data only, different in every pass
// (pass 0 is almost empty, as Kbuild's), one reference back into the
// kernel (kallsyms_relative_base -> _start, as to _text).
std::string kallsymsAsm(unsigned NFuncs, unsigned Pass) {
  std::mt19937 Rng(Pass + 1);
  std::string S;
  raw_string_ostream OS(S);
  OS << "\t.section .rodata,\"a\",@progbits\n\t.globl kallsyms_names\n"
        "\t.globl kallsyms_relative_base\n\t.balign 8\n"
        "kallsyms_relative_base:\n\t.quad _start\nkallsyms_names:\n";
  unsigned Words = Pass == 0 ? 4 : NFuncs * 3;
  for (unsigned I = 0; I < Words; ++I)
    OS << "\t.long " << (Rng() & 0x7fffffff) << "\n";
  return S;
}

} // namespace

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  if (argc < 2) {
    errs() << "usage: sysgc-bench replay RECORD --allow FILE [--runs N]\n"
              "       sysgc-bench synthetic [--functions N,N,...] [--runs N]\n"
              "       sysgc-bench scan [--runs N] [--threads N] [--dir DIR]\n";
    return 2;
  }
  if (StringRef(argv[1]) == "scan")
    return scanBench(std::vector<std::string>(argv + 2, argv + argc),
                     sys::fs::getMainExecutable(argv[0], (void *)&main));
  std::string Cmd = argv[1];
  std::vector<std::string> Args(argv + 2, argv + argc);
  po::options_description Desc("sysgc-bench options");
  Desc.add_options()("help,h", "this help")(
      "allow", po::value<std::string>(), "allowlist (replay)")(
      "runs", po::value<unsigned>()->default_value(5), "repetitions")(
      "pause", po::value<unsigned>()->default_value(0),
      "idle milliseconds before each timed link (a build's other work)")(
      "functions", po::value<std::string>()->default_value("20000,60000,200000"),
      "synthetic sizes")("json", po::value<std::string>(), "write results here")(
      "lld", po::value<std::string>()->default_value("ld.lld-22"), "plain lld")(
      "sysgc-ld", po::value<std::string>(), "sysgc-ld binary")(
      "record", po::value<std::string>(), "recorded links (replay)")(
      "keep", "keep the work directory (its path is printed)");
  po::positional_options_description Pos;
  Pos.add("record", 1);
  po::variables_map VM;
  try {
    po::store(po::command_line_parser(Args).options(Desc).positional(Pos).run(), VM);
    po::notify(VM);
  } catch (const po::error &E) {
    errs() << "sysgc-bench: " << E.what() << "\n";
    return 2;
  }
  if (VM.count("help")) {
    std::cout << Desc;
    return 0;
  }
  std::string Self = sys::fs::getMainExecutable(argv[0], (void *)&main);
  std::string SysgcLd = VM.count("sysgc-ld")
                            ? VM["sysgc-ld"].as<std::string>()
                            : (sys::path::parent_path(sys::path::parent_path(Self)) +
                               "/sysgc-ld/sysgc-ld")
                                  .str();
  std::string Lld = VM["lld"].as<std::string>();
  unsigned Runs = VM["runs"].as<unsigned>();
  unsigned PauseMs = VM["pause"].as<unsigned>();
  SmallString<128> Tmp;
  sys::fs::createUniqueDirectory("sysgc-bench", Tmp);
  sysgc::TempFiles Temps;
  std::vector<Measurement> Results;

  if (Cmd == "replay") {
    if (!VM.count("record") || !VM.count("allow")) {
      errs() << "sysgc-bench replay: RECORD and --allow are required\n";
      return 2;
    }
    auto Buf = MemoryBuffer::getFile(VM["record"].as<std::string>());
    if (!Buf) {
      errs() << "sysgc-bench: cannot read the record\n";
      return 1;
    }
    std::vector<Link> Links;
    SmallVector<StringRef, 8> Lines;
    (*Buf)->getBuffer().split(Lines, '\n', -1, false);
    for (StringRef L : Lines) {
      auto V = json::parse(L);
      if (!V) {
        errs() << "sysgc-bench: " << toString(V.takeError()) << "\n";
        return 1;
      }
      Link K;
      K.Cwd = V->getAsObject()->getString("cwd")->str();
      for (const json::Value &A : *V->getAsObject()->getArray("args"))
        K.Args.push_back(A.getAsString()->str());
      // Drop the recorded output; measure() adds its own.
      for (size_t I = 0; I + 1 < K.Args.size(); ++I)
        if (K.Args[I] == "-o") {
          K.Args.erase(K.Args.begin() + I, K.Args.begin() + I + 2);
          break;
        }
      Links.push_back(std::move(K));
    }
    Measurement M;
    M.Name = sys::path::filename(sys::path::parent_path(
                                     VM["record"].as<std::string>()))
                 .str();
    // The links run in their own directories: make the allowlist absolute.
    SmallString<256> AllowPath(VM["allow"].as<std::string>());
    sys::fs::make_absolute(AllowPath);
    if (Error E = prepareNormalized(Links, Tmp.str().str(), Temps)) {
      errs() << "sysgc-bench: " << toString(std::move(E)) << "\n";
      return 1;
    }
    if (Error E = measure(M, Links, Lld, SysgcLd,
                          {"--sysgc-allow=" + AllowPath.str().str()},
                          Runs, PauseMs, Tmp.str().str())) {
      errs() << "sysgc-bench: " << toString(std::move(E)) << "\n";
      return 1;
    }
    Results.push_back(std::move(M));
  } else if (Cmd == "synthetic") {
    SmallVector<StringRef, 4> Sizes;
    StringRef(VM["functions"].as<std::string>()).split(Sizes, ',');
    std::string Allow = (Tmp + "/allow").str();
    {
      std::error_code EC;
      raw_fd_ostream OS(Allow, EC);
      // The synthetic entries carry the real x86-64 entry names: a small
      // allowlist with what any userspace needs to boot.
      for (const char *N : {"read", "write", "open", "close", "stat", "fstat",
                            "lstat", "poll", "lseek", "mmap", "openat",
                            "execve", "exit_group", "clone", "wait4",
                            "rt_sigreturn"})
        OS << N << "\n";
    }
    for (StringRef SizeStr : Sizes) {
      unsigned N = 0;
      SizeStr.getAsInteger(10, N);
      std::string Dir = (Tmp + "/n" + SizeStr).str();
      sys::fs::create_directories(Dir);
      {
        std::error_code EC;
        raw_fd_ostream OS(Dir + "/k.s", EC);
        OS << kernelAsm(N);
      }
      RunResult AS = spawn({"clang-22", "-c", Dir + "/k.s", "-o", Dir + "/k.o"}, "");
      if (AS.Status) {
        errs() << "sysgc-bench: cannot assemble the synthetic kernel\n";
        return 1;
      }
      {
        std::error_code EC;
        raw_fd_ostream OS(Dir + "/k.lds", EC);
        OS << "SECTIONS { __ex_table : { KEEP(*(__ex_table)) } "
              ".orc_unwind_ip : { KEEP(*(.orc_unwind_ip)) } "
              ".orc_unwind : { KEEP(*(.orc_unwind)) } } INSERT AFTER .rodata;\n";
      }
      // Three links, as Kbuild's kallsyms passes: the same kernel object
      // with a different kallsyms object each time.
      std::vector<Link> Links;
      for (unsigned Pass = 0; Pass < 3; ++Pass) {
        std::string Ks = Dir + "/kallsyms" + std::to_string(Pass);
        {
          std::error_code EC;
          raw_fd_ostream OS(Ks + ".s", EC);
          OS << kallsymsAsm(N, Pass);
        }
        if (spawn({"clang-22", "-c", Ks + ".s", "-o", Ks + ".o"}, "").Status) {
          errs() << "sysgc-bench: cannot assemble " << Ks << ".s\n";
          return 1;
        }
        // The flags Kbuild gives every x86 vmlinux link (--emit-relocs for
        // the relocs tool, the build ID, ...), then the synthetic inputs.
        Links.push_back({Dir,
                         {"-m", "elf_x86_64", "-z", "noexecstack",
                          "--emit-relocs", "--discard-none", "-z",
                          "max-page-size=0x200000", "--build-id=sha1",
                          "--strip-debug", "-static", "-nostdlib", "-T",
                          Dir + "/k.lds", Dir + "/k.o", Ks + ".o"},
                         {}});
      }
      if (Error E = prepareNormalized(Links, Dir, Temps)) {
        errs() << "sysgc-bench: " << toString(std::move(E)) << "\n";
        return 1;
      }
      Measurement M;
      M.Name = ("synthetic-" + SizeStr).str();
      M.Functions = N;
      if (Error E = measure(M, Links, Lld, SysgcLd,
                            {"--sysgc-allow=" + Allow}, Runs, PauseMs,
                            Dir)) {
        errs() << "sysgc-bench: " << M.Name << ": " << toString(std::move(E))
               << "\n";
        return 1;
      }
      Results.push_back(std::move(M));
    }
  } else {
    errs() << "sysgc-bench: unknown command " << Cmd << "\n";
    return 2;
  }
  print(Results, outs());
  if (VM.count("json")) {
    std::error_code EC;
    raw_fd_ostream OS(VM["json"].as<std::string>(), EC);
    OS << formatv("{0:2}", toJson(Results)) << "\n";
  }
  if (VM.count("keep"))
    errs() << "sysgc-bench: kept " << Tmp << "\n";
  else
    sys::fs::remove_directories(Tmp);
  return 0;
}
