#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bench qualification in CI (issue 10): `bcibench qualify --seeds 5` over the full fault list
# of the emulated rig, with the screening suites (tests/data/qualify/) to fit CI time.
# Asserts: no false fail (every good-DUT run over 5 seeds x 5 models passes); a matrix row
# for every (model, fault) the fault list applies; and every claim of docs/sim.md's table
# "Qualification claims" holds: that fault is caught on that model, by the protocol named
# (a protocol that also fails on the good DUT does not count, see bcibench qualify).
# Usage: test-qualify.sh BCIBENCH SRCROOT [SEEDS]
BIN=${1:?} SRC=${2:?} SEEDS=${3:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export BCIBENCH_STATE_DIR=$tmp
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

"$BIN" qualify --seeds "$SEEDS" --suites screening --out "$tmp/q" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ] && ok || ko "qualify exit $rc (2 = the bench could not run)"
[ -s "$tmp/q/qualify-matrix.csv" ] && [ -s "$tmp/q/qualify-matrix.md" ] && ok ||
	ko "matrix written"
grep -q "good-DUT runs: 0 false fails" "$tmp/out" && ok ||
	ko "false fails: $(grep 'good-DUT runs' "$tmp/out")"

/usr/bin/python3 - "$tmp/q/qualify-matrix.csv" "$SRC/docs/sim.md" "$SEEDS" >"$tmp/check" <<'PY'
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
doc = open(sys.argv[2]).read()
seeds = int(sys.argv[3])
block = doc.split("<!-- qualify-claims -->")[1].split("<!-- /qualify-claims -->")[0]
claims = re.findall(r"^\| *([a-z0-9-]+) *\| *`([^`]+)` *\| *`([^`]+)` *\|", block, re.M)
ok = bad = 0
def check(cond, what):
    global ok, bad
    if cond:
        ok += 1
    else:
        bad += 1
        print("FAIL:", what)
models = ["eeg-amp", "neural-recorder", "ssvep-decoder", "closed-loop-stim", "p300-decoder"]
for m in models:
    good = [r for r in rows if r["model"] == m and r["condition"].startswith("good seed")]
    check(len(good) == seeds, f"{m}: {len(good)} good-DUT rows, wanted {seeds}")
    for r in good:
        check(r["verdict"] == "PASS", f"{m} {r['condition']}: false {r['verdict']} ({r['failed_tests']})")
check(len(claims) >= 20, f"docs/sim.md claims {len(claims)} rows, wanted the table")
for model, fault, proto in claims:
    r = [x for x in rows if x["model"] == model and x["condition"] == fault]
    if not r:
        check(False, f"{model} {fault}: no matrix row (empty row)")
        continue
    r = r[0]
    caught = r["caught_by"].split()
    check(r["verdict"] != "GAP" and caught, f"{model} {fault}: GAP ({r['failed_tests']})")
    if proto != "*":
        check(any(c.split(":")[0] == proto for c in caught),
              f"{model} {fault}: not caught by {proto} (caught by {r['caught_by'] or 'nothing'})")
print(f"{ok} {bad}")
PY
cat "$tmp/check" | grep '^FAIL' | head -40
set -- $(tail -1 "$tmp/check")
pass=$((pass + ${1:-0})) fail=$((fail + ${2:-1}))
[ $fail -eq 0 ] || { grep -A1000 '^==' "$tmp/out" | cut -c1-200 | head -90; tail -5 "$tmp/err"; }
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
