#!/usr/bin/env bash
# Measures the syscall receiver under a syscall storm (needs root).
#   bench/run.sh [sweep rates] [slowdown ops]
# Writes Markdown tables to stdout. Run it when `uptime` shows little load:
# the machine's cores are shared and the numbers are only as quiet as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
RATES=${1:-50000,100000,150000,200000,250000}
OPS=${2:-2000000}
# NICE=-20 gives the storm and the receiver priority over other work on a
# shared machine (the numbers then approach an idle machine's)
NICE=${NICE:-0}
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/storm" ./bench/storm
go build -o "$bin/harness" ./bench/harness
echo "## $(date -u +%FT%TZ) $(uname -r), $(nproc) CPUs, nice $NICE, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "### Sustained rate (open/close storm; an op is an openat and a close)"
nice -n "$NICE" "$bin/harness" -storm "$bin/storm" sweep -rates "$RATES" -duration 10s
echo
echo "### Connect storm (socket, connect, close per op)"
nice -n "$NICE" "$bin/harness" -storm "$bin/storm" sweep -mode connect -rates 10000,20000,40000 -duration 5s
echo
echo "### Workload slowdown, receiver on vs off"
nice -n "$NICE" "$bin/harness" -storm "$bin/storm" slowdown -ops "$OPS" -runs 3
