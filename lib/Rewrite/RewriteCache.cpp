//===- RewriteCache.cpp - Rewritten objects, by content -------------------===//
//
// The key hashes everything the written bytes depend on: the tool (the
// sysgc-ld executable's own bytes, so a rebuilt tool never reuses stale
// entries), the input object and a canonical serialisation of the edits.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Rewrite/RewriteCache.h"
#include "sysgc/Support/Error.h"
#include "sysgc/Rewrite/ObjectWriter.h"
#include "sysgc/Support/FileUtil.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include <algorithm>
#include <vector>

using namespace sysgc;
using namespace llvm;

RewriteCache::RewriteCache(std::string Dir, unsigned MaxEntries)
    : Dir(std::move(Dir)), MaxEntries(MaxEntries) {}

std::string RewriteCache::key(const ElfObject &Obj,
                              const ObjectEdits &E) const {
  std::string S;
  raw_string_ostream OS(S);
  OS << "sysgc-rewrite-1|" << toolHash() << "|"
     << Obj.contentHash() << "|";
  for (auto &[R, N] : E.Retargets)
    OS << "t" << R << ":" << N << ";";
  for (auto &[R, A] : E.RetargetAddends)
    OS << "a" << R << ":" << A << ";";
  for (const TableSplit *T : E.Splits) {
    OS << "s" << T->Sec << "/" << T->EntrySize << ":";
    for (const TablePiece &P : T->Pieces) {
      OS << P.Owner << "(";
      for (uint32_t En : P.Entries)
        OS << En << ",";
      OS << ")";
    }
    OS << ";";
  }
  for (const RangeSplit *T : E.RangeSplits) {
    OS << "r" << T->Sec << ":";
    for (auto [A, B] : T->Ranges)
      OS << A << "-" << B << ",";
    for (const RangePiece &P : T->Pieces) {
      OS << P.Owner << "(";
      for (uint32_t R : P.Ranges)
        OS << R << ",";
      OS << ")";
    }
    for (auto [R, B] : T->Refs)
      OS << R << "@" << B << ",";
    OS << ";";
  }
  for (uint32_t X : E.Exclude)
    OS << "x" << X << ",";
  for (auto &[Sec, N] : E.Renames)
    OS << "n" << Sec << ":" << N << ";";
  for (uint32_t Sym : E.Localize)
    OS << "l" << Sym << ",";
  if (E.Placement)
    OS << "c" << E.Placement->hash() << "/" << int(E.CodeFill[0]) << "," << int(E.CodeFill[1]) << ","
       << int(E.CodeFill[2]) << "," << int(E.CodeFill[3]) << ";";
  return formatv("{0:x-16}{1:x-16}", xxh3_64bits(arrayRefFromStringRef(S)),
                 S.size())
      .str();
}

const std::string &RewriteCache::keyOnce(const ElfObject &Obj,
                                         const ObjectEdits &E) const {
  auto [It, New] = Keys.try_emplace({&Obj, &E});
  if (New)
    It->second = key(Obj, E);
  return It->second;
}

std::string RewriteCache::cachedPath(const ElfObject &Obj,
                                     const ObjectEdits &E) const {
  if (Dir == "off")
    return "";
  std::string P = Dir + "/" + keyOnce(Obj, E) + ".o";
  return sys::fs::exists(P) ? P : "";
}

Expected<std::string> RewriteCache::store(const ElfObject &Obj,
                                          const ObjectEdits &E) const {
  if (Dir == "off")
    return std::string();
  if (std::error_code EC = sys::fs::create_directories(Dir))
    return makeError("{0}: {1}", Dir, EC.message());
  std::string P = Dir + "/" + keyOnce(Obj, E) + ".o";
  if (Error Err = writeObjectFile(Obj, E, P))
    return std::move(Err);
  return P;
}

void RewriteCache::evict(const std::vector<std::string> &InUse) const {
  if (Dir == "off")
    return;
  // Rewritten objects and plans, each kind bounded on its own.
  for (StringRef Suffix : {".o", ".plan"}) {
    std::vector<std::pair<sys::TimePoint<>, std::string>> Entries;
    std::error_code EC;
    for (sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
         It.increment(EC)) {
      if (!StringRef(It->path()).ends_with(Suffix) ||
          std::find(InUse.begin(), InUse.end(), It->path()) != InUse.end())
        continue;
      sys::fs::file_status St;
      if (!sys::fs::status(It->path(), St))
        Entries.push_back({St.getLastModificationTime(), It->path()});
    }
    // Keep the newest MaxEntries besides the ones this link used; never
    // touch an entry younger than ten minutes (a concurrent link may be
    // using it).
    std::sort(Entries.begin(), Entries.end());
    auto Young = std::chrono::system_clock::now() - std::chrono::minutes(10);
    for (size_t I = 0; I + MaxEntries < Entries.size(); ++I)
      if (Entries[I].first < Young)
        sys::fs::remove(Entries[I].second);
  }
}
