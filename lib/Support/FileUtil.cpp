//===- FileUtil.cpp - Writing files safely --------------------------------===//
#include "sysgc/Support/FileUtil.h"
#include "sysgc/Support/Error.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include <cerrno>
#include <elf.h>
#include <link.h>
#include <optional>
#include <cstdio>
#include <fcntl.h>
#include <cstring>
#include <signal.h>
#include <unistd.h>

using namespace sysgc;
using namespace llvm;

Error sysgc::writeFile(StringRef Path, ArrayRef<char> Data) {
  std::error_code EC;
  raw_fd_ostream OS(Path, EC, sys::fs::OF_None);
  if (EC)
    return makeError("{0}: cannot write: {1}", Path, EC.message());
  OS.write(Data.data(), Data.size());
  OS.close();
  if (OS.has_error())
    return makeError("{0}: write failed: {1}", Path, OS.error().message());
  return Error::success();
}

// This machine, as 8 hex digits: a build directory on a shared file system
// may hold temporaries of processes on other machines, whose PIDs mean
// nothing here.
static std::string hostTag() {
  static const std::string Tag = [] {
    char Host[256] = {0};
    if (gethostname(Host, sizeof(Host) - 1) != 0)
      Host[0] = 0;
    return formatv("{0:x-8}", uint32_t(xxh3_64bits(StringRef(Host)))).str();
  }();
  return Tag;
}

std::string sysgc::tempPathFor(StringRef Path) {
  return (Path + ".sysgc-tmp." + Twine(sys::Process::getProcessId()) + "-" +
          hostTag())
      .str();
}

// Is Pid a running process (of anyone)?
static bool isAlive(long Pid) {
  return Pid > 0 && (::kill(Pid, 0) == 0 || errno == EPERM);
}

// The PID of a temporary of this machine ("x.sysgc-tmp.123-HOSTTAG.tmpab"
// -> 123), or 0 (not a temporary, or another machine's).
static long tempPid(StringRef Name) {
  size_t At = Name.find(".sysgc-tmp.");
  if (At == StringRef::npos)
    return 0;
  StringRef Rest = Name.drop_front(At + strlen(".sysgc-tmp."));
  StringRef Digits = Rest.take_while([](char C) { return isDigit(C); });
  long Pid = 0;
  if (Digits.empty() || Digits.getAsInteger(10, Pid))
    return 0;
  if (!Rest.drop_front(Digits.size()).starts_with("-" + hostTag()))
    return 0;
  return Pid;
}

void sysgc::removeStaleTemps(ArrayRef<std::string> Dirs) {
  long Self = sys::Process::getProcessId();
  std::error_code EC;
  for (const std::string &Dir : Dirs)
    for (sys::fs::directory_iterator It(Dir.empty() ? "." : Dir, EC), End;
         It != End && !EC; It.increment(EC)) {
      long Pid = tempPid(sys::path::filename(It->path()));
      if (Pid && Pid != Self && !isAlive(Pid))
        sys::fs::remove(It->path());
    }
}

Error sysgc::writeFileAtomically(StringRef Path, ArrayRef<char> Data) {
  auto W = AtomicFileWriter::create(Path);
  if (!W)
    return W.takeError();
  W->write(Data);
  return W->commit();
}

Expected<AtomicFileWriter> AtomicFileWriter::create(StringRef Path) {
  AtomicFileWriter F;
  F.Path = Path.str();
  F.Tmp = tempPathFor(Path);
  sys::RemoveFileOnSignal(F.Tmp);
  F.FD = ::open(F.Tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (F.FD < 0) {
    std::error_code EC(errno, std::generic_category());
    sys::DontRemoveFileOnSignal(F.Tmp);
    F.Tmp.clear();
    return makeError("{0}: cannot write: {1}", Path, EC.message());
  }
  // Not zero-filled: only the pages used are touched.
  F.Buffer.reset(new char[BufferSize]);
  return std::move(F);
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter &&Other)
    : Path(std::move(Other.Path)), Tmp(std::move(Other.Tmp)), FD(Other.FD),
      Buffer(std::move(Other.Buffer)), Used(Other.Used),
      Failed(Other.Failed) {
  Other.FD = -1;
  Other.Tmp.clear();
}

AtomicFileWriter::~AtomicFileWriter() {
  if (FD >= 0)
    ::close(FD);
  if (!Tmp.empty()) { // never committed
    sys::fs::remove(Tmp);
    sys::DontRemoveFileOnSignal(Tmp);
  }
}

// All of Bytes to the file (write() may take less at once); the first
// failure is kept.
void AtomicFileWriter::writeOut(ArrayRef<char> Bytes) {
  while (!Bytes.empty() && !Failed) {
    ssize_t W = ::write(FD, Bytes.data(), Bytes.size());
    if (W < 0 && errno == EINTR)
      continue;
    if (W <= 0) {
      Failed = std::error_code(W < 0 ? errno : EIO, std::generic_category());
      return;
    }
    Bytes = Bytes.drop_front(W);
  }
}

void AtomicFileWriter::flush() {
  writeOut(ArrayRef<char>(Buffer.get(), Used));
  Used = 0;
}

void AtomicFileWriter::write(ArrayRef<char> Bytes) {
  if (Bytes.empty())
    return; // an empty section's bytes may be a null pointer: no memcpy
  if (Used + Bytes.size() > BufferSize)
    flush();
  if (Bytes.size() >= BufferSize) {
    writeOut(Bytes); // big: straight from the caller's memory
    return;
  }
  memcpy(Buffer.get() + Used, Bytes.data(), Bytes.size());
  Used += Bytes.size();
}

MutableArrayRef<char> AtomicFileWriter::space(size_t N) {
  assert(N <= BufferSize && "space() asks for at most BufferSize bytes");
  if (Used + N > BufferSize)
    flush();
  MutableArrayRef<char> S(Buffer.get() + Used, N);
  Used += N;
  return S;
}

Error AtomicFileWriter::commit() {
  flush();
  int Closed = ::close(FD);
  FD = -1;
  if (!Failed && Closed != 0)
    Failed = std::error_code(errno, std::generic_category());
  Error E = Failed ? makeError("{0}: write failed: {1}", Tmp, Failed.message())
                   : replaceFile(Tmp, Path);
  if (E)
    sys::fs::remove(Tmp);
  sys::DontRemoveFileOnSignal(Tmp);
  Tmp.clear();
  return E;
}

Error sysgc::replaceFile(StringRef From, StringRef To) {
  std::string F = From.str(), T = To.str();
  // Only a regular file is exchanged: anything else in the way (a
  // directory...) gets the plain rename's own error.
  sys::fs::file_status St;
  if (!sys::fs::status(To, St, /*Follow=*/false) &&
      St.type() == sys::fs::file_type::regular_file &&
      ::renameat2(AT_FDCWD, F.c_str(), AT_FDCWD, T.c_str(), RENAME_EXCHANGE) ==
      0) {
    // From now names the old file. A failure to remove it leaves a file
    // named as this process's temporary, which the next run sweeps.
    sys::fs::remove(From);
    return Error::success();
  }
  // ENOENT: no old file to exchange with; EINVAL/ENOSYS/EXDEV...: a file
  // system without exchange. Either way a plain rename does.
  if (std::error_code EC = sys::fs::rename(From, To))
    return makeError("{0}: cannot rename {1} into place: {2}", To, From,
                     EC.message());
  return Error::success();
}

// The GNU build ID of the running program (its first PT_NOTE entry of that
// type), hashed: the linker computed it from the program's bytes.
static std::optional<uint64_t> ownBuildId() {
  std::optional<uint64_t> Id;
  dl_iterate_phdr(
      [](dl_phdr_info *Info, size_t, void *Data) -> int {
        auto &Id = *static_cast<std::optional<uint64_t> *>(Data);
        for (int I = 0; I < Info->dlpi_phnum && !Id; ++I) {
          const ElfW(Phdr) &P = Info->dlpi_phdr[I];
          if (P.p_type != PT_NOTE)
            continue;
          const char *B =
              reinterpret_cast<const char *>(Info->dlpi_addr + P.p_vaddr);
          const char *E = B + P.p_memsz;
          while (!Id && B + sizeof(ElfW(Nhdr)) <= E) {
            const auto *N = reinterpret_cast<const ElfW(Nhdr) *>(B);
            const char *Name = B + sizeof(ElfW(Nhdr));
            const char *Desc = Name + alignTo(N->n_namesz, 4);
            if (Desc + N->n_descsz > E)
              break;
            if (N->n_type == NT_GNU_BUILD_ID && N->n_namesz == 4 &&
                memcmp(Name, "GNU", 4) == 0 && N->n_descsz)
              Id = xxh3_64bits(ArrayRef<uint8_t>(
                  reinterpret_cast<const uint8_t *>(Desc), N->n_descsz));
            B = Desc + alignTo(N->n_descsz, 4);
          }
        }
        return 1; // the first object is the program itself: stop there
      },
      &Id);
  return Id;
}

uint64_t sysgc::toolHash() {
  static uint64_t H = [] {
    // The build ID when the program has one (no need to read the
    // executable, tens of MB, on every link), else its bytes.
    if (std::optional<uint64_t> Id = ownBuildId())
      return *Id;
    std::string Exe = sys::fs::getMainExecutable(nullptr, (void *)&toolHash);
    auto B = MemoryBuffer::getFile(Exe, false, false);
    if (!B)
      return uint64_t(0);
    return xxh3_64bits(arrayRefFromStringRef((*B)->getBuffer()));
  }();
  return H;
}
