//===- sysgc/main.cpp - sysgc's inspection commands -----------------------===//
//
// A thin driver over the libraries:
//   sysgc symbols FILE [--json]     sized symbols of an ELF file, read by
//                                   sysgc's own reader
//   sysgc sections FILE [--json]    sizes of the allocated sections
//   sysgc check-allowlist FILE [--arch NAME]
//                                   resolve an allowlist against the tables
//   sysgc syscalls [--arch NAME] [--abi ABI]
//                                   list the syscall table sysgc uses
//   sysgc scan [--root DIR] [BINARY...] [-o FILE]
//              [--format list|json|seccomp|header]
//              [--unresolved warn|fail] [--arch NAME]
//                                   the allowlist of the syscalls the
//                                   programs can make (lib/Scan)
//   sysgc report BEFORE AFTER [-c|-d|-t] [--format text|json|csv]
//                                   bloat-o-meter and section totals
//                                   (ReportCommand.cpp)
//   sysgc cost [--allow FILE] [--format text|json|csv] -- LINKER-ARGS | --record FILE
//   sysgc why SYMBOL [--allow FILE] -- LINKER-ARGS | --record FILE
//                                   what each syscall costs, why a symbol
//                                   survives (CostCommand.cpp, WhyCommand.cpp)
//   sysgc relink RECORD --allow FILE -o OUT
//                                   a recorded kernel link again, with
//                                   another allowlist (RelinkCommand.cpp)
//
//===----------------------------------------------------------------------===//
#include "CommandLine.h"
#include "sysgc/Allowlist/Allowlist.h"
#include "sysgc/Arch/Arch.h"
#include "sysgc/Object/ElfObject.h"
#include "sysgc/Scan/Scan.h"
#if __has_include("sysgc/Version.h")
#include "sysgc/Version.h"
#endif
#ifndef SYSGC_VERSION
#define SYSGC_VERSION "unknown"
#endif
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Parallel.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;
using namespace sysgc;
using namespace llvm;

static int fail(const Twine &Msg) { return tool::commandError("", Msg); }

static const ArchInfo *archNamed(const std::string &Name) {
  for (const ArchInfo *A : allArchs())
    if (A->Name == Name)
      return A;
  return nullptr;
}

// Options are parsed alike by every command (CommandLine.h).
using tool::parseOptions;

// The --arch option's architecture, or null after reporting it unknown.
static const ArchInfo *archOption(const po::variables_map &VM) {
  const ArchInfo *A = archNamed(VM["arch"].as<std::string>());
  if (!A)
    fail("unknown architecture " + VM["arch"].as<std::string>());
  return A;
}

// The options common to commands that read one ELF file; parses Args and
// loads the file. Returns false (with Exit set) when the command is done.
struct FileCommand {
  po::variables_map VM;
  std::unique_ptr<MemoryBuffer> Buf;
  std::unique_ptr<ElfObject> Obj;
  int Exit = 0;

  bool parse(const char *Usage, const std::vector<std::string> &Args) {
    po::options_description Desc(Usage);
    Desc.add_options()("help,h", "this help")("json", "JSON output")(
        "file", po::value<std::string>()->required(), "ELF file");
    po::positional_options_description Pos;
    Pos.add("file", 1);
    if (!parseOptions(Desc, Pos, Args, VM))
      return false;
    std::string Path = VM["file"].as<std::string>();
    auto B = MemoryBuffer::getFile(Path, false, false);
    if (!B) {
      Exit = fail(Path + ": " + B.getError().message());
      return false;
    }
    Buf = std::move(*B);
    auto O = ElfObject::create(Buf->getMemBufferRef(), Path);
    if (!O) {
      Exit = fail(toString(O.takeError()));
      return false;
    }
    Obj = std::move(*O);
    return true;
  }
  bool json() const { return VM.count("json"); }
};

static int cmdSymbols(const std::vector<std::string> &Args) {
  FileCommand C;
  if (!C.parse("sysgc symbols FILE [options]", Args))
    return C.Exit;
  const std::unique_ptr<ElfObject> &O = C.Obj;
  struct Row {
    std::string Name, Kind, Section;
    uint64_t Size, Value;
    bool Global;
  };
  std::vector<Row> Rows;
  for (const ElfSymbol &S : O->Symbols) {
    if (!S.inSection() || S.Name.empty() ||
        (S.Type != ELF::STT_FUNC && S.Type != ELF::STT_OBJECT))
      continue;
    Rows.push_back({S.Name.str(), S.Type == ELF::STT_FUNC ? "function" : "object",
                    O->Sections[S.Shndx].Name.str(), S.Size, S.Value,
                    S.Binding != ELF::STB_LOCAL});
  }
  llvm::sort(Rows, [](const Row &A, const Row &B) {
    return std::tie(A.Name, A.Value) < std::tie(B.Name, B.Value);
  });
  if (C.json()) {
    json::OStream J(outs(), 1);
    J.arrayBegin();
    for (const Row &R : Rows)
      J.object([&] {
        J.attribute("name", R.Name);
        J.attribute("kind", R.Kind);
        J.attribute("size", int64_t(R.Size));
        J.attribute("section", R.Section);
        J.attribute("global", R.Global);
      });
    J.arrayEnd();
    outs() << "\n";
  } else {
    for (const Row &R : Rows)
      outs() << formatv("{0,8} {1} {2} {3}\n", R.Size, R.Kind[0], R.Section,
                        R.Name);
  }
  return 0;
}

static int cmdSections(const std::vector<std::string> &Args) {
  FileCommand C;
  if (!C.parse("sysgc sections FILE [options]", Args))
    return C.Exit;
  const std::unique_ptr<ElfObject> &O = C.Obj;
  if (C.json()) {
    json::OStream J(outs(), 1);
    J.objectBegin();
    for (const ElfSection &S : O->Sections)
      if (S.Flags & ELF::SHF_ALLOC)
        J.attribute(S.Name, int64_t(S.Size));
    J.objectEnd();
    outs() << "\n";
  } else {
    for (const ElfSection &S : O->Sections)
      if (S.Flags & ELF::SHF_ALLOC)
        outs() << formatv("{0,10} {1}\n", S.Size, S.Name);
  }
  return 0;
}

static int cmdCheckAllowlist(const std::vector<std::string> &Args) {
  po::options_description Desc("sysgc check-allowlist FILE [options]");
  Desc.add_options()("help,h", "this help")(
      "arch", po::value<std::string>()->default_value("x86_64"), "architecture")(
      "allow-unknown", "unknown names are warnings")(
      "file", po::value<std::string>()->required(), "allowlist");
  po::positional_options_description Pos;
  Pos.add("file", 1);
  po::variables_map VM;
  if (!parseOptions(Desc, Pos, Args, VM))
    return 0;
  const ArchInfo *A = archOption(VM);
  if (!A)
    return 1;
  std::string Path = VM["file"].as<std::string>();
  auto Buf = MemoryBuffer::getFile(Path, true);
  if (!Buf)
    return fail(Path + ": " + Buf.getError().message());
  AllowlistOptions Opts;
  Opts.AllowUnknown = VM.count("allow-unknown");
  auto L = Allowlist::parse((*Buf)->getBuffer(), Path, *A, Opts);
  if (!L)
    return fail(toString(L.takeError()));
  for (const std::string &W : L->Warnings)
    errs() << W << "\n";
  std::vector<std::string> Abis;
  for (const AbiInfo &Abi : A->Abis)
    Abis.push_back(Abi.Name.str());
  for (const std::string &W : L->bootCriticalWarnings(Path, *A, Abis))
    errs() << W << "\n";
  for (const AbiInfo &Abi : A->Abis) {
    outs() << Abi.Name << ":";
    for (uint32_t Nr : L->allowed(Abi.Name))
      outs() << " " << Abi.findByNr(Nr)->Name;
    outs() << "\n";
  }
  return 0;
}

static int cmdSyscalls(const std::vector<std::string> &Args) {
  po::options_description Desc("sysgc syscalls [options]");
  Desc.add_options()("help,h", "this help")(
      "arch", po::value<std::string>()->default_value("x86_64"), "architecture")(
      "abi", po::value<std::string>(), "one ABI only");
  po::variables_map VM;
  if (!parseOptions(Desc, {}, Args, VM))
    return 0;
  const ArchInfo *A = archOption(VM);
  if (!A)
    return 1;
  for (const AbiInfo &Abi : A->Abis) {
    if (VM.count("abi") && Abi.Name != VM["abi"].as<std::string>())
      continue;
    for (const SyscallDesc &D : Abi.Syscalls)
      outs() << Abi.Name << "\t" << D.Nr << "\t" << D.Name << "\t" << D.Entry
             << "\n";
  }
  return 0;
}

static int cmdScan(const std::vector<std::string> &Args) {
  po::options_description Desc(
      "sysgc scan [--root DIR] [BINARY...] [options]\n"
      "The allowlist of the syscalls BINARY (or every executable under DIR)\n"
      "can make, with its interpreter and libraries; BINARY paths are\n"
      "inside DIR when --root is given");
  Desc.add_options()("help,h", "this help")(
      "root", po::value<std::string>(), "target root filesystem")(
      "output,o", po::value<std::string>(), "write here (default stdout)")(
      "arch", po::value<std::string>(),
      "scan programs of this architecture only (default: the first's)")(
      "format", po::value<std::string>()->default_value("list"),
      "list (an allowlist for sysgc-ld), json (with provenance), seccomp "
      "(an OCI seccomp profile) or header (C #defines for source-level "
      "builds)")(
      "unresolved", po::value<std::string>()->default_value("warn"),
      "warn: list unresolved sites and go on; fail: exit 1 if any")(
      "naive", "json: also each program's set without reachability")(
      "explain", po::value<std::string>(),
      "print where syscall NAME comes from instead of the allowlist")(
      "add-strace", po::value<std::vector<std::string>>(),
      "merge an strace -f log; report what the static scan missed")(
      "threads", po::value<unsigned>(),
      "analyse on this many threads (default: every core)")(
      "binary", po::value<std::vector<std::string>>(), "programs");
  po::positional_options_description Pos;
  Pos.add("binary", -1);
  po::variables_map VM;
  if (!parseOptions(Desc, Pos, Args, VM))
    return 0;
  ScanOptions Opts;
  Opts.Version = SYSGC_VERSION;
  if (VM.count("root"))
    Opts.Root = VM["root"].as<std::string>();
  if (VM.count("binary"))
    Opts.Binaries = VM["binary"].as<std::vector<std::string>>();
  if (VM.count("arch")) {
    Opts.Arch = archOption(VM);
    if (!Opts.Arch)
      return 1;
  }
  Opts.Naive = VM.count("naive");
  if (VM.count("threads"))
    parallel::strategy = hardware_concurrency(VM["threads"].as<unsigned>());
  std::string Format = VM["format"].as<std::string>();
  std::string Policy = VM["unresolved"].as<std::string>();
  if (Format != "list" && Format != "json" && Format != "seccomp" &&
      Format != "header")
    return fail("scan: --format must be list, json, seccomp or header, not " +
                Format);
  if (Policy != "warn" && Policy != "fail")
    return fail("scan: --unresolved must be warn or fail, not " + Policy);
  Expected<ScanResult> R = runScan(Opts);
  if (!R)
    return fail("scan: " + toString(R.takeError()));
  for (const std::string &N : R->Notes)
    errs() << "sysgc: note: " << N << "\n";
  if (VM.count("add-strace"))
    for (const std::string &Log : VM["add-strace"].as<std::vector<std::string>>()) {
      auto Buf = MemoryBuffer::getFile(Log, /*IsText=*/true);
      if (!Buf)
        return fail("scan: " + Log + ": " + Buf.getError().message());
      auto Missed = mergeStrace(*R, (*Buf)->getBuffer(), Log);
      if (!Missed)
        return fail("scan: " + toString(Missed.takeError()));
      for (const std::string &N : *Missed)
        errs() << "sysgc: warning: " << Log << " traced " << N
               << ", which the static scan missed\n";
    }
  if (VM.count("explain"))
    return writeExplain(outs(), *R, VM["explain"].as<std::string>()) ? 0 : 1;
  for (const auto &[Prog, S] : R->Unresolved)
    errs() << formatv("sysgc: {0}: unresolved syscall site: {1}: {2}: {3} "
                      "({4}:{5:x}): {6}\n",
                      Policy == "fail" ? "error" : "warning", Prog, S.Module,
                      S.Function, S.Module, S.Addr, S.Reason);
  std::unique_ptr<raw_fd_ostream> File;
  raw_ostream *OS = &outs();
  if (VM.count("output")) {
    std::error_code EC;
    File = std::make_unique<raw_fd_ostream>(VM["output"].as<std::string>(), EC,
                                            sys::fs::OF_Text);
    if (EC)
      return fail(VM["output"].as<std::string>() + ": " + EC.message());
    OS = File.get();
  }
  if (Format == "json")
    writeJson(*OS, *R, Opts);
  else if (Format == "seccomp")
    writeSeccomp(*OS, *R, Opts);
  else if (Format == "header")
    writeHeader(*OS, *R, Opts);
  else
    writeAllowlist(*OS, *R, Opts);
  if (Policy == "fail" && !R->Unresolved.empty())
    return fail(Twine("scan: ") + Twine(R->Unresolved.size()) +
                " syscall sites are unresolved (--unresolved=fail)");
  return 0;
}

// Commands defined in their own files.
int cmdReport(const std::vector<std::string> &Args);
int cmdCost(const std::vector<std::string> &Args);
int cmdWhy(const std::vector<std::string> &Args);
int cmdRelink(const std::vector<std::string> &Args);

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  const char *Usage =
      "usage: sysgc COMMAND [options]\n"
      "commands:\n"
      "  symbols FILE [--json]           sized symbols of an ELF file\n"
      "  sections FILE [--json]          sizes of the allocated sections\n"
      "  check-allowlist FILE [--arch A] resolve an allowlist\n"
      "  syscalls [--arch A] [--abi B]   the syscall tables sysgc uses\n"
      "  scan [--root DIR] [BINARY...]   the allowlist the programs need\n"
      "  report BEFORE AFTER [-c|-d|-t]  size changes, as bloat-o-meter\n"
      "  cost [--allow FILE] -- LINKER-ARGS\n"
      "                                  bytes each syscall alone costs\n"
      "  why SYMBOL [--allow FILE] -- LINKER-ARGS\n"
      "                                  why SYMBOL survives the allowlist\n"
      "  relink RECORD --allow FILE -o OUT\n"
      "                                  a recorded kernel link, new allowlist\n";
  if (argc < 2) {
    errs() << Usage;
    return 2;
  }
  std::string Cmd = argv[1];
  std::vector<std::string> Args(argv + 2, argv + argc);
  try {
    if (Cmd == "symbols")
      return cmdSymbols(Args);
    if (Cmd == "sections")
      return cmdSections(Args);
    if (Cmd == "check-allowlist")
      return cmdCheckAllowlist(Args);
    if (Cmd == "syscalls")
      return cmdSyscalls(Args);
    if (Cmd == "scan")
      return cmdScan(Args);
    if (Cmd == "report")
      return cmdReport(Args);
    if (Cmd == "cost")
      return cmdCost(Args);
    if (Cmd == "why")
      return cmdWhy(Args);
    if (Cmd == "relink")
      return cmdRelink(Args);
    if (Cmd == "-h" || Cmd == "--help" || Cmd == "help") {
      outs() << Usage;
      return 0;
    }
  } catch (const po::error &E) {
    return fail(Twine(Cmd) + ": " + E.what());
  }
  errs() << "sysgc: unknown command '" << Cmd << "'\n" << Usage;
  return 2;
}
