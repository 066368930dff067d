#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Wall time of `bcibench demo` (issue 10: under 3 minutes on 2 cores), with each DUT model's
# run time from the demo's own table, next to the budget. Prints figures only.
# Usage: bench-demo.sh BCIBENCH
BIN=${1:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s.%N)
"$BIN" demo --out "$tmp/demo" >"$tmp/out" 2>"$tmp/err"
rc=$?
t1=$(date +%s.%N)
sed -n '/^DUT model/,/^$/p' "$tmp/out" | grep -v '^ *$' | grep -v '^  *[./]'
awk -v a="$t0" -v b="$t1" -v rc="$rc" 'BEGIN { printf "demo wall time %.1f s (exit %d); budget 180 s\n", b - a, rc }'
grep 'overall:' "$tmp/out"
