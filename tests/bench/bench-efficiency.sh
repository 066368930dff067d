#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real-time efficiency (issue 10): the EEG-amplifier production suite on the emulated rig in
# realtime pace (fixtures/sim/eeg-amp-cert.fixture.xml); wall time of the suite / sum of its stimulus durations (target <= 1.05), as
# `bcibench run` prints and records it. Reference in the same run: the same suite in fast
# pace, whose ratio is the bench's own compute per second of stimulus. Prints figures only.
# Usage: bench-efficiency.sh BCIBENCH SRCROOT
BIN=${1:?} SRC=${2:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export BCIBENCH_STATE_DIR=$tmp
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for pace in fast realtime; do
	"$BIN" run --fixture "$SRC/fixtures/sim/eeg-amp-cert.fixture.xml" \
		--suite "$SRC/protocols/suites/eeg-amp-production.xml" \
		--dut-profile "$SRC/fixtures/duts/sim-eeg-amp.xml" --dut-serial SIM-EEG-0001 \
		--seed 1 --pace $pace --db "$tmp/r.db" >"$tmp/out" 2>/dev/null
	echo "$pace: $(grep '^real-time efficiency' "$tmp/out" || echo 'no efficiency line')"
	echo "    run: $(grep '^run ' "$tmp/out" | sed 's/; database.*//')"
done
