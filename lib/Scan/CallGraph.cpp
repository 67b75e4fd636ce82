//===- CallGraph.cpp - What a program can execute, across its modules -----===//
//
// A work-list reachability over functions, in the spirit of lld's
// MarkLive: roots first (the entry point, the interpreter's entry, every
// module's init/fini functions and IFUNC resolvers, code pointers stored in
// data, functions whose address another module takes, the exports of
// dlopened modules), then every function
// a reachable one calls, jumps to, falls into or takes the address of.
// Imports bind to the first module in load order that exports the name, as
// the dynamic loader binds them. libc code that nothing reaches stays out,
// so it does not add its syscalls.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/Program.h"
#include "llvm/ADT/STLExtras.h"
#include <deque>

using namespace sysgc;
using namespace llvm;

std::vector<FuncRef> Program::resolveImport(StringRef Name) const {
  for (uint32_t M = 0; M < Mods.size(); ++M) {
    auto It = Mods[M]->Exports.find(Name);
    if (It == Mods[M]->Exports.end())
      continue;
    std::vector<FuncRef> Out;
    for (uint32_t F : It->second)
      Out.push_back({M, F});
    return Out;
  }
  return {};
}

std::vector<FuncRef> Program::callTargets(FuncRef F, const CallSite &C) const {
  const ModuleSummary &M = *Mods[F.Mod];
  if (C.K == CallSite::Direct) {
    int G = M.find(C.Target);
    if (G < 0)
      return {};
    return {{F.Mod, uint32_t(G)}};
  }
  if (C.K == CallSite::Import && C.ImportIdx < M.Image->Imports.size())
    return resolveImport(M.Image->Imports[C.ImportIdx]);
  return {};
}

Reachability sysgc::computeReachability(const Program &P, bool All) {
  Reachability R;
  std::deque<FuncRef> Work;
  auto Mark = [&](FuncRef F, bool Unknown) {
    if (Unknown)
      R.CalledUnknown.insert(F);
    if (R.Reachable.insert(F).second)
      Work.push_back(F);
  };
  auto MarkAddr = [&](uint32_t M, uint64_t A, bool Unknown) {
    if (P.Mods[M]->Image->Arch->Machine == 40 /*EM_ARM*/)
      A &= ~uint64_t(1);
    int F = P.Mods[M]->find(A);
    if (F >= 0)
      Mark({M, uint32_t(F)}, Unknown);
  };
  for (uint32_t M = 0; M < P.Mods.size(); ++M) {
    const ModuleSummary &Mod = *P.Mods[M];
    const ScanImage &I = *Mod.Image;
    if (All)
      for (uint32_t F = 0; F < Mod.Funcs.size(); ++F)
        Mark({M, F}, true);
    // The executable's entry and the interpreter's (ld.so's entry runs
    // first, then the executable's).
    if (M == 0 || int(M) == P.Interp)
      MarkAddr(M, I.Entry, true);
    for (uint64_t A : I.InitFini)
      MarkAddr(M, A, true);
    for (uint64_t A : I.IfuncResolvers)
      MarkAddr(M, A, true);
    for (const ScanImage::DataPointer &D : I.DataPointers) {
      // Relocated pointers are real; a plain word only where it equals
      // a known function start (ScanImage checked).
      MarkAddr(M, D.Target, true);
    }
    if (P.Dlopened.count(M))
      for (const auto &E : Mod.Exports)
        for (uint32_t F : E.second)
          Mark({M, F}, true);
    for (uint32_t Imp : I.AddressTakenImports)
      if (Imp < I.Imports.size())
        for (FuncRef F : P.resolveImport(I.Imports[Imp]))
          Mark(F, true);
  }
  while (!Work.empty()) {
    FuncRef F = Work.front();
    Work.pop_front();
    const FunctionSummary &S = P.fn(F).S;
    for (const CallSite &C : S.Calls)
      for (FuncRef G : P.callTargets(F, C))
        Mark(G, false);
    for (uint64_t A : S.AddressTaken)
      MarkAddr(F.Mod, A, true);
  }
  return R;
}
