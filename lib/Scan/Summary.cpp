//===- Summary.cpp - Cut a module into functions and analyse each --------===//
//
// Function boundaries come from what the image knows (symbols and their
// sizes, .eh_frame/.ARM.exidx, entry, init/fini, IFUNC resolvers, code
// pointers in data) and from the direct call targets the analysis finds:
// a stripped static program has no symbols, but its calls name its
// functions. New call targets split chunks, which are analysed again, until
// no call lands between known starts.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/Summary.h"
#include "sysgc/Scan/ScanTarget.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Parallel.h"
#include <set>

using namespace sysgc;
using namespace llvm;

namespace {
class ImageMemory final : public MemoryView {
public:
  explicit ImageMemory(const ScanImage &I) : I(I) {}
  std::optional<uint64_t> readConst(uint64_t Addr, unsigned Size) const override {
    return I.readConst(Addr, Size);
  }
  std::optional<uint32_t> importAt(uint64_t Addr) const override {
    auto It = I.ImportSlots.find(Addr);
    if (It == I.ImportSlots.end())
      return std::nullopt;
    return It->second;
  }
  std::optional<uint64_t> relativeAt(uint64_t Addr) const override {
    auto It = I.RelativeSlots.find(Addr);
    if (It == I.RelativeSlots.end())
      return std::nullopt;
    return It->second;
  }
  bool isCode(uint64_t Addr) const override { return I.isCode(Addr); }
  bool absoluteAddresses() const override { return !I.Pic; }

private:
  const ScanImage &I;
};

struct Start {
  std::string Name;
  bool Thumb = false;
  bool Named = false;
  /// 32-bit arm: nothing said whether this is ARM or Thumb code (an
  /// .ARM.exidx entry): both are tried, the one that decodes wins.
  bool ModeUnknown = false;
  uint64_t Size = 0; // a named start's symbol size (0: unknown)
};
} // namespace

int ModuleSummary::find(uint64_t Addr) const {
  auto It = llvm::upper_bound(Funcs, Addr, [](uint64_t A, const ModuleFunction &F) {
    return A < F.S.Begin;
  });
  if (It == Funcs.begin())
    return -1;
  --It;
  return Addr < It->S.End ? int(It - Funcs.begin()) : -1;
}

Expected<std::shared_ptr<ModuleSummary>>
sysgc::summarizeModule(std::shared_ptr<ScanImage> Image, const ScanTarget &T) {
  const ScanImage &I = *Image;
  ImageMemory Mem(I);
  std::map<uint64_t, Start> Starts;
  std::set<uint64_t> Seen;
  for (const ImageFunction &F : I.Starts) {
    Start &S = Starts[F.Addr];
    if (!F.Name.empty() && !S.Named) {
      S.Name = F.Name;
      S.Named = true;
      S.Size = F.Size;
    }
    if (S.Name.empty() && !S.Named && F.Kind == StartKind::Frame &&
        T.arch().Machine == 40 /*EM_ARM*/ && !Seen.count(F.Addr))
      S.ModeUnknown = true;
    else
      S.ModeUnknown = false;
    if (!S.ModeUnknown)
      S.Thumb = F.Thumb;
    Seen.insert(F.Addr);
    // A symbol's or FDE's end is no boundary: glibc's clone ends its FDE
    // right before the syscall instruction, whose number the code above
    // set. What follows a function up to the next start stays with it.
  }
  for (const CodeRange &R : I.Code)
    if (!Starts.count(R.Begin))
      Starts[R.Begin].ModeUnknown = T.arch().Machine == 40 /*EM_ARM*/;
  if (T.arch().Machine == 40)
    for (auto &[A, S] : Starts)
      if (S.ModeUnknown)
        S.Thumb = true;

  auto Mod = std::make_shared<ModuleSummary>();
  Mod->Image = Image;
  // A chunk's analysis depends on its bounds and on where other chunks
  // jump into it: redone when either changes, else moved over from the
  // previous round.
  std::map<uint64_t, std::vector<uint64_t>> PrevExternal;
  std::map<uint64_t, size_t> PrevIndex; // start -> index in Mod->Funcs
  std::map<uint64_t, std::vector<uint64_t>> External; // chunk start -> targets
  struct Job {
    uint64_t B = 0, E = 0;
    const Start *Start = nullptr;
    std::vector<uint64_t> Ext;
    bool Cached = false;
    size_t Prev = 0;
    FunctionSummary S;
  };
  for (unsigned Round = 0; Round < 8; ++Round) {
    std::vector<ModuleFunction> Funcs;
    std::vector<Job> Jobs;
    std::map<uint64_t, bool> New; // start -> Thumb
    std::string LastName;
    uint64_t LastNamed = 0, LastEnd = 0;
    for (auto It = Starts.begin(); It != Starts.end(); ++It) {
      uint64_t B = It->first;
      // The chunk ends at the next start or the end of its code range.
      uint64_t E = B;
      for (const CodeRange &R : I.Code)
        if (B >= R.Begin && B < R.End)
          E = R.End;
      auto Next = std::next(It);
      if (Next != Starts.end() && Next->first < E)
        E = Next->first;
      if (E <= B)
        continue;
      ModuleFunction F;
      if (It->second.Named) {
        F.Name = It->second.Name;
        LastName = F.Name;
        LastNamed = B;
        LastEnd = B + It->second.Size;
      } else if (!LastName.empty() && B < LastEnd) {
        // A piece of a named function (a call target or pointer inside it).
        F.Name = formatv("{0}+{1:x}", LastName, B - LastNamed).str();
      } else {
        F.Name = formatv("sub_{0:x-}", B).str();
      }
      Job J;
      J.B = B;
      J.E = E;
      J.Start = &It->second;
      auto X = External.find(B);
      if (X != External.end())
        J.Ext = X->second;
      auto D = PrevIndex.find(B);
      if (D != PrevIndex.end()) {
        const FunctionSummary &Old = Mod->Funcs[D->second].S;
        auto PE = PrevExternal.find(B);
        std::vector<uint64_t> OldExt =
            PE == PrevExternal.end() ? std::vector<uint64_t>() : PE->second;
        J.Cached = Old.End == E && OldExt == J.Ext &&
                   (It->second.ModeUnknown || Old.Thumb == It->second.Thumb);
        J.Prev = D->second;
      }
      Jobs.push_back(std::move(J));
      Funcs.push_back(std::move(F));
    }
    // The chunks are independent: analysed on every core (lld's
    // parallelFor; the thread count is llvm::parallel::strategy). Each
    // writes its own slot, so the result does not depend on the schedule.
    // arm's Thumb decoder keeps IT-block state: one thread there.
    auto Analyse = [&](size_t K) {
      Job &J = Jobs[K];
      if (J.Cached)
        return;
      ArrayRef<uint8_t> Bytes = I.bytesAt(J.B, J.E - J.B);
      J.S = analyzeFunction(T, Mem, Bytes, J.B, J.Start->Thumb, J.Ext);
      // A chunk that does not decode in its mode is tried in the other
      // (a start whose mode nothing said, an even pointer to Thumb code):
      // most bytes decode as something in both modes, so the first mode
      // stays unless it clearly fails where the other does not.
      if (T.arch().Machine == 40 /*EM_ARM*/ && J.S.Undecodable >= 8 &&
          (J.Start->Thumb || J.B % 4 == 0)) {
        FunctionSummary Other =
            analyzeFunction(T, Mem, Bytes, J.B, !J.Start->Thumb, J.Ext);
        if (Other.Undecodable * 2 < J.S.Undecodable)
          J.S = std::move(Other);
      }
      J.S.End = J.B + Bytes.size();
    };
    if (T.arch().Machine == 40 /*EM_ARM*/)
      for (size_t K = 0; K < Jobs.size(); ++K)
        Analyse(K);
    else
      parallelFor(0, Jobs.size(), Analyse);
    for (size_t K = 0; K < Jobs.size(); ++K) {
      Job &J = Jobs[K];
      ModuleFunction &F = Funcs[K];
      F.S = J.Cached ? std::move(Mod->Funcs[J.Prev].S) : std::move(J.S);
      // Call targets and function pointers start functions (a pointer to
      // __restore_rt lands past the FDE start glibc gives it). A jump
      // does not: it lands in a function, which is told.
      bool IsArm = T.arch().Machine == 40 /*EM_ARM*/;
      for (const CallSite &C : F.S.Calls)
        if (C.K == CallSite::Direct && I.isCode(C.Target) &&
            !Starts.count(C.Target) && !C.Tail)
          New[C.Target] = C.TargetThumb;
      for (uint64_t A : F.S.AddressTaken) {
        uint64_t Addr = IsArm ? A & ~uint64_t(1) : A;
        if (!Starts.count(Addr))
          New[Addr] = IsArm && (A & 1);
      }
    }
    Mod->Funcs = std::move(Funcs);
    PrevIndex.clear();
    for (size_t K = 0; K < Mod->Funcs.size(); ++K)
      PrevIndex[Mod->Funcs[K].S.Begin] = K;
    PrevExternal = External;
    // Jumps into the middle of another chunk, found afresh each round (a
    // chunk decoded in the wrong mode in an earlier round jumped anywhere).
    std::map<uint64_t, std::vector<uint64_t>> NextExternal;
    for (const ModuleFunction &F : Mod->Funcs)
      for (const CallSite &C : F.S.Calls) {
        if (C.K != CallSite::Direct || !C.Tail || Starts.count(C.Target))
          continue;
        int G = Mod->find(C.Target);
        if (G < 0 || Mod->Funcs[G].S.Begin == F.S.Begin)
          continue;
        NextExternal[Mod->Funcs[G].S.Begin].push_back(C.Target);
      }
    for (auto &[B, Ext] : NextExternal) {
      llvm::sort(Ext);
      Ext.erase(llvm::unique(Ext), Ext.end());
    }
    for (auto It = External.begin(); It != External.end();)
      It = It->second.empty() ? External.erase(It) : std::next(It);
    bool NewExternal = NextExternal != External;
    External = std::move(NextExternal);
    if (getenv("SYSGC_SCAN_DEBUG"))
      errs() << formatv("{0}: round {1}: {2} chunks, {3} analysed, {4} new "
                        "starts\n",
                        I.Path, Round, Jobs.size(),
                        llvm::count_if(Jobs, [](const Job &J) { return !J.Cached; }),
                        New.size());
    if (New.empty() && !NewExternal)
      break;
    for (auto [A, Thumb] : New)
      Starts[A].Thumb = Thumb;
  }
  for (const ImageExport &E : I.Exports) {
    if (!E.Function)
      continue;
    int F = Mod->find(E.Addr);
    if (F >= 0 && Mod->Funcs[F].S.Begin == E.Addr)
      Mod->Exports[E.Name].push_back(F);
  }
  return Mod;
}
