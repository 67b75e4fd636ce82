//===- ElfWriter.cpp - Serialise the object model -------------------------===//
//
// A direct ELF writer over llvm/Object/ELFTypes.h, generic over class and
// byte order, writing front to back into an ObjectSink (no whole-file
// buffer). Unchanged section contents are copied byte for byte; relocation
// sections are encoded only where an edit changed them or the symbols were
// renumbered; the symbol table is always encoded (it is where new symbols
// and extended indices land).
//
//===----------------------------------------------------------------------===//
#include "Edits.h"
#include "sysgc/Rewrite/ObjectWriter.h"
#include "sysgc/Support/Error.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFTypes.h"
#include "llvm/Support/MathExtras.h"
#include <cstring>

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;
using namespace llvm::object;

namespace {
ArrayRef<char> chars(ArrayRef<uint8_t> B) {
  return ArrayRef<char>(reinterpret_cast<const char *>(B.data()), B.size());
}

template <class ELFT> class ElfWriter {
  using Ehdr = typename ELFT::Ehdr;
  using Shdr = typename ELFT::Shdr;
  using Sym = typename ELFT::Sym;
  using Rel = typename ELFT::Rel;
  using Rela = typename ELFT::Rela;

public:
  explicit ElfWriter(ObjectModel &M) : M(M), Secs(M.Secs) {}

  Error run(ObjectSink &Sink) {
    if (Error Err = finishSymbols())
      return Err;
    if (Error Err = reencodeForNewSymbols())
      return Err;
    return serialise(Sink);
  }

private:
  // The symbol table (and its extended indices and string table) as the
  // edits left it.
  Error finishSymbols() {
    // Extended indices: every symbol in a section >= SHN_LORESERVE needs
    // an SHT_SYMTAB_SHNDX entry.
    bool NeedShndx = M.ShndxIndex != 0;
    for (const ElfSymbol &S : M.Syms)
      if (S.inSection() && S.Shndx >= ELF::SHN_LORESERVE)
        NeedShndx = true;
    if (NeedShndx && !M.ShndxIndex) {
      OutSection X;
      X.Name = M.sectionNameOffset(".symtab_shndx");
      X.Type = ELF::SHT_SYMTAB_SHNDX;
      X.Link = M.SymtabIdx;
      X.AddrAlign = 4;
      X.EntSize = 4;
      M.ShndxIndex = Secs.size();
      Secs.push_back(std::move(X));
    }
    if (!M.SymtabIdx)
      return Error::success();

    OutSection &ST = Secs[M.SymtabIdx];
    std::vector<uint8_t> &STBytes = M.ownBytes();
    STBytes.resize(M.Syms.size() * sizeof(Sym));
    std::vector<uint8_t> &Shndx = M.ownBytes();
    Shndx.resize(NeedShndx ? M.Syms.size() * 4 : 0);
    for (size_t I = 0; I < M.Syms.size(); ++I) {
      const ElfSymbol &S = M.Syms[I];
      Sym Out;
      memset(&Out, 0, sizeof(Out));
      Out.st_name = S.NameOffset;
      Out.st_value = S.Value;
      Out.st_size = S.Size;
      Out.st_info = (S.Binding << 4) | (S.Type & 0xf);
      Out.st_other = S.Other;
      uint32_t Real = S.Shndx;
      bool X = S.inSection() && Real >= ELF::SHN_LORESERVE;
      Out.st_shndx = X ? uint16_t(ELF::SHN_XINDEX) : uint16_t(Real);
      if (NeedShndx) {
        typename ELFT::Word W;
        W = X ? Real : 0;
        memcpy(&Shndx[I * 4], &W, 4);
      }
      memcpy(&STBytes[I * sizeof(Sym)], &Out, sizeof(Sym));
    }
    ST.Data = STBytes;
    ST.Size = STBytes.size();
    if (NeedShndx) {
      Secs[M.ShndxIndex].Data = Shndx;
      Secs[M.ShndxIndex].Size = Shndx.size();
    }
    if (M.stringsGrew()) {
      Secs[M.StrtabIdx].Data = M.strings();
      Secs[M.StrtabIdx].Size = M.strings().size();
    }
    return Error::success();
  }

  // Renumbered symbols: every relocation section is encoded with the new
  // indices, the unchanged ones from the relocations as read.
  Error reencodeForNewSymbols() {
    if (M.SymbolMap.empty())
      return Error::success();
    for (OutSection &X : Secs) {
      if (!X.isRelocSection() || X.EncodeRelocs)
        continue;
      if (X.Source.size() * relocEntrySize(X) != X.Data.size())
        return makeError("{0}: internal error: a relocation section to "
                         "renumber whose relocations were not read",
                         M.O.Name);
      X.EncodeRelocs = true;
      X.RelocParts.push_back({X.Source, 0});
    }
    return Error::success();
  }

  size_t relocEntrySize(const OutSection &X) const {
    return X.Type == ELF::SHT_RELA ? sizeof(Rela) : sizeof(Rel);
  }

  // The bytes of section X in the output.
  uint64_t fileSize(const OutSection &X) const {
    if (X.Type == ELF::SHT_NOBITS)
      return 0;
    if (!X.Parts.empty())
      return X.Size;
    if (!X.EncodeRelocs)
      return X.Data.size();
    size_t N = X.Relocs.size();
    for (auto &[Rs, Delta] : X.RelocParts)
      N += Rs.size();
    return N * relocEntrySize(X);
  }

  void encodeRelocs(const OutSection &X, ObjectSink &Sink) const {
    encodeRelocs(X, X.Relocs, 0, Sink);
    for (auto &[Rs, Delta] : X.RelocParts)
      encodeRelocs(X, Rs, Delta, Sink);
  }

  // Rs at their offsets plus Delta, a sink-sized batch at a time.
  void encodeRelocs(const OutSection &X, ArrayRef<ElfReloc> Rs,
                    uint64_t Delta, ObjectSink &Sink) const {
    bool IsRela = X.Type == ELF::SHT_RELA;
    size_t Ent = relocEntrySize(X);
    size_t Batch = ObjectSink::MaxSpace / Ent;
    for (size_t B = 0; B < Rs.size(); B += Batch) {
      size_t N = std::min(Batch, Rs.size() - B);
      char *To = Sink.space(N * Ent).data();
      for (size_t I = 0; I < N; ++I) {
        const ElfReloc &R = Rs[B + I];
        if (IsRela) {
          Rela Out;
          Out.r_offset = R.Offset + Delta;
          Out.setSymbolAndType(M.newSymbolIndex(R.Symbol), R.Type, false);
          Out.r_addend = R.Addend;
          memcpy(To + I * Ent, &Out, Ent);
        } else {
          Rel Out;
          Out.r_offset = R.Offset + Delta;
          Out.setSymbolAndType(M.newSymbolIndex(R.Symbol), R.Type, false);
          memcpy(To + I * Ent, &Out, Ent);
        }
      }
    }
  }

  // Pattern (repeated from its start) into Sink from From up to To (none
  // if To is not past From).
  static void fill(ObjectSink &Sink, uint64_t From, uint64_t To,
                   const std::array<uint8_t, 4> &Pattern) {
    uint64_t Count = To > From ? To - From : 0;
    for (uint64_t Done = 0; Done < Count;) {
      size_t N = std::min<uint64_t>(Count - Done, ObjectSink::MaxSpace);
      MutableArrayRef<char> To = Sink.space(N);
      for (size_t I = 0; I < N; ++I)
        To[I] = char(Pattern[(Done + I) % 4]);
      Done += N;
    }
  }

  // A coalesced section: its parts, each gap filled as lld fills the gaps
  // between input sections (the pattern repeated from the gap's start).
  void writeParts(const OutSection &X, ObjectSink &Sink) const {
    uint64_t Pos = 0;
    for (auto &[Off, Bytes] : X.Parts) {
      fill(Sink, Pos, Off, X.Fill);
      Sink.append(chars(Bytes));
      Pos = Off + Bytes.size();
    }
    fill(Sink, Pos, X.Size, X.Fill);
  }

  // Every byte of the output, front to back: the header, each section at
  // its offset (zeros between), the section headers.
  Error serialise(ObjectSink &Sink) {
    uint64_t NumSecs = Secs.size();
    uint32_t ShStrIdx = M.ShStrIdx;
    std::vector<uint64_t> Offsets(NumSecs, 0);
    uint64_t Off = sizeof(Ehdr);
    for (uint64_t I = 1; I < NumSecs; ++I) {
      const OutSection &X = Secs[I];
      uint64_t Align =
          std::max<uint64_t>(1, std::min<uint64_t>(X.AddrAlign, 64));
      Off = alignTo(Off, Align);
      Offsets[I] = Off;
      Off += fileSize(X);
    }
    Off = alignTo(Off, sizeof(typename ELFT::uint));
    uint64_t ShOff = Off;
    uint64_t Total = ShOff + NumSecs * sizeof(Shdr);
    if (Error Err = Sink.start(Total))
      return Err;

    Ehdr H;
    memcpy(&H, M.O.Buffer.getBufferStart(), sizeof(Ehdr));
    H.e_shoff = ShOff;
    H.e_shentsize = sizeof(Shdr);
    H.e_phoff = 0;
    H.e_phnum = 0;
    H.e_shnum = NumSecs >= ELF::SHN_LORESERVE ? 0 : NumSecs;
    H.e_shstrndx = ShStrIdx >= ELF::SHN_LORESERVE ? uint16_t(ELF::SHN_XINDEX)
                                                  : uint16_t(ShStrIdx);
    memcpy(Sink.space(sizeof(Ehdr)).data(), &H, sizeof(Ehdr));
    uint64_t Pos = sizeof(Ehdr);
    static constexpr std::array<uint8_t, 4> Zeros{};
    for (uint64_t I = 1; I < NumSecs; ++I) {
      const OutSection &X = Secs[I];
      if (X.Type == ELF::SHT_NOBITS)
        continue;
      fill(Sink, Pos, Offsets[I], Zeros);
      if (!X.Parts.empty())
        writeParts(X, Sink);
      else if (X.EncodeRelocs)
        encodeRelocs(X, Sink);
      else
        Sink.append(chars(X.Data));
      Pos = Offsets[I] + fileSize(X);
    }
    fill(Sink, Pos, ShOff, Zeros);
    for (uint64_t I = 0; I < NumSecs; ++I) {
      Shdr S;
      memset(&S, 0, sizeof(S));
      if (I == 0) {
        if (NumSecs >= ELF::SHN_LORESERVE)
          S.sh_size = NumSecs;
        if (ShStrIdx >= ELF::SHN_LORESERVE)
          S.sh_link = ShStrIdx;
      } else {
        const OutSection &X = Secs[I];
        S.sh_name = X.Name;
        S.sh_type = X.Type;
        S.sh_flags = X.Flags;
        S.sh_offset = Offsets[I];
        S.sh_size = X.Type == ELF::SHT_NOBITS ? X.Size : fileSize(X);
        S.sh_link = X.Link;
        S.sh_info = X.Info;
        S.sh_addralign = X.AddrAlign;
        S.sh_entsize = X.EntSize;
      }
      memcpy(Sink.space(sizeof(Shdr)).data(), &S, sizeof(Shdr));
    }
    if (Sink.written() != Total) // the layout and the bytes disagree
      return makeError("{0}: internal error: {1} bytes written, {2} laid out",
                       M.O.Name, Sink.written(), Total);
    return Error::success();
  }

  ObjectModel &M;
  std::vector<OutSection> &Secs;
};
} // namespace

Error sysgc::rewrite::writeElf(ObjectModel &M, ObjectSink &Sink) {
  const ElfObject &O = M.O;
  if (O.Is64)
    return O.IsLittleEndian ? ElfWriter<ELF64LE>(M).run(Sink)
                            : ElfWriter<ELF64BE>(M).run(Sink);
  return O.IsLittleEndian ? ElfWriter<ELF32LE>(M).run(Sink)
                          : ElfWriter<ELF32BE>(M).run(Sink);
}
