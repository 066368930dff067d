#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `bcibench run` on the emulated rig: exit codes 0 / 64, verdict lines, the record.
# Usage: test-run-cli.sh BCIBENCH SRCROOT
BIN=${1:?} SRC=${2:?}
tmp=$(mktemp -d)
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; sed 's/^/    /' "$tmp/out" "$tmp/err"; }
FX=$SRC/fixtures/sim/eeg-amp.fixture.xml
PROF=$SRC/fixtures/duts/sim-eeg-amp.xml
SUITE=$SRC/tests/data/run/eeg-small.xml
export BCIBENCH_STATE_DIR=$tmp

"$BIN" run --fixture "$FX" --suite "$SUITE" --dut-serial SIM-EEG-0001 --dut-profile "$PROF" \
	--seed 1 --db "$tmp/r.db" --operator tester >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || ko "good DUT: exit $rc, wanted 0"
[ "$(grep -c '^PASS ' "$tmp/out")" -eq 5 ] && ok || ko "five PASS verdict lines"
grep -q '^trial 5/5 ' "$tmp/err" && ok || ko "plain progress lines when stderr is not a TTY"
"$BIN" runs --db "$tmp/r.db" >"$tmp/out" 2>"$tmp/err" && grep -q SIM-EEG-0001 "$tmp/out" && ok ||
	ko "the run is in the record"
# Per trial one BDF+ capture and one lossless capture record (rescore), both hashed, and the
# plot data of each test (src/engine/plots.c).
"$BIN" verify --db "$tmp/r.db" >"$tmp/out" 2>"$tmp/err" &&
	n=$(sed -n 's/.* \([0-9][0-9]*\) artifacts verified.*/\1/p' "$tmp/out") &&
	[ "$(find "$tmp" -name '*.bdf' | wc -l)" -eq 5 ] && [ "${n:-0}" -gt 10 ] &&
	ok || ko "one capture file (BDF+) and one capture record per trial plus plot data, hashed"

# The loopback calibration stored by `calibrate --db` is in force for the next run on that
# record: the run links it (run_calibration) and the dossier lists it with its due date.
"$BIN" calibrate --fixture "$FX" --db "$tmp/c.db" --seconds 1 >"$tmp/out" 2>"$tmp/err" &&
	"$BIN" run --fixture "$FX" --suite "$SUITE" --dut-serial SIM-EEG-0001 --dut-profile "$PROF" \
		--seed 1 --db "$tmp/c.db" >"$tmp/out" 2>"$tmp/err" &&
	grep -q "calibration in force for stim0" "$tmp/err" &&
	[ "$(sqlite3 "$tmp/c.db" "SELECT count(*) FROM run_calibration rc JOIN calibration c
		ON c.id = rc.calibration_id WHERE c.method = 'loopback'")" -eq 1 ] &&
	"$BIN" report --db "$tmp/c.db" --run 1 --xml "$tmp/c.xml" >"$tmp/out" 2>"$tmp/err" &&
	grep -q 'calibrationStatus="valid" calibrationCertificate="loopback"' "$tmp/c.xml" &&
	ok || ko "stored calibration linked to the run and listed in the dossier"
# Without a record in force, nothing is linked.
[ "$(sqlite3 "$tmp/r.db" "SELECT count(*) FROM run_calibration")" -eq 0 ] && ok ||
	ko "no calibration record, no link"

"$BIN" run --fixture "$FX" --suite "$SUITE" --dut-serial BAD-1 --dut-profile "$PROF" \
	--db "$tmp/r.db" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 64 ] && grep -q "does not match the serial format" "$tmp/err" && ok ||
	ko "serial not matching the profile: exit $rc, wanted 64"

"$BIN" run --fixture "$FX" --protocol "$SRC/tests/data/protocol/proto/bad-unit-mismatch.xml" \
	--dut-serial SIM-EEG-0001 --db "$tmp/r.db" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 64 ] && grep -q "bad-unit-mismatch.xml:20: unit mismatch" "$tmp/err" && ok ||
	ko "bad protocol: exit $rc, wanted 64 with FILE:LINE"

"$BIN" run --fixture "$FX" --dut-serial SIM-EEG-0001 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 64 ] && ok || ko "no --suite/--protocol is a usage error"

# A1 alone with the noise claim needs the DUT profile: without it, 64 naming the claim.
"$BIN" run --fixture "$FX" --protocol "$SRC/protocols/eeg/eeg-a1-input-noise.xml" \
	--dut-serial SIM-EEG-0001 --db "$tmp/r.db" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 64 ] && grep -q "needs DUT claim 'noise-rms'" "$tmp/err" && ok ||
	ko "missing profile for a DUT claim: exit $rc, wanted 64"

# Crash and resume: SIGKILL the runner after its second trial is recorded (read from its
# progress lines, no sleeping), then --resume continues from the record with the same seed.
mkfifo "$tmp/progress"
"$BIN" run --fixture "$FX" --suite "$SUITE" --dut-serial SIM-EEG-0001 --dut-profile "$PROF" \
	--seed 5 --db "$tmp/k.db" >"$tmp/out" 2>"$tmp/progress" &
pid=$!
while IFS= read -r line; do
	case $line in "trial 2/"*) kill -9 $pid; break ;; esac
done <"$tmp/progress"
wait $pid 2>/dev/null
run=$("$BIN" runs --db "$tmp/k.db" 2>/dev/null | awk 'NR > 1 && $0 ~ /SIM-EEG-0001/ { print $1; exit }')
"$BIN" run --fixture "$FX" --suite "$SUITE" --dut-serial SIM-EEG-0001 --dut-profile "$PROF" \
	--db "$tmp/k.db" --resume "$run" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -q "seed 5" "$tmp/out" && grep -Eq "[2-4] taken from the record" "$tmp/out" &&
	ok || ko "resume after SIGKILL (run '$run'): exit $rc"

rm -rf "$tmp"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
