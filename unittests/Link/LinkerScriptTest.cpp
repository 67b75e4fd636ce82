//===- LinkerScriptTest.cpp - what sysgc reads of a linker script ---------===//
#include "sysgc/Link/LinkerScript.h"
#include "llvm/ADT/STLExtras.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace llvm;

namespace {
const char *Script = R"(
/* jiffies_comment is only a comment */
jiffies = jiffies_64;
SECTIONS {
  .text : { _text = .; *(.text .text.fixup) }
  PROVIDE(__per_cpu_load = ADDR(.data..percpu));
  /DISCARD/ : { *(.discard) *(.discard.*) EXCLUDE_FILE(*keep.o) *(.exit.text) }
}
ASSERT(phys_startup_64 == 0x1000, "in_a_string is not a name");
)";

TEST(LinkerScript, SymbolNamesOutsideCommentsAndStrings) {
  auto Names = scriptSymbolNames(Script, "vmlinux.lds");
  ASSERT_TRUE(bool(Names)) << toString(Names.takeError());
  for (const char *N : {"jiffies", "jiffies_64", "_text", "__per_cpu_load",
                        "phys_startup_64", "ADDR", ".data..percpu"})
    EXPECT_TRUE(is_contained(*Names, N)) << N;
  for (const char *N : {"jiffies_comment", "in_a_string", "0x1000"})
    EXPECT_FALSE(is_contained(*Names, N)) << N;
  EXPECT_TRUE(llvm::is_sorted(*Names));
}

TEST(LinkerScript, DiscardPatterns) {
  auto Pats = parseDiscardPatterns(Script, "vmlinux.lds");
  ASSERT_TRUE(bool(Pats)) << toString(Pats.takeError());
  EXPECT_EQ(*Pats, (std::vector<std::string>{".discard", ".discard.*",
                                             ".exit.text"}));
}

TEST(LinkerScript, UnterminatedCommentIsAnError) {
  auto Names = scriptSymbolNames("a = b; /* open", "x.lds");
  ASSERT_FALSE(bool(Names));
  EXPECT_NE(toString(Names.takeError()).find("x.lds: unterminated comment"),
            std::string::npos);
}
} // namespace

TEST(SectionPlacement, DescriptionsSayWhatMayComeBetween) {
  SectionPlacement P;
  // Expressions, KEEP/SORT wrappers, EXCLUDE_FILE and flag lists around the
  // descriptions: only the section patterns count.
  ASSERT_FALSE(bool(P.addScript(R"(
    SECTIONS {
      . = ALIGN((1 << 12)) * 2;
      .text : AT(ADDR(.text) - 0xffffffff80000000) {
        *(.text.hot .text.hot.*)
        *(.text .text.fixup)
        KEEP(*(SORT(.initcall*)))
        *(EXCLUDE_FILE(*crtend.o) .ctors)
        *(INPUT_SECTION_FLAGS(SHF_ALLOC) .flagged)
      } =0xcccc
      ASSERT(SIZEOF(.text) > 0, "no (.data) here")
      .data : { *(.data .data.*) }
    })", "v.lds")));
  EXPECT_TRUE(P.mayComeBetween(".text", ".text"));
  EXPECT_TRUE(P.mayComeBetween(".text", ".text.fixup"));
  EXPECT_FALSE(P.mayComeBetween(".text", ".text.hot.x"));
  EXPECT_FALSE(P.mayComeBetween(".text", ".data"));
  EXPECT_TRUE(P.mayComeBetween(".data", ".data.x"));
  EXPECT_FALSE(P.mayComeBetween(".text", ".initcall3.init"));
  EXPECT_FALSE(P.mayComeBetween(".ctors", "crtend.o"));
  EXPECT_FALSE(P.mayComeBetween(".flagged", "SHF_ALLOC"));
  // Orphans: apart from every described section; together by their first
  // name component.
  EXPECT_FALSE(P.mayComeBetween(".text", ".orphan"));
  EXPECT_TRUE(P.mayComeBetween(".orphan.a", ".orphan.b"));
  EXPECT_FALSE(P.mayComeBetween(".orphan.a", ".other"));
}

TEST(SectionPlacement, AWildcardDescriptionTakesEverything) {
  SectionPlacement P;
  ASSERT_FALSE(bool(P.addScript("SECTIONS { .x : { *(*) } }", "w.lds")));
  EXPECT_TRUE(P.mayComeBetween(".text", ".data"));
  SectionPlacement Q;
  Error E = Q.addScript("SECTIONS { .x : { *(.a ", "bad.lds");
  EXPECT_NE(toString(std::move(E)).find("bad.lds"), std::string::npos);
  EXPECT_NE(P.hash(), Q.hash());
}

// Copies (a growing vector makes them) match what their original matched,
// with the original gone.
TEST(SectionMatcher, CopiesKeepTheirPatterns) {
  std::vector<SectionMatcher> Ms;
  for (int I = 0; I < 40; ++I) {
    SectionMatcher M;
    ASSERT_FALSE(bool(M.add((".s" + Twine(I) + ".*").str())));
    Ms.push_back(M); // copied in, then the vector copies as it grows
  }
  for (int I = 0; I < 40; ++I)
    for (int J = 0; J < 40; ++J)
      EXPECT_EQ(Ms[I].match((".s" + Twine(J) + ".x").str()), I == J)
          << I << " " << J;
  SectionMatcher Assigned;
  {
    SectionMatcher Original;
    ASSERT_FALSE(bool(Original.add(".keep")));
    Assigned = Original;
  }
  EXPECT_TRUE(Assigned.match(".keep"));
  EXPECT_FALSE(Assigned.match(".other"));
}

// What whole-kernel collection takes as roots from a script: what it KEEPs
// (wildcards too, wrappers looked through) and what it places by its own
// name; never what only a wildcard matches, nor what /DISCARD/ names.
TEST(ScriptRoots, KeptAndNamedPatterns) {
  const char *S = R"(
SECTIONS {
  .text : { *(.text .text.[0-9a-zA-Z_]*) *(.noinstr.text) }
  .init.data : { KEEP(*(SORT(.initcall*.init))) KEEP(*(__ksymtab+*)) }
  .x86_cpu_dev.init : { __x86_cpu_dev_start = .; *(.x86_cpu_dev.init) }
  __ex_table : { KEEP(*(__ex_table)) }
  .data : { *(EXCLUDE_FILE(*crtend.o) .data.keep_me) *(.data.*) }
  /DISCARD/ : { *(.exit.text) KEEP(*(.discard.keep)) }
}
)";
  auto R = parseScriptRoots(S, "t.lds");
  ASSERT_TRUE(bool(R)) << toString(R.takeError());
  EXPECT_EQ(R->Kept, (std::vector<std::string>{".initcall*.init", "__ex_table",
                                               "__ksymtab+*"}));
  EXPECT_EQ(R->Named,
            (std::vector<std::string>{".data.keep_me", ".noinstr.text",
                                      ".text", ".x86_cpu_dev.init"}));
}

TEST(ScriptRoots, UnbalancedParenthesesAreAnError) {
  auto R = parseScriptRoots("SECTIONS { .text : { KEEP(*(.text } }", "bad.lds");
  ASSERT_FALSE(bool(R));
  EXPECT_NE(toString(R.takeError()).find("bad.lds"), std::string::npos);
}
