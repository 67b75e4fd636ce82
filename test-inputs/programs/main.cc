// Dispatches every number 0..334 and prints what came back; then has the
// kept syscall getpid throw a C++ exception through the dispatcher and the
// syscall entry, which only works if their FDEs survived intact.
#include "prog.h"
#include <cstdio>

extern "C" void throw_from_syscall(long v) { throw v; }

int main() {
  for (unsigned nr = 0; nr < 335; ++nr) {
    struct regs r = {long(nr), 0};
    long ret = dispatch(nr, &r);
    if (ret != -38)
      std::printf("syscall nr=%u ret=%ld\n", nr, ret);
  }
#ifndef NO_THROW // built without unwind tables: nothing could catch it
  try {
    struct regs r = {77, 1};
    dispatch(39, &r);
    std::printf("unwind: no exception\n");
    return 1;
  } catch (long v) {
    std::printf("unwind: caught %ld\n", v);
  }
#endif
  return 0;
}
