//===- sysgc/Arch/Arch.h - What sysgc knows about one architecture -*- C++ -*-===//
//
// Everything architecture-specific lives behind this interface, in the style
// of lld's TargetInfo: the syscall ABIs (names, numbers and entry symbols,
// generated from the kernel's own syscall tables), the dispatch symbols of
// each ABI, the layouts of the back-reference tables whose entries point into
// functions, and the relocation facts the planner and verifier need. Generic
// code never switches on a relocation number.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_ARCH_ARCH_H
#define SYSGC_ARCH_ARCH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <array>
#include <cstdint>
#include <map>
#include <bitset>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sysgc {

/// One row of a kernel syscall table (syscall_64.tbl and friends).
struct SyscallDesc {
  uint32_t Nr;
  llvm::StringRef Name;        // "uname": what strace and seccomp print
  llvm::StringRef Entry;       // "sys_newuname"; empty for a reserved slot
  llvm::StringRef CompatEntry; // "compat_sys_..." or empty
};

/// One syscall ABI of an architecture ("x64", "ia32", "x32", "arm64", ...).
struct AbiInfo {
  llvm::StringRef Name;
  llvm::ArrayRef<SyscallDesc> Syscalls;
  /// Entry symbol = EntryPrefix + entry point ("__x64_" + "sys_read").
  llvm::StringRef EntryPrefix;
  /// The entry every disabled slot points to ("__x64_sys_ni_syscall").
  llvm::StringRef NiEntry;
  /// Symbols whose section is this ABI's dispatch: a data table or a switch.
  std::vector<llvm::StringRef> DispatchSymbols;
  /// Other spellings accepted as ABI qualifiers in allowlists ("i386").
  std::vector<llvm::StringRef> Aliases;

  const SyscallDesc *findByName(llvm::StringRef Name) const;
  const SyscallDesc *findByNr(uint32_t Nr) const;
  /// The entry symbols a row can be dispatched through (native and compat).
  std::vector<std::string> entrySymbols(const SyscallDesc &D) const;
};

/// Layout of a back-reference table: an array of fixed-size entries, each
/// owned by the code its relocation at OwnerOffset points into. A table with
/// ParallelTo set has no relocations of its own: entry I belongs to the owner
/// of entry I of that table (ORC: .orc_unwind follows .orc_unwind_ip).
struct TableLayout {
  /// Section name; a trailing '*' matches a prefix (runtime_ptr_*).
  llvm::StringRef Section;
  uint32_t EntrySize;
  uint32_t OwnerOffset;
  llvm::StringRef ParallelTo;
  /// The kernel writes at the owner's address (jump labels): an entry must be
  /// removed with its owner and can never be pointed elsewhere.
  bool PatchesCode = false;
  /// A second entry size the configuration may select (x86 __bug_table is
  /// 12 bytes with DEBUG_BUGVERBOSE, 8 without); 0 if none.
  uint32_t AltEntrySize = 0;
  /// Entries that also point at code snippets of their owner in another
  /// section (.altinstructions -> .altinstr_replacement): the section, the
  /// offset of the relocation naming the snippet, and of its u8 length.
  llvm::StringRef SnippetSection;
  uint32_t SnippetRelocOffset = 0;
  uint32_t SnippetLenOffset = 0;

  bool matches(llvm::StringRef Name) const {
    return Section.ends_with("*") ? Name.starts_with(Section.drop_back())
                                  : Name == Section;
  }
};

class ArchInfo {
public:
  virtual ~ArchInfo() = default;
  llvm::StringRef Name;
  uint16_t Machine = 0;
  bool Is64 = true;
  /// Bytes of a pointer: the slot size of a dispatch table.
  unsigned PointerSize = 8;
  /// The LLVM triple MC disassembles this architecture's code with.
  llvm::StringRef Triple;
  /// Relocations are SHT_REL with the addend in the bytes they patch (arm).
  bool UsesRel = false;
  std::vector<AbiInfo> Abis;
  std::vector<TableLayout> Tables;
  /// Code sections made of snippets that belong to other functions
  /// (alternative replacements): back-references, like tables.
  std::vector<llvm::StringRef> BackRefCode;

  /// The 4-byte pattern lld fills the gaps between input sections of an
  /// executable output section with (its TargetInfo::trapInstr); sysgc
  /// fills the gaps inside a coalesced code section alike. Unset: sysgc
  /// does not coalesce for this architecture.
  std::optional<std::array<uint8_t, 4>> TrapFill;
  /// The dynamic relocation a position-independent output (arm64's
  /// vmlinux, a PIE) uses for a pointer in a data table: the slot holds 0
  /// in the file and the value is this relocation's addend.
  uint32_t RelativeReloc = 0;
  const AbiInfo *findAbi(llvm::StringRef NameOrAlias) const;
  const TableLayout *findTable(llvm::StringRef Section) const;

  /// How far past S+A the target of a relocation of this type, found in a
  /// section with these flags, really is (x86 branches: A = -4, so +4). Used
  /// to name the function a section-symbol relocation points at.
  virtual int64_t targetBias(uint32_t Type, bool InExecSection) const {
    return 0;
  }
  /// For a switch dispatcher in section Sec of O, [Begin, End): the syscall
  /// numbers each case relocation (index into O.Relocs) is taken for, or
  /// nullopt if the code is not understood.
  virtual std::optional<std::map<uint32_t, std::set<uint32_t>>>
  switchCases(const class ElfObject &O, uint32_t Sec, uint64_t Begin,
              uint64_t End) const {
    return std::nullopt;
  }
  /// The bytes a relocation of this type patches when it sits in a table
  /// entry, or nullopt for a type sysgc does not expect there (its tables
  /// hold absolute and PC-relative addresses only: anything else is refused
  /// rather than guessed at).
  virtual std::optional<unsigned> tableRelocSize(uint32_t Type) const {
    return std::nullopt;
  }
  /// The printable name of a relocation type of this machine.
  std::string relocName(uint32_t Type) const;
  /// The addend an SHT_REL relocation of this type keeps in the bytes at
  /// Loc (lld's getImplicitAddend). Read once, when an object's
  /// relocations are read, so that nothing downstream tells REL from RELA.
  /// The default knows the plain data words of tableRelocSize; branches
  /// and instruction fields are the architecture's own.
  virtual int64_t implicitAddend(uint32_t Type,
                                 llvm::ArrayRef<uint8_t> Loc) const;
  /// Does a relocation of this type at an entry's OwnerOffset name the
  /// entry's owner? A riscv entry "1b - ." is an ADD32 naming the owner and
  /// a SUB32 naming the table itself at the same offset: only the first.
  virtual bool namesOwner(uint32_t Type) const { return true; }

private:
  /// findTable's index (it runs for every section of a kernel): the exact
  /// names, and the prefix patterns, each with its position in Tables.
  mutable std::once_flag TableIndexOnce;
  mutable llvm::StringMap<uint32_t> ExactTables;
  /// A name is looked up in ExactTables only if its length (63: longer),
  /// first and last byte are those of some exact table name: findTable is
  /// asked for every section of every object, and hashing each name cost
  /// more than the rest of its caller.
  mutable std::bitset<64> ExactLengths;
  mutable std::bitset<256> ExactFirst, ExactLast;
  mutable std::vector<uint32_t> PrefixTables;
};

/// The architecture of ELF machine Machine, or null if sysgc does not know
/// it. Is64, if given, must match too (EM_RISCV is both riscv32 and
/// riscv64; sysgc knows riscv64 only).
const ArchInfo *getArch(uint16_t Machine,
                        std::optional<bool> Is64 = std::nullopt);
/// Every architecture sysgc knows, for listings and error messages.
llvm::ArrayRef<const ArchInfo *> allArchs();

} // namespace sysgc

#endif
