//===- ReportCommand.cpp - sysgc report BEFORE AFTER ----------------------===//
//
// Thin: options into a SizeDiff, then one of the library's writers. The
// text format is scripts/bloat-o-meter's (-c, -d, -t as there), followed by
// the section/class/segment totals with --sections.
//
//===----------------------------------------------------------------------===//
#include "CommandLine.h"
#include "sysgc/Report/HtmlReport.h"
#include "sysgc/Report/SizeDiff.h"
#include "sysgc/Support/FileUtil.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;
using namespace sysgc;
using namespace llvm;

int cmdReport(const std::vector<std::string> &Args) {
  po::options_description Desc(
      "sysgc report BEFORE AFTER [options]\n"
      "Compare two linked files (e.g. vmlinux before and after sysgc-ld)");
  Desc.add_options()("help,h", "this help")(
      "categories,c", "bloat-o-meter -c: functions, data and read-only data apart")(
      "data,d", "bloat-o-meter -d: data symbols only")(
      "text,t", "bloat-o-meter -t: function symbols only")(
      "format", po::value<std::string>()->default_value("text"),
      "text (bloat-o-meter), json or csv")(
      "sections", "text: add section, class and segment totals")(
      "image", po::value<std::vector<std::string>>()->multitoken(),
      "BEFORE AFTER: compressed images to compare too")(
      "html", po::value<std::string>(),
      "FILE: also write one self-contained page")(
      "cost", po::value<std::string>(),
      "html: a `sysgc cost --format=json` output (treemap, cost table)")(
      "why", po::value<std::vector<std::string>>(),
      "html: `sysgc why --format=json` outputs (repeatable)")(
      "files", po::value<std::vector<std::string>>(), "BEFORE AFTER");
  po::positional_options_description Pos;
  Pos.add("files", 2);
  po::variables_map VM;
  if (!tool::parseOptions(Desc, Pos, Args, VM))
    return 0;
  auto Fail = [](const Twine &Msg) { return tool::commandError("report", Msg); };
  std::vector<std::string> Files =
      VM.count("files") ? VM["files"].as<std::vector<std::string>>()
                        : std::vector<std::string>{};
  if (Files.size() != 2)
    return Fail("give two linked files: sysgc report BEFORE AFTER");
  if (VM.count("categories") + VM.count("data") + VM.count("text") > 1)
    return Fail("-c, -d and -t exclude each other (as in bloat-o-meter)");
  SymbolSelection Sel = VM.count("categories") ? SymbolSelection::Categories
                        : VM.count("data")     ? SymbolSelection::Data
                        : VM.count("text")     ? SymbolSelection::Text
                                               : SymbolSelection::All;
  std::string Format = VM["format"].as<std::string>();
  if (Format != "text" && Format != "json" && Format != "csv")
    return Fail("unknown --format " + Format + " (text, json or csv)");

  SizeDiff D;
  for (int I = 0; I < 2; ++I) {
    auto P = readSizeProfile(Files[I]);
    if (!P)
      return Fail(toString(P.takeError()));
    (I ? D.After : D.Before) = std::move(*P);
  }
  if (VM.count("image")) {
    auto Images = VM["image"].as<std::vector<std::string>>();
    if (Images.size() != 2)
      return Fail("--image takes two files: BEFORE AFTER");
    uint64_t Size[2];
    for (int I = 0; I < 2; ++I)
      if (std::error_code EC = sys::fs::file_size(Images[I], Size[I]))
        return Fail(Images[I] + ": " + EC.message());
    D.Image = {Size[0], Size[1]};
  }
  D.Tables = diffSymbols(D.Before, D.After, Sel);
  if (VM.count("html")) {
    auto ReadJson = [&](const std::string &Path) -> Expected<json::Value> {
      auto Buf = MemoryBuffer::getFile(Path, /*IsText=*/true);
      if (!Buf)
        return createStringError(Buf.getError(), "%s: %s", Path.c_str(),
                                 Buf.getError().message().c_str());
      auto V = json::parse((*Buf)->getBuffer());
      if (!V)
        return createStringError(std::errc::invalid_argument, "%s: %s",
                                 Path.c_str(), toString(V.takeError()).c_str());
      return V;
    };
    std::optional<json::Value> Cost;
    if (VM.count("cost")) {
      auto V = ReadJson(VM["cost"].as<std::string>());
      if (!V)
        return Fail(toString(V.takeError()));
      if (!V->getAsObject() || !V->getAsObject()->getArray("syscalls"))
        return Fail(VM["cost"].as<std::string>() +
                    ": not a `sysgc cost --format=json` output");
      Cost = std::move(*V);
    }
    std::vector<json::Value> Whys;
    if (VM.count("why"))
      for (const std::string &P : VM["why"].as<std::vector<std::string>>()) {
        auto V = ReadJson(P);
        if (!V)
          return Fail(toString(V.takeError()));
        if (!V->getAsObject() || !V->getAsObject()->getString("verdict"))
          return Fail(P + ": not a `sysgc why --format=json` output");
        Whys.push_back(std::move(*V));
      }
    std::string Html;
    raw_string_ostream HS(Html);
    writeHtmlReport(D, Cost ? &*Cost : nullptr, Whys, HS);
    if (Error E = writeFileAtomically(VM["html"].as<std::string>(), ArrayRef<char>(Html.data(), Html.size())))
      return Fail(toString(std::move(E)));
  } else if (VM.count("cost") || VM.count("why")) {
    return Fail("--cost and --why go with --html");
  }
  if (Format == "json")
    writeSizeDiffJson(D, outs());
  else if (Format == "csv")
    writeSizeDiffCsv(D, outs());
  else {
    printBloatOMeter(D.Tables, outs());
    if (VM.count("sections") || D.Image)
      printSectionTotals(D, outs());
  }
  return 0;
}
