#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""numpy reference for bench-siggen: the same models written the natural numpy
way (vectorised noise, FFT-shaped 1/f, templates added per template sample
over all spikes, BLAS mixing), timed in CPU seconds on one thread.

usage: bench-siggen-numpy.py SECONDS_A SECONDS_B [REPEATS]
prints: RESULT a <samples/s>  and  RESULT b <samples/s>, the best of REPEATS
(default 1) runs each, since CPU time on a shared machine only ever grows
"""
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def pink(rng, rows, n, fs, exponent, f_lo):
    """Unit-rms 1/f^exponent noise by FFT shaping, flat below f_lo."""
    spec = rng.standard_normal((rows, n // 2 + 1)) + 1j * rng.standard_normal((rows, n // 2 + 1))
    f = np.fft.rfftfreq(n, 1 / fs)
    spec *= np.maximum(f, f_lo) ** (-exponent / 2)
    x = np.fft.irfft(spec, n)
    return (x / x.std(axis=1, keepdims=True)).astype(np.float32)


def template(n, tri, skew):
    at = int(0.3 * n)
    u = (np.arange(n) - at) / n + 0.3
    v = -np.exp(-0.5 * ((u - 0.3) / 0.06) ** 2) + (0.25 + 0.2 * skew) * np.exp(
        -0.5 * ((u - 0.55) / 0.14) ** 2)
    if tri:
        v += 0.2 * np.exp(-0.5 * ((u - 0.15) / 0.045) ** 2)
    return (v / -v.min()).astype(np.float32)


def add_train(x, rng, rate_hz, refr_s, fs, tpl, amp, jitter):
    """Poisson train with refractory period; adds amp*tpl at each spike."""
    n = x.shape[0]
    mean = max(1 / rate_hz - refr_s, 1 / fs)
    k = int(n / fs * rate_hz * 1.5) + 10
    t = np.cumsum(refr_s + rng.exponential(mean, k)) * fs
    t = t[t < n - len(tpl)].astype(np.int64)
    a = amp * (1 + jitter * rng.standard_normal(len(t))).astype(np.float32)
    for j in range(len(tpl)):
        x[t + j] += a * tpl[j]
    return len(t)


def model_a(dur):
    fs, ch = 30000, 1024
    n = int(dur * fs)
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((ch, n), dtype=np.float32) * 10)
    hum = [template(36, j % 2, j / 4) for j in range(4)]
    for c in range(ch):
        for u in range(2):
            inh = rng.random() < 0.2
            w = (1 + rng.random()) * (0.6 if inh else 1)
            tpl = template(int(round(w * 1e-3 * fs)), rng.random() < 0.3, rng.random())
            amp = 50 + 250 * rng.random()
            add_train(x[c], rng, 15 if inh else 5, 2e-3, fs, tpl, amp, 0.1)
        for j in range(4):
            add_train(x[c], rng, 75, 0, fs, hum[j], 8 * (0.3 + 0.7 * rng.random()), 0.2)
    # LFP: 4 latent 1/f sources mixed onto the channels, theta and beta bursts.
    lat = pink(rng, 4, n, fs, 1.5, 0.5) * 50
    pos = np.arange(ch)[:, None] / (ch - 1) * 3
    w = np.exp(-0.5 * (pos - np.arange(4)[None, :]) ** 2)
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    t = np.arange(n) / fs
    env = 1 + 0.5 * np.clip(pink(rng, 1, n, fs, 2, 2)[0], -2, 2)
    common = 20 * env * np.sin(2 * np.pi * 6 * t)
    onsets = np.cumsum(rng.exponential(1.0, int(dur * 2) + 5))
    for o in onsets[onsets < dur - 0.3]:
        i0, i1 = int(o * fs), int((o + 0.2) * fs)
        common[i0:i1] += 30 * np.hanning(i1 - i0) * np.sin(2 * np.pi * 20 * t[i0:i1])
    x += (w.astype(np.float32) @ lat) + common.astype(np.float32)
    return x


def model_b(dur):
    fs, ch = 1000, 64
    n = int(dur * fs)
    rng = np.random.default_rng(2)
    t = np.arange(n) / fs
    own = pink(rng, ch, n, fs, 1.0, 0.1)
    sh = pink(rng, 4, n, fs, 1.0, 0.1)
    w = rng.standard_normal((ch, 4))
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    x = 20 * (np.sqrt(0.5) * own + np.sqrt(0.5) * (w @ sh))
    env = 1 + 0.5 * np.clip(pink(rng, 1, n, fs, 2, 1)[0], -2, 2)
    x += 10 * env * np.sin(2 * np.pi * 10 * t)
    # blinks
    blink = np.arange(400) / 400 / 0.3 * 2
    blink = blink ** 2 * np.exp(2 - blink) / 4
    for o in np.cumsum(rng.exponential(4, int(dur / 4) + 5)):
        i = int(o * fs)
        if i + 400 < n:
            x[:, i:i + 400] += 150 * blink
    # EMG bursts
    for o in np.cumsum(rng.exponential(10, int(dur / 10) + 5)):
        i = int(o * fs)
        if i + 1000 < n:
            e = np.diff(rng.standard_normal((ch, 1001)), axis=1) * 30 / np.sqrt(2)
            x[:, i:i + 1000] += e * np.sin(np.pi * np.arange(1000) / 1000)
    # mains and harmonics
    for h in range(3):
        x += 20 * 0.3 ** h * np.sin(2 * np.pi * 50 * (h + 1) * t)
    # pops
    for o in np.cumsum(rng.exponential(30, int(dur / 30) + 5)):
        i = int(o * fs)
        if i + 1500 < n:
            x[rng.integers(ch), i:i + 1500] += 300 * np.exp(-np.arange(1500) / 300)
    # drift
    x += 50 * pink(rng, ch, n, fs, 2, 0.016)
    # motion
    for o in np.cumsum(rng.exponential(60, int(dur / 60) + 5)):
        i = int(o * fs)
        if i + 2000 < n:
            f = 1 + 3 * rng.random()
            m = 200 * np.sin(np.pi * np.arange(2000) / 2000) * np.sin(2 * np.pi * f * t[:2000])
            x[:, i:i + 2000] += (0.5 + rng.random((ch, 1))) * m
    return x.astype(np.float32)


def main():
    dur_a = float(sys.argv[1]) if len(sys.argv) > 1 else 3
    dur_b = float(sys.argv[2]) if len(sys.argv) > 2 else 120
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    for name, fn, dur, ch, fs in (("a", model_a, dur_a, 1024, 30000),
                                  ("b", model_b, dur_b, 64, 1000)):
        secs = float("inf")
        for _ in range(reps):
            t0 = time.process_time()
            x = fn(dur)
            secs = min(secs, time.process_time() - t0)
            assert x.shape == (ch, int(dur * fs)) and np.isfinite(x).all()
            del x
        sps = ch * fs * dur / secs
        print("numpy     (%s): %d ch x %d S/s, %.1f s of signal in %.3f CPU s (best of %d): "
              "%.3g samples/s = %.2fx real time" % (name, ch, fs, dur, secs, reps, sps,
                                                     sps / (ch * fs)))
        print("RESULT %s %.6g" % (name, sps))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
