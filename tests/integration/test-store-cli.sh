#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The store's command-line readers against a database written by store-writer:
# runs, show, compare, verify --db (text and --json), their exit codes, and
# verify naming what was changed: a measurement row (through SQL and as one
# byte of the file) and one byte of an artifact file.
# usage: test-store-cli.sh BCIBENCH STORE_WRITER
BIN=${1:?usage: test-store-cli.sh BCIBENCH STORE_WRITER}
WRITER=${2:?usage: test-store-cli.sh BCIBENCH STORE_WRITER}
PY=/usr/bin/python3
dir=$(mktemp -d /tmp/test-store-cli.XXXXXX)
trap 'rm -rf "$dir"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

check() {	# check NAME EXPECTED_RC CMD...
	name=$1 want=$2
	shift 2
	"$@" >"$dir/out" 2>"$dir/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else
		bad "$name: exit $rc, wanted $want"
		sed 's/^/    /' "$dir/out" "$dir/err" | head -20
	fi
}

db=$dir/r.db
"$WRITER" "$db" 7 4 new 5 >/dev/null || { echo "store-writer failed"; exit 1; }
"$WRITER" "$db" 7 4 new 5 >/dev/null || { echo "store-writer failed"; exit 1; }
"$WRITER" "$db" 8 4 new 5 >/dev/null || { echo "store-writer failed"; exit 1; }

check "runs" 0 "$BIN" runs --db "$db"
[ "$(grep -c passed "$dir/out")" -eq 3 ] && ok || bad "runs does not list 3 passed runs"
check "runs --json" 0 "$BIN" runs --db "$db" --json
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["runs"]) == 3' \
	"$dir/out" && ok || bad "runs --json is not a list of 3 runs"
check "runs --dut filter" 0 "$BIN" runs --db "$db" --dut NOPE --json
$PY -c 'import json,sys; assert json.load(open(sys.argv[1]))["runs"] == []' "$dir/out" &&
	ok || bad "runs --dut NOPE is not empty"
# --since: a UTC date or date-time (T or space), compared in time order; bad ones exit 64.
first=$(sqlite3 "$db" "SELECT substr(min(start_utc), 1, 16) FROM run")
check "runs --since first" 0 "$BIN" runs --db "$db" --since "${first}Z" --json
$PY -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["runs"]) == 3' "$dir/out" &&
	ok || bad "runs --since the first start does not list 3 runs"
check "runs --since with a space" 0 "$BIN" runs --db "$db" --since "$(echo "$first" | tr T ' ')" \
	--json
$PY -c 'import json,sys; assert len(json.load(open(sys.argv[1]))["runs"]) == 3' "$dir/out" &&
	ok || bad "runs --since 'DATE HH:MM' does not list 3 runs"
check "runs --since the future" 0 "$BIN" runs --db "$db" --since 9999-12-31 --json
$PY -c 'import json,sys; assert json.load(open(sys.argv[1]))["runs"] == []' "$dir/out" &&
	ok || bad "runs --since 9999-12-31 is not empty"
check "runs --since yesterday" 64 "$BIN" runs --db "$db" --since yesterday
check "runs --since month 13" 64 "$BIN" runs --db "$db" --since 2026-13-01
check "runs --since with an offset" 64 "$BIN" runs --db "$db" --since 2026-11-21T10:00+02:00
check "runs --status bad" 64 "$BIN" runs --db "$db" --status happy
check "runs on a missing database" 64 "$BIN" runs --db "$dir/none.db"
[ ! -e "$dir/none.db" ] && ok || bad "a reader created a database"

check "show" 0 "$BIN" show --db "$db" 1
grep -q "metric_4" "$dir/out" && ok || bad "show lists no measurements"
check "show --json" 0 "$BIN" show --db "$db" 1 --json
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["measurements"]) == 20
assert d["run"]["status"] == "passed" and d["tests"][0]["verdict"] == "PASS"' "$dir/out" &&
	ok || bad "show --json content"
uuid=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["run"]["uuid"])' "$dir/out")
check "show by uuid prefix" 0 "$BIN" show --db "$db" "$(echo "$uuid" | cut -c1-8)"
check "show an unknown run" 64 "$BIN" show --db "$db" 999
check "show without a run" 64 "$BIN" show --db "$db"

check "compare same seed" 0 "$BIN" compare --db "$db" 1 2
check "compare other seed" 1 "$BIN" compare --db "$db" 1 3 --json
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["shifts"] > 0' \
	"$dir/out" && ok || bad "compare --json reports no shift"

check "verify" 0 "$BIN" verify --db "$db"
check "verify --json" 0 "$BIN" verify --db "$db" --json
check "verify without --db" 64 "$BIN" verify

# One byte of one measurement row, through SQL.
cp "$db" "$dir/t1.db"
sqlite3 "$dir/t1.db" "UPDATE measurement SET unit = 'mV' WHERE id = 7" || bad "sqlite3"
check "verify a changed measurement" 1 "$BIN" verify --db "$dir/t1.db"
grep -q "measurement row 7 " "$dir/out" && ok || bad "verify does not name measurement row 7"

# One byte of the file itself, inside a measurement row's text.
cp "$db" "$dir/t2.db"
sqlite3 "$dir/t2.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
$PY - "$dir/t2.db" <<'PYEOF' || bad "could not flip a byte"
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
i = b.find(b'metric_3')
assert i > 0
b[i + 7] = ord('9')
open(p, 'wb').write(b)
PYEOF
check "verify a flipped byte in the file" 1 "$BIN" verify --db "$dir/t2.db"
grep -q "measurement row" "$dir/out" && ok || bad "verify does not name a measurement row"

# rescore needs the lossless capture records the engine writes; these runs (store-writer)
# have plain capture files only: refused, exit 2, nothing written.
check "rescore without capture records" 2 "$BIN" rescore --db "$db" 1
grep -q "no capture record" "$dir/err" && ok || bad "rescore does not say what is missing"
[ "$(sqlite3 "$db" "SELECT count(*) FROM run")" -eq 3 ] && ok || bad "a refused rescore wrote a run"
check "rescore of an unknown run" 64 "$BIN" rescore --db "$db" 999

# One byte of an artifact file.
art=$(ls "$db.d"/*/trial-0002.bin | head -1)
$PY - "$art" <<'PYEOF' || bad "could not change the artifact"
import sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
b[10] ^= 1
open(p, 'wb').write(b)
PYEOF
check "verify a changed artifact" 1 "$BIN" verify --db "$db"
grep -q "trial-0002.bin" "$dir/out" && ok || bad "verify does not name the artifact file"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
