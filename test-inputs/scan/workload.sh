# The fixed workload whose traced syscalls are the scanner's ground truth
# (unittests/Integration/scan_test.py): busybox applets run by busybox sh,
# natively under strace -f on x86-64 and under qemu-user -strace for the
# other architectures. $1 is a scratch directory. Output must not depend
# on the machine: only the syscalls made matter, not what is printed.
cd "$1" || exit 1
echo "== uname"; uname -s -m
echo "== ls"; ls -la / > /dev/null; ls . | sort | tr '\n' ' '; echo
echo "== cat"; echo welcome > motd; cat motd
echo "== pipes"; echo hello world | tr a-z A-Z | cat
echo "== sh -c"; sh -c 'for i in 1 2 3; do echo "loop $i"; done; exit 3'; echo "status=$?"
echo "== date"; date +%Y > /dev/null; echo "date=$?"
echo "== sleep"; sleep 1; echo "slept=$?"
echo "== ps"; ps > /dev/null; echo "ps=$?"
echo "== dd"; dd if=/dev/zero of=zero bs=1024 count=64 2>/dev/null; wc -c < zero
echo "== files"; echo data > a && mv a b && cat b && rm b
echo "== dirs"; mkdir -p d/e && rmdir d/e d && echo "dirs=ok"
echo "== grep+sed"; printf 'x1\ny2\nx3\n' | grep x | sed 's/x/z/' | tr '\n' ' '; echo
echo "== id"; id -u > /dev/null
echo "== proc"; head -c 5 /proc/version; echo
echo "== stat"; stat -c %s zero; chmod 600 zero; ln -s zero z; readlink z
echo "== find"; find . -name zero
echo "== cp+md5"; cp zero z2; md5sum z2 | cut -c1-8
echo "== gzip"; gzip -c z2 > z2.gz; gunzip -c z2.gz | wc -c
echo "== tar"; tar cf t.tar z2 motd; tar tf t.tar | sort | tr '\n' ' '; echo
echo "== du+df"; du -s . > /dev/null; df / > /dev/null; echo "df=$?"
echo "== sort+uniq"; printf 'b\na\nb\n' | sort | uniq -c | tr -s ' ' | tr '\n' ' '; echo
echo "== expr+seq"; expr 1 + 2; seq 3 | tr '\n' ' '; echo
echo "== touch"; touch -t 202001010000 motd; ls -l motd > /dev/null
echo "== kill"; sleep 5 & kill $!; wait $! ; echo "killed=$?"
echo "== env"; env | grep -c '^PATH=' > /dev/null
echo "== xargs"; echo motd z2 | xargs ls > /dev/null
true
