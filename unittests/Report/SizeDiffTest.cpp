//===- SizeDiffTest.cpp - bloat-o-meter's rules on hand-made profiles -----===//
#include "sysgc/Report/SizeDiff.h"
#include "gtest/gtest.h"

using namespace sysgc;

namespace {
SizeProfile profile(std::vector<NmSymbol> Syms) {
  SizeProfile P;
  P.Symbols = std::move(Syms);
  return P;
}

std::string text(const std::vector<SymbolTable> &T) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  printBloatOMeter(T, OS);
  return S;
}
} // namespace

TEST(SizeDiff, FoldsSuffixesDropsGeneratedSymbolsAndSortsAsThePythonScript) {
  SizeProfile Before = profile({{"foo.constprop.0", 10, 't'},
                                {"foo.constprop.1", 5, 't'},
                                {"__se_sys_read", 100, 'T'},
                                {"linux_banner", 50, 'R'},
                                {"gone", 7, 'T'},
                                {"a_same", 3, 'T'},
                                {"b_same", 3, 'T'},
                                {"table", 64, 'd'}});
  SizeProfile After = profile({{"foo.constprop.3", 12, 't'},
                               {"__se_sys_read", 1, 'T'},
                               {"new_one", 4, 'W'},
                               {"table", 32, 'd'}});
  auto T = diffSymbols(Before, After, SymbolSelection::All);
  ASSERT_EQ(T.size(), 1u);
  // foo.constprop folds to one name: 15 -> 12; a_same/b_same/gone removed.
  EXPECT_EQ(T[0].Add, 1u);
  EXPECT_EQ(T[0].Remove, 3u);
  EXPECT_EQ(T[0].Grow, 0u);
  EXPECT_EQ(T[0].Shrink, 2u);
  EXPECT_EQ(T[0].Up, 4u);
  EXPECT_EQ(T[0].Down, 3u + 32 + 7 + 3 + 3);
  EXPECT_EQ(T[0].OldTotal, 15u + 7 + 3 + 3 + 64);
  EXPECT_EQ(T[0].NewTotal, 12u + 4 + 32);
  EXPECT_EQ(text(T),
            "add/remove: 1/3 grow/shrink: 0/2 up/down: 4/-48 (-44)\n"
            "Function                                     old     new   delta\n"
            "new_one                                        -       4      +4\n"
            "foo.constprop                                 15      12      -3\n"
            "b_same                                         3       -      -3\n"
            "a_same                                         3       -      -3\n"
            "gone                                           7       -      -7\n"
            "table                                         64      32     -32\n"
            "Total: Before=92, After=48, chg -47.83%\n");
}

TEST(SizeDiff, SelectionsTakeNmLetters) {
  SizeProfile Before = profile({{"f", 1, 't'}, {"d", 2, 'D'}, {"r", 4, 'r'},
                                {"v", 8, 'V'}, {"b", 16, 'b'}});
  SizeProfile After = profile({});
  auto C = diffSymbols(Before, After, SymbolSelection::Categories);
  ASSERT_EQ(C.size(), 3u);
  EXPECT_EQ(C[0].Title, "Function");
  EXPECT_EQ(C[0].OldTotal, 1u);
  EXPECT_EQ(C[1].Title, "Data");
  EXPECT_EQ(C[1].OldTotal, 2u + 8 + 16);
  EXPECT_EQ(C[2].Title, "RO Data");
  EXPECT_EQ(C[2].OldTotal, 4u);
  EXPECT_EQ(diffSymbols(Before, After, SymbolSelection::Data)[0].OldTotal,
            2u + 4 + 8 + 16);
  EXPECT_EQ(diffSymbols(Before, After, SymbolSelection::Text)[0].OldTotal, 1u);
  // An empty "before" prints a 0 % change, as the script does.
  auto E = diffSymbols(After, Before, SymbolSelection::Text);
  EXPECT_NE(text(E).find("Total: Before=0, After=1, chg +0.00%\n"), std::string::npos);
}
