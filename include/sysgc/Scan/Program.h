//===- sysgc/Scan/Program.h - A program and the modules it loads -*- C++ -*-===//
//
// A program is an executable with its interpreter and DT_NEEDED closure,
// in the loader's search order. CallGraph.cpp marks the functions reachable
// from the program's real roots across all its modules; Wrappers.cpp
// resolves syscall numbers passed through wrapper functions, and turns the
// reachable sites into the syscall set, every site kept: resolved (with how)
// or unresolved (with where).
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_SCAN_PROGRAM_H
#define SYSGC_SCAN_PROGRAM_H

#include "sysgc/Scan/Summary.h"
#include <set>

namespace sysgc {

/// A function of a program: (module index, function index).
struct FuncRef {
  uint32_t Mod = 0, Fn = 0;
  bool operator<(const FuncRef &O) const {
    return Mod != O.Mod ? Mod < O.Mod : Fn < O.Fn;
  }
  bool operator==(const FuncRef &O) const { return Mod == O.Mod && Fn == O.Fn; }
};

struct Program {
  std::string Path; // the executable, as the user named it
  std::vector<std::shared_ptr<ModuleSummary>> Mods; // [0] is the executable
  int Interp = -1; // the module that is PT_INTERP (ld.so), if any
  /// Modules loaded with dlopen (glibc's NSS services named by the root's
  /// /etc/nsswitch.conf): every function they export is called through
  /// dlsym, so each is a root.
  std::set<uint32_t> Dlopened;
  /// DT_NEEDED names (and the interpreter) not found.
  std::vector<std::string> Missing;

  /// The functions an import named Name binds to: those of the first
  /// module in load order that exports the name (every version of it).
  std::vector<FuncRef> resolveImport(llvm::StringRef Name) const;
  /// The targets of call C in function F.
  std::vector<FuncRef> callTargets(FuncRef F, const CallSite &C) const;
  const ModuleFunction &fn(FuncRef F) const { return Mods[F.Mod]->Funcs[F.Fn]; }
};

struct Reachability {
  std::set<FuncRef> Reachable;
  /// Reachable with arguments no call site shows (roots, address-taken,
  /// called indirectly).
  std::set<FuncRef> CalledUnknown;
  /// [module][function]: the function may return to its caller (it has a
  /// return instruction, or jumps to or falls into one that may). Empty:
  /// every function may.
  std::vector<std::vector<bool>> Returns;
  /// Is call K of F a fall-through right after a call that never returns
  /// (code after a call to abort or __stack_chk_fail falls into the next
  /// function only on paper)?
  bool deadFallThrough(const Program &P, FuncRef F, size_t K) const;
};

/// Which functions of P may return (Reachability::Returns): the least
/// fixpoint, from return instructions through tail calls and
/// fall-throughs; a call whose target is unknown may return.
std::vector<std::vector<bool>> computeReturns(const Program &P);

/// Reachable functions of P from its roots; with All, every function.
Reachability computeReachability(const Program &P, bool All = false);

/// A syscall the program can make, and one reason why.
struct SyscallKey {
  unsigned Abi = 0;
  uint32_t Nr = 0;
  bool operator<(const SyscallKey &O) const {
    return Abi != O.Abi ? Abi < O.Abi : Nr < O.Nr;
  }
};

struct Provenance {
  std::string Module, Function;
  uint64_t Addr = 0;
  std::string How; // "constant", "argument 0 of syscall at caller ..."
};

struct SiteReport {
  std::string Module, Function;
  uint64_t Addr = 0;
  std::string Reason;
};

struct ProgramSyscalls {
  std::map<SyscallKey, std::vector<Provenance>> Syscalls;
  std::vector<SiteReport> Unresolved;
  /// Constants that are no syscall of their ABI (probes for -ENOSYS).
  std::vector<SiteReport> NotInTable;
};

/// Resolve the syscall sites of the functions in R.
ProgramSyscalls resolveSyscalls(const Program &P, const Reachability &R,
                                const ScanTarget &T);

} // namespace sysgc

#endif
