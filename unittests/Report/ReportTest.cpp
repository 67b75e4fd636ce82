//===- ReportTest.cpp -----------------------------------------------------===//
#include "sysgc/Report/Report.h"
#include "../Support/TestObjects.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Support/JSON.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
TEST(Report, OutputSectionNames) {
  EXPECT_EQ(outputSectionName(".text.__x64_sys_read"), ".text");
  EXPECT_EQ(outputSectionName(".text"), ".text");
  EXPECT_EQ(outputSectionName(".rodata.str1.1"), ".rodata");
  EXPECT_EQ(outputSectionName(".data.rel.ro.foo"), ".data.rel.ro");
  EXPECT_EQ(outputSectionName(".bss.x"), ".bss");
  EXPECT_EQ(outputSectionName(".textual"), ".textual");
  EXPECT_EQ(outputSectionName("__ex_table"), "__ex_table");
  EXPECT_EQ(outputSectionName(".ARM.exidx.text.f"), ".ARM.exidx");
  EXPECT_EQ(outputSectionName(".bss.rel.ro"), ".bss.rel.ro");
}

struct Reported {
  TestInputs In;
  std::unique_ptr<SectionGraph> G;
  LinkPlan Plan;
  ReportData D;
  Reported() {
    In.add(KernelYaml, "kernel.o");
    G = std::make_unique<SectionGraph>(In.Set);
    const ArchInfo &Arch = *getArch(ELF::EM_X86_64);
    auto A = Allowlist::parse("read\n", "a", Arch);
    Plan = std::move(*planLink(*G, Arch, *A, {}));
    D.Output = "vmlinux";
    D.AllowlistPath = "allow.txt";
    D.Graph = G.get();
    D.Plan = &Plan;
    D.Timings = [] {
      return std::vector<std::pair<std::string, double>>{{"read", 1.5}};
    };
  }
  std::string json() {
    std::string S;
    raw_string_ostream OS(S);
    writeJsonReport(D, OS);
    return S;
  }
};

TEST(Report, JsonContents) {
  Reported R;
  auto V = json::parse(R.json());
  ASSERT_TRUE(bool(V)) << toString(V.takeError());
  json::Object &O = *V->getAsObject();
  EXPECT_EQ(*O.getString("schema"), "sysgc-report/1");
  EXPECT_EQ(*O.getString("mode"), "retain");
  json::Object &X64 = *O.getObject("syscalls")->getObject("x64");
  ASSERT_EQ(X64.getArray("kept")->size(), 1u);
  EXPECT_EQ(*(*X64.getArray("kept"))[0].getAsString(), "read");
  EXPECT_EQ(*(*X64.getArray("removed"))[0].getAsString(), "socket");
  EXPECT_EQ(*(*X64.getArray("removed_code_kept"))[0].getAsString(), "time");
  json::Object &T = *O.getObject("totals");
  EXPECT_EQ(*T.getInteger("removed_functions"), 3);
  EXPECT_EQ(*T.getInteger("removed_function_bytes"), 48);
  EXPECT_EQ(*T.getInteger("removed_object_bytes"), 8);
  json::Array &Syms = *O.getArray("removed_symbols");
  ASSERT_EQ(Syms.size(), 4u);
  EXPECT_EQ(*O.getObject("removed_bytes_by_output_section")->getInteger(".text"), 48);
  EXPECT_TRUE(O.getObject("timings_ms"));
}

TEST(Report, DeterministicWithoutTimings) {
  Reported R;
  R.D.IncludeTimings = false;
  std::string A = R.json();
  R.D.Timings = [] {
    return std::vector<std::pair<std::string, double>>{{"read", 99.0}};
  };
  EXPECT_EQ(A, R.json());
  EXPECT_EQ(A.find("timings_ms"), std::string::npos);
}

TEST(Report, SummaryLooksLikeBloatOMeter) {
  Reported R;
  std::string S;
  raw_string_ostream OS(S);
  printSummary(R.D, OS);
  EXPECT_NE(S.find("kept 1 of 3 implemented syscalls, removed 2"),
            std::string::npos) << S;
  EXPECT_NE(S.find("add/remove: 0/4 grow/shrink: 0/0 up/down: 0/-56 (-56)"),
            std::string::npos) << S;
}
} // namespace
