//===- sysgc/Input/InputSet.h - Every object a link reads --------*- C++ -*-===//
//
// Opens the inputs of a link (mmap'd): relocatable objects, archives (with
// --whole-archive or lazily extracted), thin archives (vmlinux.a), shared
// objects (symbols only) and anything else lld accepts (linker scripts,
// binary blobs), which is passed through untouched. The buffers live as long
// as the InputSet.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_INPUT_INPUTSET_H
#define SYSGC_INPUT_INPUTSET_H

#include "sysgc/Link/LinkCommand.h"
#include "sysgc/Link/Lld.h"
#include "sysgc/Object/ElfObject.h"
#include "llvm/Object/Archive.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>
#include <vector>

namespace sysgc {

struct InputObject {
  /// "mini.a(sys.o)" or "vmlinux.o": for diagnostics and reports.
  std::string Name;
  std::unique_ptr<ElfObject> Elf;
  /// Index into LinkCommand::Inputs.
  size_t InputIndex = 0;
  /// Position in its archive, or -1 for a plain file.
  int MemberIndex = -1;
  /// The member's own name inside its archive.
  std::string MemberName;
  /// A member of an archive read without --whole-archive: linked only if
  /// it defines a symbol something linked needs.
  bool Lazy = false;
  /// An ET_DYN: contributes definitions, never sections.
  bool Shared = false;
};

struct InputFileInfo {
  enum Kind { Object, Archive, ThinArchive, SharedObject, Opaque };
  Kind K = Opaque;
  std::string Path;
  /// Indices into InputSet::Objects, in member order.
  std::vector<size_t> Objects;
};

class InputSet {
public:
  /// Read every input of Cmd; without WithRelocs the objects' relocations
  /// are left for ElfObject::loadRelocs (the plan of an earlier pass may
  /// make them unnecessary).
  static llvm::Expected<std::unique_ptr<InputSet>>
  read(const LinkCommand &Cmd, bool WithRelocs = true);

  /// Add one object held in memory as an input of its own (tools, tests).
  /// Buf must outlive the set.
  llvm::Error addBuffer(llvm::MemoryBufferRef Buf, std::string Name,
                        bool Lazy = false);

  /// Add a whole input file held in memory (object, archive, anything
  /// else), classified as a link input would be (fuzzers, tests). Thin
  /// archives are refused: their members live on disk.
  llvm::Error addFileBuffer(llvm::MemoryBufferRef Buf, std::string Path,
                            bool WholeArchive);

  /// The files lld reads in place of rewritten objects, each with the
  /// object it stands for (runLldContained names them in its diagnostics).
  /// NewPath is indexed like Objects: "" where lld reads the object itself.
  std::vector<LldInput> lldInputs(llvm::ArrayRef<std::string> NewPath) const;

  std::vector<InputObject> Objects;
  /// Parallel to LinkCommand::Inputs.
  std::vector<InputFileInfo> Files;
  /// e_machine shared by all objects (0 if there are none).
  uint16_t Machine = 0;
  /// Objects are read with their relocations.
  bool WithRelocs = true;

private:
  llvm::Error readOne(const LinkInput &In, size_t InputIndex);
  llvm::Error addFile(llvm::MemoryBufferRef Buf, const LinkInput &In,
                      size_t InputIndex, bool AllowThin);
  llvm::Error addObject(llvm::MemoryBufferRef Buf, std::string Name,
                        size_t InputIndex, int Member, std::string MemberName,
                        bool Lazy);
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> Buffers;
  std::vector<std::unique_ptr<llvm::object::Archive>> Archives;
};

} // namespace sysgc

#endif
