//===- SizeDiff.cpp - bloat-o-meter's tables, and the totals it lacks -----===//
//
// diffSymbols() is scripts/bloat-o-meter (Linux 6.12) over two size
// profiles: the same generated-symbol filters, the same folding of ".N"
// suffixes, sizes of equal names summed, the same counts and ordering; the
// printer writes its text byte for byte, so that people can keep pasting
// it. The JSON and CSV writers add the section, class and segment totals
// under documented, stable field names (README: "sysgc report").
//
//===----------------------------------------------------------------------===//
#include "sysgc/Report/SizeDiff.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include <cstdarg>
#include <cstdio>

using namespace sysgc;
using namespace llvm;

namespace {
// bloat-o-meter's getsizes(): what it drops, and re.sub(r'\.[0-9]+', '').
bool dropped(StringRef Name) {
  return Name.starts_with("__mod_") || Name.starts_with("__se_sys") ||
         Name.starts_with("__se_compat_sys") ||
         Name.starts_with("__addressable_") || Name == "linux_banner" ||
         Name == "vermagic" ||
         // nm's output lines with a ':' are skipped as file headers.
         Name.contains(':');
}

std::string fold(StringRef Name) {
  std::string Out;
  for (size_t I = 0; I < Name.size();) {
    if (Name[I] == '.' && I + 1 < Name.size() && isDigit(Name[I + 1])) {
      I += 2;
      while (I < Name.size() && isDigit(Name[I]))
        ++I;
      continue;
    }
    Out += Name[I++];
  }
  return Out;
}

std::map<std::string, uint64_t> sizes(const SizeProfile &P, StringRef Letters) {
  std::map<std::string, uint64_t> M;
  for (const NmSymbol &S : P.Symbols)
    if (Letters.contains(S.Type) && !dropped(S.Name))
      M[fold(S.Name)] += S.Size;
  return M;
}

SymbolTable table(const SizeProfile &Before, const SizeProfile &After,
                  StringRef Title, StringRef Letters) {
  SymbolTable T;
  T.Title = Title.str();
  T.Letters = Letters.str();
  std::map<std::string, uint64_t> Old = sizes(Before, Letters),
                                   New = sizes(After, Letters);
  for (const auto &[Name, Size] : Old) {
    T.OldTotal += Size;
    auto It = New.find(Name);
    SymbolTable::Row R{Name, Size, std::nullopt, -int64_t(Size)};
    if (It == New.end()) {
      ++T.Remove;
      T.Down += Size;
    } else {
      R.New = It->second;
      R.Delta = int64_t(It->second) - int64_t(Size);
      if (R.Delta > 0)
        ++T.Grow, T.Up += R.Delta;
      if (R.Delta < 0)
        ++T.Shrink, T.Down += -R.Delta;
    }
    T.Rows.push_back(std::move(R));
  }
  for (const auto &[Name, Size] : New) {
    T.NewTotal += Size;
    if (!Old.count(Name)) {
      ++T.Add;
      T.Up += Size;
      T.Rows.push_back({Name, std::nullopt, Size, int64_t(Size)});
    }
  }
  // delta.sort(reverse=True) over (delta, name) tuples; zero rows are not
  // printed.
  llvm::erase_if(T.Rows, [](const SymbolTable::Row &R) { return R.Delta == 0; });
  llvm::sort(T.Rows, [](const SymbolTable::Row &A, const SymbolTable::Row &B) {
    return std::tie(A.Delta, A.Name) > std::tie(B.Delta, B.Name);
  });
  return T;
}

std::string pyFormat(const char *Fmt, ...) {
  char Buf[512];
  va_list Ap;
  va_start(Ap, Fmt);
  int N = vsnprintf(Buf, sizeof(Buf), Fmt, Ap);
  va_end(Ap);
  if (N >= 0 && size_t(N) < sizeof(Buf))
    return Buf;
  std::string Big(N + 1, '\0');
  va_start(Ap, Fmt);
  vsnprintf(Big.data(), Big.size(), Fmt, Ap);
  va_end(Ap);
  Big.pop_back();
  return Big;
}

std::string sizeOrDash(const std::optional<uint64_t> &V) {
  return V ? std::to_string(*V) : "-";
}

struct Totals {
  std::vector<std::string> Names;
  std::map<std::string, std::pair<std::optional<uint64_t>, std::optional<uint64_t>>> Values;
  std::map<std::string, std::string> Class;

  void add(const std::vector<SectionSize> &V, bool After) {
    for (const SectionSize &S : V) {
      auto [It, New] = Values.try_emplace(S.Name);
      if (New)
        Names.push_back(S.Name);
      (After ? It->second.second : It->second.first) = S.Size;
      Class.try_emplace(S.Name, S.Class);
    }
  }
  static int64_t delta(const std::pair<std::optional<uint64_t>, std::optional<uint64_t>> &P) {
    return int64_t(P.second.value_or(0)) - int64_t(P.first.value_or(0));
  }
};

Totals sectionTotals(const SizeDiff &D) {
  Totals T;
  T.add(D.Before.Sections, false);
  T.add(D.After.Sections, true);
  return T;
}

Totals segmentTotals(const SizeDiff &D) {
  Totals T;
  T.add(D.Before.Segments, false);
  T.add(D.After.Segments, true);
  return T;
}

const char *const Classes[] = {"text", "rodata", "data", "bss"};

std::string csvField(StringRef S) {
  if (!S.contains(',') && !S.contains('"') && !S.contains('\n'))
    return S.str();
  std::string Out = "\"";
  for (char C : S) {
    if (C == '"')
      Out += '"';
    Out += C;
  }
  return Out + "\"";
}
} // namespace

std::pair<uint64_t, uint64_t> sysgc::classTotal(const SizeDiff &D,
                                                StringRef Class) {
  std::pair<uint64_t, uint64_t> Sum{0, 0};
  for (const SectionSize &S : D.Before.Sections)
    if (S.Class == Class)
      Sum.first += S.Size;
  for (const SectionSize &S : D.After.Sections)
    if (S.Class == Class)
      Sum.second += S.Size;
  return Sum;
}

std::vector<SymbolTable> sysgc::diffSymbols(const SizeProfile &Before,
                                            const SizeProfile &After,
                                            SymbolSelection Selection) {
  switch (Selection) {
  case SymbolSelection::Categories:
    return {table(Before, After, "Function", "tTwW"),
            table(Before, After, "Data", "dDbBvV"),
            table(Before, After, "RO Data", "rR")};
  case SymbolSelection::Data:
    return {table(Before, After, "Data", "dDbBrRvV")};
  case SymbolSelection::Text:
    return {table(Before, After, "Function", "tTwW")};
  case SymbolSelection::All:
    break;
  }
  return {table(Before, After, "Function", "tTdDbBrRvVwW")};
}

void sysgc::printBloatOMeter(const std::vector<SymbolTable> &Tables,
                             raw_ostream &OS) {
  for (const SymbolTable &T : Tables) {
    OS << pyFormat("add/remove: %u/%u grow/shrink: %u/%u up/down: %llu/%lld (%lld)\n",
                   T.Add, T.Remove, T.Grow, T.Shrink, (unsigned long long)T.Up,
                   -(long long)T.Down, (long long)T.Up - (long long)T.Down);
    OS << pyFormat("%-40s %7s %7s %7s\n", T.Title.c_str(), "old", "new", "delta");
    for (const SymbolTable::Row &R : T.Rows)
      OS << pyFormat("%-40s %7s %7s %+7lld\n", R.Name.c_str(),
                     sizeOrDash(R.Old).c_str(), sizeOrDash(R.New).c_str(),
                     (long long)R.Delta);
    double Percent = T.OldTotal ? (double(T.NewTotal) - double(T.OldTotal)) *
                                      100.0 / double(T.OldTotal)
                                : 0.0;
    OS << pyFormat("Total: Before=%llu, After=%llu, chg %+.2f%%\n",
                   (unsigned long long)T.OldTotal,
                   (unsigned long long)T.NewTotal, Percent);
  }
}

void sysgc::printSectionTotals(const SizeDiff &D, raw_ostream &OS) {
  auto Row = [&](StringRef Name, std::optional<uint64_t> Old,
                 std::optional<uint64_t> New) {
    OS << pyFormat("%-40s %10s %10s %+10lld\n", Name.str().c_str(),
                   sizeOrDash(Old).c_str(), sizeOrDash(New).c_str(),
                   (long long)(int64_t(New.value_or(0)) - int64_t(Old.value_or(0))));
  };
  OS << pyFormat("\n%-40s %10s %10s %10s\n", "Section", "old", "new", "delta");
  Totals S = sectionTotals(D);
  for (const std::string &N : S.Names)
    Row(N, S.Values[N].first, S.Values[N].second);
  OS << pyFormat("\n%-40s %10s %10s %10s\n", "Class", "old", "new", "delta");
  for (const char *C : Classes) {
    auto [Old, New] = classTotal(D, C);
    Row(C, Old, New);
  }
  OS << pyFormat("\n%-40s %10s %10s %10s\n", "Segment (memory size)", "old", "new",
                 "delta");
  Totals G = segmentTotals(D);
  for (const std::string &N : G.Names)
    Row(N, G.Values[N].first, G.Values[N].second);
  OS << "\n";
  Row("file", D.Before.FileSize, D.After.FileSize);
  if (D.Image)
    Row("image", D.Image->first, D.Image->second);
}

void sysgc::writeSizeDiffJson(const SizeDiff &D, raw_ostream &RawOS) {
  json::OStream J(RawOS, 2);
  auto Opt = [&](StringRef Key, std::optional<uint64_t> V) {
    if (V)
      J.attribute(Key, int64_t(*V));
    else
      J.attribute(Key, nullptr);
  };
  auto Triple = [&](std::optional<uint64_t> Old, std::optional<uint64_t> New) {
    Opt("before", Old);
    Opt("after", New);
    J.attribute("delta", int64_t(New.value_or(0)) - int64_t(Old.value_or(0)));
  };
  J.objectBegin();
  J.attribute("schema", "sysgc-size-diff/1");
  J.attribute("before", D.Before.Path);
  J.attribute("after", D.After.Path);
  J.attributeArray("symbols", [&] {
    for (const SymbolTable &T : D.Tables)
      J.object([&] {
        J.attribute("title", T.Title);
        J.attribute("types", T.Letters);
        J.attribute("add", int64_t(T.Add));
        J.attribute("remove", int64_t(T.Remove));
        J.attribute("grow", int64_t(T.Grow));
        J.attribute("shrink", int64_t(T.Shrink));
        J.attribute("up", int64_t(T.Up));
        J.attribute("down", int64_t(T.Down));
        J.attribute("total_before", int64_t(T.OldTotal));
        J.attribute("total_after", int64_t(T.NewTotal));
        J.attributeArray("rows", [&] {
          for (const SymbolTable::Row &R : T.Rows)
            J.object([&] {
              J.attribute("name", R.Name);
              Triple(R.Old, R.New);
            });
        });
      });
  });
  J.attributeArray("sections", [&] {
    Totals S = sectionTotals(D);
    for (const std::string &N : S.Names)
      J.object([&] {
        J.attribute("name", N);
        J.attribute("class", S.Class[N]);
        Triple(S.Values[N].first, S.Values[N].second);
      });
  });
  J.attributeObject("classes", [&] {
    for (const char *C : Classes)
      J.attributeObject(C, [&] {
        auto [Old, New] = classTotal(D, C);
        Triple(Old, New);
      });
  });
  J.attributeArray("segments", [&] {
    Totals G = segmentTotals(D);
    for (const std::string &N : G.Names)
      J.object([&] {
        J.attribute("name", N);
        Triple(G.Values[N].first, G.Values[N].second);
      });
  });
  J.attributeObject("file", [&] { Triple(D.Before.FileSize, D.After.FileSize); });
  if (D.Image)
    J.attributeObject("image", [&] { Triple(D.Image->first, D.Image->second); });
  J.objectEnd();
  RawOS << "\n";
}

void sysgc::writeSizeDiffCsv(const SizeDiff &D, raw_ostream &OS) {
  auto Line = [&](StringRef Kind, StringRef Group, StringRef Name,
                  std::optional<uint64_t> Old, std::optional<uint64_t> New) {
    OS << Kind << ',' << csvField(Group) << ',' << csvField(Name) << ','
       << (Old ? std::to_string(*Old) : "") << ','
       << (New ? std::to_string(*New) : "") << ','
       << (int64_t(New.value_or(0)) - int64_t(Old.value_or(0))) << '\n';
  };
  OS << "kind,group,name,before,after,delta\n";
  for (const SymbolTable &T : D.Tables)
    for (const SymbolTable::Row &R : T.Rows)
      Line("symbol", T.Title, R.Name, R.Old, R.New);
  Totals S = sectionTotals(D);
  for (const std::string &N : S.Names)
    Line("section", S.Class[N], N, S.Values[N].first, S.Values[N].second);
  for (const char *C : Classes) {
    auto [Old, New] = classTotal(D, C);
    Line("class", C, C, Old, New);
  }
  Totals G = segmentTotals(D);
  for (const std::string &N : G.Names)
    Line("segment", "load", N, G.Values[N].first, G.Values[N].second);
  Line("file", "", "file", D.Before.FileSize, D.After.FileSize);
  if (D.Image)
    Line("image", "", "image", D.Image->first, D.Image->second);
}
