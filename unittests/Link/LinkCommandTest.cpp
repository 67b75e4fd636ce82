//===- LinkCommandTest.cpp ------------------------------------------------===//
#include "sysgc/Link/LinkCommand.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <map>

using namespace sysgc;
using namespace llvm;

namespace {
struct Parsed {
  LinkCommand Cmd;
  SysgcOptions Opts;
  std::string Error;
};

Parsed parse(std::vector<const char *> Argv,
             std::map<std::string, std::string> Env = {}) {
  Parsed P;
  EnvLookup Lookup = [&](StringRef N) -> std::optional<std::string> {
    auto It = Env.find(N.str());
    if (It == Env.end())
      return std::nullopt;
    return It->second;
  };
  if (Error E = parseLinkCommand(Argv, Lookup, P.Cmd, P.Opts))
    P.Error = toString(std::move(E));
  return P;
}

TEST(LinkCommand, KernelLinkLine) {
  Parsed P = parse({"ld", "-m", "elf_x86_64", "-z", "max-page-size=0x200000",
                    "--emit-relocs", "--build-id=sha1", "-o", ".tmp_vmlinux1",
                    "-T", "vmlinux.lds", "--whole-archive", "vmlinux.a",
                    "init/version-timestamp.o", "--no-whole-archive",
                    "--start-group", "lib/lib.a", "--end-group",
                    "-Map=vmlinux.map"});
  ASSERT_EQ(P.Error, "");
  EXPECT_EQ(P.Cmd.Output, ".tmp_vmlinux1");
  ASSERT_EQ(P.Cmd.Inputs.size(), 3u);
  EXPECT_EQ(P.Cmd.Inputs[0].Path, "vmlinux.a");
  EXPECT_TRUE(P.Cmd.Inputs[0].WholeArchive);
  EXPECT_TRUE(P.Cmd.Inputs[1].WholeArchive);
  EXPECT_EQ(P.Cmd.Inputs[2].Path, "lib/lib.a");
  EXPECT_FALSE(P.Cmd.Inputs[2].WholeArchive);
  EXPECT_FALSE(P.Cmd.Relocatable);
  EXPECT_FALSE(P.Cmd.GcSections);
  EXPECT_FALSE(P.Cmd.Rewritten);
  // Every argument is passed through in order.
  EXPECT_EQ(P.Cmd.Args.size(), 19u);
}

TEST(LinkCommand, SysgcOptionsAreRemovedAndParsed) {
  Parsed P = parse({"ld", "--sysgc-allow=a.txt", "x.o", "--sysgc-report",
                    "r.json", "--sysgc-dispatch=x64:tbl,sw", "-o", "out",
                    "--sysgc-allow-unknown"});
  ASSERT_EQ(P.Error, "");
  EXPECT_EQ(*P.Opts.Allow, "a.txt");
  EXPECT_EQ(*P.Opts.Report, "r.json");
  EXPECT_TRUE(P.Opts.AllowUnknown);
  EXPECT_EQ(P.Opts.Dispatch, (std::vector<std::string>{"x64:tbl", "sw"}));
  EXPECT_TRUE(P.Cmd.Rewritten);
  EXPECT_EQ(P.Cmd.Args, (std::vector<std::string>{"ld", "x.o", "-o", "out"}));
}

TEST(LinkCommand, EnvironmentAndOverride) {
  Parsed P = parse({"ld", "x.o"}, {{"SYSGC_ALLOW", "env.txt"},
                                   {"SYSGC_REPORT", "env.json"}});
  ASSERT_EQ(P.Error, "");
  EXPECT_EQ(*P.Opts.Allow, "env.txt");
  EXPECT_FALSE(P.Cmd.Rewritten);
  Parsed Q = parse({"ld", "--sysgc-allow=cli.txt", "x.o"},
                   {{"SYSGC_ALLOW", "env.txt"}});
  EXPECT_EQ(*Q.Opts.Allow, "cli.txt");
  Parsed Bad = parse({"ld", "x.o"}, {{"SYSGC_ALLOW_UNKNOWN", "maybe"}});
  EXPECT_NE(Bad.Error.find("SYSGC_ALLOW_UNKNOWN"), std::string::npos);
}

TEST(LinkCommand, RelocatableAndGc) {
  EXPECT_TRUE(parse({"ld", "-r", "a.o"}).Cmd.Relocatable);
  EXPECT_TRUE(parse({"ld", "--relocatable", "a.o"}).Cmd.Relocatable);
  EXPECT_TRUE(parse({"ld", "--gc-sections", "a.o"}).Cmd.GcSections);
  EXPECT_FALSE(
      parse({"ld", "--gc-sections", "--no-gc-sections", "a.o"}).Cmd.GcSections);
  EXPECT_TRUE(parse({"ld", "--version"}).Cmd.InfoOnly);
}

TEST(LinkCommand, OptionValuesAreNotInputs) {
  Parsed P = parse({"ld", "-T", "script.lds", "-Tother.lds", "-L", "dir",
                    "-Ldir2", "-export-dynamic", "--hash-style", "gnu",
                    "-soname", "libx.so", "-e", "start", "-u", "keep",
                    "--defsym", "a=b", "in.o", "-ofinal"});
  ASSERT_EQ(P.Error, "");
  ASSERT_EQ(P.Cmd.Inputs.size(), 1u);
  EXPECT_EQ(P.Cmd.Inputs[0].Path, "in.o");
  EXPECT_EQ(P.Cmd.Output, "final");
  EXPECT_EQ(*P.Cmd.Entry, "start");
  EXPECT_EQ(P.Cmd.Undefined, std::vector<std::string>{"keep"});
}

TEST(LinkCommand, Errors) {
  EXPECT_NE(parse({"ld", "-o"}).Error.find("missing value"), std::string::npos);
  EXPECT_NE(parse({"ld", "--sysgc-frob"}).Error.find("unknown option"),
            std::string::npos);
  EXPECT_NE(parse({"ld", "--sysgc-allow"}).Error.find("missing value"),
            std::string::npos);
}

TEST(LinkCommand, ResponseFilesAreExpanded) {
  SmallString<128> Path;
  ASSERT_FALSE(sys::fs::createTemporaryFile("sysgc-test", "rsp", Path));
  {
    std::error_code EC;
    raw_fd_ostream OS(Path, EC);
    OS << "-o out \"a b.o\" --sysgc-allow=x.txt\n";
  }
  std::string At = ("@" + Path).str();
  Parsed P = parse({"ld", At.c_str(), "c.o"});
  sys::fs::remove(Path);
  ASSERT_EQ(P.Error, "");
  EXPECT_TRUE(P.Cmd.Rewritten);
  EXPECT_EQ(P.Cmd.Output, "out");
  ASSERT_EQ(P.Cmd.Inputs.size(), 2u);
  EXPECT_EQ(P.Cmd.Inputs[0].Path, "a b.o");
  EXPECT_EQ(*P.Opts.Allow, "x.txt");
}

TEST(LinkCommand, LibrariesResolveAgainstSearchPaths) {
  SmallString<128> Dir;
  ASSERT_FALSE(sys::fs::createUniqueDirectory("sysgc-test", Dir));
  std::string Lib = (Dir + "/libfoo.a").str();
  { std::error_code EC; raw_fd_ostream OS(Lib, EC); OS << "!<arch>\n"; }
  std::string L = ("-L" + Dir).str();
  Parsed P = parse({"ld", L.c_str(), "-static", "-lfoo", "-l", "bar"});
  sys::fs::remove(Lib);
  sys::fs::remove(Dir);
  ASSERT_EQ(P.Error, "");
  ASSERT_EQ(P.Cmd.Inputs.size(), 2u);
  EXPECT_EQ(P.Cmd.Inputs[0].Path, Lib);
  EXPECT_EQ(P.Cmd.Inputs[1].Path, "-lbar"); // not found: lld will say so
  EXPECT_EQ(P.Cmd.Inputs[1].ArgCount, 2u);
}
} // namespace
