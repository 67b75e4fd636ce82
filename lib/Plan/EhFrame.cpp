//===- EhFrame.cpp - Split .eh_frame into its CIE and FDE records ---------===//
//
// The same walk lld's EhReader does: a 4-byte length (0 ends the section,
// 0xffffffff announces a 64-bit length, which lld rejects), then a 4-byte
// CIE pointer that is 0 for a CIE and non-zero for an FDE.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Plan/EhFrame.h"
#include "sysgc/Support/Error.h"
#include "llvm/Support/Endian.h"

using namespace sysgc;
using namespace llvm;

Expected<std::vector<EhRecord>> sysgc::parseEhFrame(ArrayRef<uint8_t> C,
                                                    bool LE) {
  auto Read32 = [&](uint64_t Off) {
    return LE ? support::endian::read32le(C.data() + Off)
              : support::endian::read32be(C.data() + Off);
  };
  std::vector<EhRecord> Out;
  uint64_t Off = 0;
  while (Off < C.size()) {
    if (C.size() - Off < 4)
      return makeError("record at offset {0:x} is truncated", Off);
    uint32_t Len = Read32(Off);
    if (Len == 0)
      break; // the terminator lld also stops at
    if (Len == 0xffffffff)
      return makeError("record at offset {0:x} has a 64-bit length, which "
                       "lld does not support either",
                       Off);
    if (Len < 4 || C.size() - Off - 4 < Len)
      return makeError("record at offset {0:x} (length {1}) runs past the end "
                       "of the section ({2} bytes)",
                       Off, Len, C.size());
    Out.push_back({Off, uint64_t(Len) + 4, Read32(Off + 4) == 0});
    Off += uint64_t(Len) + 4;
  }
  return Out;
}
