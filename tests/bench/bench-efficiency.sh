#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real-time efficiency (issue 10): the EEG-amplifier production suite on the emulated
# certification rig (fixtures/sim/eeg-amp-cert.fixture.xml) in realtime pace: wall time of the
# suite / sum of its stimulus durations (target <= 1.05), exactly as `bcibench run` prints and
# records it, with its breakdown (where the wall time went: steps, stream open, prefill, buffer
# start, stimulus, capture tail, stop, scoring, files, plots, store). Reference in the same run:
# the same suite in fast pace, whose ratio is the bench's own compute per second of stimulus.
# The machine's load average is printed before and after each run: realtime figures are only
# meaningful on an idle machine. Prints figures only (never asserts on time).
# Usage: bench-efficiency.sh BCIBENCH SRCROOT [REALTIME_RUNS (default 1)]
BIN=${1:?} SRC=${2:?} RUNS=${3:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export BCIBENCH_STATE_DIR=$tmp
load() { cut -d' ' -f1 /proc/loadavg; }
run() { # run PACE N: one suite run, prints its figures
	l0=$(load)
	"$BIN" run --fixture "$SRC/fixtures/sim/eeg-amp-cert.fixture.xml" \
		--suite "$SRC/protocols/suites/eeg-amp-production.xml" \
		--dut-profile "$SRC/fixtures/duts/sim-eeg-amp.xml" --dut-serial SIM-EEG-0001 \
		--seed 1 --pace "$1" --db "$tmp/r.db" >"$tmp/out" 2>/dev/null
	echo "$1 run $2 (load $l0 -> $(load)):" \
		"$(grep '^real-time efficiency' "$tmp/out" || echo 'no efficiency line')"
	echo "    $(grep '^run ' "$tmp/out" | sed 's/; database.*//')"
	grep -q '^real-time efficiency' "$tmp/out" && [ "$1" = realtime ] &&
		sed -n '/^where the wall time went/,/^  rest /p' "$tmp/out" | sed 's/^/    /'
	grep '^real-time efficiency' "$tmp/out" | sed -n "s/^real-time efficiency \([0-9.]*\) .*/$1 \1/p" \
		>>"$tmp/ratios"
}
echo "EEG-amplifier production suite, emulated certification rig; $(nproc) cores," \
	"load $(cut -d' ' -f1-3 /proc/loadavg)"
run fast 1
i=1
while [ "$i" -le "$RUNS" ]; do
	run realtime "$i"
	i=$((i + 1))
done
echo "summary: fast $(sed -n 's/^fast //p' "$tmp/ratios" | tr '\n' ' ')| realtime" \
	"$(sed -n 's/^realtime //p' "$tmp/ratios" | tr '\n' ' ')(target <= 1.05)"
