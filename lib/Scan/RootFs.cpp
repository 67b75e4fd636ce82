//===- RootFs.cpp - Resolve paths and libraries inside a target root ------===//
//
// Path resolution walks one component at a time and reads symlinks itself,
// so that "/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/..." in a
// target root lands in the root, not on the host. Library search follows
// ld.so(8): DT_RPATH (when there is no DT_RUNPATH), DT_RUNPATH, the
// root's ld.so.conf directories, then /lib and /usr/lib (and their 64-bit
// variants).
//
//===----------------------------------------------------------------------===//
#include "sysgc/Scan/RootFs.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <glob.h>
#include <unistd.h>

using namespace sysgc;
using namespace llvm;

RootFs::RootFs(std::string R) : Root(std::move(R)) {
  while (Root.size() > 1 && Root.back() == '/')
    Root.pop_back();
  if (Root == "/")
    Root.clear();
  readLdSoConf("/etc/ld.so.conf", 0);
  for (const char *D : {"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/lib32",
                        "/usr/lib32"})
    if (!llvm::is_contained(LibDirs, D))
      LibDirs.push_back(D);
}

void RootFs::readLdSoConf(StringRef Path, unsigned Depth) {
  if (Depth > 8)
    return;
  std::optional<std::string> Host = resolve(Path);
  if (!Host)
    return;
  auto Buf = MemoryBuffer::getFile(*Host, /*IsText=*/true);
  if (!Buf)
    return;
  SmallVector<StringRef, 0> Lines;
  (*Buf)->getBuffer().split(Lines, '\n');
  for (StringRef L : Lines) {
    L = L.split('#').first.trim();
    if (L.empty())
      continue;
    if (L.consume_front("include")) {
      L = L.trim();
      // The pattern is inside the root: glob it there.
      std::string Pat = L.starts_with("/") ? L.str()
                        : (sys::path::parent_path(Path) + "/" + L).str();
      glob_t G;
      if (::glob((Root + Pat).c_str(), 0, nullptr, &G) == 0) {
        std::vector<std::string> Files;
        for (size_t K = 0; K < G.gl_pathc; ++K)
          Files.push_back(inside(G.gl_pathv[K]));
        globfree(&G);
        llvm::sort(Files);
        for (const std::string &F : Files)
          readLdSoConf(F, Depth + 1);
      }
      continue;
    }
    if (L.starts_with("/") && !llvm::is_contained(LibDirs, L.str()))
      LibDirs.push_back(L.str());
  }
}

std::string RootFs::inside(StringRef HostPath) const {
  if (!Root.empty() && HostPath.starts_with(Root))
    return HostPath.drop_front(Root.size()).str();
  return HostPath.str();
}

std::optional<std::string> RootFs::resolve(StringRef Path) const {
  SmallVector<std::string, 16> Todo; // components still to walk, reversed
  SmallVector<StringRef, 16> Parts;
  Path.split(Parts, '/', -1, false);
  for (StringRef P : llvm::reverse(Parts))
    Todo.push_back(P.str());
  std::vector<std::string> Done;
  unsigned Links = 0;
  while (!Todo.empty()) {
    std::string C = Todo.pop_back_val();
    if (C == ".")
      continue;
    if (C == "..") {
      if (!Done.empty())
        Done.pop_back(); // never above the root
      continue;
    }
    std::string Host = Root + "/" + join(Done, "/") + (Done.empty() ? "" : "/") + C;
    sys::fs::file_status St;
    if (sys::fs::status(Host, St, /*Follow=*/false))
      return std::nullopt;
    if (St.type() == sys::fs::file_type::symlink_file) {
      if (++Links > 40)
        return std::nullopt;
      SmallString<256> Target;
      char Buf[4096];
      ssize_t N = ::readlink(Host.c_str(), Buf, sizeof(Buf));
      if (N <= 0)
        return std::nullopt;
      StringRef T(Buf, N);
      if (T.starts_with("/"))
        Done.clear();
      SmallVector<StringRef, 16> TP;
      T.split(TP, '/', -1, false);
      for (StringRef P : llvm::reverse(TP))
        Todo.push_back(P.str());
      continue;
    }
    Done.push_back(C);
  }
  return Root + "/" + join(Done, "/");
}

static bool sameKind(const ScanImage &A, StringRef Path) {
  auto B = MemoryBuffer::getFileSlice(Path, 64, 0, /*IsVolatile=*/false);
  if (!B || (*B)->getBufferSize() < 20)
    return false;
  StringRef H = (*B)->getBuffer();
  if (!H.starts_with("\x7f" "ELF"))
    return false;
  bool Is64 = H[4] == 2;
  uint16_t Machine = uint8_t(H[18]) | (uint8_t(H[19]) << 8);
  return Is64 == A.Is64 && Machine == A.Arch->Machine;
}

std::optional<std::string> RootFs::findLibrary(StringRef Name,
                                               const ScanImage &Requester,
                                               const ScanImage &Exe) const {
  std::string Origin = sys::path::parent_path(inside(Requester.Path)).str();
  auto Try = [&](StringRef Dir) -> std::optional<std::string> {
    std::string D = Dir.str();
    for (StringRef Tok : {"$ORIGIN", "${ORIGIN}"}) {
      size_t P;
      while ((P = D.find(Tok.str())) != std::string::npos)
        D.replace(P, Tok.size(), Origin);
    }
    if (std::optional<std::string> H = resolve(D + "/" + Name.str()))
      if (sys::fs::is_regular_file(*H) && sameKind(Requester, *H))
        return H;
    return std::nullopt;
  };
  if (Name.contains('/'))
    return Try(Name.starts_with("/") ? "" : Origin);
  if (Requester.RunPath.empty()) {
    for (const std::string &D : Requester.RPath)
      if (auto H = Try(D))
        return H;
    if (&Exe != &Requester && Exe.RunPath.empty())
      for (const std::string &D : Exe.RPath)
        if (auto H = Try(D))
          return H;
  }
  for (const std::string &D : Requester.RunPath)
    if (auto H = Try(D))
      return H;
  for (const std::string &D : LibDirs)
    if (auto H = Try(D))
      return H;
  return std::nullopt;
}

std::vector<std::string> RootFs::executables() const {
  std::vector<std::string> Out;
  std::error_code EC;
  std::string Top = Root.empty() ? "/" : Root;
  for (sys::fs::recursive_directory_iterator It(Top, EC, /*Follow=*/false), E;
       It != E && !EC; It.increment(EC)) {
    StringRef P = It->path();
    // The host's virtual filesystems are no part of a root.
    if (Root.empty() && (P == "/proc" || P == "/sys" || P == "/dev" ||
                         P == "/run" || P == "/tmp" || P == "/var" ||
                         P == "/home" || P == "/root" || P == "/work" ||
                         P == "/opt" || P == "/srv" || P == "/media" ||
                         P == "/mnt" || P == "/boot")) {
      It.no_push();
      continue;
    }
    if (It->type() != sys::fs::file_type::regular_file)
      continue;
    sys::fs::file_status St;
    if (sys::fs::status(P, St, false) ||
        !(St.permissions() & (sys::fs::owner_exe | sys::fs::group_exe |
                              sys::fs::others_exe)))
      continue;
    auto B = MemoryBuffer::getFileSlice(P, 64, 0, false);
    if (!B || (*B)->getBufferSize() < 64 ||
        !(*B)->getBuffer().starts_with("\x7f" "ELF"))
      continue;
    Out.push_back(P.str());
  }
  if (EC)
    EC.clear();
  llvm::sort(Out);
  return Out;
}

std::vector<std::string> RootFs::nssServices() const {
  std::vector<std::string> Out;
  std::optional<std::string> Host = resolve("/etc/nsswitch.conf");
  if (!Host)
    return Out;
  auto Buf = MemoryBuffer::getFile(*Host, /*IsText=*/true);
  if (!Buf)
    return Out;
  SmallVector<StringRef, 0> Lines;
  (*Buf)->getBuffer().split(Lines, '\n');
  for (StringRef L : Lines) {
    L = L.split('#').first;
    auto [Db, Rest] = L.split(':');
    if (Rest.empty())
      continue;
    SmallVector<StringRef, 8> Words;
    Rest.split(Words, ' ', -1, false);
    for (StringRef W : Words) {
      W = W.trim();
      // "[NOTFOUND=return]" is an action, not a service.
      if (W.empty() || W.starts_with("["))
        continue;
      if (!llvm::is_contained(Out, W.str()))
        Out.push_back(W.str());
    }
  }
  return Out;
}
