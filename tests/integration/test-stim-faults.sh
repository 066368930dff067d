#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Closed-loop stimulation protocols against the emulated DUT (issue 6): with no fault the
# protocol PASSes (exit 0); with a seeded sim fault it FAILs (exit 1) and the named
# measurement is the failing one. The fault goes into a copy of the rig file (<fault>),
# run in-process through a copy of the fixture whose context names that rig file.
# Usage: test-stim-faults.sh BCIBENCH SRCROOT PROTOCOL MEASUREMENT [FAULT=VALUE [MODEL]]
# (MODEL: the emulated DUT, default closed-loop-stim; its fixture and DUT profile are used.)
BIN=${1:?} SRC=${2:?} PROTO=${3:?} WHAT=${4:?} FAULT=${5:-} MODEL=${6:-closed-loop-stim}
case $MODEL in
eeg-amp) SERIAL=SIM-EEG-0001 ;;
ssvep-decoder) SERIAL=SIM-SSVEP-0001 ;;
mi-decoder) SERIAL=SIM-MI-0001 ;;
p300-decoder) SERIAL=SIM-P300-0001 ;;
*) SERIAL=SIM-CLS-0001 ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rig=$tmp/$MODEL.rig.xml
if [ -n "$FAULT" ]; then
	sed "s|</sim-rig>|  <fault name=\"${FAULT%%=*}\" value=\"${FAULT#*=}\"/>\n</sim-rig>|" \
		"$SRC/fixtures/sim/$MODEL.rig.xml" >"$rig"
else
	cp "$SRC/fixtures/sim/$MODEL.rig.xml" "$rig"
fi
sed "s|uri=\"sim:$MODEL\"|uri=\"sim:$rig\"|" \
	"$SRC/fixtures/sim/$MODEL.fixture.xml" >"$tmp/fixture.xml"
grep -q "sim:$rig" "$tmp/fixture.xml" || { echo "FAIL: fixture context not rewritten"; exit 1; }

"$BIN" run --fixture "$tmp/fixture.xml" --protocol "$SRC/protocols/$PROTO" \
	--dut-profile "$SRC/fixtures/duts/sim-$MODEL.xml" --dut-serial "$SERIAL" \
	--db "$tmp/run.db" --seed 7 >"$tmp/out" 2>"$tmp/err"
rc=$?
"$BIN" show --db "$tmp/run.db" 1 >"$tmp/show" 2>&1
echo "fault '${FAULT:-none}' on $PROTO: exit $rc"
grep -E "^ +([0-9]+|pool)/[0-9]+ +$WHAT " "$tmp/show"
if [ -z "$FAULT" ]; then
	[ $rc -eq 0 ] || { echo "FAIL: good DUT exit $rc, wanted 0"; tail -20 "$tmp/show"; exit 1; }
	grep -qE "^ +([0-9]+|pool)/[0-9]+ +$WHAT .* PASS *$" "$tmp/show" ||
		{ echo "FAIL: '$WHAT' not measured as PASS"; exit 1; }
else
	[ $rc -eq 1 ] || { echo "FAIL: exit $rc, wanted 1 (FAIL)"; tail -20 "$tmp/show"; exit 1; }
	grep -qE "^ +([0-9]+|pool)/[0-9]+ +$WHAT .* FAIL *$" "$tmp/show" ||
		{ echo "FAIL: '$WHAT' is not the failing measurement"; tail -20 "$tmp/show"; exit 1; }
fi
echo "ok"
