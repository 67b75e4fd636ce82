//===- sysgc/Scan/ConstProp.h - Constants in one function's registers -*- C++ -*-===//
//
// The data the scanner recovers from one function's machine code: the
// value of the syscall number register at each syscall instruction and of
// the argument registers at each call, found by constant propagation over
// the function's control-flow graph (ConstProp.cpp). A value is a
// constant, the value a register had on entry (an argument: the function
// may be a syscall wrapper), an address in the function's stack frame, the
// address of an imported function, or unknown. Plain data: a test builds
// it from hand-assembled bytes.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_SCAN_CONSTPROP_H
#define SYSGC_SCAN_CONSTPROP_H

#include "llvm/ADT/ArrayRef.h"
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sysgc {

class ScanTarget;

struct Value {
  /// Undef: a caller-saved register after a call. Compiled code never
  /// reads one before writing it, so a path that brings Undef to a join
  /// point adds nothing there (it is a call that does not return, such
  /// as __libc_fatal); read, it is as unknown as Unknown.
  enum Kind : uint8_t { Unknown, Const, Entry, Stack, Import, Undef };
  Kind K = Unknown;
  uint32_t Id = 0; // Entry: the register's index; Import: the import's
  int64_t C = 0;   // Const: the value; Stack: offset from the entry SP

  static Value unknown() { return {}; }
  static Value konst(int64_t V) { return {Const, 0, V}; }
  static Value entry(uint32_t Reg) { return {Entry, Reg, 0}; }
  static Value stack(int64_t Off) { return {Stack, 0, Off}; }
  static Value import(uint32_t Idx) { return {Import, Idx, 0}; }
  static Value undef() { return {Undef, 0, 0}; }
  bool known() const { return K != Unknown && K != Undef; }
  bool operator==(const Value &O) const {
    return K == O.K && Id == O.Id && C == O.C;
  }
};

/// What the analysis may read of the module the code belongs to.
class MemoryView {
public:
  virtual ~MemoryView() = default;
  /// A value the loader never changes (read-only, not relocated).
  virtual std::optional<uint64_t> readConst(uint64_t Addr, unsigned Size) const {
    return std::nullopt;
  }
  /// The import a relocated slot binds (a GOT entry).
  virtual std::optional<uint32_t> importAt(uint64_t Addr) const {
    return std::nullopt;
  }
  /// The link-time address a relative relocation writes into Addr.
  virtual std::optional<uint64_t> relativeAt(uint64_t Addr) const {
    return std::nullopt;
  }
  virtual bool isCode(uint64_t Addr) const { return false; }
  /// Position-dependent code: an immediate may be a code address. In a
  /// PIE or library only PC-relative arithmetic forms one (there, small
  /// constants fall in the code's address range).
  virtual bool absoluteAddresses() const { return false; }
};

struct SyscallSite {
  uint64_t Addr = 0;
  unsigned Abi = 0; // index into ArchInfo::Abis
  Value Nr;
};

struct CallSite {
  enum Kind : uint8_t { Direct, Import, Indirect };
  uint64_t Addr = 0;
  Kind K = Indirect;
  bool Tail = false;  // a jump out of the function
  uint64_t Target = 0; // Direct
  uint32_t ImportIdx = 0; // Import
  /// 32-bit arm: the target is Thumb code (blx switches modes).
  bool TargetThumb = false;
  /// A fall-through off the function's end right after a call (the
  /// previous call site): control gets there only if that call returns.
  bool AfterCall = false;
  /// The call is in a block the function's entry reaches (not a landing
  /// pad, not a lazy-binding PLT tail).
  bool Reached = true;
  /// The tracked registers at the call (by ScanTarget index) whose value
  /// is a constant or another register's entry value: what a wrapper
  /// callee's number can be read from. Sparse: a large library has
  /// millions of calls.
  std::vector<std::pair<uint32_t, Value>> Known;
  /// Registers (index < 64) that still hold their own entry value (the
  /// callee-saved ones, mostly): kept as bits, not in Known.
  uint64_t SameAsEntry = 0;

  /// Register R's value at the call, as far as the scanner uses it:
  /// constants and entry values (a frame address or an import's address
  /// is no syscall number, and reads as unknown).
  Value arg(unsigned R) const {
    if (R < 64 && (SameAsEntry >> R & 1))
      return Value::entry(R);
    for (const auto &[Reg, V] : Known)
      if (Reg == R)
        return V;
    return Value::unknown();
  }
  /// Record the registers of a state.
  void setArgs(llvm::ArrayRef<Value> Regs) {
    Known.clear();
    SameAsEntry = 0;
    for (uint32_t R = 0; R < Regs.size(); ++R) {
      const Value &V = Regs[R];
      if (V.K == Value::Entry && V.Id == R && R < 64)
        SameAsEntry |= uint64_t(1) << R;
      else if (V.K == Value::Const || V.K == Value::Entry)
        Known.push_back({R, V});
    }
    Known.shrink_to_fit();
  }
};

struct FunctionSummary {
  uint64_t Begin = 0, End = 0;
  bool Thumb = false;
  std::vector<SyscallSite> Syscalls;
  std::vector<CallSite> Calls;
  /// Code addresses this function computes (function pointers it takes).
  std::vector<uint64_t> AddressTaken;
  /// Control reaches End without a jump: the next function continues it.
  bool FallsThrough = false;
  /// A return instruction is somewhere in the function.
  bool HasReturn = false;
  /// Bytes that did not decode (data in code, or a decoder gap).
  unsigned Undecodable = 0;
};

/// Analyse the code Bytes (at address Begin, ending at Begin + size).
/// ExternalEntries: addresses inside it that other code jumps to (a
/// function's .cold part jumping back): nothing is known there.
FunctionSummary analyzeFunction(const ScanTarget &T, const MemoryView &M,
                                llvm::ArrayRef<uint8_t> Bytes, uint64_t Begin,
                                bool Thumb = false,
                                llvm::ArrayRef<uint64_t> ExternalEntries = {});

} // namespace sysgc

#endif
