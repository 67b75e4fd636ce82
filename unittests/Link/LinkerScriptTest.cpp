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
