//===- TestObjects.cpp - Hand-built ELF inputs for unit tests -------------===//
#include "TestObjects.h"
#include "llvm/ObjectYAML/yaml2obj.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>
#include <cstring>

using namespace llvm;

namespace sysgc::test {

std::unique_ptr<MemoryBuffer> yamlToObject(StringRef Yaml) {
  SmallString<0> Storage;
  raw_svector_ostream OS(Storage);
  yaml::Input YIn(Yaml);
  bool Ok = yaml::convertYAML(YIn, OS, [](const Twine &Msg) {
    errs() << "yaml2obj: " << Msg << "\n";
  });
  if (!Ok) {
    errs() << "bad test YAML\n";
    abort();
  }
  return MemoryBuffer::getMemBufferCopy(Storage.str(), "test.o");
}

} // namespace sysgc::test

namespace sysgc::test {

void TestInputs::add(StringRef Yaml, std::string Name, bool Lazy) {
  Buffers.push_back(yamlToObject(Yaml));
  if (Error E = Set.addBuffer(Buffers.back()->getMemBufferRef(), Name, Lazy)) {
    errs() << toString(std::move(E)) << "\n";
    abort();
  }
}

const char *const KernelYaml = R"(--- !ELF
FileHeader:
  Class: ELFCLASS64
  Data:  ELFDATA2LSB
  Type:  ET_REL
  Machine: EM_X86_64
Sections:
  - Name: .text.__x64_sys_read
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Size: 16
  - Name: .text.__x64_sys_socket
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Size: 16
  - Name: .text.sock_create
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Size: 16
  - Name: .text.sock_alloc
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Size: 16
  - Name: .text.fdget
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Size: 16
  - Name: .text.__x64_sys_time
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Size: 16
  - Name: .text.emulate_vsyscall
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Size: 16
  - Name: .text.__x64_sys_ni_syscall
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Size: 16
  - Name: .text.x64_sys_call
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Content: 'e900000000e900000000e900000000e900000000cccccccccccccccccccccccc'
  - Name: .text.main
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC, SHF_EXECINSTR ]
    AddressAlign: 16
    Size: 16
  - Name: .rodata.sys_call_table
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC ]
    AddressAlign: 8
    Size: 1616
  - Name: .rodata.families
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC ]
    AddressAlign: 8
    Size: 8
  - Name: __ex_table
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC ]
    AddressAlign: 4
    Size: 24
  - Name: .orc_unwind_ip
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC ]
    AddressAlign: 4
    Size: 16
  - Name: .orc_unwind
    Type: SHT_PROGBITS
    Flags: [ SHF_ALLOC ]
    AddressAlign: 2
    Content: '010000000000020000000000030000000000040000000000'
  - Name: .rela.text.__x64_sys_read
    Type: SHT_RELA
    Info: .text.__x64_sys_read
    Relocations:
      - { Offset: 1, Symbol: fdget, Type: R_X86_64_PLT32, Addend: -4 }
  - Name: .rela.text.__x64_sys_socket
    Type: SHT_RELA
    Info: .text.__x64_sys_socket
    Relocations:
      - { Offset: 1, Symbol: fdget, Type: R_X86_64_PLT32, Addend: -4 }
      - { Offset: 6, Symbol: sock_create, Type: R_X86_64_PLT32, Addend: -4 }
  - Name: .rela.text.sock_create
    Type: SHT_RELA
    Info: .text.sock_create
    Relocations:
      - { Offset: 1, Symbol: sock_alloc, Type: R_X86_64_PLT32, Addend: -4 }
  - Name: .rela.text.sock_alloc
    Type: SHT_RELA
    Info: .text.sock_alloc
    Relocations:
      - { Offset: 3, Symbol: families, Type: R_X86_64_PC32, Addend: -4 }
  - Name: .rela.text.emulate_vsyscall
    Type: SHT_RELA
    Info: .text.emulate_vsyscall
    Relocations:
      - { Offset: 1, Symbol: __x64_sys_time, Type: R_X86_64_PLT32, Addend: -4 }
  - Name: .rela.text.x64_sys_call
    Type: SHT_RELA
    Info: .text.x64_sys_call
    Relocations:
      - { Offset: 1, Symbol: __x64_sys_read, Type: R_X86_64_PLT32, Addend: -4 }
      - { Offset: 6, Symbol: __x64_sys_socket, Type: R_X86_64_PLT32, Addend: -4 }
      - { Offset: 11, Symbol: __x64_sys_time, Type: R_X86_64_PLT32, Addend: -4 }
      - { Offset: 16, Symbol: __x64_sys_ni_syscall, Type: R_X86_64_PLT32, Addend: -4 }
  - Name: .rela.text.main
    Type: SHT_RELA
    Info: .text.main
    Relocations:
      - { Offset: 1, Symbol: x64_sys_call, Type: R_X86_64_PLT32, Addend: -4 }
      - { Offset: 6, Symbol: emulate_vsyscall, Type: R_X86_64_PLT32, Addend: -4 }
      - { Offset: 11, Symbol: sys_call_table, Type: R_X86_64_PC32, Addend: -4 }
  - Name: .rela.rodata.sys_call_table
    Type: SHT_RELA
    Info: .rodata.sys_call_table
    Relocations:
      - { Offset: 0, Symbol: __x64_sys_read, Type: R_X86_64_64 }
      - { Offset: 8, Symbol: __x64_sys_ni_syscall, Type: R_X86_64_64 }
      - { Offset: 328, Symbol: __x64_sys_socket, Type: R_X86_64_64 }
      - { Offset: 1608, Symbol: __x64_sys_time, Type: R_X86_64_64 }
  - Name: .rela__ex_table
    Type: SHT_RELA
    Info: __ex_table
    Relocations:
      - { Offset: 0, Symbol: __x64_sys_read, Type: R_X86_64_PC32, Addend: 4 }
      - { Offset: 4, Symbol: __x64_sys_read, Type: R_X86_64_PC32, Addend: 8 }
      - { Offset: 12, Symbol: .text.sock_alloc, Type: R_X86_64_PC32, Addend: 2 }
      - { Offset: 16, Symbol: .text.sock_alloc, Type: R_X86_64_PC32, Addend: 6 }
  - Name: .rela.orc_unwind_ip
    Type: SHT_RELA
    Info: .orc_unwind_ip
    Relocations:
      - { Offset: 0, Symbol: __x64_sys_read, Type: R_X86_64_PC32 }
      - { Offset: 4, Symbol: __x64_sys_socket, Type: R_X86_64_PC32 }
      - { Offset: 8, Symbol: .text.sock_alloc, Type: R_X86_64_PC32 }
      - { Offset: 12, Symbol: fdget, Type: R_X86_64_PC32 }
Symbols:
  - { Name: .text.sock_alloc, Type: STT_SECTION, Section: .text.sock_alloc }
  - { Name: sock_create, Type: STT_FUNC, Section: .text.sock_create, Size: 16 }
  - { Name: sock_alloc, Type: STT_FUNC, Section: .text.sock_alloc, Size: 16 }
  - { Name: families, Type: STT_OBJECT, Section: .rodata.families, Size: 8 }
  - { Name: __x64_sys_read, Type: STT_FUNC, Section: .text.__x64_sys_read, Binding: STB_GLOBAL, Size: 16 }
  - { Name: __x64_sys_socket, Type: STT_FUNC, Section: .text.__x64_sys_socket, Binding: STB_GLOBAL, Size: 16 }
  - { Name: fdget, Type: STT_FUNC, Section: .text.fdget, Binding: STB_GLOBAL, Size: 16 }
  - { Name: __x64_sys_time, Type: STT_FUNC, Section: .text.__x64_sys_time, Binding: STB_GLOBAL, Size: 16 }
  - { Name: emulate_vsyscall, Type: STT_FUNC, Section: .text.emulate_vsyscall, Binding: STB_GLOBAL, Size: 16 }
  - { Name: __x64_sys_ni_syscall, Type: STT_FUNC, Section: .text.__x64_sys_ni_syscall, Binding: STB_GLOBAL, Size: 16 }
  - { Name: x64_sys_call, Type: STT_FUNC, Section: .text.x64_sys_call, Binding: STB_GLOBAL, Size: 32 }
  - { Name: _start, Type: STT_FUNC, Section: .text.main, Binding: STB_GLOBAL, Size: 16 }
  - { Name: sys_call_table, Type: STT_OBJECT, Section: .rodata.sys_call_table, Binding: STB_GLOBAL, Size: 1616 }
...
)";

// KernelYaml plus what whole-kernel collection must tell apart: dead code
// and data the compiler gave sections of their own, code only a table
// points at, and sections that stay whatever references them (named or
// kept by the script, SHF_GNU_RETAIN, the kernel's own section names).
std::string fullModeKernelYaml() {
  std::string Y = KernelYaml;
  auto Fn = [](const char *Name, const char *Flags = "SHF_ALLOC, SHF_EXECINSTR") {
    return std::string("  - Name: ") + Name + "\n    Type: SHT_PROGBITS\n"
           "    Flags: [ " + Flags + " ]\n    AddressAlign: 16\n    Size: 16\n";
  };
  std::string Extra = Fn(".text.unused") + Fn(".text.unused_callee") +
                      Fn(".data.unused_data", "SHF_ALLOC, SHF_WRITE") +
                      Fn(".text.named") + Fn(".text.kept_by_script") +
                      Fn(".init.text") + Fn(".data..percpu", "SHF_ALLOC, SHF_WRITE") +
                      Fn(".text.retained", "SHF_ALLOC, SHF_EXECINSTR, SHF_GNU_RETAIN") +
                      Fn(".text.only_in_extable") +
                      "  - Name: .rela.text.unused\n    Type: SHT_RELA\n"
                      "    Info: .text.unused\n    Relocations:\n"
                      "      - { Offset: 1, Symbol: unused_callee, Type: R_X86_64_PLT32, Addend: -4 }\n"
                      "      - { Offset: 6, Symbol: fdget, Type: R_X86_64_PLT32, Addend: -4 }\n"
                      "  - Name: .rela.init.text\n    Type: SHT_RELA\n"
                      "    Info: .init.text\n    Relocations:\n"
                      "      - { Offset: 1, Symbol: sock_create, Type: R_X86_64_PLT32, Addend: -4 }\n";
  size_t At = Y.find("  - Name: .rela.text.__x64_sys_read");
  Y.insert(At, Extra);
  // The exception table's second entry belongs to .text.only_in_extable
  // instead of sock_alloc.
  size_t Ex = Y.find("Symbol: .text.sock_alloc, Type: R_X86_64_PC32, Addend: 2");
  Y.replace(Ex, strlen("Symbol: .text.sock_alloc"), "Symbol: only_in_extable");
  Ex = Y.find("Symbol: .text.sock_alloc, Type: R_X86_64_PC32, Addend: 6");
  Y.replace(Ex, strlen("Symbol: .text.sock_alloc"), "Symbol: only_in_extable");
  Y.insert(Y.find("Symbols:\n") + strlen("Symbols:\n"),
           "  - { Name: unused, Type: STT_FUNC, Section: .text.unused, Size: 16 }\n"
           "  - { Name: unused_callee, Type: STT_FUNC, Section: .text.unused_callee, Size: 16 }\n"
           "  - { Name: only_in_extable, Type: STT_FUNC, Section: .text.only_in_extable, Size: 16 }\n");
  return Y;
}

} // namespace sysgc::test
