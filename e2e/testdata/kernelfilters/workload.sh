#!/bin/sh
# The workload of e2e TestKernelFiltersChangeNoAlert (kernelfilters_test.go): actions the
# upstream and default rules alert on, among many more they do not. It
# runs in its own session; $1 is a scratch directory, $2 the name of the
# file whose failed read ends it.
set -u
dir=$1
end=$2
here=$(dirname "$0")

# opens over a tree of files, read and written, with some failing
mkdir -p "$dir/tree"
i=0
while [ $i -lt 300 ]; do
	echo $i > "$dir/tree/f$i"
	cat "$dir/tree/f$i" /etc/hostname /etc/os-release > /dev/null
	cat "$dir/tree/missing$i" 2> /dev/null
	i=$((i + 1))
done
find /etc -maxdepth 1 -name '*.conf' -exec head -c 1 {} + > /dev/null 2>&1
ls -la /usr/bin > /dev/null

# sensitive reads, directly and through a traversal
cat /etc/shadow > /dev/null
head -c 16 /etc/sudoers > /dev/null 2>&1
cat /etc/../etc/shadow > /dev/null
cd /etc && cat ./shadow > /dev/null && cd - > /dev/null

# a write below a binary directory and a shell history truncated
: > /usr/local/bin/vigil-diff-planted
rm -f /usr/local/bin/vigil-diff-planted
: > "$dir/.bash_history"

# opens the rules judge by process name: tar reading files, and a
# program named sshd reading a library of a backdoored liblzma's name
tar -cf /dev/null -C "$dir/tree" f1 f2 2> /dev/null
mkdir -p "$dir/lib"
: > "$dir/lib/liblzma.so.5.6.1"
cp /bin/cat "$dir/lib/sshd"
"$dir/lib/sshd" "$dir/lib/liblzma.so.5.6.1" /etc/hostname > /dev/null
rm -f "$dir/lib/sshd"

# exec from /dev/shm
cp /bin/true /dev/shm/vigil-diff-true
/dev/shm/vigil-diff-true
rm -f /dev/shm/vigil-diff-true

# namespace changes
unshare -m true
unshare -U true

# ptrace, fileless exec, connects and datagrams
python3 "$here/workload.py"

# the end: the last alert of the run
cat /etc/shadow "$end" > /dev/null 2>&1
exit 0
