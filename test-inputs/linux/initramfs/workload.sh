# The scripted workload, run by /init (and by gen-allowlist.sh on the host
# under strace). Output must not depend on time or on the kernel build:
# plain and shrunk kernels must print the same lines.
echo "== uname"; uname -s -m
echo "== ls"; ls / | sort | tr '\n' ' '; echo
echo "== cat"; cat /etc/motd
echo "== echo+pipes"; echo hello world | tr a-z A-Z | cat
echo "== sh -c"; sh -c 'for i in 1 2 3; do echo "loop $i"; done; exit 3'; echo "status=$?"
echo "== date"; date +%Y >/dev/null; echo "date=$?"
echo "== sleep"; sleep 1; echo "slept=$?"
echo "== ps"; ps >/dev/null; echo "ps=$?"
echo "== dd"; dd if=/dev/zero of=/tmp/zero bs=1024 count=64 2>/dev/null; wc -c < /tmp/zero
echo "== files"; cd /tmp && echo data > a && mv a b && cat b && rm b && ls -a /tmp | grep -c '^b$'
echo "== mkdir"; mkdir -p /tmp/d/e && rmdir /tmp/d/e /tmp/d && echo "dirs=ok"
echo "== grep+sed"; printf 'x1\ny2\nx3\n' | grep x | sed 's/x/z/' | tr '\n' ' '; echo
echo "== id"; id -u
echo "== proc"; head -c 5 /proc/version; echo
[ -x /probe64 ] && { echo "== probe"; /probe64; }
[ -x /probe32 ] && { echo "== probe32"; /probe32; }
true
