//===- sysgc/Scan/ScanTarget.h - What a syscall is on each ISA -*- C++ -*-===//
//
// The instruction-set facts the scanner needs, behind one interface in the
// style of lld's TargetInfo: which instruction enters the kernel and for
// which ABI, which register carries the number, the argument and
// callee-saved registers, and the meaning of the instructions that move
// constants around (register moves, immediates, stack spills, PC-relative
// loads). Everything else an instruction writes becomes unknown. One file
// per architecture in lib/Scan/Arch/.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_SCAN_SCANTARGET_H
#define SYSGC_SCAN_SCANTARGET_H

#include "sysgc/Object/Disassembler.h"
#include "sysgc/Arch/Arch.h"
#include "sysgc/Scan/ConstProp.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCInstrAnalysis.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegister.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <vector>

namespace sysgc {

/// The abstract machine state at one instruction.
struct State {
  std::vector<Value> Regs;
  /// Stack slots by offset from the entry SP: (size, value).
  std::map<int64_t, std::pair<unsigned, Value>> Slots;
  /// A stack address was handed out: calls may write any slot.
  bool Escaped = false;
  bool Valid = false;

  Value load(int64_t Off, unsigned Size) const;
  void store(int64_t Off, unsigned Size, Value V);
  /// Forget slots overlapping [Off, Off + Size).
  void clobber(int64_t Off, unsigned Size);
  /// Merge O into this; true if this changed.
  bool join(const State &O);
};

/// Per-instruction context the semantics read and report into.
struct Effects {
  explicit Effects(const MemoryView &M) : Mem(M) {}
  const MemoryView &Mem;
  uint64_t Addr = 0, Size = 0;
  /// Code addresses computed (function pointers taken).
  std::vector<uint64_t> AddressTaken;

  /// The value of a load of Size bytes at address A.
  Value loadFrom(const State &S, Value A, unsigned Size) const;
  void storeTo(State &S, Value A, unsigned Size, Value V) const;
  /// V is an address the code formed: a function pointer if in code.
  void noteAddress(Value V) {
    if (V.K == Value::Const && Mem.isCode(uint64_t(V.C)))
      AddressTaken.push_back(uint64_t(V.C));
  }
};

class ScanTarget {
public:
  static llvm::Expected<std::unique_ptr<ScanTarget>> create(const ArchInfo &A);
  virtual ~ScanTarget();

  const ArchInfo &arch() const { return Arch; }
  const llvm::MCInstrInfo &instrInfo() const { return *MII; }
  const llvm::MCInstrAnalysis &analysis(bool Thumb = false) const {
    return Thumb && ThumbMIA ? *ThumbMIA : *MIA;
  }
  const llvm::MCRegisterInfo &regInfo() const { return *MRI; }

  /// Decode one instruction; false if the bytes are not one.
  bool decode(llvm::ArrayRef<uint8_t> Bytes, uint64_t Addr, bool Thumb,
              llvm::MCInst &I, uint64_t &Size) const;
  /// Bytes to skip over what does not decode.
  unsigned minInstSize(bool Thumb) const { return MinInst[Thumb]; }

  // Registers: every tracked general-purpose register has a dense index.
  unsigned numRegs() const { return FullRegs.size(); }
  /// The index of the register R is part of, or -1 (untracked, zero).
  int index(llvm::MCRegister R) const;
  /// 64: the whole register; 32: its low half, written zero-extended
  /// (x86 eXX, aarch64 wN); 0: a narrower part.
  unsigned width(llvm::MCRegister R) const;
  Value readReg(const State &S, llvm::MCRegister R) const;
  void writeReg(State &S, llvm::MCRegister R, Value V, Effects &E) const;
  std::string regName(unsigned Index) const;

  unsigned SP = 0, NumberReg = 0;
  std::vector<unsigned> ArgRegs;
  /// What a call returns in: unknown after it (the other caller-saved
  /// registers are undefined).
  std::vector<unsigned> RetRegs;
  std::vector<bool> CalleeSaved; // by index; SP is preserved too
  /// Registers whose Stack value is normal (SP, the frame pointer).
  std::vector<unsigned> FrameRegs;

  /// Syscalls the kernel's own code in the process makes (the vDSO's
  /// signal return trampoline and its fallbacks): in no binary, made by
  /// every program that gets a signal or reads the clock.
  std::vector<llvm::StringRef> KernelProvided;

  /// The state on entry to a function.
  State entryState() const;
  /// The ABI (index in arch().Abis) of a kernel entry, or nullopt.
  virtual std::optional<unsigned> syscallAbi(const llvm::MCInst &I,
                                             const State &S) const = 0;
  /// Interpret I; false if not modelled (its defs become unknown).
  virtual bool transfer(const llvm::MCInst &I, State &S, Effects &E) const = 0;
  /// An indirect branch through a memory slot at a known address.
  virtual std::optional<uint64_t> branchSlot(const llvm::MCInst &I,
                                             const State &S,
                                             const Effects &E) const {
    return std::nullopt;
  }
  /// The register an indirect branch or call goes through.
  virtual std::optional<llvm::MCRegister>
  branchReg(const llvm::MCInst &I) const;
  /// Where an indirect branch goes (default: the value of branchReg).
  virtual Value indirectTarget(const llvm::MCInst &I, const State &S) const;
  /// Does a direct call or branch I switch to Thumb (true) or ARM (false)
  /// code? nullopt: the same mode as the caller.
  virtual std::optional<bool> targetIsThumb(const llvm::MCInst &I) const {
    return std::nullopt;
  }
  /// Is I a return (beyond what MCInstrAnalysis says)?
  virtual bool isReturn(const llvm::MCInst &I) const;
  /// The ABI and number a resolved constant at a site of ABI Abi means
  /// (x86: bit 30 selects x32).
  virtual std::pair<unsigned, uint64_t> classifyNumber(unsigned Abi,
                                                      uint64_t Nr) const {
    return {Abi, Nr};
  }
  /// What a kernel entry changes (its result and clobbers).
  virtual void afterSyscall(State &S) const;
  /// The state after a call returns.
  void afterCall(State &S) const;
  /// Everything an unmodelled instruction writes becomes unknown.
  void clobberDefs(const llvm::MCInst &I, State &S, Effects &E) const;
  /// The opcode's name ("MOV32ri"): the semantics match on names, since
  /// the generated opcode enums are private to each LLVM target.
  llvm::StringRef opName(const llvm::MCInst &I) const;

protected:
  explicit ScanTarget(const ArchInfo &A) : Arch(A) {}
  /// A target whose init() failed reports it here.
  static llvm::Expected<std::unique_ptr<ScanTarget>>
  wrap(std::unique_ptr<ScanTarget> T);
  std::string InitError;
  llvm::Error init(llvm::StringRef TripleName, llvm::StringRef ThumbTriple,
                   llvm::ArrayRef<const char *> Regs,
                   llvm::ArrayRef<const char *> HalfClasses);
  unsigned reg(llvm::StringRef Name) const;
  /// The MC register named Name (0: none).
  llvm::MCRegister findRegister(llvm::StringRef Name) const;

  const ArchInfo &Arch;
  /// The code's decoder, and Thumb's on arm.
  std::unique_ptr<Disassembler> Decoder, ThumbDecoder;
  /// Views into them for the targets' code: the main mode's registers and
  /// opcodes (Thumb shares arm's tables), each mode's analysis (branch
  /// targets are relative to a pc 8 ahead in ARM code, 4 in Thumb).
  const llvm::MCRegisterInfo *MRI = nullptr;
  const llvm::MCInstrInfo *MII = nullptr;
  const llvm::MCInstrAnalysis *MIA = nullptr, *ThumbMIA = nullptr;
  std::vector<llvm::MCRegister> FullRegs;
  std::vector<llvm::MCRegister> ZeroRegs; // read as 0, writes ignored
  std::vector<llvm::StringRef> OpNames;   // by opcode, computed once
  std::vector<int> IndexOf;     // by MCRegister id
  std::vector<uint8_t> WidthOf; // by MCRegister id
  unsigned MinInst[2] = {1, 1};
};

std::unique_ptr<ScanTarget> createX86_64ScanTarget(const ArchInfo &A);
std::unique_ptr<ScanTarget> createAArch64ScanTarget(const ArchInfo &A);
std::unique_ptr<ScanTarget> createRISCV64ScanTarget(const ArchInfo &A);
std::unique_ptr<ScanTarget> createARMScanTarget(const ArchInfo &A);

} // namespace sysgc

#endif
