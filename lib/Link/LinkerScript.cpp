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
#include "llvm/Support/xxhash.h"
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

SectionMatcher::SectionMatcher(const SectionMatcher &Other) {
  for (const std::string &P : Other.Texts)
    cantFail(add(P)); // each compiled once already
}

SectionMatcher &SectionMatcher::operator=(const SectionMatcher &Other) {
  if (this != &Other)
    *this = SectionMatcher(Other);
  return *this;
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

// Words of the script language that take a parenthesised argument: what
// follows them is an expression or a wrapper, never a description's own
// list. Any other word before a '(' is a file pattern ("*", "*.o").
static bool isScriptFunction(StringRef W) {
  static const char *const Words[] = {
      "ABSOLUTE", "ADDR", "ALIGN", "ALIGNOF", "ASSERT", "AT", "BLOCK", "BYTE",
      "CONSTRUCTORS", "DATA_SEGMENT_ALIGN", "DATA_SEGMENT_END",
      "DATA_SEGMENT_RELRO_END", "DEFINED", "ENTRY", "EXCLUDE_FILE", "EXTERN",
      "FILL", "GROUP", "HIDDEN", "INCLUDE", "INPUT", "INPUT_SECTION_FLAGS",
      "KEEP", "LENGTH", "LOADADDR", "LOG2CEIL", "LONG", "MAX", "MIN",
      "ORIGIN", "OUTPUT", "OUTPUT_ARCH", "OUTPUT_FORMAT", "PROVIDE",
      "PROVIDE_HIDDEN", "QUAD", "SEARCH_DIR", "SEGMENT_START", "SHORT",
      "SIZEOF", "SIZEOF_HEADERS", "SORT", "SORT_BY_ALIGNMENT",
      "SORT_BY_INIT_PRIORITY", "SORT_BY_NAME", "SORT_NONE", "SQUAD",
      "STARTUP", "SUBALIGN", "TARGET", "INSERT", "NOCROSSREFS", "REGION_ALIAS",
      "OVERLAY", "NEXT", "CREATE_OBJECT_SYMBOLS", "OUTPUT_SECTION_ALIGN"};
  return llvm::is_contained(Words, W);
}

namespace {
/// Every input section description "FILEPATTERN(SECTIONPATTERN ...)" of a
/// comment-stripped script: Visit(Open, Close, Patterns) with the offsets of
/// its parentheses and its section patterns (wrappers such as SORT(...)
/// looked through, the lists of EXCLUDE_FILE and INPUT_SECTION_FLAGS left
/// out).
Error forEachDescription(
    StringRef T, StringRef Name,
    function_ref<Error(size_t, size_t, ArrayRef<StringRef>)> Visit) {
  auto IsSep = [](char C) {
    return C == ' ' || C == '\t' || C == '\n' || C == '\r' || C == '(' ||
           C == ')' || C == ',' || C == ';' || C == '{' || C == '}' ||
           C == '"' || C == '=';
  };
  auto IsSpace = [](char C) {
    return C == ' ' || C == '\t' || C == '\n' || C == '\r';
  };
  // The matching ')' of the '(' at Open, or npos.
  auto CloseOf = [&](size_t Open) {
    int Depth = 0;
    for (size_t I = Open; I < T.size(); ++I)
      if (T[I] == '(')
        ++Depth;
      else if (T[I] == ')' && --Depth == 0)
        return I;
    return StringRef::npos;
  };
  for (size_t Open = T.find('('); Open != StringRef::npos;
       Open = T.find('(', Open + 1)) {
    // The word right before the '(': a file pattern makes this an input
    // section description.
    size_t E = Open;
    while (E > 0 && IsSpace(T[E - 1]))
      --E;
    size_t B = E;
    while (B > 0 && !IsSep(T[B - 1]))
      --B;
    StringRef Before = T.slice(B, E);
    if (Before.empty() || isScriptFunction(Before))
      continue;
    size_t Close = CloseOf(Open);
    if (Close == StringRef::npos)
      return makeError("{0}: unbalanced parentheses", Name);
    SmallVector<StringRef, 8> Patterns;
    for (size_t I = Open + 1; I < Close; ++I) {
      if (IsSep(T[I]))
        continue;
      size_t J = I;
      while (J < Close && !IsSep(T[J]))
        ++J;
      StringRef Tok = T.slice(I, J);
      I = J - 1;
      size_t P = J;
      while (P < Close && IsSpace(T[P]))
        ++P;
      if (P < Close && T[P] == '(') {
        if (Tok == "EXCLUDE_FILE" || Tok == "INPUT_SECTION_FLAGS") {
          size_t Q = CloseOf(P);
          if (Q == StringRef::npos || Q > Close)
            return makeError("{0}: unbalanced parentheses", Name);
          I = Q;
        }
        continue;
      }
      Patterns.push_back(Tok);
    }
    if (Error Err = Visit(Open, Close, Patterns))
      return Err;
    Open = Close;
  }
  return Error::success();
}

// Is the description whose '(' is at Open inside KEEP(...)? The '('s that
// enclose it, up to the statement it is in, are looked at.
bool insideKeep(StringRef T, size_t Open) {
  int Depth = 0;
  for (size_t I = Open; I-- > 0;) {
    char C = T[I];
    if (C == ')') {
      ++Depth;
    } else if (C == '(') {
      if (Depth > 0) {
        --Depth;
        continue;
      }
      StringRef Before = T.take_front(I).rtrim(" \t\n\r");
      if (Before.ends_with("KEEP"))
        return true;
    } else if ((C == '{' || C == '}' || C == ';') && Depth == 0) {
      return false;
    }
  }
  return false;
}

// The [begin, end) offsets of every /DISCARD/ block's body.
std::vector<std::pair<size_t, size_t>> discardBlocks(StringRef T) {
  std::vector<std::pair<size_t, size_t>> Out;
  for (size_t Pos = T.find("/DISCARD/"); Pos != StringRef::npos;
       Pos = T.find("/DISCARD/", Pos + 1)) {
    size_t Open = T.find('{', Pos);
    if (Open == StringRef::npos)
      break;
    int Depth = 0;
    size_t Close = Open;
    for (; Close < T.size(); ++Close)
      if (T[Close] == '{')
        ++Depth;
      else if (T[Close] == '}' && --Depth == 0)
        break;
    Out.push_back({Open, Close});
  }
  return Out;
}
} // namespace

Error SectionPlacement::addScript(StringRef Script, StringRef Name) {
  auto TextOrErr = stripComments(Script, Name);
  if (!TextOrErr)
    return TextOrErr.takeError();
  Cache.clear();
  OrphanClasses.clear();
  return forEachDescription(
      *TextOrErr, Name,
      [&](size_t, size_t, ArrayRef<StringRef> Patterns) -> Error {
        SectionMatcher Group;
        for (StringRef Tok : Patterns)
          if (Error E = Group.add(Tok))
            return makeError("{0}: section pattern '{1}': {2}", Name, Tok,
                             toString(std::move(E)));
        if (!Group.empty())
          Groups.push_back(std::move(Group));
        return Error::success();
      });
}

Expected<ScriptRoots> sysgc::parseScriptRoots(StringRef Script,
                                              StringRef Name) {
  auto TextOrErr = stripComments(Script, Name);
  if (!TextOrErr)
    return TextOrErr.takeError();
  StringRef T = *TextOrErr;
  std::vector<std::pair<size_t, size_t>> Discards = discardBlocks(T);
  ScriptRoots R;
  Error E = forEachDescription(
      T, Name, [&](size_t Open, size_t, ArrayRef<StringRef> Patterns) {
        for (auto [B, End] : Discards)
          if (B < Open && Open < End)
            return Error::success();
        bool Keep = insideKeep(T, Open);
        for (StringRef P : Patterns) {
          if (Keep)
            R.Kept.push_back(P.str());
          else if (P.find_first_of("*?[\\") == StringRef::npos)
            R.Named.push_back(P.str());
        }
        return Error::success();
      });
  if (E)
    return std::move(E);
  for (auto *L : {&R.Kept, &R.Named}) {
    llvm::sort(*L);
    L->erase(std::unique(L->begin(), L->end()), L->end());
  }
  return R;
}

// ".text.foo" -> ".text", ".data..percpu" -> ".data".
static StringRef firstComponent(StringRef Name) {
  size_t Dot = Name.find('.', 1);
  return Dot == StringRef::npos ? Name : Name.take_front(Dot);
}

const std::vector<uint32_t> &
SectionPlacement::classesOf(StringRef Name) const {
  auto [It, New] = Cache.try_emplace(Name);
  if (!New)
    return It->second;
  for (uint32_t G = 0; G < Groups.size(); ++G)
    if (Groups[G].match(Name))
      It->second.push_back(G);
  if (It->second.empty()) {
    // An orphan: classes past the groups, one per first component.
    auto [O, Added] = OrphanClasses.try_emplace(firstComponent(Name),
                                                OrphanClasses.size());
    It->second.push_back(Groups.size() + O->second);
  }
  return It->second;
}

bool SectionPlacement::mayComeBetween(StringRef Name, StringRef Other) const {
  if (Name == Other)
    return true;
  const std::vector<uint32_t> &A = classesOf(Name);
  const std::vector<uint32_t> &B = classesOf(Other);
  for (size_t I = 0, J = 0; I < A.size() && J < B.size();) {
    if (A[I] == B[J])
      return true;
    if (A[I] < B[J])
      ++I;
    else
      ++J;
  }
  return false;
}

uint64_t SectionPlacement::hash() const {
  // The groups, one per line.
  std::string Canon;
  for (const SectionMatcher &G : Groups) {
    for (const std::string &P : G.patterns())
      Canon += P + " ";
    Canon += "\n";
  }
  return xxh3_64bits(StringRef(Canon));
}
