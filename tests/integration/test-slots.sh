#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Parallel DUT slots (issue 10).
# 1. A fixture listing 4 test sockets (fixtures/sim/eeg-amp-4slots.fixture.xml, <slots>): 4
#    emulated rigs, one database, slot 2's DUT crashes mid-run; the other three complete and
#    pass, slot 2 is ERROR, the run exits 2, every slot's run is in the record with the serial
#    of its <slot> and a "slot" event naming its socket, no slot leaves its safe-state marker
#    behind, and the audit chain of the shared database is intact.
# 2. A fixture without <slots>: K copies of its context, serials from --dut-serial.
# 3. Bad slot lists are refused before anything starts (exit 64, FILE:LINE for the fixture).
# 4. The 4-slot example is the single-DUT certification fixture plus <slots>, nothing else (no drift).
# Usage: test-slots.sh BCIBENCH SRCROOT
BIN=${1:?} SRC=${2:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
export BCIBENCH_STATE_DIR=$tmp
FX4=$SRC/fixtures/sim/eeg-amp-4slots.fixture.xml
SUITE=$SRC/tests/data/run/eeg-small.xml
PROF=$SRC/fixtures/duts/sim-eeg-amp.xml

# 1. Four sockets from the fixture, one crashing.
"$BIN" run --slots 4 --fixture "$FX4" --suite "$SUITE" --dut-profile "$PROF" \
	--slot-fault 2:crash_after_s=0.5 --seed 3 --db "$tmp/r.db" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && ok || ko "exit $rc, wanted 2 (one slot ERROR)"
for s in 1 3 4; do
	grep -q "^$s .*SIM-EEG-020$s .*PASS" "$tmp/out" && ok || ko "slot $s passes"
done
grep -q "^2 *socket-b *SIM-EEG-0202 .*ERROR .*crash_after_s" "$tmp/out" && ok ||
	ko "slot 2 (socket-b) is ERROR"
n=$("$BIN" runs --db "$tmp/r.db" 2>/dev/null | grep -c 'SIM-EEG-020[1-4]')
[ "$n" -eq 4 ] && ok || ko "4 runs in the record, found $n"
for s in a b c d; do
	sqlite3 "$tmp/r.db" "select message from event where kind='slot'" 2>/dev/null |
		grep -q "^slot socket-$s of .*eeg-amp-4slots.fixture.xml, context emulated rig ip:127.0.0.1:" &&
		ok || ko "slot event of socket-$s"
done
# the crashed slot's record names its seeded fault; the serial of each run is its socket's
m=$(sqlite3 "$tmp/r.db" "select d.serial from event e join run r on r.id=e.run_id
	join dut d on d.id=r.dut_id where e.kind='slot' and e.message like '%socket-b%crash_after_s%'" 2>&1)
[ "$m" = SIM-EEG-0202 ] && ok || ko "socket-b's run is SIM-EEG-0202 with its fault ($m)"
n=$(sqlite3 "$tmp/r.db" "select count(*) from event where kind='efficiency'" 2>/dev/null)
[ "${n:-0}" -ge 3 ] && ok || ko "efficiency recorded for the 3 completed slots (found $n)"
ls "$tmp"/bcibench-live* >/dev/null 2>&1 && ko "a safe-state marker was left: $(ls "$tmp")" || ok
"$BIN" verify --db "$tmp/r.db" >/dev/null 2>&1 && ok || ko "audit chain after 4 concurrent writers"
[ $fail -eq 0 ] || { tail -8 "$tmp/out"; tail -5 "$tmp/err"; }

# 2. No <slots>: 2 copies of the fixture's emulated rig, serials from the command line.
"$BIN" run --slots 2 --fixture "$SRC/fixtures/sim/eeg-amp.fixture.xml" --suite "$SUITE" \
	--dut-profile "$PROF" --dut-serial SIM-EEG-0101,SIM-EEG-0102 --db "$tmp/r2.db" \
	>"$tmp/out2" 2>"$tmp/err2"
rc=$?
[ $rc -eq 0 ] && ok || { ko "2 plain slots: exit $rc"; tail -5 "$tmp/out2"; tail -5 "$tmp/err2"; }
grep -q "^1 *slot1 *SIM-EEG-0101 .*PASS" "$tmp/out2" && grep -q "^2 *slot2 *SIM-EEG-0102 .*PASS" \
	"$tmp/out2" && ok || ko "2 plain slots pass with the serials given"

# 3. Refusals.
"$BIN" run --slots 5 --fixture "$FX4" --suite "$SUITE" --db "$tmp/x.db" >/dev/null 2>"$tmp/e"
[ $? -eq 64 ] && grep -q "lists 4 slots" "$tmp/e" && ok || ko "--slots 5 on a 4-slot fixture: 64"
"$BIN" run --slots 2 --fixture "$FX4" --suite "$SUITE" --dut-serial ONLY-ONE --db "$tmp/x.db" \
	>/dev/null 2>&1
[ $? -eq 64 ] && ok || ko "1 serial for 2 slots: 64"
sed 's/dut-serial="SIM-EEG-0202"/dut-serial="SIM-EEG-0201"/' "$FX4" >"$tmp/dup.xml"
"$BIN" run --slots 2 --fixture "$tmp/dup.xml" --suite "$SUITE" --db "$tmp/x.db" >/dev/null 2>"$tmp/e"
[ $? -eq 64 ] && grep -q "dup.xml:[0-9]*: DUT serial 'SIM-EEG-0201' already in slot 'socket-a'" \
	"$tmp/e" && ok || { ko "duplicate serial: FILE:LINE and 64"; cat "$tmp/e"; }
sed -e 's|uri="sim:eeg-amp-cert" dut-serial="SIM-EEG-0201"|uri="ip:192.0.2.1" dut-serial="SIM-EEG-0201"|' \
	-e 's|uri="sim:eeg-amp-cert" dut-serial="SIM-EEG-0202"|uri="ip:192.0.2.1" dut-serial="SIM-EEG-0202"|' \
	"$FX4" >"$tmp/dupuri.xml"
"$BIN" run --slots 2 --fixture "$tmp/dupuri.xml" --suite "$SUITE" --db "$tmp/x.db" >/dev/null \
	2>"$tmp/e"
[ $? -eq 64 ] && grep -q "dupuri.xml:[0-9]*: context 'ip:192.0.2.1' already used" "$tmp/e" && ok ||
	{ ko "two slots on one context: FILE:LINE and 64"; cat "$tmp/e"; }
"$BIN" run --slots 1 --fixture "$tmp/dupuri.xml" --suite "$SUITE" --slot-fault 1:dead=0 \
	--db "$tmp/x.db" >/dev/null 2>/dev/null
[ $? -eq 64 ] && ok || ko "--slot-fault on a real (ip:) slot: 64"
sed 's|<slot name="socket-b" uri="sim:eeg-amp-cert"|<slot name="socket-b" uri="bogus"|' "$FX4" >"$tmp/bad.xml"
"$BIN" run --slots 2 --fixture "$tmp/bad.xml" --suite "$SUITE" --db "$tmp/x.db" >/dev/null 2>"$tmp/e"
[ $? -eq 64 ] && grep -q "bad.xml:[0-9]*:" "$tmp/e" && ok || { ko "bad slot uri: schema, 64"; cat "$tmp/e"; }
[ ! -e "$tmp/x.db" ] && ok || ko "a refused slot run touched the database"

# 4. The example is eeg-amp-cert.fixture.xml plus <slots> (comments and the name aside).
/usr/bin/python3 - "$SRC/fixtures/sim/eeg-amp-cert.fixture.xml" "$FX4" <<'EOF' && ok || ko "eeg-amp-4slots drifted from eeg-amp-cert"
import sys, xml.etree.ElementTree as E
a, b = (E.parse(p).getroot() for p in sys.argv[1:3])
for s in b.findall("slots"):
    b.remove(s)
b.set("name", a.get("name"))
norm = lambda e: E.canonicalize(E.tostring(e), strip_text=True)
sys.exit(0 if norm(a) == norm(b) else 1)
EOF

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
