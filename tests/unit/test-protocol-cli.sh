#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `bcibench validate`: exit 0 on the library, 64 with FILE:LINE on malformed files, 2 for
# kinds whose validator is not in this build. Usage: test-protocol-cli.sh BCIBENCH SRCROOT
BIN=${1:?} SRC=${2:?}
D=$SRC/tests/data/protocol
out=$(mktemp)
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; sed 's/^/    /' "$out"; }

"$BIN" validate "$SRC"/protocols/*/*.xml "$SRC"/fixtures/duts/*.xml >"$out" 2>&1
[ $? -eq 0 ] && ok || ko "library does not validate"

for f in "$D"/proto/bad-*.xml "$D"/suites/bad-*.xml "$D"/bad-limits/*.xml "$D"/duts/bad-*.xml; do
	"$BIN" validate "$f" >"$out" 2>&1
	rc=$?
	if [ $rc -ne 64 ]; then ko "$f: exit $rc, wanted 64"; continue; fi
	if grep -q "^$f:[0-9][0-9]*: " "$out"; then ok; else ko "$f: no FILE:LINE: message"; fi
done

# one bad file among good ones still fails the whole command
"$BIN" validate "$D/proto/good.xml" "$D/proto/bad-xml.xml" >"$out" 2>&1
[ $? -eq 64 ] && ok || ko "mixed good and bad files"

# Other kinds go to their module's validator: fixtures, stimuli; sim rigs are pending.
"$BIN" validate "$SRC/fixtures/sim/eeg-amp.fixture.xml" >"$out" 2>&1
[ $? -eq 0 ] && ok || ko "a good fixture validates"
printf '<?xml version="1.0"?>\n<fixture id="x"/>\n' >"$out.fixture.xml"
"$BIN" validate "$out.fixture.xml" >"$out" 2>&1
[ $? -eq 64 ] && grep -q "^$out.fixture.xml:2: " "$out" && ok || ko "bad fixture: 64 with FILE:LINE"
printf '<?xml version="1.0"?>\n<stimulus rate_hz="1000" channels="2" duration_s="1">\n<source model="sine"><param name="bogus" value="1"/></source></stimulus>\n' >"$out.fixture.xml"
"$BIN" validate "$out.fixture.xml" >"$out" 2>&1
[ $? -eq 64 ] && grep -q "bogus" "$out" && ok || ko "bad stimulus: 64"
"$BIN" validate "$SRC/fixtures/sim/eeg-amp.rig.xml" >"$out" 2>&1
[ $? -eq 2 ] && grep -q "validator not in this build" "$out" && ok || ko "sim-rig dispatch"
printf '<?xml version="1.0"?>\n<banana/>\n' >"$out.other.xml"
"$BIN" validate "$out.other.xml" >"$out" 2>&1
[ $? -eq 64 ] && grep -q "unknown root element <banana>" "$out" && ok || ko "unknown root"
"$BIN" validate >"$out" 2>&1
[ $? -eq 64 ] && ok || ko "no file is a usage error"
# the schemas are found whatever the working directory
(cd / && "$BIN" validate "$D/proto/good.xml") >"$out" 2>&1
[ $? -eq 0 ] && ok || ko "validate from another directory"

rm -f "$out" "$out.fixture.xml" "$out.other.xml"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
