//===- sysgc/Support/FileUtil.h - Writing files safely -----------*- C++ -*-===//
//
// Every file sysgc writes either appears complete or not at all: written to
// a temporary next to its destination (same file system), then renamed.
//
//===----------------------------------------------------------------------===//
#ifndef SYSGC_SUPPORT_FILEUTIL_H
#define SYSGC_SUPPORT_FILEUTIL_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Memory.h"
#include <memory>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace sysgc {

/// Write Data to Path (a private file no one else reads while it grows).
llvm::Error writeFile(llvm::StringRef Path, llvm::ArrayRef<char> Data);

/// Write Data to Path atomically (an AtomicFileWriter): "Path.sysgc-tmp.PID",
/// then rename. The temporary is removed on failure and on signals.
llvm::Error writeFileAtomically(llvm::StringRef Path,
                                llvm::ArrayRef<char> Data);

/// A file written front to back and renamed into place by commit(): to
/// tempPathFor(Path) (removed on failure, on signals and if never
/// committed), then to Path. Small pieces are gathered in a buffer of its
/// own; big ones go straight from the caller's memory to the file. Neither
/// a buffer of the whole file (a first touch of every page: ~1 us per 4 KiB
/// on this VM) nor a mapping of the new file (faulting in a new file's
/// shared mapping on ext4 costs ~5x one write() of the same bytes).
class AtomicFileWriter {
public:
  static constexpr size_t BufferSize = 256 * 1024;
  static llvm::Expected<AtomicFileWriter> create(llvm::StringRef Path);
  AtomicFileWriter(AtomicFileWriter &&Other);
  AtomicFileWriter &operator=(AtomicFileWriter &&) = delete;
  ~AtomicFileWriter();

  /// Append Bytes. A failure is kept and returned by commit().
  void write(llvm::ArrayRef<char> Bytes);
  /// Append N <= BufferSize bytes that the caller fills in before the next
  /// call.
  llvm::MutableArrayRef<char> space(size_t N);
  /// Write out what is buffered, close, rename into place.
  llvm::Error commit();

private:
  AtomicFileWriter() = default;
  void flush();
  void writeOut(llvm::ArrayRef<char> Bytes);
  std::string Path, Tmp;
  int FD = -1;
  std::unique_ptr<char[]> Buffer;
  size_t Used = 0;
  std::error_code Failed;
};

/// Rename From to To, replacing To atomically: To names the old file or the
/// new one at every moment. Where the file system supports it the two are
/// exchanged (renameat2 RENAME_EXCHANGE) and the old file is then removed:
/// a plain rename over an existing file makes ext4 write the new file out
/// at once (auto_da_alloc), ~15 ms for a kernel's vmlinux. Elsewhere, a
/// plain rename.
llvm::Error replaceFile(llvm::StringRef From, llvm::StringRef To);

/// The temporary name for Path: "Path.sysgc-tmp.PID-HOST" (HOST: 8 hex
/// digits naming this machine). Everything sysgc writes on the way to a
/// final name is called so (lld's own temporary appends to it).
std::string tempPathFor(llvm::StringRef Path);

/// Remove what a killed sysgc left behind (SIGKILL leaves no chance to
/// clean up): files in Dirs named "*.sysgc-tmp.PID-HOST*" of this machine
/// whose PID is no longer a running process. Files of live processes and
/// of other machines (a shared build directory) are never touched.
void removeStaleTemps(llvm::ArrayRef<std::string> Dirs);

/// The running executable's identity (its GNU build ID, else a hash of its
/// bytes): caches keyed by it never serve a rebuilt tool the entries of an
/// older one.
uint64_t toolHash();

} // namespace sysgc

#endif
