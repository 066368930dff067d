#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Event and decoder protocols catch the sim's event faults (issue 6): on the emulated rigs
# the good DUT passes, and each fault makes the intended protocol FAIL:
#   ssvep-decoder  event_latency_ms=60  -> decoder-a14-decision-latency (claim 50 ms)
#   ssvep-decoder  false_rate_hz=20     -> decoder-c3-ssvep (spurious decisions)
#   mi-decoder     miss_pct=60          -> decoder-c1-motor-imagery (missing decisions)
#   neural-recorder event_latency_ms=150 -> neural-a14-detection-latency (100 ms)
# Each rig runs in its own slot (in-process sim with --slot-fault).
# Usage: test-event-faults.sh BCIBENCH SRCROOT
BIN=${1:?} SRC=${2:?}
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
# slots MODEL SUITE_OR_PROTOCOL_OPTION SERIALS FAULTS...
slots() {
	model=$1 what=$2 file=$3 serials=$4
	shift 4
	"$BIN" run --slots $(echo "$serials" | tr ',' '\n' | wc -l) \
		--fixture "$SRC/fixtures/sim/$model.fixture.xml" $what "$SRC/$file" \
		--dut-profile "$SRC/fixtures/duts/sim-$model.xml" --dut-serial "$serials" \
		"$@" --seed 5 --db "$tmp/r.db" >>"$tmp/out" 2>>"$tmp/err"
}

slots ssvep-decoder --suite protocols/suites/ssvep-decoder.xml \
	SIM-SSVEP-0001,SIM-SSVEP-0002,SIM-SSVEP-0003 \
	--slot-fault 2:event_latency_ms=60 --slot-fault 3:false_rate_hz=20
[ "$(verdict SIM-SSVEP-0001 'decoder-c3-ssvep[w1s]')" = PASS ] && ok || ko "good SSVEP DUT: C3"
[ "$(verdict SIM-SSVEP-0001 decoder-a14-decision-latency)" = PASS ] && ok ||
	ko "good SSVEP DUT: A14"
[ "$(verdict SIM-SSVEP-0002 decoder-a14-decision-latency)" = FAIL ] && ok ||
	ko "event_latency_ms=60: A14 must FAIL"
[ "$(verdict SIM-SSVEP-0003 'decoder-c3-ssvep[w1s]')" = FAIL ] && ok ||
	ko "false_rate_hz=20: C3 must FAIL"

slots mi-decoder --protocol protocols/decoder/decoder-c1-motor-imagery.xml \
	SIM-MI-0001,SIM-MI-0002 --slot-fault 2:miss_pct=60
[ "$(verdict SIM-MI-0001 decoder-c1-motor-imagery)" = PASS ] && ok || ko "good MI DUT: C1"
[ "$(verdict SIM-MI-0002 decoder-c1-motor-imagery)" = FAIL ] && ok ||
	ko "miss_pct=60: C1 must FAIL"

slots neural-recorder --protocol protocols/neural/neural-a14-detection-latency.xml \
	SIM-NR-0001,SIM-NR-0002 --slot-fault 2:event_latency_ms=150
[ "$(verdict SIM-NR-0001 neural-a14-detection-latency)" = PASS ] && ok || ko "good recorder: A14"
[ "$(verdict SIM-NR-0002 neural-a14-detection-latency)" != PASS ] && ok ||
	ko "event_latency_ms=150: A14 must not PASS"

[ $fail -eq 0 ] || { tail -20 "$tmp/out"; tail -5 "$tmp/err"; }
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
