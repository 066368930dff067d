#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job end to end (issue 10): `bcibench demo` on the emulated rig writes, for every
# reference DUT model, a schema-valid signed dossier that `bcibench verify` and `xmlsec1`
# accept, a PDF whose every page renders, and a JUnit file; the summary table has a row per
# model and says PASS. `--dut MODEL --lang zh-CN` runs one model with a Chinese PDF.
# Usage: test-demo.sh BCIBENCH SRCROOT
BIN=${1:?} SRC=${2:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
# cairo/fontconfig's process-wide caches match lsan.supp only with full stack unwinding
[ -n "$ASAN_OPTIONS" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

"$BIN" demo --out "$tmp/demo" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] && ok || { ko "demo exit $rc, wanted 0"; tail -25 "$tmp/out"; tail -15 "$tmp/err"; }
grep -q 'overall: PASS' "$tmp/out" && ok || ko "summary line 'overall: PASS'"

for m in eeg-amp neural-recorder ssvep-decoder closed-loop-stim mi-decoder p300-decoder; do
	x=$tmp/demo/$m.dossier.xml pdf=$tmp/demo/$m.pdf j=$tmp/demo/$m.junit.xml
	[ -s "$x" ] && [ -s "$pdf" ] && [ -s "$j" ] && ok || { ko "$m: dossier, PDF, JUnit written"; continue; }
	xmllint --noout --schema "$SRC/schemas/dossier.xsd" "$x" 2>"$tmp/xl" && ok ||
		{ ko "$m: dossier invalid against dossier.xsd"; head -5 "$tmp/xl"; }
	"$BIN" verify "$x" --trusted-pem "$SRC/fixtures/keys/test-signer-rsa.crt" >"$tmp/v" 2>&1 && ok ||
		{ ko "$m: bcibench verify"; head -5 "$tmp/v"; }
	xmlsec1 --verify --trusted-pem "$SRC/fixtures/keys/test-signer-rsa.crt" "$x" >/dev/null 2>&1 &&
		ok || ko "$m: xmlsec1 --verify"
	pages=$(pdfinfo "$pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
	[ "${pages:-0}" -ge 3 ] && ok || ko "$m: PDF has ${pages:-0} pages"
	pdftoppm -r 20 -png "$pdf" "$tmp/pg-$m" 2>/dev/null
	[ "$(ls "$tmp"/pg-$m-*.png 2>/dev/null | wc -l)" -eq "${pages:-0}" ] && ok ||
		ko "$m: not every PDF page renders"
	/usr/bin/python3 -c "import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$j" && ok ||
		ko "$m: JUnit does not parse"
done
"$BIN" verify --db "$tmp/demo/bcibench.db" >"$tmp/v" 2>&1 && ok || ko "audit chain of the demo database"
# the summary table: one row per model with its serial, run status and dossier path
for m in eeg-amp neural-recorder ssvep-decoder closed-loop-stim mi-decoder p300-decoder; do
	grep -q "^$m  *SIM-[A-Z0-9]*-0001  *passed .*$tmp/demo/$m.dossier.xml" "$tmp/out" && ok ||
		ko "summary table row of $m"
done

# --dut MODEL --lang zh-CN: one model (the fastest suite), a Chinese PDF with an embedded CJK font
"$BIN" demo --dut ssvep-decoder --lang zh-CN --out "$tmp/zh" >"$tmp/out2" 2>"$tmp/err2"
rc=$?
[ $rc -eq 0 ] && ok || { ko "demo --dut ssvep-decoder --lang zh-CN exit $rc"; tail -5 "$tmp/out2"; }
grep -q '^1 DUT models in .*overall: PASS' "$tmp/out2" && ok || ko "--dut runs exactly one model"
[ -s "$tmp/zh/ssvep-decoder.zh-CN.pdf" ] && [ ! -e "$tmp/zh/neural-recorder.dossier.xml" ] && ok ||
	ko "zh-CN: ssvep-decoder.zh-CN.pdf only"
pdffonts "$tmp/zh/ssvep-decoder.zh-CN.pdf" 2>/dev/null | grep -qi 'cjk' && ok || ko "zh-CN PDF embeds a CJK font"
pdftotext "$tmp/zh/ssvep-decoder.zh-CN.pdf" - 2>/dev/null | grep -q '报告\|测试\|结论' && ok ||
	ko "zh-CN PDF text is Chinese"
"$BIN" demo --dut no-such-model --out "$tmp/x" >/dev/null 2>&1
[ $? -eq 64 ] && ok || ko "unknown --dut: exit 64"
"$BIN" demo --lang fr --out "$tmp/x" >/dev/null 2>&1
[ $? -eq 64 ] && ok || ko "unknown --lang: exit 64"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
