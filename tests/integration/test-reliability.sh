#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Reliability protocols pooled over real repeated trials (src/engine/pool.h, issue 6):
# on the good emulated EEG amplifier the pooled metrics of D1 (pass rate, Clopper-Pearson),
# D2 (demonstrated reliability) and D5 (drift slopes) PASS and are recorded as each test's
# pooled row (trial seq -1); `bcibench rescore` reproduces them exactly; the audit chain
# verifies; the dossier validates against schemas/dossier.xsd and shows the pooled rows;
# with a gain fault D1 and D2 FAIL on their pooled metrics (every trial measured, none
# judged on its own).
# Usage: test-reliability.sh BCIBENCH SRCROOT [suite]
# With "suite" the good run is the whole eeg-amp-reliability suite (D3's 10-minute soak
# included), else D1, D2 and D5 alone.
BIN=${1:?} SRC=${2:?} MODE=${3:-}
tmp=$(mktemp -d /tmp/test-reliability.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' INT TERM # a meson timeout still removes the folder
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; sed 's/^/    /' "$tmp/out" "$tmp/err" | tail -20; }
q() { sqlite3 "$1" "$2"; }
FX=$SRC/fixtures/sim/eeg-amp.fixture.xml
PROF=$SRC/fixtures/duts/sim-eeg-amp.xml
R=$SRC/protocols/reliability
export BCIBENCH_STATE_DIR=$tmp
db=$tmp/good.db

if [ "$MODE" = suite ]; then
	set -- --suite "$SRC/protocols/suites/eeg-amp-reliability.xml"
else
	set -- --protocol "$R/rel-d1-repeatability.xml" --protocol "$R/rel-d2-zero-failure.xml" \
		--protocol "$R/rel-d5-soak-drift.xml"
fi
"$BIN" run --fixture "$FX" "$@" --dut-serial SIM-EEG-0001 --dut-profile "$PROF" --seed 5 \
	--db "$db" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || ko "good DUT: exit $rc, wanted 0 (PASS)"
"$BIN" show --db "$db" 1 >"$tmp/show" 2>&1
for m in pass-rate demonstrated-reliability gain-drift clock-drift; do
	grep -qE "^ +pool/1 +$m .* PASS *$" "$tmp/show" && ok ||
		{ cp "$tmp/show" "$tmp/out"; ko "pooled '$m' not shown as PASS"; }
done
# 40 + 59 + 12 trials, one pooled row per test, measured trials not judged on their own
[ "$(q "$db" "SELECT count(*) FROM trial tr JOIN test t ON t.id = tr.test_id
	WHERE tr.seq = -1 AND t.name IN ('rel-d1-repeatability', 'rel-d2-zero-failure',
	'rel-d5-soak-drift') AND tr.status = 'PASS'")" = 3 ] && ok || ko "three pooled rows PASS"
[ "$(q "$db" "SELECT count(*) FROM trial tr JOIN test t ON t.id = tr.test_id
	WHERE tr.seq >= 0 AND t.name = 'rel-d2-zero-failure'")" = 59 ] && ok ||
	ko "D2 ran 59 trials"
[ "$(q "$db" "SELECT count(*) FROM measurement m JOIN trial tr ON tr.id = m.trial_id
	WHERE tr.seq = -1 AND m.verdict = 'PASS' AND m.value IS NOT NULL AND m.u IS NOT NULL
	AND m.u_expanded IS NOT NULL AND m.k = 2 AND m.limit_low IS NOT NULL")" -ge 5 ] && ok ||
	ko "pooled measurements carry value, u, U, k and a limit"

# rescore: a new run whose pooled rows equal the old ones exactly
"$BIN" rescore --db "$db" 1 --dut-profile "$PROF" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || ko "rescore: exit $rc, wanted 0"
n1=$(q "$db" "SELECT count(*) FROM measurement m JOIN trial tr ON tr.id = m.trial_id
	JOIN test t ON t.id = tr.test_id WHERE t.run_id = 1 AND tr.seq = -1")
same=$(q "$db" "SELECT count(*) FROM measurement a JOIN trial ta ON ta.id = a.trial_id
	JOIN test sa ON sa.id = ta.test_id JOIN measurement b JOIN trial tb ON tb.id = b.trial_id
	JOIN test sb ON sb.id = tb.test_id WHERE sa.run_id = 1 AND sb.run_id = 2
	AND sa.seq = sb.seq AND ta.seq = -1 AND tb.seq = -1 AND ta.attempt = tb.attempt
	AND a.seq = b.seq AND a.name = b.name AND a.value IS b.value AND a.u IS b.u
	AND a.u_expanded IS b.u_expanded AND a.verdict = b.verdict")
[ "$n1" -ge 7 ] && [ "$same" -eq "$n1" ] && ok ||
	ko "rescore reproduces the pooled values ($same of $n1 identical)"
[ "$(q "$db" "SELECT count(*) FROM test a JOIN test b ON a.seq = b.seq WHERE a.run_id = 1
	AND b.run_id = 2 AND a.verdict = b.verdict")" = "$(q "$db" \
	"SELECT count(*) FROM test WHERE run_id = 1")" ] && ok || ko "rescored test verdicts"
"$BIN" verify --db "$db" >"$tmp/out" 2>"$tmp/err" && ok || ko "audit chain verifies"

# the dossier: valid, with the pooled rows
"$BIN" report --db "$db" --run 1 --xml "$tmp/d.xml" >"$tmp/out" 2>"$tmp/err" && ok ||
	ko "report"
xmllint --noout --schema "$SRC/schemas/dossier.xsd" "$tmp/d.xml" >"$tmp/out" 2>"$tmp/err" &&
	ok || ko "dossier does not validate"
grep -q 'name="pass-rate (pooled over 40 trials)" unit="%" value="9[0-9.]*".*verdict="PASS"' \
	"$tmp/d.xml" && ok || { grep pooled "$tmp/d.xml" >"$tmp/out"; ko "dossier pooled D1 row"; }
grep -q 'name="demonstrated-reliability (pooled over 59 trials)".*verdict="PASS"' \
	"$tmp/d.xml" && ok || { grep pooled "$tmp/d.xml" >"$tmp/out"; ko "dossier pooled D2 row"; }

# a gain fault: D1 and D2 FAIL on the pooled metrics
sed 's|</sim-rig>|  <fault name="gain_error_pct" value="20"/>\n</sim-rig>|' \
	"$SRC/fixtures/sim/eeg-amp.rig.xml" >"$tmp/bad.rig.xml"
sed "s|uri=\"sim:eeg-amp\"|uri=\"sim:$tmp/bad.rig.xml\"|" "$FX" >"$tmp/bad.fixture.xml"
bad=$tmp/bad.db
"$BIN" run --fixture "$tmp/bad.fixture.xml" --protocol "$R/rel-d1-repeatability.xml" \
	--protocol "$R/rel-d2-zero-failure.xml" --dut-serial SIM-EEG-0001 --dut-profile "$PROF" \
	--seed 5 --db "$bad" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && ok || ko "gain fault: exit $rc, wanted 1 (FAIL)"
"$BIN" show --db "$bad" 1 >"$tmp/show" 2>&1
for m in pass-rate demonstrated-reliability; do
	grep -qE "^ +pool/1 +$m .* FAIL *$" "$tmp/show" && ok ||
		{ cp "$tmp/show" "$tmp/out"; ko "gain fault: pooled '$m' not FAIL"; }
done
[ "$(q "$bad" "SELECT group_concat(verdict) FROM test ORDER BY seq")" = "FAIL,FAIL" ] && ok ||
	ko "gain fault: both tests FAIL"
[ "$(q "$bad" "SELECT count(*) FROM measurement m JOIN trial tr ON tr.id = m.trial_id
	WHERE m.verdict = 'FAIL' AND tr.seq >= 0")" = 0 ] && ok ||
	ko "the FAIL comes from the pooled rows only"

echo "reliability: $pass passed, $fail failed"
[ $fail -eq 0 ]
