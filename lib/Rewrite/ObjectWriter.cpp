//===- ObjectWriter.cpp - Apply an object's edits and write it ------------===//
//
// The writer as a step list: read the input into the object model, apply
// each edit (one file each, see Edits.h) in the order they depend on, then
// serialise (ElfWriter.cpp) into a sink: memory or a file written
// atomically. The input is never touched.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Rewrite/ObjectWriter.h"
#include "Edits.h"
#include "ObjectModel.h"
#include "sysgc/Support/Error.h"
#include "sysgc/Support/FileUtil.h"

using namespace sysgc;
using namespace sysgc::rewrite;
using namespace llvm;

// The edits, in order.
static Error applyEdits(ObjectModel &M, const ObjectEdits &E) {
  // Pieces of excluded owners are excluded as they are made.
  if (Error Err = noteExcluded(M, E.Exclude))
    return Err;
  if (Error Err = retarget(M, E.Retargets, E.RetargetAddends))
    return Err;
  // Before the tables: the references they hold into split code change.
  for (const RangeSplit *S : E.RangeSplits)
    if (Error Err = splitRanges(M, *S))
      return Err;
  for (const TableSplit *S : E.Splits)
    if (Error Err = splitTable(M, *S))
      return Err;
  exclude(M, E.Exclude);
  if (Error Err = rename(M, E.Renames))
    return Err;
  // Once the exclusions are known (pieces included), before coalescing
  // moves symbols into joined sections.
  if (Error Err = localize(M, E.Localize))
    return Err;
  if (E.Placement) {
    coalesce(M, *E.Placement, E.CodeFill);
    if (Error Err = compact(M))
      return Err;
  }
  return Error::success();
}

Error sysgc::writeObject(const ElfObject &O, const ObjectEdits &E,
                         ObjectSink &Sink) {
  if (!O.isRelocatable())
    return makeError("{0}: only relocatable objects can be rewritten", O.Name);
  auto Run = [&]() -> Error {
    // Pieces are appended: reserve for them (and their relocation
    // sections) once.
    size_t Pieces = 0;
    for (const TableSplit *S : E.Splits)
      Pieces += 2 * S->Pieces.size();
    for (const RangeSplit *S : E.RangeSplits)
      Pieces += 2 * S->Pieces.size();
    ObjectModel M(O, Pieces + 1);
    if (Error Err = applyEdits(M, E))
      return Err;
    return writeElf(M, Sink);
  };
  if (Error R = Run())
    return withContext(std::move(R), "rewriting " + O.Name);
  return Error::success();
}

namespace {
// Into memory, the size known up front.
class VectorSink final : public ObjectSink {
public:
  std::vector<char> Out;
  Error start(uint64_t Size) override {
    Out.reserve(Size);
    return Error::success();
  }
  void doAppend(ArrayRef<char> Bytes) override {
    Out.insert(Out.end(), Bytes.begin(), Bytes.end());
  }
  MutableArrayRef<char> doSpace(size_t N) override {
    Out.resize(Out.size() + N);
    return MutableArrayRef<char>(Out).take_back(N);
  }
};

// Into a file, through AtomicFileWriter.
class FileSink final : public ObjectSink {
public:
  explicit FileSink(AtomicFileWriter &W) : W(W) {}
  Error start(uint64_t) override { return Error::success(); }
  void doAppend(ArrayRef<char> Bytes) override { W.write(Bytes); }
  MutableArrayRef<char> doSpace(size_t N) override { return W.space(N); }

private:
  AtomicFileWriter &W;
};
static_assert(ObjectSink::MaxSpace <= AtomicFileWriter::BufferSize);
} // namespace

Expected<std::vector<char>> sysgc::writeObject(const ElfObject &O,
                                               const ObjectEdits &E) {
  VectorSink Sink;
  if (Error Err = writeObject(O, E, Sink))
    return std::move(Err);
  return std::move(Sink.Out);
}

Error sysgc::writeObjectFile(const ElfObject &O, const ObjectEdits &E,
                             StringRef Path) {
  auto W = AtomicFileWriter::create(Path);
  if (!W)
    return W.takeError();
  FileSink Sink(*W);
  if (Error Err = writeObject(O, E, Sink))
    return Err; // the temporary goes with W
  return W->commit();
}
