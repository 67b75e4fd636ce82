//===- InputSet.cpp - Open and classify a link's inputs -------------------===//
//
// Archive members are parsed in place (thin members are read from disk by
// libObject, relative to the archive). Every object must share one
// e_machine; a mismatch is reported with both file names.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Input/InputSet.h"
#include "sysgc/Arch/Arch.h"
#include "sysgc/Support/Error.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/BinaryFormat/Magic.h"

using namespace sysgc;
using namespace llvm;
using namespace llvm::object;

Error InputSet::addObject(MemoryBufferRef Buf, std::string Name,
                          size_t InputIndex, int Member,
                          std::string MemberName, bool Lazy) {
  // Relocations after the architecture is known: an SHT_REL object's
  // addends are read from its bytes, as the architecture encodes them.
  auto ElfOrErr = ElfObject::create(Buf, Name, /*WithRelocs=*/false);
  if (!ElfOrErr)
    return ElfOrErr.takeError();
  if (const ArchInfo *A = getArch((*ElfOrErr)->Machine, (*ElfOrErr)->Is64))
    (*ElfOrErr)->ImplicitAddend = [A](uint32_t Type, ArrayRef<uint8_t> Loc) {
      return A->implicitAddend(Type, Loc);
    };
  if (WithRelocs)
    if (Error E = (*ElfOrErr)->loadRelocs()) // names the file itself
      return E;
  InputObject O;
  O.Name = std::move(Name);
  O.Elf = std::move(*ElfOrErr);
  O.InputIndex = InputIndex;
  O.MemberIndex = Member;
  O.MemberName = std::move(MemberName);
  O.Lazy = Lazy;
  O.Shared = O.Elf->FileType == ELF::ET_DYN;
  if (O.Elf->FileType != ELF::ET_REL && !O.Shared)
    return makeError("{0}: not a relocatable object or shared library (ELF "
                     "type {1}); sysgc-ld links only .o, .a and .so inputs",
                     O.Name, O.Elf->FileType);
  if (Machine && O.Elf->Machine != Machine)
    return makeError("{0}: ELF machine {1} differs from {2} of {3}", O.Name,
                     O.Elf->Machine, Machine, Objects.front().Name);
  Machine = O.Elf->Machine;
  Files[InputIndex].Objects.push_back(Objects.size());
  Objects.push_back(std::move(O));
  return Error::success();
}

Error InputSet::readOne(const LinkInput &In, size_t InputIndex) {
  InputFileInfo &Info = Files[InputIndex];
  Info.Path = In.Path;
  if (StringRef(In.Path).starts_with("-l")) {
    Info.K = InputFileInfo::Opaque; // unresolved -l: lld will complain
    return Error::success();
  }
  auto BufOrErr = MemoryBuffer::getFile(In.Path, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false);
  if (!BufOrErr)
    return makeError("{0}: cannot open: {1}", In.Path,
                     BufOrErr.getError().message());
  MemoryBufferRef Ref = (*BufOrErr)->getMemBufferRef();
  Buffers.push_back(std::move(*BufOrErr));
  return addFile(Ref, In, InputIndex, /*AllowThin=*/true);
}

Error InputSet::addFile(MemoryBufferRef Ref, const LinkInput &In,
                        size_t InputIndex, bool AllowThin) {
  InputFileInfo &Info = Files[InputIndex];
  file_magic Magic = identify_magic(Ref.getBuffer());
  if (Magic == file_magic::archive) {
    auto ArOrErr = Archive::create(Ref);
    if (!ArOrErr)
      return withContext(ArOrErr.takeError(), In.Path);
    Archive &Ar = **ArOrErr;
    if (Ar.isThin() && !AllowThin)
      return makeError("{0}: a thin archive held in memory has no members "
                       "to read", In.Path);
    Info.K = Ar.isThin() ? InputFileInfo::ThinArchive : InputFileInfo::Archive;
    Error Err = Error::success();
    int Index = 0;
    for (const Archive::Child &C : Ar.children(Err)) {
      auto NameOrErr = C.getName();
      if (!NameOrErr)
        return withContext(NameOrErr.takeError(),
                           In.Path + ": member #" + Twine(Index));
      std::string Display = (In.Path + "(" + *NameOrErr + ")").str();
      auto MemOrErr = C.getMemoryBufferRef();
      if (!MemOrErr)
        return withContext(MemOrErr.takeError(), Display);
      // libObject trusts a member's size field: a truncated archive gives a
      // member running past the end of the file.
      if (!Ar.isThin() &&
          (MemOrErr->getBufferStart() < Ref.getBufferStart() ||
           MemOrErr->getBufferEnd() > Ref.getBufferEnd()))
        return makeError("{0}: the member claims {1} bytes but the archive "
                         "ends {2} bytes after its header: truncated archive",
                         Display, MemOrErr->getBufferSize(),
                         Ref.getBufferEnd() - MemOrErr->getBufferStart());
      std::string MemName = NameOrErr->str();
      if (Ar.isThin()) {
        auto FullOrErr = C.getFullName();
        if (!FullOrErr)
          return withContext(FullOrErr.takeError(), Display);
        MemName = *FullOrErr;
        Display = In.Path + "(" + *FullOrErr + ")";
      }
      // lld ignores archive members that are not objects (symbol tables are
      // not children); so do we, unless they look like ELF.
      if (!isElf(MemOrErr->getBuffer())) {
        ++Index;
        continue;
      }
      if (Error E = addObject(*MemOrErr, Display, InputIndex, Index,
                              MemName, !In.WholeArchive))
        return E;
      ++Index;
    }
    if (Err)
      return withContext(std::move(Err), In.Path);
    Archives.push_back(std::move(*ArOrErr));
    return Error::success();
  }
  if (isElf(Ref.getBuffer())) {
    if (Error E = addObject(Ref, In.Path, InputIndex, -1, "", false))
      return E;
    Info.K = Objects.back().Shared ? InputFileInfo::SharedObject
                                   : InputFileInfo::Object;
    return Error::success();
  }
  Info.K = InputFileInfo::Opaque; // a linker script or binary: lld's business
  return Error::success();
}

Error InputSet::addBuffer(MemoryBufferRef Buf, std::string Name, bool Lazy) {
  Files.push_back({});
  Files.back().Path = Name;
  Files.back().K = InputFileInfo::Object;
  return addObject(Buf, Name, Files.size() - 1, Lazy ? 0 : -1, Name, Lazy);
}

Error InputSet::addFileBuffer(MemoryBufferRef Buf, std::string Path,
                              bool WholeArchive) {
  LinkInput In{/*ArgIndex=*/0, std::move(Path), WholeArchive,
               /*FromLibraryOption=*/false, /*ArgCount=*/1};
  Files.push_back({});
  Files.back().Path = In.Path;
  return addFile(Buf, In, Files.size() - 1, /*AllowThin=*/false);
}

Expected<std::unique_ptr<InputSet>> InputSet::read(const LinkCommand &Cmd,
                                                   bool WithRelocs) {
  auto S = std::make_unique<InputSet>();
  S->WithRelocs = WithRelocs;
  S->Files.resize(Cmd.Inputs.size());
  for (size_t I = 0; I < Cmd.Inputs.size(); ++I) {
    if (Cmd.BinaryFormat) {
      S->Files[I].Path = Cmd.Inputs[I].Path;
      continue;
    }
    if (Error E = S->readOne(Cmd.Inputs[I], I))
      return std::move(E);
  }
  return std::move(S);
}

std::vector<LldInput>
InputSet::lldInputs(ArrayRef<std::string> NewPath) const {
  std::vector<LldInput> R;
  for (size_t F = 0; F < Objects.size() && F < NewPath.size(); ++F) {
    const InputObject &O = Objects[F];
    // Unchanged thin-archive members are read where they are.
    if (NewPath[F].empty() || NewPath[F] == O.MemberName ||
        NewPath[F] == Files[O.InputIndex].Path)
      continue;
    R.push_back({NewPath[F], O.Name});
  }
  return R;
}
