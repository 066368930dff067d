#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Derivation of the B12 detection-threshold claim of fixtures/duts/sim-closed-loop-stim.xml
from the emulated detector's own parameters (docs/sim.md, "B12 claim"); not a test.

The detector (src/sim/dut.c stim_detect, rig fixtures/sim/closed-loop-stim.rig.xml): the DUT
front end (2nd-order Butterworth high-pass 1 Hz and low-pass 100 Hz at 1000 S/s), a 13-30 Hz
band-pass biquad (0 dB peak), envelope = one-pole 5 Hz smoothing of |x| pi/2, a detection when
the envelope stays above burst_threshold_uv = 1 uV for burst_min_ms = 50 ms. The B12 stimulus
(signal-gen lfp model): 20 Hz bursts under a Hann window, duration 100 ms + Exp(100 ms), any
phase, peak amplitude uniform in 0.7-1.3 x 2 uV. Noise-free: the background only helps the
detector (measured thresholds are lower), so the figures are upper bounds in expectation.
Prints the smallest detected amplitude per duration, P(detect | A) and the two thresholds.
Usage: /usr/bin/python3 derive-b12-claim.py  (numpy, scipy; about 1 min)
"""
import numpy as np
from scipy.signal import lfilter

FS = 1000.0


def biquad(kind, f, q):
    w = 2 * np.pi * f / FS
    cw, al = np.cos(w), np.sin(w) / (2 * q)
    b = {"lp": [(1 - cw) / 2, 1 - cw, (1 - cw) / 2],
         "hp": [(1 + cw) / 2, -(1 + cw), (1 + cw) / 2],
         "bp": [al, 0, -al]}[kind]
    return np.array(b), np.array([1 + al, -2 * cw, 1 - al])


HP, LP = biquad("hp", 1.0, np.sqrt(0.5)), biquad("lp", 100, np.sqrt(0.5))
FC = np.sqrt(13 * 30)
BP = biquad("bp", FC, FC / 17)
K = 1 - np.exp(-2 * np.pi * 5 / FS)


def detected(amp, dur_ms, phase):
    n = int(dur_ms)
    x = np.zeros(2000)
    h = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
    x[500:500 + n] = amp * h * np.sin(2 * np.pi * 20 * np.arange(n) / FS + phase)
    b = lfilter(*BP, lfilter(*LP, lfilter(*HP, x)))
    env = lfilter([K], [1, -(1 - K)], np.abs(b) * np.pi / 2)
    run = 0
    for above in env > 1.0:
        run = run + 1 if above else 0
        if run >= 50:
            return True
    return False


def smallest(dur_ms, phase):
    lo, hi = 0.5, 6.0
    for _ in range(18):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if detected(mid, dur_ms, phase) else (mid, hi)
    return hi


phases = np.linspace(0, 2 * np.pi, 12, endpoint=False)
durs = np.concatenate([np.arange(100, 200, 4.0), np.arange(200, 420, 20.0)])
amin = np.array([[smallest(d, p) for p in phases] for d in durs])
for d, row in zip(durs, amin):
    if d in (100, 120, 140, 160, 200, 300, 400):
        print(f"{d:.0f} ms: detected from {row.min():.3f}-{row.max():.3f} uV (by phase)")
edges = np.append(durs, durs[-1] + 20)
w = np.exp(-(edges[:-1] - 100) / 100) - np.exp(-(edges[1:] - 100) / 100)
w[-1] += np.exp(-(edges[-1] - 100) / 100)  # longer bursts: as the longest computed


def p_detect(a):
    return float(np.sum(w[:, None] * (amin <= a)) / len(phases))


amps = np.linspace(1.4, 2.6, 241)
p = np.array([p_detect(a) for a in amps])
for a in np.arange(1.4, 2.65, 0.2):
    print(f"P(detect | {a:.1f} uV) = {p_detect(a):.3f}")
a90 = next(a for a, q in zip(amps, p) if q >= 0.9)
cum = next(a for i, a in enumerate(amps) if p[i:].mean() >= 0.9)
print(f"per-amplitude 90 % point: {a90:.3f} uV (the claim)")
print(f"B12 statistic (>= 90 % of the bursts at or above A, amplitudes 1.4-2.6): {cum:.3f} uV")
