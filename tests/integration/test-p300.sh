#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The P300 speller (catalogue C4) end to end on the emulated rig (issue 6): the good
# p300-decoder DUT passes its suite (decoder-c4-p300 at ISI 175 and 350 ms, and A14) for
# each seed given; with the sim's faults, C4 FAILs:
#   noise_uv=80          (the epochs drown: accuracy near chance)
#   miss_pct=60          (decisions lost: a selection without one is wrong)
#   event_latency_ms=300 (decisions after the 0.9 s span at ISI 175 ms)
# and the selection accuracy and ITR are recorded with their uncertainty.
# Each DUT runs in its own slot (in-process sim with --slot-fault).
# Usage: test-p300.sh BCIBENCH SRCROOT [SEEDS]
BIN=${1:?} SRC=${2:?} SEEDS=${3:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
export BCIBENCH_STATE_DIR=$tmp

# verdict SERIAL TEST: the verdict of TEST in the newest run of SERIAL
verdict() {
	id=$("$BIN" runs --db "$tmp/r.db" 2>/dev/null | grep " $1 " | head -1 | awk '{print $1}')
	"$BIN" show --db "$tmp/r.db" "$id" 2>/dev/null | awk -v t="$2" '$1 == "test" && $3 == t {print $4}'
}
run() {
	"$BIN" run --fixture "$SRC/fixtures/sim/p300-decoder.fixture.xml" \
		--dut-profile "$SRC/fixtures/duts/sim-p300-decoder.xml" --db "$tmp/r.db" "$@" \
		>>"$tmp/out" 2>>"$tmp/err"
}

for s in $SEEDS; do
	run --suite "$SRC/protocols/suites/p300-decoder.xml" --dut-serial "SIM-P300-$((1000 + s))" --seed "$s"
	rc=$?
	[ $rc -eq 0 ] && ok || ko "good DUT, seed $s: run exit $rc"
	for c in isi175 isi350; do
		[ "$(verdict "SIM-P300-$((1000 + s))" "decoder-c4-p300[$c]")" = PASS ] && ok ||
			ko "good DUT, seed $s: C4 $c not PASS"
	done
done

run --slots 3 --protocol "$SRC/protocols/decoder/decoder-c4-p300.xml" \
	--dut-serial SIM-P300-2001,SIM-P300-2002,SIM-P300-2003 --seed 5 \
	--slot-fault 1:noise_uv=80 --slot-fault 2:miss_pct=60 --slot-fault 3:event_latency_ms=300
for f in 2001:noise_uv=80 2002:miss_pct=60 2003:event_latency_ms=300; do
	sn=SIM-P300-${f%%:*}
	[ "$(verdict "$sn" 'decoder-c4-p300[isi175]')" = FAIL ] && ok ||
		ko "${f#*:}: C4 isi175 must FAIL, got '$(verdict "$sn" 'decoder-c4-p300[isi175]')'"
done

# accuracy (%) and ITR (bit/min) are recorded with a non-zero uncertainty
id=$("$BIN" runs --db "$tmp/r.db" 2>/dev/null | grep " SIM-P300-" | tail -1 | awk '{print $1}')
"$BIN" show --db "$tmp/r.db" "$id" >"$tmp/show" 2>&1
grep -q "accuracy" "$tmp/show" && grep -q "itr" "$tmp/show" && ok ||
	{ ko "show lists accuracy and itr"; head -20 "$tmp/show"; }

[ $fail -eq 0 ] || { tail -20 "$tmp/out"; tail -5 "$tmp/err"; }
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
