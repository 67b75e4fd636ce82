//===- sysgc/Support/Error.h - Error construction helpers -------*- C++ -*-===//
//
// Every failure in the library travels as an llvm::Error whose message names
// the file, section or symbol involved and what to do about it. These helpers
// keep that one line short at the call site.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_SUPPORT_ERROR_H
#define SYSGC_SUPPORT_ERROR_H

#include "llvm/Support/Error.h"
#include "llvm/Support/FormatVariadic.h"

namespace sysgc {

template <typename... Ts>
llvm::Error makeError(const char *Fmt, Ts &&...Vals) {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      llvm::formatv(Fmt, std::forward<Ts>(Vals)...).str());
}

/// Prefix an error's message with context ("vmlinux.o: ").
inline llvm::Error withContext(llvm::Error E, const llvm::Twine &Context) {
  if (!E)
    return E;
  std::string Msg = llvm::toString(std::move(E));
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (Context + ": " + Msg).str());
}

} // namespace sysgc

#endif
