//===- CallGraph.cpp - What a program can execute, across its modules -----===//
//
// A work-list reachability over functions, in the spirit of lld's
// MarkLive: roots first (the entry point, the interpreter's entry, every
// module's init/fini functions and IFUNC resolvers, code pointers stored in
// data, functions whose address another module takes, the exports of
// dlopened modules), then every function
// a reachable one calls, jumps to, falls into or takes the address of.
// Falling off a function's end right after a call to a function that
// never returns (abort, __stack_chk_fail, __fortify_fail...) is no edge:
// computeReturns finds those, as the least fixpoint from return
// instructions (a call whose target is unknown may return).
// Imports bind to the first module in load order that exports the name, as
// the dynamic loader binds them. libc code that nothing reaches stays out,
// so it does not add its syscalls.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/Program.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
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

// May the call at C (a call site of F) return, given what is known to?
static bool mayReturn(const Program &P, FuncRef F, const CallSite &C,
                      const std::vector<std::vector<bool>> &Returns) {
  std::vector<FuncRef> Ts = P.callTargets(F, C);
  if (Ts.empty())
    return true; // unknown target
  return llvm::any_of(Ts, [&](FuncRef G) { return bool(Returns[G.Mod][G.Fn]); });
}

std::vector<std::vector<bool>> sysgc::computeReturns(const Program &P) {
  std::vector<std::vector<bool>> Returns(P.Mods.size());
  for (uint32_t M = 0; M < P.Mods.size(); ++M) {
    Returns[M].assign(P.Mods[M]->Funcs.size(), false);
    for (uint32_t F = 0; F < P.Mods[M]->Funcs.size(); ++F) {
      // Bytes that did not decode may hide a return (or misalign what
      // follows): such a function may return.
      const FunctionSummary &S = P.Mods[M]->Funcs[F].S;
      Returns[M][F] = S.HasReturn || S.Undecodable;
    }
  }
  // Least fixpoint: a function returns only through a return instruction
  // of its own or of code it jumps or falls into; a fall-through right
  // after a call counts only if that call returns.
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (uint32_t M = 0; M < P.Mods.size(); ++M)
      for (uint32_t F = 0; F < P.Mods[M]->Funcs.size(); ++F) {
        if (Returns[M][F])
          continue;
        const std::vector<CallSite> &Calls = P.Mods[M]->Funcs[F].S.Calls;
        // A PLT stub jumps through its GOT slot; what follows (push the
        // index, jump to PLT0: lazy binding) runs only through that slot's
        // initial value and ends in the same import.
        bool Plt = P.Mods[M]->Image->inPlt(P.Mods[M]->Funcs[F].S.Begin);
        for (size_t K = 0; K < Calls.size(); ++K) {
          const CallSite &C = Calls[K];
          if (!C.Tail || (Plt && !C.Reached))
            continue;
          if (C.AfterCall && K > 0 &&
              !mayReturn(P, {M, F}, Calls[K - 1], Returns))
            continue;
          if (mayReturn(P, {M, F}, C, Returns)) {
            Returns[M][F] = true;
            Changed = true;
            break;
          }
        }
      }
  }
  return Returns;
}

bool Reachability::deadFallThrough(const Program &P, FuncRef F, size_t K) const {
  if (Returns.empty())
    return false;
  const std::vector<CallSite> &Calls = P.fn(F).S.Calls;
  return K > 0 && K < Calls.size() && Calls[K].AfterCall &&
         !mayReturn(P, F, Calls[K - 1], Returns);
}

Reachability sysgc::computeReachability(const Program &P, bool All) {
  Reachability R;
  if (!All)
    R.Returns = computeReturns(P);
  std::deque<FuncRef> Work;
  // SYSGC_SCAN_WHY=NAME: print how each function named NAME is reached
  // (the chain of callers back to a root), for debugging precision.
  const char *Why = All ? nullptr : getenv("SYSGC_SCAN_WHY");
  std::map<FuncRef, std::pair<FuncRef, std::string>> Parent;
  std::string RootKind;
  FuncRef Cur{~0u, ~0u};
  auto Mark = [&](FuncRef F, bool Unknown) {
    if (Unknown)
      R.CalledUnknown.insert(F);
    if (R.Reachable.insert(F).second) {
      Work.push_back(F);
      if (Why)
        Parent[F] = {Cur, RootKind};
    }
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
    RootKind = "entry";
    if (M == 0 || int(M) == P.Interp)
      MarkAddr(M, I.Entry, true);
    RootKind = "init/fini";
    for (uint64_t A : I.InitFini)
      MarkAddr(M, A, true);
    RootKind = "ifunc";
    for (uint64_t A : I.IfuncResolvers)
      MarkAddr(M, A, true);
    for (const ScanImage::DataPointer &D : I.DataPointers) {
      if (Why)
        RootKind = formatv("data pointer {0:x}", D.Target).str();
      // Relocated pointers are real; a plain word only where it equals
      // a known function start (ScanImage checked).
      MarkAddr(M, D.Target, true);
    }
    RootKind = "dlopened export";
    if (P.Dlopened.count(M))
      for (const auto &E : Mod.Exports)
        for (uint32_t F : E.second)
          Mark({M, F}, true);
    for (uint32_t Imp : I.AddressTakenImports)
      if (Imp < I.Imports.size()) {
        if (Why)
          RootKind = ("address-taken import " + I.Imports[Imp]);
        for (FuncRef F : P.resolveImport(I.Imports[Imp]))
          Mark(F, true);
      }
  }
  RootKind.clear();
  while (!Work.empty()) {
    FuncRef F = Work.front();
    Work.pop_front();
    Cur = F;
    const FunctionSummary &S = P.fn(F).S;
    for (size_t K = 0; K < S.Calls.size(); ++K) {
      if (R.deadFallThrough(P, F, K))
        continue;
      for (FuncRef G : P.callTargets(F, S.Calls[K]))
        Mark(G, false);
    }
    for (uint64_t A : S.AddressTaken)
      MarkAddr(F.Mod, A, true);
  }
  if (Why)
    for (const auto &[F, PK] : Parent) {
      if (P.fn(F).Name != Why)
        continue;
      errs() << "why " << Why << ":";
      for (FuncRef G = F;;) {
        auto It = Parent.find(G);
        errs() << formatv("\n  {0} ({1})", P.fn(G).Name,
                          P.Mods[G.Mod]->Image->displayName());
        if (It == Parent.end() || It->second.first.Mod == ~0u) {
          if (It != Parent.end())
            errs() << " <- root: " << It->second.second;
          break;
        }
        G = It->second.first;
      }
      errs() << "\n";
    }
  return R;
}
