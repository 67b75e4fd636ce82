//===- sysgc/Graph/SectionGraph.h - Sections and who references whom -*- C++ -*-===//
//
// The reusable core of every analysis: one node per section of every linked
// object, one edge per relocation from an SHF_ALLOC section to the section
// defining its (resolved) target symbol. Symbols are resolved across files
// as a static link resolves them (strong over weak, archive members pulled
// only when something linked needs them). The graph knows nothing of
// syscalls or tables: the planner gives edges their meaning.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_GRAPH_SECTIONGRAPH_H
#define SYSGC_GRAPH_SECTIONGRAPH_H

#include "sysgc/Input/InputSet.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/CachedHashString.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include <vector>

namespace sysgc {

using NodeId = uint32_t;
constexpr NodeId NoNode = ~0u;

/// A symbol of one object: (object index, symbol index).
struct SymbolRef {
  uint32_t File = ~0u;
  uint32_t Sym = 0;
  bool valid() const { return File != ~0u; }
};

struct GraphEdge {
  NodeId To;
  /// Index into the source object's ElfObject::Relocs.
  uint32_t Reloc;
};

class SectionGraph {
public:
  explicit SectionGraph(const InputSet &In);

  const InputSet &inputs() const { return In; }
  uint32_t numNodes() const { return FileBase.back(); }
  NodeId node(uint32_t File, uint32_t Sec) const {
    return FileBase[File] + Sec;
  }
  uint32_t fileOf(NodeId N) const;
  uint32_t secOf(NodeId N) const { return N - FileBase[fileOf(N)]; }
  const ElfObject &object(uint32_t File) const { return *In.Objects[File].Elf; }
  const ElfSection &section(NodeId N) const {
    return object(fileOf(N)).Sections[secOf(N)];
  }
  /// "mini.a(sys.o):(.text.foo)".
  std::string describe(NodeId N) const;

  /// Is this object part of the link (lazy archive members only when
  /// extracted)?
  bool isLinked(uint32_t File) const { return Linked[File]; }
  /// SHF_ALLOC section of a linked object: a candidate for collection.
  bool isAllocNode(NodeId N) const { return AllocNodes[N]; }

  llvm::ArrayRef<GraphEdge> edges(NodeId From) const {
    return llvm::ArrayRef<GraphEdge>(Edges).slice(
        EdgeBegin[From], EdgeBegin[From + 1] - EdgeBegin[From]);
  }

  /// The definition symbol (File, Sym) of File binds to, or invalid.
  SymbolRef resolve(uint32_t File, uint32_t Sym) const;
  /// The winning definition of a global name, or invalid.
  SymbolRef lookup(llvm::StringRef Name) const;
  const ElfSymbol &symbol(SymbolRef S) const {
    return object(S.File).Symbols[S.Sym];
  }
  /// The section node a definition lives in, or NoNode (absolute, common,
  /// shared library).
  NodeId sectionOf(SymbolRef S) const;
  /// The target node of relocation Reloc of File, or NoNode.
  NodeId relocTarget(uint32_t File, uint32_t Reloc) const;

  /// Sized FUNC/OBJECT symbols defined in node N.
  std::vector<uint32_t> symbolsIn(NodeId N) const;
  /// The indices of every symbol defined in N (any type), in symbol order.
  llvm::ArrayRef<uint32_t> symbolIndicesIn(NodeId N) const {
    return llvm::ArrayRef<uint32_t>(SymIndex).slice(SymBegin[N],
                                                    SymBegin[N + 1] -
                                                        SymBegin[N]);
  }
  /// A named symbol defined at Offset in node N (functions preferred).
  SymbolRef symbolAt(NodeId N, uint64_t Offset) const;

  /// (Re)build the edges from the relocations the objects hold now: an
  /// object read without them (ElfObject::loadRelocs not yet called) has
  /// none. The constructor calls it.
  void buildEdges();

private:
  void resolveSymbols();
  void indexAllocNodes();
  void indexSymbols();

  const InputSet &In;
  std::vector<uint32_t> FileBase;
  std::vector<bool> Linked;
  /// isAllocNode, per node: asked in every pass over the nodes.
  std::vector<bool> AllocNodes;
  /// Global definitions by name. The names point into the inputs, which
  /// outlive the graph: no copies.
  llvm::DenseMap<llvm::CachedHashStringRef, SymbolRef> Globals;
  /// Per object, per symbol: its resolved definition.
  std::vector<std::vector<SymbolRef>> Resolved;
  std::vector<uint32_t> EdgeBegin;
  std::vector<GraphEdge> Edges;
  /// Per node, the named symbols defined in it (CSR).
  std::vector<uint32_t> SymBegin;
  std::vector<uint32_t> SymIndex;
};

} // namespace sysgc

#endif
