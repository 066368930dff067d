#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `bcibench rescore` on a run of the emulated rig: the re-scored run has every measurement
# bit-identical to the original (same metric code) and the same verdicts, is linked to it
# (run.rescored_from, rescore_input) and passes `verify`; a changed byte in a trial's
# capture record, or in a BDF+ capture, refuses the rescore (exit 2) naming the file and
# writes nothing; a missing record file likewise. The limits files and DUT profile are
# recorded with the run, so a rescore without --limits-dir / --dut-profile gives the same
# measurements, the options still override them, and a changed recorded file is refused.
# Usage: test-rescore.sh BCIBENCH SRCROOT
BIN=${1:?} SRC=${2:?}
tmp=$(mktemp -d /tmp/test-rescore.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; sed 's/^/    /' "$tmp/out" "$tmp/err" | head -30; }
q() { sqlite3 "$1" "$2"; }
FX=$SRC/fixtures/sim/eeg-amp.fixture.xml
PROF=$SRC/fixtures/duts/sim-eeg-amp.xml
SUITE=$SRC/tests/data/run/eeg-small.xml
export BCIBENCH_STATE_DIR=$tmp
db=$tmp/r.db

"$BIN" run --fixture "$FX" --suite "$SUITE" --dut-serial SIM-EEG-0001 --dut-profile "$PROF" \
	--seed 1 --db "$db" --operator tester >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ] && ok || ko "run: exit $rc"
n_rec=$(q "$db" "SELECT count(*) FROM artifact WHERE kind = 'capture-record'")
n_tr=$(q "$db" "SELECT count(*) FROM trial")
[ "$n_rec" -eq "$n_tr" ] && [ "$n_tr" -ge 5 ] && ok ||
	ko "every trial has a capture record ($n_rec records, $n_tr trials)"
mkdir "$tmp/clean" && cp "$db" "$tmp/clean/r.db" && cp -r "$db.d" "$tmp/clean/r.db.d" || ko "copy"

"$BIN" rescore --db "$db" 1 --dut-profile "$PROF" --json >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || ko "rescore: exit $rc, wanted 0 (no change)"
/usr/bin/python3 - "$tmp/out" <<'PYEOF' && ok || ko "rescore --json content"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
assert d["rescored_from"] == 1 and d["run"]["id"] == 2, d
assert s["verdict_flips"] == 0 and s["shifts"] == 0, s
assert s["only_a"] == 0 and s["only_b"] == 0 and s["unchanged"] > 0, s
assert d["trials"] >= 5 and d["measurements"] > 0, d
PYEOF
# Bit-identical: every column of every measurement, matched by test, trial, attempt, seq.
same=$(q "$db" "SELECT count(*) FROM measurement a JOIN trial ta ON ta.id = a.trial_id
	JOIN test sa ON sa.id = ta.test_id JOIN measurement b JOIN trial tb ON tb.id = b.trial_id
	JOIN test sb ON sb.id = tb.test_id WHERE sa.run_id = 1 AND sb.run_id = 2
	AND sa.seq = sb.seq AND ta.seq = tb.seq AND ta.attempt = tb.attempt AND a.seq = b.seq
	AND a.name = b.name AND a.value IS b.value AND a.u IS b.u AND a.u_expanded IS b.u_expanded
	AND a.k IS b.k AND a.limit_low IS b.limit_low AND a.limit_high IS b.limit_high
	AND a.verdict = b.verdict AND a.unit = b.unit")
n1=$(q "$db" "SELECT count(*) FROM measurement m JOIN trial t ON t.id = m.trial_id
	JOIN test s ON s.id = t.test_id WHERE s.run_id = 1")
n2=$(q "$db" "SELECT count(*) FROM measurement m JOIN trial t ON t.id = m.trial_id
	JOIN test s ON s.id = t.test_id WHERE s.run_id = 2")
[ "$n1" -gt 0 ] && [ "$same" -eq "$n1" ] && [ "$n2" -eq "$n1" ] && ok ||
	ko "measurements identical within 0 ($same of $n1 match, $n2 in the new run)"
tv=$(q "$db" "SELECT count(*) FROM test a JOIN test b ON a.seq = b.seq WHERE a.run_id = 1
	AND b.run_id = 2 AND a.verdict = b.verdict")
nt=$(q "$db" "SELECT count(*) FROM test WHERE run_id = 1")
[ "$tv" -eq "$nt" ] && ok || ko "test verdicts match ($tv of $nt)"
[ "$(q "$db" "SELECT a.status = b.status AND b.rescored_from = 1 AND a.run_type = b.run_type
	AND a.seed = b.seed AND a.dut_id IS b.dut_id FROM run a, run b
	WHERE a.id = 1 AND b.id = 2")" = 1 ] &&
	ok || ko "the new run is linked and has the same status, type, seed and DUT"
n_in=$(q "$db" "SELECT count(*) FROM rescore_input")
n_art=$(q "$db" "SELECT count(*) FROM artifact WHERE run_id = 1 AND trial_id IS NOT NULL")
[ "$n_in" -eq "$n_art" ] && ok || ko "rescore_input lists every source artifact ($n_in of $n_art)"
"$BIN" verify --db "$db" >"$tmp/out" 2>"$tmp/err" && ok || ko "verify after rescore"
"$BIN" show --db "$db" 2 --json >"$tmp/out" 2>"$tmp/err" &&
	/usr/bin/python3 -c 'import json,sys
assert json.load(open(sys.argv[1]))["run"]["rescored_from"] == 1' "$tmp/out" && ok ||
	ko "show names the run it was re-scored from"

# A changed byte in a capture record: refused, file named, nothing written.
t1=$tmp/t1
mkdir "$t1" && cp "$tmp/clean/r.db" "$t1/r.db" && cp -r "$tmp/clean/r.db.d" "$t1/r.db.d"
rec=$(find "$t1/r.db.d" -name '*.bcap' | sort | sed -n 2p)
/usr/bin/python3 - "$rec" <<'PYEOF' || ko "flip a byte"
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[len(b) // 2] ^= 0x01
open(p, 'wb').write(b)
PYEOF
"$BIN" rescore --db "$t1/r.db" 1 --dut-profile "$PROF" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && ok || ko "tampered record: exit $rc, wanted 2"
grep -qF "$(basename "$rec")" "$tmp/err" && grep -q "SHA-256" "$tmp/err" && ok ||
	ko "the error names the tampered file $(basename "$rec")"
[ "$(q "$t1/r.db" "SELECT count(*) FROM run")" -eq 1 ] && ok || ko "a refused rescore wrote a run"

# A changed byte in a BDF+ capture is refused too.
t2=$tmp/t2
mkdir "$t2" && cp "$tmp/clean/r.db" "$t2/r.db" && cp -r "$tmp/clean/r.db.d" "$t2/r.db.d"
bdf=$(find "$t2/r.db.d" -name '*.bdf' | sort | sed -n 1p)
printf 'X' | dd of="$bdf" bs=1 seek=300 conv=notrunc 2>/dev/null
"$BIN" rescore --db "$t2/r.db" 1 --dut-profile "$PROF" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -qF "$(basename "$bdf")" "$tmp/err" && ok ||
	ko "tampered BDF+: exit $rc, wanted 2 naming $(basename "$bdf")"

# A missing record file.
t3=$tmp/t3
mkdir "$t3" && cp "$tmp/clean/r.db" "$t3/r.db" && cp -r "$tmp/clean/r.db.d" "$t3/r.db.d"
rec=$(find "$t3/r.db.d" -name '*.bcap' | sort | sed -n 1p)
rm -f "$rec"
"$BIN" rescore --db "$t3/r.db" 1 --dut-profile "$PROF" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -qF "$(basename "$rec")" "$tmp/err" && ok ||
	ko "missing record: exit $rc, wanted 2 naming $(basename "$rec")"

# The limits files and the DUT profile are recorded with the run (run-level artifacts,
# byte for byte), so a rescore needs neither option; the options still override them.
t4=$tmp/t4
mkdir "$t4" && cp "$tmp/clean/r.db" "$t4/r.db" && cp -r "$tmp/clean/r.db.d" "$t4/r.db.d"
prof_sha=$(sha256sum "$PROF" | cut -d' ' -f1)
[ "$(q "$t4/r.db" "SELECT count(*) FROM artifact WHERE run_id = 1 AND trial_id IS NULL
	AND kind = 'dut-profile' AND sha256 = '$prof_sha'
	AND path = 'dut-profile/$(basename "$PROF")'")" -eq 1 ] && ok ||
	ko "the DUT profile is recorded with the run"
n_lim=0
for f in iec-80601-2-26-2019 bcibench-defaults-2026; do
	sha=$(sha256sum "$SRC/protocols/limits/$f.xml" | cut -d' ' -f1)
	n_lim=$((n_lim + $(q "$t4/r.db" "SELECT count(*) FROM artifact WHERE run_id = 1
		AND trial_id IS NULL AND kind = 'limits' AND sha256 = '$sha'
		AND path = 'limits/$f.xml'")))
done
[ "$n_lim" -eq 2 ] && [ "$(q "$t4/r.db" "SELECT count(*) FROM artifact
	WHERE kind = 'limits'")" -eq 2 ] && ok || ko "both limits files recorded once ($n_lim)"
[ "$(q "$t4/r.db" "SELECT count(*) FROM audit WHERE tbl = 'artifact' AND row_id IN
	(SELECT id FROM artifact WHERE kind IN ('limits', 'dut-profile'))")" -eq 3 ] && ok ||
	ko "the recorded inputs are audited"
"$BIN" rescore --db "$t4/r.db" 1 >"$tmp/out" 2>"$tmp/err"
rc=$?
same=$(q "$t4/r.db" "SELECT count(*) FROM measurement a JOIN trial ta ON ta.id = a.trial_id
	JOIN test sa ON sa.id = ta.test_id JOIN measurement b JOIN trial tb ON tb.id = b.trial_id
	JOIN test sb ON sb.id = tb.test_id WHERE sa.run_id = 1 AND sb.run_id = 2
	AND sa.seq = sb.seq AND ta.seq = tb.seq AND ta.attempt = tb.attempt AND a.seq = b.seq
	AND a.name = b.name AND a.value IS b.value AND a.limit_low IS b.limit_low
	AND a.limit_high IS b.limit_high AND a.verdict = b.verdict")
[ $rc -eq 0 ] && [ "$same" -eq "$n1" ] && ok ||
	ko "rescore without --dut-profile: exit $rc, wanted 0; $same of $n1 measurements same"
"$BIN" rescore --db "$t4/r.db" 1 --dut-profile "$tmp/no-such-profile.xml" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 64 ] && grep -q "no-such-profile" "$tmp/err" && ok ||
	ko "--dut-profile overrides the recorded profile: exit $rc, wanted 64"
lim=$t4/r.db.d/$(q "$t4/r.db" "SELECT uuid FROM run WHERE id = 1")/limits/bcibench-defaults-2026.xml
printf ' ' >>"$lim"
"$BIN" rescore --db "$t4/r.db" 1 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -qF "bcibench-defaults-2026.xml" "$tmp/err" && ok ||
	ko "a changed recorded limits file: exit $rc, wanted 2 naming it"

"$BIN" rescore --db "$db" 999 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 64 ] && ok || ko "unknown run: wanted 64"
"$BIN" rescore --db "$tmp/none.db" 1 >"$tmp/out" 2>"$tmp/err"
[ $? -eq 64 ] && [ ! -e "$tmp/none.db" ] && ok || ko "missing database: wanted 64, not created"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
