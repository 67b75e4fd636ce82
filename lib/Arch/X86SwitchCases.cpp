//===- X86SwitchCases.cpp - Which syscall numbers reach each switch case --===//
//
// x64_sys_call/ia32_sys_call are compare trees (-fno-jump-tables):
//   cmpl $N, %esi ; jle/jg/je ... ; je __x64_sys_foo (relocated tail jump)
// Two numbers can share one entry (ia32 fcntl and fcntl64), so a case's
// relocation target does not say which number it serves. This walks the
// tree with MC, keeping the interval of numbers that can reach each
// instruction, and returns, per tail-jump relocation, the numbers it is
// taken for. Anything it does not understand (another register compared,
// an unknown branch) makes it give up: callers then fall back to matching
// by entry symbol.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Arch/Arch.h"
#include "Targets.h"
#include "sysgc/Object/Disassembler.h"
#include "sysgc/Object/ElfObject.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/MC/MCContext.h"
#include "llvm/MC/MCDisassembler/MCDisassembler.h"
#include "llvm/MC/MCInst.h"
#include "llvm/MC/MCInstrInfo.h"
#include "llvm/MC/MCRegisterInfo.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/MCTargetOptions.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"
#include <optional>
#include <set>

using namespace sysgc;
using namespace llvm;


std::optional<std::map<uint32_t, std::set<uint32_t>>>
sysgc::decodeX86SwitchCases(const ElfObject &O, uint32_t Sec, uint64_t Begin,
                            uint64_t End) {
  auto DOrErr = Disassembler::create(getX86_64Arch().Triple);
  if (!DOrErr) {
    consumeError(DOrErr.takeError());
    return std::nullopt;
  }
  MCDisassembler *Dis = &(*DOrErr)->dis();
  const MCInstrInfo *MII = &(*DOrErr)->instrInfo();

  ArrayRef<uint8_t> Code = O.Sections[Sec].Contents;
  if (End > Code.size() || Begin >= End)
    return std::nullopt;
  DenseMap<uint64_t, uint32_t> RelocAt; // offset -> reloc index
  for (uint32_t I = 0; I < O.Sections[Sec].NumRelocs; ++I)
    RelocAt[O.Relocs[O.Sections[Sec].FirstReloc + I].Offset] =
        O.Sections[Sec].FirstReloc + I;

  struct Interval {
    int64_t Lo, Hi;
  };
  std::map<uint32_t, std::set<uint32_t>> Out;
  struct Item {
    uint64_t Pc;
    Interval Range;
    std::optional<int64_t> Cmp; // flags set by this compare on entry
  };
  std::vector<Item> Work = {{Begin, {INT32_MIN, INT32_MAX}, std::nullopt}};
  std::set<std::pair<uint64_t, std::pair<int64_t, int64_t>>> Seen;
  unsigned NrReg = 0;
  auto Record = [&](uint32_t Reloc, Interval I) {
    if (I.Lo == I.Hi && I.Lo >= 0)
      Out[Reloc].insert(uint32_t(I.Lo));
    else
      Out[Reloc]; // reached for a range: a default, not a case
  };
  size_t Steps = 0;
  while (!Work.empty()) {
    auto [Pc, Range, Cmp] = Work.back();
    Work.pop_back();
    while (true) {
      if (Range.Lo > Range.Hi || Pc < Begin || Pc >= End)
        break;
      if (!Seen.insert({Pc, {Range.Lo, Range.Hi}}).second || ++Steps > 200000)
        break;
      MCInst I;
      uint64_t Size;
      if (Dis->getInstruction(I, Size, Code.slice(Pc, End - Pc), Pc, nulls()) !=
          MCDisassembler::Success)
        return std::nullopt;
      StringRef Name = MII->getName(I.getOpcode());
      uint64_t Next = Pc + Size;
      if (Name == "CMP32ri" || Name == "CMP32ri8") {
        unsigned Reg = I.getOperand(0).getReg().id();
        if (NrReg && Reg != NrReg) {
          return std::nullopt;
        }
        NrReg = Reg;
        Cmp = I.getOperand(1).getImm();
        Pc = Next;
        continue;
      }
      if (Name == "TEST32rr" && I.getOperand(0).getReg() == I.getOperand(1).getReg()) {
        unsigned Reg = I.getOperand(0).getReg().id();
        if (NrReg && Reg != NrReg)
          return std::nullopt;
        NrReg = Reg;
        Cmp = 0; // testl %esi, %esi compares with zero
        Pc = Next;
        continue;
      }
      if (Name == "CALL64pcrel32") {
        // A case that calls instead of tail-jumping (then returns).
        auto R = RelocAt.find(Next - 4);
        if (R == RelocAt.end())
          return std::nullopt;
        Record(R->second, Range);
        break; // returns (or not: exit is noreturn); nothing more to learn
      }
      bool IsJcc = Name == "JCC_1" || Name == "JCC_4";
      bool IsJmp = Name == "JMP_1" || Name == "JMP_4";
      if (!IsJcc && !IsJmp) {
        if (Name.starts_with("RET") || Name.starts_with("JMP64") ||
            Name == "TRAP" || Name == "UD2")
          break;
        // Only no-ops may stand between a compare and its jumps; anything
        // else may change the flags or the number: give up.
        if (!Name.starts_with("NOOP") && !Name.starts_with("ENDBR") &&
            !Name.starts_with("NOP")) {
          return std::nullopt;
        }
        Pc = Next;
        continue;
      }
      // Split the range by the condition against the last compare.
      Interval Taken = Range, Fall = Range;
      if (IsJcc) {
        if (!Cmp) {
          return std::nullopt;
        }
        int64_t C = *Cmp;
        switch (I.getOperand(1).getImm()) {
        case 4: // E
          Taken = {std::max(Range.Lo, C), std::min(Range.Hi, C)};
          break;
        case 5: // NE
          Fall = {std::max(Range.Lo, C), std::min(Range.Hi, C)};
          break;
        case 14: case 6: // LE, BE
          Taken = {Range.Lo, std::min(Range.Hi, C)};
          Fall = {std::max(Range.Lo, C + 1), Range.Hi};
          break;
        case 15: case 7: // G, A
          Taken = {std::max(Range.Lo, C + 1), Range.Hi};
          Fall = {Range.Lo, std::min(Range.Hi, C)};
          break;
        case 12: case 2: // L, B
          Taken = {Range.Lo, std::min(Range.Hi, C - 1)};
          Fall = {std::max(Range.Lo, C), Range.Hi};
          break;
        case 13: case 3: // GE, AE
          Taken = {std::max(Range.Lo, C), Range.Hi};
          Fall = {Range.Lo, std::min(Range.Hi, C - 1)};
          break;
        default:
          return std::nullopt;
        }
      }
      auto R = RelocAt.find(Next - 4);
      bool Relocated = Size >= 5 && R != RelocAt.end();
      if (Relocated) {
        Record(R->second, Taken);
      } else {
        uint64_t Target = Next + (IsJcc ? I.getOperand(0).getImm()
                                        : I.getOperand(0).getImm());
        Work.push_back({Target, Taken, Cmp}); // a jump keeps the flags
      }
      if (IsJmp)
        break;
      Range = Fall;
      Pc = Next;
    }
  }
  return Out;
}
