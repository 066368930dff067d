#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bcibench gen: bad arguments and specs exit 64 with a clear message; a BDF+
# is read back by MNE (/usr/bin/python3) with the same channels, rate,
# values (to the 24-bit step) and annotations as the raw float32 output.
BIN=${1:?usage: test-gen.sh BCIBENCH}
T=$(mktemp -d /tmp/bench-test-gen.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

expect() {	# expect NAME RC PATTERN CMD...
	name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" "$T/out"; }; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $name: exit $rc (wanted $want), output:"
		sed 's/^/    /' "$T/out"
	fi
}

expect "negative rate" 64 "rate" "$BIN" gen --model eeg --rate -5 --out "$T/a.bdf"
expect "NaN rate" 64 "rate" "$BIN" gen --model eeg --rate nan --out "$T/a.bdf"
expect "unknown model" 64 "unknown model" "$BIN" gen --model nonsense --out "$T/a.bdf"
expect "zero channels" 64 "channels" "$BIN" gen --model eeg --channels 0 --out "$T/a.bdf"
expect "absurd size" 64 "absurd size" "$BIN" gen --model eeg --channels 4096 --rate 1e6 \
	--duration 1e5 --out "$T/a.f32"
expect "bad extension" 64 "must end in" "$BIN" gen --model eeg --out "$T/a.wav"
expect "no output" 64 "out" "$BIN" gen --model eeg
expect "both spec and model" 64 "exactly one" "$BIN" gen --model eeg --spec x.xml --out "$T/a.bdf"
expect "bad --set" 64 "no source has" "$BIN" gen --model eeg --set bogus=1 --out "$T/a.bdf"
expect "out of range --set" 64 "range" "$BIN" gen --model eeg --set exponent=5 --out "$T/a.bdf"
expect "out of range post-ictal depth" 64 "range" "$BIN" gen --model seizure \
	--set postictal_depth=2 --out "$T/a.bdf"
expect "bad stim channel" 64 "range" "$BIN" gen --model stim_artifact --set stim_channel=-2 \
	--out "$T/a.bdf"
expect "negative drift" 64 "range" "$BIN" gen --model spikes --set amp_drift=-0.1 --out "$T/a.bdf"
expect "zero threads" 64 "threads" "$BIN" gen --model eeg --threads 0 --out "$T/a.bdf"
expect "too many threads" 64 "threads" "$BIN" gen --model eeg --threads 65 --out "$T/a.bdf"
expect "missing spec" 64 "No such file" "$BIN" gen --spec "$T/none.xml" --out "$T/a.bdf"
cat >"$T/bad.xml" <<'XML'
<stimulus rate_hz="1000" channels="2" duration_s="1">
  <source model="eeg">
    <param name="exponent" value="NaN"/>
  </source>
</stimulus>
XML
expect "NaN in a spec" 64 "bad.xml:3:" "$BIN" gen --spec "$T/bad.xml" --out "$T/a.bdf"
expect "list models" 0 "spikes" "$BIN" gen --list-models

cat >"$T/s.xml" <<'XML'
<stimulus rate_hz="512" channels="6" duration_s="20">
  <source model="eeg" id="bg"/>
  <source model="erp" id="p3"><param name="soa_s" value="1.5"/></source>
  <source model="blink" channels="0-1"><param name="rate_per_min" value="20"/></source>
  <source model="mains"><param name="freq_hz" value="60"/></source>
  <source model="seizure" channels="2-5">
    <param name="onset_s" value="2"/><param name="duration_s" value="5"/>
    <param name="postictal_s" value="3"/><param name="recovery_s" value="3"/>
  </source>
  <source model="stim_artifact" id="art" channels="0-5">
    <param name="rate_hz" value="4"/><param name="stim_channel" value="3"/>
  </source>
  <source model="prbs" channels="0"/>
  <source model="saturation" channels="5"><param name="rate_per_min" value="12"/></source>
</stimulus>
XML
expect "spec to BDF" 0 "" "$BIN" gen --spec "$T/s.xml" --seed 3 --out "$T/s.bdf" --truth "$T/s.csv"
expect "spec to f32" 0 "" "$BIN" gen --spec "$T/s.xml" --seed 3 --out "$T/s.f32"
# Threads and the portable noise kernel change nothing.
expect "spec to f32, 3 threads" 0 "" "$BIN" gen --spec "$T/s.xml" --seed 3 --threads 3 \
	--out "$T/s3.f32" --truth "$T/s3.csv"
expect "3 threads: same samples" 0 "" cmp "$T/s.f32" "$T/s3.f32"
expect "3 threads: same truth" 0 "" cmp "$T/s.csv" "$T/s3.csv"
cat >"$T/n.xml" <<'XML'
<stimulus rate_hz="30000" channels="16" duration_s="0.5">
  <source model="spikes"><param name="amp_drift" value="0.2"/></source>
  <source model="lfp"/>
</stimulus>
XML
expect "spikes, SIMD" 0 "" "$BIN" gen --spec "$T/n.xml" --threads 2 --out "$T/n1.f32"
expect "spikes, portable" 0 "" env SIGGEN_NO_SIMD=1 "$BIN" gen --spec "$T/n.xml" --out "$T/n2.f32"
expect "SIMD and portable noise agree" 0 "" cmp "$T/n1.f32" "$T/n2.f32"
if /usr/bin/python3 - "$T" <<'PY'
import csv, json, sys
import numpy as np
import mne
d = sys.argv[1]
raw = mne.io.read_raw_bdf(d + "/s.bdf", preload=True, verbose="error")
meta = json.load(open(d + "/s.f32.json"))
x = np.fromfile(d + "/s.f32", dtype="<f4").reshape(-1, meta["channels"]).T
ev = list(csv.DictReader(open(d + "/s.csv")))
ok = True
def check(cond, msg):
    global ok
    if not cond:
        ok = False
        print("FAIL:", msg)
check(len(raw.ch_names) == meta["channels"] == 6, "channels %d" % len(raw.ch_names))
check(raw.ch_names == meta["channel_names"], "names %s" % raw.ch_names)
check(abs(raw.info["sfreq"] - meta["rate_hz"]) < 1e-9, "rate %g" % raw.info["sfreq"])
y = raw.get_data()[:, :x.shape[1]] * 1e6
err = np.abs(y - x).max()
# The step from the BDF header: physical min/max of signal 0 (all channels share it).
hdr = open(d + "/s.bdf", "rb").read(256)
ns = int(hdr[252:256])
hdr = open(d + "/s.bdf", "rb").read(256 * (ns + 1))
pmin = float(hdr[256 + ns * 104:256 + ns * 104 + 8])
pmax = float(hdr[256 + ns * 112:256 + ns * 112 + 8])
step = (pmax - pmin) / (2**24 - 1)
check(err <= step / 2 + 1e-6, "values off by %g uV, step %g uV" % (err, step))
on = sorted(float(a["onset"]) for a in raw.annotations)
want = sorted(int(e["start"]) / meta["rate_hz"] for e in ev)
check(len(on) == len(want), "%d annotations, %d events" % (len(on), len(want)))
check(all(abs(a - b) <= 1e-4 + 1e-9 for a, b in zip(on, want)), "annotation onsets differ")
check(len(want) > 10, "too few events: %d" % len(want))
kinds = set(e["type"] for e in ev)
check({"seizure", "postictal", "stim_artifact", "saturation", "waveform"} <= kinds, "event types %s" % sorted(kinds))
texts = [a["description"] for a in raw.annotations]
check(any(t.startswith("postictal") for t in texts), "no post-ictal annotation")
check(sum(t.startswith("stim_artifact") for t in texts) ==
      sum(e["type"] == "stim_artifact" for e in ev), "stim_artifact annotations")
sys.exit(0 if ok else 1)
PY
then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL: MNE reads the BDF+ back differently"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
