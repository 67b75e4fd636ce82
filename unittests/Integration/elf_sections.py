"""Reading the allocated sections of a linked ELF file, for comparisons."""
import re
import subprocess


def alloc_sections(path):
    """name -> (address, bytes) of the allocated, non-NOBITS sections."""
    r = subprocess.run(["llvm-readelf-22", "-S", "-W", path], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("llvm-readelf-22 -S %s: %s" % (path, r.stderr))
    with open(path, "rb") as f:
        data = f.read()
    secs = {}
    for line in r.stdout.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)"
                     r"\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)\s", line)
        if m and m.group(2) != "NOBITS":
            off, size = int(m.group(4), 16), int(m.group(5), 16)
            secs[m.group(1)] = (int(m.group(3), 16), data[off:off + size])
    return secs


def relocations(path):
    """The sorted (section, line) pairs llvm-readelf prints for the
    relocations of a file linked with --emit-relocs: equal for two files
    whose relocations differ in order only."""
    r = subprocess.run(["llvm-readelf-22", "-r", "-W", path], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError("llvm-readelf-22 -r %s: %s" % (path, r.stderr))
    out, sec = [], None
    for line in r.stdout.splitlines():
        m = re.match(r"Relocation section '([^']+)'", line)
        if m:
            sec = m.group(1)
        elif sec and re.match(r"\s*[0-9a-f]{8,}\s", line):
            out.append((sec, line.split()))
    return sorted(out)


def same_kernel(test, a, b, may_differ=(".notes",)):
    """a and b hold the same allocated bytes at the same addresses (but for
    the sections named in may_differ: the build ID hashes the relocations'
    order too) and the same relocations."""
    sa, sb = alloc_sections(a), alloc_sections(b)
    test.assertEqual(sorted(sa), sorted(sb))
    for name in sa:
        test.assertEqual(sa[name][0], sb[name][0], "address of " + name)
        if name not in may_differ:
            test.assertTrue(sa[name][1] == sb[name][1], "bytes of " + name)
    test.assertEqual(relocations(a), relocations(b))
