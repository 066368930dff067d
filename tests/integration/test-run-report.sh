#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `bcibench run` writing its dossier at the end of the run, and uploading it through the
# outbox (issue 8): the XML validates with xmllint and verifies with bcibench and xmlsec1 (a
# changed byte fails both), the PDF (zh-CN and en) has the report id, serial, every test's
# title and verdict, pdftoppm renders every page, JUnit parses with python3 and its counts
# match the run; a server that is down leaves the files in the outbox and the next run sends
# them, with the token from the environment and never in the record; a dossier that cannot
# be written is exit 2 and the run stays recorded.
# Usage: test-run-report.sh BCIBENCH SRCROOT
BIN=${1:?} SRC=${2:?}
tmp=$(mktemp -d)
spid=
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; sed 's/^/    /' "$tmp/out" "$tmp/err"; }
cleanup() { [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
FX=$SRC/fixtures/sim/eeg-amp.fixture.xml
PROF=$SRC/fixtures/duts/sim-eeg-amp.xml
KEYS=$SRC/fixtures/keys
PY=/usr/bin/python3
export BCIBENCH_STATE_DIR=$tmp
# cairo leaks two arrays under cairo_surface_finish with CJK fonts (tests/lsan.supp); its
# frames have no frame pointers, so only the slow unwinder sees the suppressed function.
[ -n "$ASAN_OPTIONS" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
: >"$tmp/out"
: >"$tmp/err"
runargs() { echo --fixture "$FX" --dut-profile "$PROF" --operator tester --db "$tmp/r.db"; }
# flattens text for matching titles that the PDF wrapped; zh: no blanks at all
flat() { tr '\n' ' ' <"$1" | tr -s ' '; }
flatzh() { tr -d ' \n\t\f' <"$1"; }

# usage errors are found before the run starts (exit 64, nothing recorded)
# shellcheck disable=SC2046
"$BIN" run $(runargs) --suite "$SRC/tests/data/run/dossier-one.xml" --dut-serial SIM-EEG-0001 \
	--xml "$tmp/x.xml" --sign-key "$KEYS/test-signer-ec.key" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 64 ] && ok || ko "--sign-key without --sign-cert: wanted 64"
# shellcheck disable=SC2046
"$BIN" run $(runargs) --suite "$SRC/tests/data/run/dossier-one.xml" --dut-serial SIM-EEG-0001 \
	--report-dir "$tmp/none" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 64 ] && grep -q "report-dir" "$tmp/err" && ok || ko "missing --report-dir: wanted 64"
# shellcheck disable=SC2046
env -u BCIB_NO_SUCH_TOKEN "$BIN" run $(runargs) --suite "$SRC/tests/data/run/dossier-one.xml" \
	--dut-serial SIM-EEG-0001 --upload-url http://127.0.0.1:9/ \
	--upload-token-env BCIB_NO_SUCH_TOKEN >"$tmp/out" 2>"$tmp/err"
[ $? -eq 64 ] && ok || ko "token variable not set: wanted 64"
[ ! -e "$tmp/r.db" ] || [ -z "$("$BIN" runs --db "$tmp/r.db" 2>/dev/null | sed 1d)" ] && ok ||
	ko "usage errors record no run"

# Run A: the small EEG suite (5 tests), dossier in zh-CN into --report-dir, signed with the
# test EC key, upload to a port where nothing listens: the verdict decides the exit code.
dead=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir "$tmp/rep"
# shellcheck disable=SC2046
"$BIN" run $(runargs) --suite "$SRC/tests/data/run/eeg-small.xml" --dut-serial SIM-EEG-0001 \
	--seed 1 --report-dir "$tmp/rep" --lang zh-CN --sign-key "$KEYS/test-signer-ec.key" \
	--sign-cert "$KEYS/test-signer-ec.crt" --upload-url "http://127.0.0.1:$dead/dossiers" \
	--upload-retries 1 --upload-retry-delay-ms 10 >"$tmp/out" 2>"$tmp/err"
rc=$?
uuid=$(sed -n 's/^run \([0-9a-f-]*\) (id.*/\1/p' "$tmp/out")
rid=BCB-$uuid
X=$tmp/rep/$rid.xml P=$tmp/rep/$rid.pdf J=$tmp/rep/$rid-junit.xml
[ $rc -eq 0 ] && [ -n "$uuid" ] && ok || ko "run A: exit $rc, wanted 0 (upload failures are warnings)"
[ -s "$X" ] && [ -s "$P" ] && [ -s "$J" ] && ok || ko "run A wrote $rid.xml, .pdf, -junit.xml"
grep -q "kept in the outbox" "$tmp/err" && grep -q "3 still pending" "$tmp/out" && ok ||
	ko "server down: the three files stay in the outbox"

xmllint --noout --schema "$SRC/schemas/dossier.xsd" "$X" >"$tmp/out" 2>"$tmp/err" && ok ||
	ko "run A dossier validates against schemas/dossier.xsd"
"$BIN" verify "$X" --trusted-pem "$KEYS/test-signer-ec.crt" >"$tmp/out" 2>"$tmp/err" && ok ||
	ko "bcibench verify accepts the run's dossier"
xmlsec1 --verify --trusted-pem "$KEYS/test-signer-ec.crt" "$X" >"$tmp/out" 2>"$tmp/err" && ok ||
	ko "xmlsec1 --verify accepts the run's dossier"
# one changed byte: the serial's last digit
sed 's/SIM-EEG-0001/SIM-EEG-0002/' "$X" >"$tmp/t.xml"
cmp -s "$X" "$tmp/t.xml" && ko "tamper: the serial was not found in the dossier"
"$BIN" verify "$tmp/t.xml" --trusted-pem "$KEYS/test-signer-ec.crt" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && ok || ko "bcibench verify: a changed byte must give exit 1"
xmlsec1 --verify --trusted-pem "$KEYS/test-signer-ec.crt" "$tmp/t.xml" >"$tmp/out" 2>"$tmp/err"
[ $? -ne 0 ] && ok || ko "xmlsec1 --verify must refuse a changed byte"

# plots from the engine (src/engine/plots.c): overlay (stimulus + response) and PSD for each
# of the five signal tests, bounded in size, each series naming its artifact's hash
$PY - "$X" >"$tmp/out" 2>"$tmp/err" <<'EOF' && ok || ko "every test has its overlay and PSD plot"
import sys, xml.etree.ElementTree as ET
ns = {'d': 'urn:bcibench:dossier:1'}
tests = ET.parse(sys.argv[1]).getroot().findall('.//d:tests/d:test', ns)
assert len(tests) == 5, len(tests)
for t in tests:
    plots = {p.get('kind'): p for p in t.findall('d:plot', ns)}
    assert 'overlay' in plots and 'psd' in plots, (t.get('id'), list(plots))
    names = [s.get('name') for s in plots['overlay'].findall('d:series', ns)]
    assert names == ['stimulus', 'response'], names
    for p in plots.values():
        series = p.findall('d:series', ns)
        assert 0 < sum(int(s.get('points')) for s in series) <= 2000, p.get('id')
        assert all(len(s.get('artifactSha256') or '') == 64 for s in series)
EOF

# zh-CN PDF: real text with the report id, serial, Chinese labels, titles and verdicts
pdftotext -enc UTF-8 "$P" "$tmp/p.txt" 2>"$tmp/err" && ok || ko "pdftotext reads the zh-CN PDF"
flatzh "$tmp/p.txt" >"$tmp/pz.txt"
for s in "$rid" SIM-EEG-0001 认证测试报告 通过PASS \
	"输入参考噪声，峰谷值（脑电）" "幅值准确度（校准）(a10uv)" "幅值准确度（校准）(a100uv)" \
	"幅值准确度（校准）(a1000uv)" "采样时基准确度" "时间/s" "频率/Hz"; do
	grep -qF -- "$s" "$tmp/pz.txt" && ok || ko "zh-CN PDF text lacks '$s'"
done
pages=$(pdfinfo "$P" 2>/dev/null | sed -n 's/^Pages: *//p')
pdftoppm -r 30 -png "$P" "$tmp/pg" 2>"$tmp/err"
[ "${pages:-0}" -gt 3 ] && [ "$(ls "$tmp"/pg*.png | wc -l)" -eq "$pages" ] && ok ||
	ko "pdftoppm renders all $pages pages"
pdffonts "$P" 2>/dev/null | grep -q "NotoSansCJK" && ok || ko "the CJK font is embedded"

# JUnit: parses with python3 xml.etree, one testcase per test, counts as the run
$PY - "$J" >"$tmp/out" 2>"$tmp/err" <<'EOF' && ok || ko "JUnit counts match the run"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall('testsuite')
cases = [c for s in suites for c in s.findall('testcase')]
assert len(suites) == 1 and len(cases) == 5, (len(suites), len(cases))
s = suites[0]
assert int(s.get('tests')) == 5 and int(s.get('failures')) == 0 and int(s.get('errors')) == 0
assert all(c.find('failure') is None and c.find('error') is None for c in cases)
names = [c.get('name') for c in cases]
assert any('Amplitude accuracy (calibration) (a100uv)' in n for n in names), names
EOF

# Run B: one test, dossier in English at explicit paths, upload to a live server with a
# token: the server gets run A's three files from the outbox and run B's three.
mkdir "$tmp/srv"
mkfifo "$tmp/srv.port"
$PY "$SRC/tests/integration/upload-server.py" --dir "$tmp/srv" >"$tmp/srv.port" &
spid=$!
read -r port <"$tmp/srv.port"
# shellcheck disable=SC2046
BCIB_TEST_TOKEN=tok-7f3a91 "$BIN" run $(runargs) --suite "$SRC/tests/data/run/dossier-one.xml" \
	--dut-serial SIM-EEG-0001 --seed 2 --xml "$tmp/b.xml" --pdf "$tmp/b.pdf" \
	--junit "$tmp/b-junit.xml" --upload-url "http://127.0.0.1:$port/dossiers" \
	--upload-token-env BCIB_TEST_TOKEN --upload-header 'X-Lab: 7' >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && grep -q "uploaded 6 file(s)" "$tmp/out" && grep -q "0 still pending" "$tmp/out" &&
	ok || ko "run B: exit $rc; wanted 6 files uploaded (3 left by run A), none pending"
for f in "$rid.xml" "$rid.pdf" "$rid-junit.xml" b.xml b.pdf b-junit.xml; do
	cmp -s "$tmp/srv/$f" "$( [ -e "$tmp/rep/$f" ] && echo "$tmp/rep/$f" || echo "$tmp/$f")" &&
		ok || ko "the server received $f intact"
done
grep -q "Bearer tok-7f3a91" "$tmp/srv/b.xml.auth" && ok || ko "the token was sent"
! grep -rqa "tok-7f3a91" "$tmp/r.db" "$tmp"/r.db-* 2>/dev/null && ok || ko "the token is not stored"
kill "$spid" && wait "$spid" 2>/dev/null
spid=
xmllint --noout --schema "$SRC/schemas/dossier.xsd" "$tmp/b.xml" >"$tmp/out" 2>"$tmp/err" && ok ||
	ko "run B dossier (unsigned) validates"
pdftotext "$tmp/b.pdf" "$tmp/b.txt" 2>"$tmp/err"
flat "$tmp/b.txt" >"$tmp/bf.txt"
for s in "Sampling time base accuracy" SIM-EEG-0001 PASS "Certification test report" \
	"Figure 1"; do
	grep -qF -- "$s" "$tmp/bf.txt" && ok || ko "English PDF text lacks '$s'"
done

# Run C: the dossier cannot be written: exit 2, but the run is in the record and
# `bcibench report` writes it afterwards.
# shellcheck disable=SC2046
"$BIN" run $(runargs) --suite "$SRC/tests/data/run/dossier-one.xml" --dut-serial SIM-EEG-0001 \
	--seed 3 --xml "$tmp/no/such/dir/c.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
cuuid=$(sed -n 's/^run \([0-9a-f-]*\) (id.*/\1/p' "$tmp/out")
[ $rc -eq 2 ] && grep -q "bcibench report" "$tmp/err" && ok ||
	ko "unwritable dossier: exit $rc, wanted 2 naming 'bcibench report'"
"$BIN" runs --db "$tmp/r.db" >"$tmp/out" 2>"$tmp/err" && [ -n "$cuuid" ] && grep -q "$cuuid" "$tmp/out" &&
	ok || ko "run C ($cuuid) is recorded"
"$BIN" report --db "$tmp/r.db" --run "$cuuid" --xml "$tmp/c.xml" >"$tmp/out" 2>"$tmp/err" &&
	xmllint --noout --schema "$SRC/schemas/dossier.xsd" "$tmp/c.xml" >"$tmp/out" 2>&1 && ok ||
	ko "bcibench report writes run C's dossier afterwards"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
