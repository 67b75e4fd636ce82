//===- SectionGraphTest.cpp -----------------------------------------------===//
#include "sysgc/Graph/SectionGraph.h"
#include "../Support/TestObjects.h"
#include "gtest/gtest.h"

using namespace sysgc;
using namespace sysgc::test;
using namespace llvm;

namespace {
const char *Header = R"(--- !ELF
FileHeader: { Class: ELFCLASS64, Data: ELFDATA2LSB, Type: ET_REL, Machine: EM_X86_64 }
)";

std::string object(StringRef Body) { return (Twine(Header) + Body).str(); }

NodeId nodeNamed(const SectionGraph &G, uint32_t File, StringRef Name) {
  const ElfObject &O = G.object(File);
  for (uint32_t S = 0; S < O.Sections.size(); ++S)
    if (O.Sections[S].Name == Name)
      return G.node(File, S);
  return NoNode;
}

TEST(SectionGraph, EdgesFollowResolvedSymbols) {
  TestInputs In;
  In.add(KernelYaml, "kernel.o");
  SectionGraph G(In.Set);
  NodeId Socket = nodeNamed(G, 0, ".text.__x64_sys_socket");
  ASSERT_NE(Socket, NoNode);
  std::vector<std::string> Targets;
  for (const GraphEdge &E : G.edges(Socket))
    Targets.push_back(G.section(E.To).Name.str());
  EXPECT_EQ(Targets, (std::vector<std::string>{".text.fdget",
                                               ".text.sock_create"}));
  // Section-symbol relocations land on their section.
  NodeId Ex = nodeNamed(G, 0, "__ex_table");
  ASSERT_EQ(G.edges(Ex).size(), 4u);
  EXPECT_EQ(G.section(G.edges(Ex)[2].To).Name, ".text.sock_alloc");
  // Non-alloc sections are no sources.
  EXPECT_TRUE(G.edges(nodeNamed(G, 0, ".symtab")).empty());
}

TEST(SectionGraph, StrongBeatsWeakAcrossFiles) {
  TestInputs In;
  In.add(object(R"(Sections:
  - { Name: .text.stub, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], Size: 4 }
  - { Name: .text.user, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], Size: 8 }
  - Name: .rela.text.user
    Type: SHT_RELA
    Info: .text.user
    Relocations:
      - { Offset: 1, Symbol: f, Type: R_X86_64_PLT32, Addend: -4 }
Symbols:
  - { Name: f, Type: STT_FUNC, Section: .text.stub, Binding: STB_WEAK }
)"),
         "weak.o");
  In.add(object(R"(Sections:
  - { Name: .text.f, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], Size: 4 }
Symbols:
  - { Name: f, Type: STT_FUNC, Section: .text.f, Binding: STB_GLOBAL }
)"),
         "strong.o");
  SectionGraph G(In.Set);
  NodeId User = nodeNamed(G, 0, ".text.user");
  ASSERT_EQ(G.edges(User).size(), 1u);
  EXPECT_EQ(G.edges(User)[0].To, nodeNamed(G, 1, ".text.f"));
  EXPECT_EQ(G.lookup("f").File, 1u);
}

TEST(SectionGraph, LazyMembersJoinOnlyWhenNeeded) {
  TestInputs In;
  In.add(object(R"(Sections:
  - { Name: .text.main, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], Size: 8 }
  - Name: .rela.text.main
    Type: SHT_RELA
    Info: .text.main
    Relocations:
      - { Offset: 1, Symbol: used, Type: R_X86_64_PLT32, Addend: -4 }
Symbols:
  - { Name: used, Binding: STB_GLOBAL }
)"),
         "main.o");
  const char *Member = R"(Sections:
  - { Name: .text.%s, Type: SHT_PROGBITS, Flags: [ SHF_ALLOC, SHF_EXECINSTR ], Size: 4 }
Symbols:
  - { Name: %s, Type: STT_FUNC, Section: .text.%s, Binding: STB_GLOBAL }
)";
  char Buf[512];
  snprintf(Buf, sizeof(Buf), Member, "used", "used", "used");
  In.add(object(Buf), "lib.a(used.o)", /*Lazy=*/true);
  snprintf(Buf, sizeof(Buf), Member, "unused", "unused", "unused");
  In.add(object(Buf), "lib.a(unused.o)", /*Lazy=*/true);
  SectionGraph G(In.Set);
  EXPECT_TRUE(G.isLinked(0));
  EXPECT_TRUE(G.isLinked(1));
  EXPECT_FALSE(G.isLinked(2));
  EXPECT_FALSE(G.isAllocNode(nodeNamed(G, 2, ".text.unused")));
  EXPECT_EQ(G.edges(nodeNamed(G, 0, ".text.main"))[0].To,
            nodeNamed(G, 1, ".text.used"));
}

TEST(SectionGraph, SymbolAtPrefersGlobalFunctions) {
  TestInputs In;
  In.add(KernelYaml, "kernel.o");
  SectionGraph G(In.Set);
  SymbolRef S = G.symbolAt(nodeNamed(G, 0, ".text.sock_alloc"), 0);
  ASSERT_TRUE(S.valid());
  EXPECT_EQ(G.symbol(S).Name, "sock_alloc");
}
} // namespace
