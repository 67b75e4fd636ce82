//===- Normalize.cpp - Section names as the kernel's DCE macros see them ---===//
//
// With -ffunction-sections -fdata-sections, a kernel whose linker script was
// not built for LD_DEAD_CODE_DATA_ELIMINATION (x86, arm64) leaves every
// .text.foo an orphan, placed outside .text (the kernel then does not boot).
// The kernel's own DCE/LTO macros (include/asm-generic/vmlinux.lds.h) match
//   TEXT_MAIN  .text .text.[0-9a-zA-Z_]*
//   DATA_MAIN  .data .data.[0-9a-zA-Z_]* .data..L* .data..compoundliteral*
//              .data.$__unnamed_* .data.$L*
//   BSS_MAIN   .bss .bss.[0-9a-zA-Z_]* .bss..L* .bss..compoundliteral*
// so renaming exactly those sections to .text/.data/.bss makes the stock
// script place them where the DCE script would. Names the stock script
// already matches itself (.text.hot*, .text.unlikely*, .text.unknown*, the
// sanitizer text, .data.rel.ro*) keep theirs. Each renamed section stays its
// own input section, so garbage collection keeps its granularity.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Plan/Plan.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/BinaryFormat/ELF.h"

using namespace sysgc;
using namespace llvm;

static bool identStart(StringRef S) {
  return !S.empty() && (isAlnum(S[0]) || S[0] == '_');
}

std::string sysgc::normalizedSectionName(StringRef Name) {
  StringRef Rest;
  if (Name.starts_with(".text.")) {
    Rest = Name.drop_front(6);
    // What the stock TEXT_TEXT already matches: .text.hot .text.hot.*,
    // .text.unlikely .text.unlikely.*, .text.unknown .text.unknown.*,
    // .text.fixup, .text.asan.* .text.tsan.*.
    for (StringRef Keep : {"hot", "unlikely", "unknown", "fixup"})
      if (Rest == Keep || (Rest.starts_with(Keep) &&
                           Rest.drop_front(Keep.size()).starts_with(".") &&
                           Keep != "fixup"))
        return "";
    if (Rest.starts_with("asan.") || Rest.starts_with("tsan."))
      return "";
    return identStart(Rest) ? ".text" : "";
  }
  if (Name.starts_with(".data.")) {
    Rest = Name.drop_front(6);
    if (Rest.starts_with("rel.ro") || Rest == "rel.ro")
      return "";
    if (identStart(Rest) || Rest.starts_with(".L") ||
        Rest.starts_with(".compoundliteral") ||
        Rest.starts_with("$__unnamed_") || Rest.starts_with("$L"))
      return ".data";
    return "";
  }
  if (Name.starts_with(".bss.")) {
    Rest = Name.drop_front(5);
    if (identStart(Rest) || Rest.starts_with(".L") ||
        Rest.starts_with(".compoundliteral"))
      return ".bss";
  }
  return "";
}

void sysgc::planNormalize(const SectionGraph &G, LinkPlan &Plan) {
  assert(Plan.Arch && "the plan's architecture names its tables");
  planNormalize(G, SectionKinds::of(G, *Plan.Arch), Plan);
}

void sysgc::planNormalize(const SectionGraph &G, const SectionKinds &K,
                          LinkPlan &Plan) {
  for (NodeId N = 0; N < G.numNodes(); ++N)
    if (K.Normal[N] && !(Plan.Discarded.size() > N && Plan.Discarded[N]))
      Plan.Renames.push_back(
          {N, SectionKinds::NormalNames[K.Normal[N] - 1].str()});
}
