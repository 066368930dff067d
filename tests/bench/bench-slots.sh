#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# QA-line throughput (issue 10): units per hour for the EEG-amplifier production suite on 1
# and 4 slots (fixtures/sim/eeg-amp-4slots.fixture.xml, one emulated rig per slot), in fast
# and realtime pace, with the real-time efficiency of every realtime slot. References
# measured in the same run: for fast pace, 4 x the 1-slot figure (perfect scaling); for
# realtime, the physics limit K x 3600 / stimulus seconds of the suite. Prints figures only.
# Usage: bench-slots.sh BCIBENCH SRCROOT [fast|realtime|both]
BIN=${1:?} SRC=${2:?} MODE=${3:-both}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export BCIBENCH_STATE_DIR=$tmp
FX=$SRC/fixtures/sim/eeg-amp-4slots.fixture.xml
SUITE=$SRC/protocols/suites/eeg-amp-production.xml
PROF=$SRC/fixtures/duts/sim-eeg-amp.xml

# one_run K PACE: prints "UPH WALL load A->B rc=.. verdicts: .." and leaves the run's
# efficiency events in $tmp/K-PACE.db
one_run() {
	db=$tmp/$1-$2.db
	l0=$(cut -d' ' -f1 /proc/loadavg)
	"$BIN" run --slots "$1" --fixture "$FX" --suite "$SUITE" --dut-profile "$PROF" --seed 1 \
		--pace "$2" --db "$db" >"$tmp/out" 2>/dev/null
	rc=$?
	line=$(grep -E '^[0-9]+ slots in ' "$tmp/out")
	wall=$(echo "$line" | sed -n 's/.* in \([0-9.]*\) s .*/\1/p')
	uph=$(echo "$line" | sed -n 's/.*(\([0-9]*\) units\/hour).*/\1/p')
	verdicts=$(awk '$1 ~ /^[0-9]+$/ && $2 != "slots" {printf "%s ", $4}' "$tmp/out")
	echo "${uph:-0} ${wall:-0} load $l0->$(cut -d' ' -f1 /proc/loadavg), rc=$rc verdicts: $verdicts"
}
stim_s() { # stimulus seconds of one completed suite run, from its efficiency events
	sqlite3 "$1" "select message from event where kind='efficiency'" 2>/dev/null |
		sed -n 's/.*stimulus \([0-9.]*\) s.*/\1/p' | sort -n | tail -1
}
eff_list() {
	sqlite3 "$1" "select message from event where kind='efficiency'" 2>/dev/null |
		sed -n 's/^real-time efficiency \([0-9.]*\) .*/\1/p' | tr '\n' ' '
}

echo "EEG-amplifier production suite ($SUITE), one emulated rig per slot, $(nproc) cores," \
	"load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$MODE" != realtime ]; then
	set -- $(one_run 1 fast); u1=$1 w1=$2; shift 2; i1=$*
	set -- $(one_run 4 fast); u4=$1 w4=$2; shift 2; i4=$*
	echo "fast pace,     1 slot : $u1 units/hour (wall $w1 s; $i1)"
	echo "fast pace,     4 slots: $u4 units/hour (wall $w4 s; $i4);" \
		"reference 4 x 1 slot = $((u1 * 4)) units/hour"
fi
f1="$u1 units/hour (wall $w1 s, ${i1%%, rc=*})" f4="$u4 units/hour (wall $w4 s, ${i4%%, rc=*})"
if [ "$MODE" != fast ]; then
	set -- $(one_run 1 realtime); u1=$1 w1=$2; shift 2; i1=$*
	s1=$(stim_s "$tmp/1-realtime.db")
	e1=$(eff_list "$tmp/1-realtime.db")
	set -- $(one_run 4 realtime); u4=$1 w4=$2; shift 2; i4=$*
	e4=$(eff_list "$tmp/4-realtime.db")
	lim1=$(awk -v s="${s1:-0}" 'BEGIN { if (s > 0) printf "%.0f", 3600 / s; else print "?" }')
	lim4=$(awk -v s="${s1:-0}" 'BEGIN { if (s > 0) printf "%.0f", 4 * 3600 / s; else print "?" }')
	echo "realtime pace, 1 slot : $u1 units/hour (wall $w1 s; $i1); physics limit $lim1" \
		"units/hour (stimulus ${s1:-?} s per unit)"
	echo "realtime pace, 4 slots: $u4 units/hour (wall $w4 s; $i4); physics limit $lim4" \
		"units/hour"
	echo "real-time efficiency (wall / stimulus, target <= 1.05): 1 slot $e1; 4 slots $e4"
	r1="$u1 units/hour (wall $w1 s, ${i1%%, rc=*}, efficiency $e1)"
	r4="$u4 units/hour (wall $w4 s, ${i4%%, rc=*}, efficiency $e4)"
fi
if [ "$MODE" = both ]; then
	echo "side by side (units/hour):"
	echo "  1 slot : fast $f1 | realtime $r1"
	echo "  4 slots: fast $f4 | realtime $r4"
fi
