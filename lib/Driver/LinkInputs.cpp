//===- LinkInputs.cpp - The inputs lld gets instead -----------------------===//
//
// Kbuild links vmlinux.o up to three times (kallsyms): the same input with
// the same edits is written once, through the rewrite cache.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Driver/LinkInputs.h"
#include "sysgc/Support/Error.h"
#include "sysgc/Support/FileUtil.h"
#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <map>

using namespace sysgc;
using namespace llvm;

Expected<std::vector<std::string>>
sysgc::writeRewrittenObjects(const SectionGraph &G, InputSet &In,
                             const std::vector<ObjectEdits> &Edits,
                             const RewriteCache &Cache, TempFiles &Temps,
                             StringRef Output) {
  std::vector<std::string> NewPath(In.Objects.size());
  for (uint32_t F = 0; F < In.Objects.size(); ++F) {
    if (Edits[F].empty() || !G.isLinked(F))
      continue;
    ElfObject &Obj = *In.Objects[F].Elf;
    // Kbuild links vmlinux.o up to three times (kallsyms): the same input
    // with the same edits is written once.
    NewPath[F] = Cache.cachedPath(Obj, Edits[F]);
    if (!NewPath[F].empty())
      continue;
    // Written anew: the writer needs the relocations.
    if (Error E = Obj.loadRelocs())
      return std::move(E);
    auto Stored = Cache.store(Obj, Edits[F]);
    if (Stored && !Stored->empty()) {
      NewPath[F] = *Stored;
      continue;
    }
    consumeError(Stored.takeError()); // no cache: a private copy will do
    std::string Base = sys::path::filename(In.Objects[F].MemberIndex >= 0
                                               ? In.Objects[F].MemberName
                                               : In.Objects[F].Name)
                           .str();
    NewPath[F] = Temps.create(Output, Twine(F) + "-" + Base);
    if (Error E = writeObjectFile(Obj, Edits[F], NewPath[F]))
      return std::move(E);
  }

  return NewPath;
}

Expected<std::vector<std::string>>
sysgc::rewriteInputArgs(const LinkCommand &Cmd, const InputSet &In,
                        std::vector<std::string> &NewPath, TempFiles &Temps) {
  std::map<size_t, std::vector<std::string>> Replace;
  for (size_t I = 0; I < Cmd.Inputs.size(); ++I) {
    const LinkInput &LI = Cmd.Inputs[I];
    const InputFileInfo &Info = In.Files[I];
    bool Changed = false;
    for (size_t F : Info.Objects)
      Changed |= !NewPath[F].empty();
    if (!Changed)
      continue;
    std::vector<std::string> Paths;
    if (Info.K == InputFileInfo::Object) {
      Paths.push_back(NewPath[Info.Objects[0]]);
    } else if (LI.WholeArchive) {
      // --whole-archive of its members = the members themselves, in order.
      for (size_t F : Info.Objects) {
        if (NewPath[F].empty()) {
          // An unchanged member: a thin one is on disk already.
          if (Info.K == InputFileInfo::ThinArchive) {
            NewPath[F] = In.Objects[F].MemberName;
          } else {
            NewPath[F] = Temps.create(
                Cmd.Output,
                Twine(F) + "-" + sys::path::filename(In.Objects[F].MemberName));
            StringRef B = In.Objects[F].Elf->Buffer.getBuffer();
            if (Error E =
                    writeFile(NewPath[F], ArrayRef<char>(B.data(), B.size())))
              return std::move(E);
          }
        }
        Paths.push_back(NewPath[F]);
      }
    } else {
      // A lazily searched archive: rebuild it with the changed members.
      std::vector<NewArchiveMember> Members;
      for (size_t F : Info.Objects) {
        NewArchiveMember M;
        if (NewPath[F].empty()) {
          M.Buf = MemoryBuffer::getMemBuffer(In.Objects[F].Elf->Buffer, false);
        } else {
          auto B = MemoryBuffer::getFile(NewPath[F], false, false);
          if (!B)
            return makeError("{0}: {1}", NewPath[F], B.getError().message());
          M.Buf = std::move(*B);
        }
        M.MemberName = sys::path::filename(In.Objects[F].MemberName);
        Members.push_back(std::move(M));
      }
      std::string Ar = Temps.create(
          Cmd.Output, Twine(I) + "-" + sys::path::filename(LI.Path));
      if (Error E = writeArchive(Ar, Members, SymtabWritingMode::NormalSymtab,
                                 object::Archive::K_GNU, true, false))
        return withContext(std::move(E), Ar);
      Paths.push_back(Ar);
    }
    Replace[LI.ArgIndex] = Paths;
    for (size_t K = 1; K < LI.ArgCount; ++K)
      Replace[LI.ArgIndex + K] = {};
  }
  std::vector<std::string> Args;
  for (size_t I = 0; I < Cmd.Args.size(); ++I) {
    auto It = Replace.find(I);
    if (It == Replace.end())
      Args.push_back(Cmd.Args[I]);
    else
      Args.insert(Args.end(), It->second.begin(), It->second.end());
  }
  return Args;
}
