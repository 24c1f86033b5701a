#!/usr/bin/env bash
# Measures the syscall receiver under a syscall storm (needs root).
#   [WORKERS=n] bench/run.sh [sweep rates] [slowdown ops]
#   WORKLOADS_ONLY=1 bench/run.sh       # only the workloads users run
#   WORKLOADS=tree,exec RUNS=3 BACKGROUND=5s bench/run.sh
#   RULES=a.yaml,b.yaml bench/run.sh    # other rules files (comma-separated)
# The workloads (a tree of 10,000 files, fork+exec, loopback connect,
# redis-benchmark against redis-server, a cold go build) are each measured
# without the collector, with it and with its kernel filters off; the redis
# one needs redis-server and redis-benchmark (apt-get install redis-server
# redis-tools) and is skipped, saying so, without them.
# Writes Markdown tables to stdout. Run it when `uptime` shows little load:
# the machine's cores are shared and the numbers are only as quiet as it is.
#
# PRIORITY=1 runs each measurement in its own scheduler autogroup at nice
# -20, so that on a machine shared with other work the storm and the receiver
# get the CPUs first (plain nice does not help across autogroups). Say so
# when reporting numbers taken that way.
#
# PIN=1 runs the storm on CPU 0 and the receiver on the last CPU, so that
# the slowdown shows the probe's in-kernel cost rather than the two
# competing for the same CPU (on a 2-CPU machine they otherwise do).
set -euo pipefail
cd "$(dirname "$0")/.."
RATES=${1:-50000,100000,150000,200000}
OPS=${2:-1000000}
PRIORITY=${PRIORITY:-0}
PIN=${PIN:-0}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/storm" ./bench/storm
go build -o "$bin/harness" ./bench/harness
cat > "$bin/prio" <<'PRIO'
#!/usr/bin/env bash
echo -20 > /proc/self/autogroup
exec nice -n -20 "$@"
PRIO
chmod +x "$bin/prio"
pin=()
if [ "$PIN" = 1 ]; then
	pin=(taskset -c "$(($(nproc) - 1))")
fi
run() {
	local extra=()
	if [ "$PIN" = 1 ]; then
		extra=(-storm-cpus 0)
	fi
	if [ "$PRIORITY" = 1 ]; then
		setsid -w "$bin/prio" "${pin[@]}" "$bin/harness" -storm "$bin/storm" "${extra[@]}" "$@"
	else
		"${pin[@]}" "$bin/harness" -storm "$bin/storm" "${extra[@]}" "$@"
	fi
}
echo "## $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, priority $PRIORITY, pinned $PIN, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
if [ "${WORKLOADS_ONLY:-0}" != 1 ]; then
echo "### Sustained rate (open/close storm; an op is an openat and a close)"
run sweep -rates "$RATES" -duration 10s -workers "${WORKERS:-1}"
echo
echo "### Connect storm (socket, connect, close per op)"
run sweep -mode connect -rates 5000,10000,20000 -duration 5s
echo
echo "### Workload slowdown, receiver on vs off (unpaced open/close loop)"
run slowdown -ops "$OPS" -runs 3
echo
fi
echo "### Workloads users run: without the collector, with it, with its kernel filters off"
rules=()
if [ -n "${RULES:-}" ]; then
	rules=(-rules "$RULES")
fi
run "${rules[@]}" -background "${BACKGROUND:-3s}" workloads -only "${WORKLOADS:-tree,exec,connect,redis,build}" -runs "${RUNS:-2}"
