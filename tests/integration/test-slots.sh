#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Parallel DUT slots (issue 10): 4 slots on 4 emulated rigs into one database, slot 2's DUT
# crashes mid-run; the other three complete and pass, slot 2 is ERROR, the run exits 2,
# and every slot's run is in the record with its own serial.
# Usage: test-slots.sh BCIBENCH SRCROOT
BIN=${1:?} SRC=${2:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
export BCIBENCH_STATE_DIR=$tmp

"$BIN" run --slots 4 --fixture "$SRC/fixtures/sim/eeg-amp.fixture.xml" \
	--suite "$SRC/tests/data/run/eeg-small.xml" --dut-profile "$SRC/fixtures/duts/sim-eeg-amp.xml" \
	--dut-serial SIM-EEG-0101,SIM-EEG-0102,SIM-EEG-0103,SIM-EEG-0104 \
	--slot-fault 2:crash_after_s=0.5 --db "$tmp/r.db" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && ok || ko "exit $rc, wanted 2 (one slot ERROR)"
for s in 1 3 4; do
	grep -q "^$s .*SIM-EEG-010$s .*PASS" "$tmp/out" && ok || ko "slot $s passes"
done
grep -q "^2 .*SIM-EEG-0102 .*ERROR .*crash_after_s" "$tmp/out" && ok || ko "slot 2 is ERROR"
n=$("$BIN" runs --db "$tmp/r.db" 2>/dev/null | grep -c 'SIM-EEG-010[1-4]')
[ "$n" -eq 4 ] && ok || ko "4 runs in the record, found $n"
"$BIN" verify --db "$tmp/r.db" >/dev/null 2>&1 && ok || ko "audit chain after 4 concurrent writers"
[ $fail -eq 0 ] || { tail -8 "$tmp/out"; tail -5 "$tmp/err"; }
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
