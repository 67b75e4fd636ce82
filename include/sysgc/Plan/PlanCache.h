//===- sysgc/Plan/PlanCache.h - A plan reused across kallsyms passes -*- C++ -*-===//
//
// Kbuild links vmlinux up to three times; the passes differ only in the
// kallsyms object, which holds data and no code. A plan depends on such a
// "leaf" object's shape (its sections, symbols, and which symbol each
// relocation names) but not on its bytes, sizes or values, so a later pass
// whose key matches reuses the first pass's plan instead of planning again.
// The key hashes everything else planLink reads: the tool, the options, the
// allowlist's resolved slots, and every other object's name and bytes.
//
// A cached plan is read back with every index checked against the graph at
// hand (a damaged file is a miss, never a crash), statuses and "why still
// alive" chains included: a reused plan needs neither the graph's edges nor
// the objects' relocations (only the leaves', whose shape is in the key).
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_PLAN_PLANCACHE_H
#define SYSGC_PLAN_PLANCACHE_H

#include "sysgc/Plan/Plan.h"
#include "llvm/Support/Error.h"
#include <string>

namespace sysgc {

/// Is object File a leaf: no code, no table sysgc splits, no dispatch?
bool isLeafObject(const SectionGraph &G, const ArchInfo &Arch, uint32_t File);

/// The cache key (hex) of the plan planLink would make for G.
std::string planKey(const SectionGraph &G, const ArchInfo &Arch,
                    const Allowlist &Allow, const PlanOptions &Opts,
                    uint64_t ToolId);

/// Plan as bytes, statuses and Kept chains included. Plans with
/// unknown-table pins are not worth caching: the caller checks cacheable().
std::string serializePlan(const LinkPlan &Plan);
bool cacheable(const LinkPlan &Plan);

/// Read a serialized plan back for G, every index checked.
llvm::Expected<LinkPlan> deserializePlan(llvm::StringRef Data,
                                         const SectionGraph &G,
                                         const ArchInfo &Arch);

} // namespace sysgc

#endif
