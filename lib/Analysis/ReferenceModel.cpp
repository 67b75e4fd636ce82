//===- ReferenceModel.cpp - The plan's references, as a graph -------------===//
//
// planLink (every piece kept) -> liveRefs -> SHF_LINK_ORDER sections under
// their owners. The roots are the planner's own, split into those no
// syscall is needed for and the syscalls' entries.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Analysis/ReferenceModel.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace llvm;

Expected<std::unique_ptr<ReferenceModel>>
ReferenceModel::build(const SectionGraph &G, const ArchInfo &Arch,
                      const PlanOptions &Opts,
                      const std::vector<DispatchSite> &Sites,
                      const Allowlist &Allow) {
  PlanOptions PO = Opts;
  PO.KeepAllPieces = true;
  PO.UnknownTablesAreErrors = false;
  PO.AllowInlinedDispatch = true;
  auto P = planLink(G, Arch, Allow, PO, Sites);
  if (!P)
    return P.takeError();
  auto M = std::make_unique<ReferenceModel>();
  M->G = &G;
  M->Plan = std::move(*P);
  M->RootSymbols = Opts.RootSymbols;
  M->Opts = Opts;
  SectionKinds K = SectionKinds::of(G, Arch);
  size_t Warned = M->Plan.Warnings.size();
  M->Refs = liveRefs(G, K, M->Plan);
  // liveRefs builds the marker again: its warnings are planLiveness's.
  M->Plan.Warnings.resize(Warned);

  uint32_t N = G.numNodes();
  M->IsLinkOrder.resize(N);
  std::vector<std::pair<NodeId, NodeId>> Pairs; // (owner, section)
  for (NodeId I = 0; I < N; ++I)
    if (G.isAllocNode(I) && !M->Plan.Discarded[I])
      // One linked to a section that is not part of the image stays, as
      // in the planner (which removes it only with a Dead owner).
      if (NodeId Owner = linkOrderOwner(G, I);
          Owner != NoNode && G.isAllocNode(Owner) &&
          !M->Plan.Discarded[Owner]) {
        M->IsLinkOrder.set(I);
        Pairs.push_back({Owner, I});
      }
  M->LinkOrderBegin.assign(N + 1, 0);
  for (auto &[Owner, L] : Pairs)
    ++M->LinkOrderBegin[Owner + 1];
  for (NodeId I = 0; I < N; ++I)
    M->LinkOrderBegin[I + 1] += M->LinkOrderBegin[I];
  M->LinkOrder.resize(Pairs.size());
  std::vector<uint32_t> Fill(M->LinkOrderBegin.begin(),
                             M->LinkOrderBegin.end() - 1);
  for (auto &[Owner, L] : Pairs)
    M->LinkOrder[Fill[Owner]++] = L;
  return std::move(M);
}

std::vector<NodeId> ReferenceModel::nonSyscallRoots() const {
  std::vector<NodeId> Roots;
  for (NodeId I = 0; I < G->numNodes(); ++I)
    if (G->isAllocNode(I) && !Plan.Candidate[I] && !Plan.Discarded[I] &&
        !IsLinkOrder[I] && !(Plan.Full && Plan.Collectable[I]))
      Roots.push_back(I);
  // As in planLiveness: the dispatch and the root symbols always.
  for (const DispatchSite &D : Plan.Dispatch)
    Roots.push_back(D.Node);
  for (const std::string &Name : RootSymbols)
    if (NodeId R = G->sectionOf(G->lookup(Name)); R != NoNode)
      Roots.push_back(R);
  return Roots;
}

std::string ReferenceModel::rootReason(NodeId R) const {
  for (const DispatchSite &D : Plan.Dispatch)
    if (D.Node == R)
      return "the " + D.Abi + " syscall dispatch (" + D.Symbol + ")";
  for (const std::string &Name : RootSymbols)
    if (G->sectionOf(G->lookup(Name)) == R)
      return "the section of root symbol " + Name +
             " (entry, -u or named by the linker script)";
  if (!Plan.Full)
    return "no syscall reaches it: sysgc keeps every section outside "
           "syscall code";
  // Whole-kernel collection: why this section is one of its roots.
  const ElfSection &S = G->section(R);
  if (S.Flags & ELF::SHF_GNU_RETAIN)
    return "SHF_GNU_RETAIN: the object asks for it to stay";
  if (!isPerSymbolSectionName(S.Name))
    return "not a section the compiler made for one function or object: "
           "full mode keeps it (asm, the kernel's own section names, tables)";
  if (Opts.ScriptKept.match(S.Name))
    return "the linker script KEEPs it";
  if (Opts.ScriptNamed.match(S.Name))
    return "the linker script places it by its name";
  return "a table or snippet section sysgc splits: only its entries without "
         "an owner stay roots";
}

Expected<Allowlist> ReferenceModel::allowAll(const ArchInfo &Arch) {
  std::string Text;
  for (const AbiInfo &A : Arch.Abis)
    for (const SyscallDesc &D : A.Syscalls)
      if (!D.Name.empty())
        Text += (A.Name + ":" + D.Name + "\n").str();
  AllowlistOptions O;
  O.AllowUnknown = true; // a name two rows share is a duplicate, harmlessly
  return Allowlist::parse(Text, "<every syscall>", Arch, O);
}

Expected<Allowlist> ReferenceModel::allowNone(const ArchInfo &Arch) {
  return Allowlist::parse("", "<no syscall>", Arch);
}
