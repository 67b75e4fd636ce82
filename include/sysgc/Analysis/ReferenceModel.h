//===- sysgc/Analysis/ReferenceModel.h - The plan's references, as a graph -*- C++ -*-===//
//
// sysgc cost and sysgc why must count and explain exactly what the planner
// decides, so they walk the references the planner's liveness follows
// (liveRefs: table pieces, FDEs and SHF_LINK_ORDER sections belong to their
// owners; dispatch relocations of removed syscalls are cut) from the roots
// it uses. A model is the plan of one allowlist, made by planLink itself
// (with every table piece kept, so a piece's references stay its owner's),
// plus that graph.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_ANALYSIS_REFERENCEMODEL_H
#define SYSGC_ANALYSIS_REFERENCEMODEL_H

#include "sysgc/Plan/Plan.h"
#include <memory>

namespace sysgc {

struct ReferenceModel {
  const SectionGraph *G = nullptr;
  LinkPlan Plan;
  LiveRefs Refs;
  /// SHF_LINK_ORDER sections by owner (CSR): the planner removes such a
  /// section exactly with its owner, so the model treats it as a reference
  /// of the owner.
  std::vector<uint32_t> LinkOrderBegin;
  std::vector<NodeId> LinkOrder;
  /// Per node: an SHF_LINK_ORDER section (never a root of its own).
  llvm::BitVector IsLinkOrder;

  /// The plan of Allow for this link, as sysgc-ld would make it, except
  /// that tables with no layout pinning removed code and a switch lacking
  /// cases are warnings (Plan.Warnings), not errors: an analysis explains
  /// them rather than refusing.
  static llvm::Expected<std::unique_ptr<ReferenceModel>>
  build(const SectionGraph &G, const ArchInfo &Arch, const PlanOptions &Opts,
        const std::vector<DispatchSite> &Sites, const Allowlist &Allow);

  /// Call Fn(Ref-like To) for every node N makes live: its references and
  /// its SHF_LINK_ORDER sections.
  template <class Fn> void forEachSuccessor(NodeId N, Fn &&Visit) const {
    for (const LiveRefs::Ref &R : Refs.of(N))
      Visit(R.To);
    for (uint32_t I = LinkOrderBegin[N]; I < LinkOrderBegin[N + 1]; ++I)
      Visit(LinkOrder[I]);
  }

  /// The roots no syscall is needed for, asked of a model of allowNone():
  /// every allocated section of the link that no syscall entry reaches
  /// (its Plan.Candidate: the code some syscall reaches), the dispatch, and
  /// the entry, -u and script symbols' sections. The planner's roots are
  /// these plus the code of the syscalls it keeps.
  std::vector<NodeId> nonSyscallRoots() const;
  /// The options the model was planned with (full mode's script roots).
  PlanOptions Opts;
  /// Why R is one of nonSyscallRoots(): "the dispatch (x64_sys_call)",
  /// "root symbol _start", or "no syscall reaches it".
  std::string rootReason(NodeId R) const;

  /// An allowlist that names every syscall of every ABI Arch knows, or
  /// none: the two ends of every question.
  static llvm::Expected<Allowlist> allowAll(const ArchInfo &Arch);
  static llvm::Expected<Allowlist> allowNone(const ArchInfo &Arch);

private:
  std::vector<std::string> RootSymbols;
};

} // namespace sysgc

#endif
