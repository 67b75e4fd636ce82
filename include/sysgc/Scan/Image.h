//===- sysgc/Scan/Image.h - An ELF program or library, as the scanner sees it -*- C++ -*-===//
//
// What `sysgc scan` needs from one ELF executable or shared library, read
// once with libObject into plain data: its code ranges, where functions
// start (symbols, .eh_frame/.ARM.exidx, entry, init/fini arrays, IFUNC
// resolvers), the GOT slots that hold imported functions, the code pointers
// stored in its data, and the dynamic facts (DT_NEEDED, PT_INTERP,
// RUNPATH/RPATH, build-id) the loader follows. Every read is bounds-checked:
// a damaged file is an llvm::Error, never a crash.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_SCAN_IMAGE_H
#define SYSGC_SCAN_IMAGE_H

#include "sysgc/Arch/Arch.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sysgc {

/// Where a function start was learnt (for --format=json and debugging).
enum class StartKind : uint8_t { Symbol, Frame, Entry, Init, Ifunc, Data };

struct ImageFunction {
  uint64_t Addr = 0;
  uint64_t Size = 0; // 0: unknown (extends to the next start)
  std::string Name;  // empty if none is known
  StartKind Kind = StartKind::Symbol;
  bool Thumb = false; // 32-bit arm: Thumb code
};

struct ImageSegment {
  uint64_t Addr = 0, MemSize = 0, FileOff = 0, FileSize = 0;
  bool Exec = false, Write = false;
};

struct CodeRange {
  uint64_t Begin = 0, End = 0;
};

/// A defined dynamic symbol other modules can bind to.
struct ImageExport {
  std::string Name;
  uint64_t Addr = 0;
  bool Function = false; // STT_FUNC or STT_GNU_IFUNC
  bool Ifunc = false;
};

class ScanImage {
public:
  /// Read Path (its bytes in Buf); Arch is chosen from e_machine.
  static llvm::Expected<std::unique_ptr<ScanImage>>
  read(std::unique_ptr<llvm::MemoryBuffer> Buf, llvm::StringRef Path);
  static llvm::Expected<std::unique_ptr<ScanImage>> readFile(llvm::StringRef Path);

  std::string Path;
  const ArchInfo *Arch = nullptr;
  bool Is64 = true;
  bool IsExec = false;  // ET_EXEC, or ET_DYN with PT_INTERP (PIE)
  bool Static = true;   // no PT_DYNAMIC
  bool Pic = false;     // ET_DYN: a PIE or a shared library
  uint64_t Entry = 0;
  bool EntryThumb = false;
  std::string Interp, SoName, BuildId;
  std::vector<std::string> Needed, RunPath, RPath;

  std::vector<ImageSegment> Segments;
  std::vector<CodeRange> Code; // executable sections (or segments), sorted
  /// The PLT sections (.plt, .plt.sec, .plt.got): import stubs only.
  std::vector<CodeRange> Plt;
  bool inPlt(uint64_t Addr) const {
    for (const CodeRange &R : Plt)
      if (Addr >= R.Begin && Addr < R.End)
        return true;
    return false;
  }
  std::vector<ImageFunction> Starts;
  /// DT_INIT, DT_FINI and the entries of the init/fini arrays.
  std::vector<uint64_t> InitFini;
  /// Resolvers named by R_*_IRELATIVE relocations (an IFUNC symbol another
  /// module imports is reached through that import).
  std::vector<uint64_t> IfuncResolvers;
  /// GOT (or any data) slot -> the imported symbol its relocation binds.
  std::map<uint64_t, uint32_t> ImportSlots;
  std::vector<std::string> Imports;
  /// Imports bound by a data relocation (GLOB_DAT/ABS), not a call slot:
  /// their address is taken by this module.
  std::vector<uint32_t> AddressTakenImports;
  /// Slot -> the link-time value a relative relocation writes there.
  std::map<uint64_t, uint64_t> RelativeSlots;
  /// Code addresses stored in data: from relocations, or (in a
  /// position-dependent program) words that equal a function start. The
  /// target keeps arm's Thumb bit; InRodata: the slot is never written
  /// after relocation.
  struct DataPointer {
    uint64_t Target;
    bool FromReloc;
    bool InRodata;
  };
  std::vector<DataPointer> DataPointers;
  std::vector<ImageExport> Exports;

  /// N bytes at virtual address Addr, or an empty array if not all mapped
  /// from the file.
  llvm::ArrayRef<uint8_t> bytesAt(uint64_t Addr, uint64_t N) const;
  /// The bytes from Addr to the end of its file-backed segment.
  llvm::ArrayRef<uint8_t> bytesFrom(uint64_t Addr) const;
  bool isCode(uint64_t Addr) const;
  /// Is Addr in a segment the program cannot write (after RELRO too)?
  bool isReadOnly(uint64_t Addr) const;
  /// A word the loader does not change, read at Addr (Size 1..8).
  std::optional<uint64_t> readConst(uint64_t Addr, unsigned Size) const;
  /// "libc.so.6" or the file name: how diagnostics name this module.
  std::string displayName() const;

private:
  std::unique_ptr<llvm::MemoryBuffer> Buf;
  std::vector<std::pair<uint64_t, uint64_t>> Relro;
  std::vector<std::pair<uint64_t, uint64_t>> Relocated; // slots, sorted
  friend struct ImageReader;
};

} // namespace sysgc

#endif
