//===- HtmlReport.cpp - One self-contained page: sizes, costs, why --------===//
//
// `sysgc report BEFORE AFTER --html OUT` writes one HTML file that needs
// nothing else: inline CSS, no script at all (the treemap is an SVG laid out
// here, squarified as Bruls, Huizing and van Wijk describe), no network.
// It shows the size comparison (bloat-o-meter's text, the class, section and
// segment totals), and when given `sysgc cost --format=json` and
// `sysgc why --format=json` outputs: a treemap of the removed bytes by
// syscall, then function, the per-syscall cost table and the why-chains.
// Every number carries a data- attribute with its exact value, so that a
// test can read the rendered page back and compare it with the JSON.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Report/HtmlReport.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include <algorithm>
#include <cmath>

using namespace sysgc;
using namespace llvm;

namespace {
std::string esc(StringRef S) {
  std::string Out;
  for (char C : S) {
    switch (C) {
    case '&': Out += "&amp;"; break;
    case '<': Out += "&lt;"; break;
    case '>': Out += "&gt;"; break;
    case '"': Out += "&quot;"; break;
    case '\'': Out += "&#39;"; break;
    default: Out += C;
    }
  }
  return Out;
}

struct Rect {
  double X, Y, W, H;
};

// Squarified treemap: lay Sizes (largest first, all > 0) out in R, rows
// along the shorter side, a row grown while its worst aspect ratio improves.
std::vector<Rect> squarify(const std::vector<double> &Sizes, Rect R) {
  std::vector<Rect> Out(Sizes.size());
  double Total = 0;
  for (double S : Sizes)
    Total += S;
  if (Total <= 0 || R.W <= 0 || R.H <= 0)
    return Out;
  double Scale = R.W * R.H / Total;
  size_t I = 0;
  while (I < Sizes.size()) {
    double Side = std::min(R.W, R.H);
    auto Worst = [&](size_t From, size_t To, double Sum) {
      double Max = 0, Min = INFINITY;
      for (size_t K = From; K < To; ++K) {
        Max = std::max(Max, Sizes[K] * Scale);
        Min = std::min(Min, Sizes[K] * Scale);
      }
      double S2 = Sum * Sum, W2 = Side * Side;
      return std::max(W2 * Max / S2, S2 / (W2 * Min));
    };
    size_t J = I + 1;
    double Sum = Sizes[I] * Scale;
    while (J < Sizes.size()) {
      double Next = Sum + Sizes[J] * Scale;
      if (Worst(I, J + 1, Next) > Worst(I, J, Sum))
        break;
      Sum = Next;
      ++J;
    }
    double Thick = Sum / Side;
    double Pos = 0;
    for (size_t K = I; K < J; ++K) {
      double Len = Sizes[K] * Scale / Thick;
      Out[K] = R.W >= R.H ? Rect{R.X, R.Y + Pos, Thick, Len}
                          : Rect{R.X + Pos, R.Y, Len, Thick};
      Pos += Len;
    }
    if (R.W >= R.H)
      R = {R.X + Thick, R.Y, R.W - Thick, R.H};
    else
      R = {R.X, R.Y + Thick, R.W, R.H - Thick};
    I = J;
  }
  return Out;
}

int64_t num(const json::Object &O, StringRef K) {
  if (auto V = O.getInteger(K))
    return *V;
  return 0;
}
std::string str(const json::Object &O, StringRef K) {
  if (auto V = O.getString(K))
    return V->str();
  return "";
}

const char *const Style = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#f6f6f6;padding:8px;overflow:auto}
svg text{font-size:10px;pointer-events:none}
.removed{color:#a00}.kept{color:#070}
ol.chain li{margin:2px 0}
)";
} // namespace

void sysgc::writeHtmlReport(const SizeDiff &D, const json::Value *Cost,
                            ArrayRef<json::Value> Whys, raw_ostream &OS) {
  OS << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
     << "<title>sysgc report</title><style>" << Style << "</style></head>\n"
     << "<body>\n<h1>sysgc report</h1>\n";
  OS << "<p>before <code data-path=\"before\">" << esc(D.Before.Path)
     << "</code>, after <code data-path=\"after\">" << esc(D.After.Path)
     << "</code></p>\n";

  // Summary: the class totals and file sizes, then bloat-o-meter's text.
  OS << "<h2>Summary</h2>\n<table id=\"classes\"><tr><th></th><th class=n>before"
        "</th><th class=n>after</th><th class=n>delta</th></tr>\n";
  auto Row = [&](StringRef Id, StringRef Label, uint64_t B, uint64_t A) {
    OS << formatv("<tr data-total=\"{0}\" data-before=\"{1}\" data-after=\"{2}\">"
                  "<td>{3}</td><td class=n>{1}</td><td class=n>{2}</td>"
                  "<td class=n>{4}</td></tr>\n",
                  esc(Id), B, A, esc(Label), int64_t(A) - int64_t(B));
  };
  for (StringRef C : {"text", "rodata", "data", "bss"}) {
    auto [B, A] = classTotal(D, C);
    Row(C, C, B, A);
  }
  Row("file", "file", D.Before.FileSize, D.After.FileSize);
  if (D.Image)
    Row("image", "image", D.Image->first, D.Image->second);
  OS << "</table>\n<pre id=\"bloat-o-meter\">";
  std::string Text;
  raw_string_ostream TS(Text);
  printBloatOMeter(D.Tables, TS);
  OS << esc(Text) << "</pre>\n";

  const json::Object *C = Cost ? Cost->getAsObject() : nullptr;
  const json::Array *Rows = C ? C->getArray("syscalls") : nullptr;
  if (Rows) {
    // The treemap: removed syscalls (not in the allowlist) that own bytes.
    struct Box {
      const json::Object *Row;
      double Bytes;
    };
    std::vector<Box> Boxes;
    for (const json::Value &V : *Rows)
      if (const json::Object *R = V.getAsObject())
        if (R->getBoolean("allowed") == std::optional<bool>(false) &&
            num(*R, "exclusive_bytes") > 0)
          Boxes.push_back({R, double(num(*R, "exclusive_bytes"))});
    const double W = 960, H = 540;
    OS << "<h2>Removed bytes by syscall and function</h2>\n";
    if (Boxes.empty())
      OS << "<p>No removed syscall owns bytes (no allowlist in the cost input?)</p>\n";
    OS << formatv("<svg id=\"treemap\" xmlns=\"http://www.w3.org/2000/svg\" "
                  "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n",
                  W, H);
    std::vector<double> Sizes;
    for (const Box &B : Boxes)
      Sizes.push_back(B.Bytes);
    std::vector<Rect> Rs = squarify(Sizes, {0, 0, W, H});
    for (size_t I = 0; I < Boxes.size(); ++I) {
      const json::Object &R = *Boxes[I].Row;
      std::string Id = str(R, "abi") + ":" + str(R, "name");
      Rect Q = Rs[I];
      OS << formatv("<g data-syscall=\"{0}\" data-bytes=\"{1}\">"
                    "<title>{0}: {1} bytes</title>"
                    "<rect x=\"{2:F1}\" y=\"{3:F1}\" width=\"{4:F1}\" "
                    "height=\"{5:F1}\" fill=\"hsl({6},55%,80%)\" stroke=\"#fff\" "
                    "stroke-width=\"2\"/>\n",
                    esc(Id), num(R, "exclusive_bytes"), Q.X, Q.Y, Q.W, Q.H,
                    (I * 47) % 360);
      // Its functions inside; what is not in a function (data, padding)
      // is the box's remainder.
      std::vector<double> FSizes;
      std::vector<const json::Object *> Fs;
      if (const json::Array *FA = R.getArray("exclusive_functions"))
        for (const json::Value &F : *FA)
          if (const json::Object *FO = F.getAsObject())
            if (num(*FO, "size") > 0) {
              Fs.push_back(FO);
              FSizes.push_back(double(num(*FO, "size")));
            }
      double FTotal = 0;
      for (double S : FSizes)
        FTotal += S;
      double Area = std::min(1.0, FTotal / Boxes[I].Bytes);
      Rect Inner = {Q.X + 2, Q.Y + 2, std::max(0.0, Q.W - 4),
                    std::max(0.0, (Q.H - 4) * Area)};
      std::vector<Rect> FRs = squarify(FSizes, Inner);
      for (size_t K = 0; K < Fs.size(); ++K)
        OS << formatv("<rect data-function=\"{0}\" data-bytes=\"{1}\" "
                      "x=\"{2:F1}\" y=\"{3:F1}\" width=\"{4:F1}\" height=\"{5:F1}\" "
                      "fill=\"none\" stroke=\"#0003\"><title>{0}: {1} bytes"
                      "</title></rect>\n",
                      esc(str(*Fs[K], "name")), num(*Fs[K], "size"), FRs[K].X,
                      FRs[K].Y, FRs[K].W, FRs[K].H);
      if (Q.W > 40 && Q.H > 14)
        OS << formatv("<text x=\"{0:F1}\" y=\"{1:F1}\">{2}</text>\n", Q.X + 4,
                      Q.Y + 12, esc(str(R, "name")));
      OS << "</g>\n";
    }
    OS << "</svg>\n";

    // The cost table, as `sysgc cost` sorts it.
    OS << "<h2>What each syscall costs</h2>\n<table id=\"cost\"><tr><th>abi</th>"
          "<th class=n>nr</th><th>name</th><th>state</th><th>allowed</th>"
          "<th class=n>exclusive bytes</th><th class=n>shared bytes</th></tr>\n";
    for (const json::Value &V : *Rows) {
      const json::Object *R = V.getAsObject();
      if (!R)
        continue;
      std::optional<bool> Allowed = R->getBoolean("allowed");
      std::string Id = str(*R, "abi") + ":" + str(*R, "name");
      OS << formatv("<tr data-syscall=\"{0}\" data-exclusive=\"{1}\" "
                    "data-shared=\"{2}\"><td>{3}</td><td class=n>{4}</td>"
                    "<td>{5}</td><td>{6}</td><td class=\"{7}\">{8}</td>"
                    "<td class=n>{1}</td><td class=n>{2}</td></tr>\n",
                    esc(Id), num(*R, "exclusive_bytes"), num(*R, "shared_bytes"),
                    esc(str(*R, "abi")), num(*R, "nr"), esc(str(*R, "name")),
                    esc(str(*R, "state")),
                    Allowed ? (*Allowed ? "kept" : "removed") : "",
                    Allowed ? (*Allowed ? "kept" : "removed") : "-");
    }
    OS << "</table>\n";
  }

  if (!Whys.empty()) {
    OS << "<h2>Why it survived</h2>\n";
    for (const json::Value &V : Whys) {
      const json::Object *W = V.getAsObject();
      if (!W)
        continue;
      const json::Array *Chain = W->getArray("chain");
      size_t Hops = Chain ? Chain->size() : 0;
      OS << formatv("<section data-why=\"{0}\" data-verdict=\"{1}\" "
                    "data-hops=\"{2}\"><h3><code>{0}</code>: {1}</h3>\n",
                    esc(str(*W, "symbol")), esc(str(*W, "verdict")), Hops);
      if (!str(*W, "root_section").empty())
        OS << "<p>from <code>" << esc(str(*W, "root_section")) << "</code> ("
           << esc(str(*W, "root_reason")) << ")</p>\n";
      if (Chain) {
        OS << "<ol class=\"chain\">\n";
        for (const json::Value &H : *Chain)
          if (const json::Object *HO = H.getAsObject())
            OS << formatv("<li><code>{0}</code> in {1} +{2:x}: {3} → "
                          "<code>{4}</code> ({5})</li>\n",
                          esc(str(*HO, "from_symbol")),
                          esc(str(*HO, "via_section")), num(*HO, "offset"),
                          esc(str(*HO, "type")), esc(str(*HO, "target")),
                          esc(str(*HO, "to_section")));
        OS << "</ol>\n";
      }
      if (const json::Array *P = W->getArray("pinned"))
        for (const json::Value &PV : *P)
          if (const json::Object *PO = PV.getAsObject())
            OS << "<p>pinned: " << esc(str(*PO, "syscall")) << ": "
               << esc(str(*PO, "reason")) << "</p>\n";
      OS << "</section>\n";
    }
  }
  OS << "</body></html>\n";
}
