# The fixed workload whose traced syscalls are the scanner's ground truth
# (unittests/Integration/scan_test.py): busybox applets run by busybox sh,
# natively under strace -f on x86-64 and under qemu-user -strace for the
# other architectures. $1 is a scratch directory. Output must not depend
# on the machine: only the syscalls made matter, not what is printed.
#
# A static scan answers "what can this program do", so the trace it is
# scored against should exercise the program broadly, as a test suite
# does (against one short command, all the rest counts as false
# positives). The first part is the original short workload; the second
# runs most of busybox's everyday applets with their common options --
# archivers, checksums, text tools, file management, process and system
# inspection, a web server and its clients on loopback, shell features.
# Nothing in it needs a terminal or privileges, and nothing changes the
# machine outside $1. Applets a build lacks (the riscv64 busybox has 30)
# fail with "not found", which changes nothing else.
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

# ---- broader use ----
echo "== archivers"
seq 1 2000 > nums
for z in gzip bzip2 lzop; do $z -c nums > nums.$z && echo "$z=$?"; done
gunzip -c nums.gzip | wc -l; zcat nums.gzip | tail -n 1
bunzip2 -c nums.bzip2 | wc -l; bzcat nums.bzip2 | head -n 1
lzop -d -c nums.lzop | wc -l
gzip -9 nums && gzip -t nums.gz && gunzip nums.gz && ls nums
mkdir -p arc/sub && echo one > arc/a && echo two > arc/sub/b && ln -s a arc/l
tar czf arc.tgz arc && tar tzvf arc.tgz > /dev/null && mkdir x && tar xzf arc.tgz -C x && ls -R x > /dev/null
tar cjf arc.tbz arc && tar xjf arc.tbz -C x && tar xf arc.tbz -C x
find arc | cpio -o -H newc 2>/dev/null > arc.cpio && mkdir y && (cd y && cpio -i -d < ../arc.cpio 2>/dev/null) && ls -R y > /dev/null
echo "== checksums"
for s in md5sum sha1sum sha256sum sha512sum sha3sum; do $s nums arc/a > sums.$s && $s -c sums.$s > /dev/null && echo "$s=$?"; done
crc32 nums; base64 nums > nums.b64 && base64 -d nums.b64 | cmp - nums && echo b64=ok
uuencode nums nums > nums.uu && uudecode -o nums.dec nums.uu && cmp nums nums.dec && echo uu=ok
xxd nums | head -n 2; xxd -p arc/a | xxd -r -p; od -A x -t x1 arc/a | head -n 1; hexdump -C arc/a > /dev/null
strings nums.gzip > /dev/null; echo "strings=$?"
echo "== text"
printf '3 c\n1 a\n2 b\n1 a\n' > t
sort -n t | uniq; sort -r -k2 t | head -n 1; sort -u -t ' ' -k1,1n t | wc -l; sort -c t 2>/dev/null; echo "sorted=$?"
cut -d ' ' -f2 t | tr -d '\n'; echo; paste t t | wc -l; nl t | tail -n 1; tac t | head -n 1; rev t | head -n 1
fold -w 2 t | wc -l; expand t > /dev/null; unexpand t > /dev/null; wc -lwc t; head -c 3 t; echo; tail -n 2 t | wc -l
awk '{ s += $1 } END { print s }' t; awk -F' ' 'NR==2 { printf "%s\n", toupper($2) }' t
sed -n '2p' t; sed -e 's/a/A/g' -e '/b/d' t | wc -l; cp t t2; sed -i 's/c/C/' t2; grep -c C t2
grep -n a t; grep -v a t | wc -l; grep -E '^[12]' t | wc -l; egrep 'b|c' t | wc -l; fgrep -x '1 a' t | wc -l; grep -r -l one arc
diff t t2 > t.diff; echo "diff=$?"; patch t < t.diff > /dev/null && cmp t t2 && echo patched
cmp t t2; echo "cmp=$?"; dos2unix t2 && unix2dos t2 && echo dos=ok
echo 'x y' | xargs -n 1 echo | wc -l; printf '%s %d %x\n' str 42 255; echo "3 4 * p" | dc; echo "2^10" | bc
expr length hello; expr 7 % 3; factor 60; seq -s , 5; shuf -i 1-5 | wc -l; yes y | head -n 3 | wc -l
getopt -o ab: -- -a -b x file; basename /a/b/c.txt .txt; dirname /a/b/c.txt; echo hi | tee teed > /dev/null; cat teed
echo "== files"
mkdir -p tree/a/b && touch tree/a/f1 tree/a/b/f2 && cp -r tree tree2 && cp -a tree tree3 && cp -p t tree/tp
mv tree2 tree4 && rm -rf tree4 tree3 && ln tree/tp tree/hard && ln -sf tp tree/soft && readlink -f tree/soft > /dev/null
realpath tree/a/../tp > /dev/null; ls -laR tree > /dev/null; ls -1 -i -s tree > /dev/null; ls -lt --full-time tree > /dev/null 2>&1
ls -d tree/*; ls nosuchfile 2>/dev/null; echo "ls=$?"
stat tree/tp > /dev/null; stat -f . > /dev/null; stat -L tree/soft > /dev/null; du -h tree > /dev/null; du -a tree | wc -l
find tree -type f -name 'f*' | sort; find tree -newer t -type d > /dev/null; find tree -name f1 -exec ls -l {} \; > /dev/null
find tree -maxdepth 1 -type l | wc -l; find tree -size -1k -print > /dev/null
chmod -R go-w tree && chmod 755 tree/a && chown -R "$(id -u):$(id -g)" tree && chgrp "$(id -g)" tree/tp
touch -d '2020-01-01 00:00' tree/tp && touch -r tree/tp tree/a/f1; truncate -s 4096 tree/big; fallocate -l 8192 tree/fa 2>/dev/null
dd if=tree/big of=tree/big2 bs=512 count=4 conv=notrunc 2>/dev/null; shred -n 1 -u tree/big2; sync
mkfifo fifo && (echo through > fifo &) && cat fifo; rm fifo; link tree/tp tree/lnk && unlink tree/lnk
mktemp -p . > /dev/null; mktemp -d -p . > /dev/null; rmdir tree/a/b 2>/dev/null; rm -r tree; echo "files=ok"
echo "== processes and system"
ps -o pid,comm > /dev/null; ps -A > /dev/null; top -b -n 1 > /dev/null; pidof sh > /dev/null; echo "pidof=$?"
free > /dev/null; uptime > /dev/null; nproc > /dev/null; uname -a > /dev/null; hostname > /dev/null; hostid > /dev/null
id; groups > /dev/null; whoami > /dev/null; logname > /dev/null 2>&1; tty > /dev/null; echo "tty=$?"
env -i A=1 sh -c 'echo $A'; env -u PATH true; printenv HOME > /dev/null 2>&1; which sh > /dev/null
timeout 5 sleep 0.1; echo "timeout=$?"; timeout 1 sleep 3; echo "timedout=$?"; time true 2> /dev/null; usleep 1000
nice -n 5 true 2>/dev/null; renice -n 1 -p $$ > /dev/null; ionice -p $$ > /dev/null 2>&1; taskset -p $$ > /dev/null 2>&1
setsid true 2>/dev/null; nohup true 2>/dev/null; sleep 10 & p=$!; kill -0 $p; kill -TERM $p; wait $p; echo "term=$?"
sleep 10 & p=$!; kill -HUP $p; wait $p; echo "hup=$?"
lsmod > /dev/null 2>&1; dmesg > /dev/null 2>&1; sysctl kernel.ostype > /dev/null 2>&1; df -h . > /dev/null; df -i > /dev/null 2>&1
date -d '2020-01-02 03:04' +%s; date -u -R > /dev/null; cal 1 2020 > /dev/null; mkpasswd -m sha512 secret salt1234 > /dev/null 2>&1
run-parts --test . > /dev/null 2>&1; ipcalc -n 192.168.1.7/24 2>/dev/null; echo "sys=ok"
echo "== network, on loopback"
# busybox's web server serving this directory, its clients fetching from
# it (a port from the shell's pid: concurrent runs rarely meet, and a
# failed fetch changes nothing else).
port=$(expr 20000 + $$ % 20000); printf 'GET /t HTTP/1.0\r\n\r\n' > req
httpd -f -p 127.0.0.1:$port -h . & h=$!; sleep 1
timeout 10 wget -q -O got http://127.0.0.1:$port/t; echo "wget=$?"; timeout 10 nc 127.0.0.1 $port < req > /dev/null; echo "nc=$?"
kill $h; wait $h; logger -t workload hello 2>/dev/null; echo "net=done"
echo "== shell"
f() { local v=$1; echo "f:$v"; return 4; }; f x; echo "ret=$?"
( cd /; pwd ); echo "sub=$(echo inner)" ; expr 6 \* 7; i=0; while [ $i -lt 3 ]; do i=$(expr $i + 1); done; echo "i=$i"
read line < t; echo "$line"; cat <<EOF2 | wc -l
one
two
EOF2
trap 'echo trapped' USR1; kill -USR1 $$; trap - USR1
case abc in a*) echo case=a;; *) echo case=other;; esac; set -- p q r; echo "$# $2"; [ -e t ] && test -f t && echo tests=ok
ulimit -n > /dev/null; umask 022; type ls > /dev/null; command -v cat > /dev/null; exec 3> fd3; echo fd >&3; exec 3>&-; cat fd3
sh -c 'exit 7'; echo "sh=$?"; ash -c 'echo ash'; echo 'echo piped' | sh -s
true
