//===- LinkerScript.cpp - What sysgc reads of a linker script ------------===//
//
// A deliberately small reader: comments are stripped, then each
// "/DISCARD/ : { ... }" block is scanned for input section descriptions
// "FILEPATTERN(SECTIONPATTERN ...)" (KEEP(...) and EXCLUDE_FILE(...) are
// looked through). That is all the kernel's scripts put there.
//
//===----------------------------------------------------------------------===//
#include "sysgc/Link/LinkerScript.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include <algorithm>

using namespace sysgc;
using namespace llvm;

// Script with its /* */ comments blanked.
static Expected<std::string> stripComments(StringRef Script, StringRef Name) {
  std::string Text;
  for (size_t I = 0; I < Script.size();) {
    if (Script.substr(I).starts_with("/*")) {
      size_t E = Script.find("*/", I + 2);
      if (E == StringRef::npos)
        return makeError("{0}: unterminated comment", Name);
      I = E + 2;
      Text += ' ';
      continue;
    }
    Text += Script[I++];
  }
  return Text;
}

Expected<std::vector<std::string>>
sysgc::parseDiscardPatterns(StringRef Script, StringRef Name) {
  auto TextOrErr = stripComments(Script, Name);
  if (!TextOrErr)
    return TextOrErr.takeError();
  std::string Text = std::move(*TextOrErr);
  std::vector<std::string> Out;
  StringRef T = Text;
  for (size_t Pos = T.find("/DISCARD/"); Pos != StringRef::npos;
       Pos = T.find("/DISCARD/", Pos + 1)) {
    size_t Open = T.find('{', Pos);
    if (Open == StringRef::npos)
      return makeError("{0}: /DISCARD/ without a '{{'", Name);
    int Depth = 0;
    size_t Close = Open;
    for (; Close < T.size(); ++Close) {
      if (T[Close] == '{')
        ++Depth;
      else if (T[Close] == '}' && --Depth == 0)
        break;
    }
    if (Close >= T.size())
      return makeError("{0}: unterminated /DISCARD/ block", Name);
    StringRef Body = T.slice(Open + 1, Close);
    // Every innermost "(...)" holds section patterns, except the file list
    // of EXCLUDE_FILE, which we skip.
    for (size_t I = 0; I < Body.size(); ++I) {
      if (Body[I] != '(')
        continue;
      size_t J = Body.find_first_of("()", I + 1);
      if (J == StringRef::npos || Body[J] == '(')
        continue; // not innermost
      StringRef Before = Body.take_front(I).rtrim();
      if (Before.ends_with("EXCLUDE_FILE"))
        continue;
      SmallVector<StringRef, 8> Toks;
      Body.slice(I + 1, J).split(Toks, ' ', -1, false);
      for (StringRef Tok : Toks) {
        Tok = Tok.trim(" \t\n\r");
        if (!Tok.empty())
          Out.push_back(Tok.str());
      }
      I = J;
    }
  }
  return Out;
}

Expected<std::vector<std::string>>
sysgc::scriptSymbolNames(StringRef Script, StringRef Name) {
  auto TextOrErr = stripComments(Script, Name);
  if (!TextOrErr)
    return TextOrErr.takeError();
  StringRef T = *TextOrErr;
  auto IsNameChar = [](char C) {
    return isAlnum(C) || C == '_' || C == '.' || C == '$';
  };
  std::vector<std::string> Out;
  for (size_t I = 0; I < T.size();) {
    if (T[I] == '"') { // a quoted string (ASSERT messages): no names
      size_t E = T.find('"', I + 1);
      I = E == StringRef::npos ? T.size() : E + 1;
      continue;
    }
    if (!IsNameChar(T[I])) {
      ++I;
      continue;
    }
    size_t J = I;
    while (J < T.size() && IsNameChar(T[J]))
      ++J;
    StringRef Tok = T.slice(I, J);
    if (!isDigit(Tok[0]))
      Out.push_back(Tok.str());
    I = J;
  }
  llvm::sort(Out);
  Out.erase(std::unique(Out.begin(), Out.end()), Out.end());
  return Out;
}

Error SectionMatcher::add(StringRef Pattern) {
  Texts.push_back(Pattern.str());
  auto G = GlobPattern::create(Texts.back());
  if (!G)
    return G.takeError();
  Globs.push_back(std::move(*G));
  return Error::success();
}

bool SectionMatcher::match(StringRef Name) const {
  for (const GlobPattern &G : Globs)
    if (G.match(Name))
      return true;
  return false;
}
