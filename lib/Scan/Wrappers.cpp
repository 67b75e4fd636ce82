//===- Wrappers.cpp - Syscall numbers passed through wrapper functions ----===//
//
// A function whose syscall number is the value a register had on entry is
// a wrapper of that register: an argument (glibc's syscall(), libc-internal
// helpers, a PLT stub in front of them) or any register a caller or the
// code falling into it left the number in (glibc's clone, whose unwind
// entry ends right before its syscall instruction). A function that passes
// its own entry value on to a wrapper is one too, through any number of
// levels: a fixpoint over the call sites. The numbers are then read at the call sites
// of reachable callers. Every reachable site ends up resolved or listed as
// unresolved with its module, function and address: none is dropped.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/Program.h"
#include "sysgc/Scan/ScanTarget.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace sysgc;
using namespace llvm;

namespace {
/// (register index, ABI) pairs a function takes a syscall number in.
using WrapSet = std::set<std::pair<unsigned, unsigned>>;
} // namespace

static std::optional<unsigned> argIndex(const ScanTarget &T, const Value &V) {
  if (V.K != Value::Entry || V.Id == T.SP)
    return std::nullopt;
  return V.Id;
}

// A jump into the middle of G finds no entry values there (ConstProp
// treated that point as unknown): only a transfer to G's start passes
// registers on.
static bool entersAtStart(const Program &P, FuncRef G, const CallSite &C) {
  return C.K != CallSite::Direct || C.Target == P.fn(G).S.Begin;
}

static std::string describe(const ScanTarget &T, unsigned Reg) {
  for (unsigned I = 0; I < T.ArgRegs.size(); ++I)
    if (T.ArgRegs[I] == Reg)
      return formatv("argument {0} ({1})", I, T.regName(Reg)).str();
  return formatv("{0} on entry", T.regName(Reg)).str();
}

ProgramSyscalls sysgc::resolveSyscalls(const Program &P, const Reachability &R,
                                       const ScanTarget &T) {
  // Which functions are wrappers of which argument: to a fixpoint.
  std::map<FuncRef, WrapSet> Wraps;
  for (uint32_t M = 0; M < P.Mods.size(); ++M)
    for (uint32_t F = 0; F < P.Mods[M]->Funcs.size(); ++F)
      for (const SyscallSite &S : P.Mods[M]->Funcs[F].S.Syscalls)
        if (std::optional<unsigned> A = argIndex(T, S.Nr))
          Wraps[{M, F}].insert({*A, S.Abi});
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (uint32_t M = 0; M < P.Mods.size(); ++M)
      for (uint32_t F = 0; F < P.Mods[M]->Funcs.size(); ++F)
        for (const CallSite &C : P.Mods[M]->Funcs[F].S.Calls)
          for (FuncRef G : P.callTargets({M, F}, C)) {
            auto It = Wraps.find(G);
            if (It == Wraps.end() || !entersAtStart(P, G, C))
              continue;
            WrapSet Add;
            for (auto [Arg, Abi] : It->second)
              if (std::optional<unsigned> A = argIndex(T, C.arg(Arg)))
                Add.insert({*A, Abi});
            for (auto P2 : Add)
              Changed |= Wraps[{M, F}].insert(P2).second;
          }
  }

  ProgramSyscalls Out;
  const ArchInfo &Arch = T.arch();
  auto Add = [&](unsigned Abi, int64_t Nr, const Provenance &Prov) {
    auto [A, N] = T.classifyNumber(Abi, uint64_t(Nr));
    if (A >= Arch.Abis.size() || !Arch.Abis[A].findByNr(uint32_t(N)) ||
        N > 0xffffffffull) {
      Out.NotInTable.push_back(
          {Prov.Module, Prov.Function, Prov.Addr,
           formatv("number {0} is no {1} syscall", Nr,
                   A < Arch.Abis.size() ? Arch.Abis[A].Name : "?")
               .str()});
      return;
    }
    Out.Syscalls[{A, uint32_t(N)}].push_back(Prov);
  };
  for (StringRef N : T.KernelProvided)
    if (const SyscallDesc *D = Arch.Abis[0].findByName(N))
      Out.Syscalls[{0, D->Nr}].push_back(
          {"[vdso]", "", 0, "made by the kernel's vDSO in every process"});
  for (FuncRef F : R.Reachable) {
    const ModuleFunction &MF = P.fn(F);
    std::string Mod = P.Mods[F.Mod]->Image->displayName();
    for (const SyscallSite &S : MF.S.Syscalls) {
      if (S.Nr.K == Value::Const) {
        Add(S.Abi, S.Nr.C, {Mod, MF.Name, S.Addr, "constant"});
      } else if (std::optional<unsigned> A = argIndex(T, S.Nr)) {
        // Resolved at the call sites; a wrapper called from where no call
        // site shows its arguments cannot be.
        if (R.CalledUnknown.count(F))
          Out.Unresolved.push_back(
              {Mod, MF.Name, S.Addr,
               formatv("the number is {0} of a function that is called "
                       "indirectly or is a root",
                       describe(T, *A))
                   .str()});
      } else {
        Out.Unresolved.push_back(
            {Mod, MF.Name, S.Addr,
             formatv("the number in {0} is not a constant here",
                     T.regName(T.NumberReg))
                 .str()});
      }
    }
    for (size_t K = 0; K < MF.S.Calls.size(); ++K) {
      const CallSite &C = MF.S.Calls[K];
      if (R.deadFallThrough(P, F, K))
        continue;
      for (FuncRef G : P.callTargets(F, C)) {
        auto It = Wraps.find(G);
        if (It == Wraps.end() || !entersAtStart(P, G, C))
          continue;
        for (auto [Arg, Abi] : It->second) {
          Value V = C.arg(Arg);
          std::string Via =
              formatv("{0} of {1} {2} ({3})", describe(T, Arg),
                      C.Tail ? "the code jumped or fallen into," : "wrapper",
                      P.fn(G).Name, P.Mods[G.Mod]->Image->displayName())
                  .str();
          if (V.K == Value::Const)
            Add(Abi, V.C, {Mod, MF.Name, C.Addr, Via});
          else if (!argIndex(T, V))
            Out.Unresolved.push_back(
                {Mod, MF.Name, C.Addr, Via + " is not a constant here"});
          else if (R.CalledUnknown.count(F))
            // An argument of this function, whose callers are not known.
            Out.Unresolved.push_back(
                {Mod, MF.Name, C.Addr,
                 Via + " comes from a caller no call site shows"});
        }
      }
    }
  }
  return Out;
}
