#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent reference computations for the src/score metric tests.

Run with Debian's /usr/bin/python3 (python3-numpy, python3-scipy). Data
files are raw little-endian float64 arrays written by the C tests. Each
command prints its results as whitespace-separated numbers (%.17g) on
stdout. Nothing here shares code with the C implementation: spectra come
from scipy.signal, fits from numpy.linalg.lstsq / scipy.optimize, quantiles
from scipy.stats.

Commands:
  welch FILE FS NPERSEG NOVERLAP      -> psd[0..nperseg/2]
  fit3 FILE FS F                      -> amplitude phase offset resid_rms
  fit4 FILE FS F0                     -> freq amplitude phase offset resid_rms
  multifit FILE FS F [F ...]          -> amplitude per tone, then resid_rms (numpy lstsq on
                                         cos/sin per tone, 1 and a centred linear trend)
  harm FILE FS H                      -> thd_db sfdr_db  (coherent, rectangular)
  xcorr FILE_A FILE_B FS MAXLAG       -> delay_s of B relative to A
  szcore FILE_REF FILE_HYP DURATION   -> tp fp sensitivity precision f1 fp_per_24h
  butter FILE KIND ORDER F1 F2 FS     -> zero-phase (fwd+bwd sosfilt) output
  ptp FILE WINDOW                     -> max p-v over windows, its start, np.std
  betappf A B P [A B P ...]           -> scipy.stats.beta.ppf for each triple
  tppf P DF [P DF ...]                -> scipy.stats.t.ppf for each pair
  tppf_mp P DF [P DF ...]             -> the same quantiles to 40 digits (mpmath)
  linfit FILE_X FILE_Y CONF           -> slope intercept stderr lo hi
  pct FILE P [P ...]                  -> numpy.percentile for each P
  bench FILE FS NPERSEG F0 REPS       -> welch_s fit_s then psd..., then fit params
"""
import sys
import time

import numpy as np
from scipy import optimize, signal, stats


def load(path):
    return np.fromfile(path, dtype='<f8')


def out(values):
    print(' '.join('%.17g' % v for v in values))


def fit3(x, fs, f):
    t = np.arange(len(x)) / fs
    w = 2 * np.pi * f
    m = np.column_stack([np.cos(w * t), np.sin(w * t), np.ones_like(t)])
    sol, _, _, _ = np.linalg.lstsq(m, x, rcond=None)
    r = x - m @ sol
    return sol, np.sqrt(np.mean(r * r))


def start_freq(x, fs, hint):
    """Hann-windowed FFT peak near the hint (0.8..1.25 x), parabolic on log |X|."""
    n = len(x)
    mag = np.abs(np.fft.rfft((x - x.mean()) * np.hanning(n + 1)[:-1]))
    f = np.arange(len(mag)) * fs / n
    sel = np.where((f >= 0.8 * hint) & (f <= 1.25 * hint))[0]
    k = sel[np.argmax(mag[sel])]
    lm, l0, lp = np.log(mag[k - 1:k + 2])
    return (k + 0.5 * (lm - lp) / (lm - 2 * l0 + lp)) * fs / n


def fit4(x, fs, hint):
    t = np.arange(len(x)) / fs
    f0 = start_freq(x, fs, hint)
    (a, b, c), _ = fit3(x, fs, f0)

    def resid(p):
        return p[0] * np.cos(2 * np.pi * p[3] * t) + p[1] * np.sin(2 * np.pi * p[3] * t) \
            + p[2] - x

    def jac(p):
        ph = 2 * np.pi * p[3] * t
        return np.column_stack([np.cos(ph), np.sin(ph), np.ones_like(t),
                                2 * np.pi * t * (-p[0] * np.sin(ph) + p[1] * np.cos(ph))])

    res = optimize.least_squares(resid, [a, b, c, f0], jac=jac, method='lm',
                                 xtol=1e-15, ftol=1e-15, gtol=1e-15)
    p = res.x
    r = resid(p)
    return p, np.sqrt(np.mean(r * r))


def szcore(ref, hyp, dur, tb=30.0, ta=60.0, minov=0.0, maxev=300.0, gap=90.0):
    """SzCORE event scoring on a 10 Hz mask, as the EPFL timescoring library
    does it (merge < gap, split > maxev, extend refs by tb/ta, any overlap is a
    TP, a detection with any sample outside the detected extended refs is a FP).
    Written here from the published rules; returns tp fp sens prec f1 fp/24h."""
    fs = 10
    ns = int(round(dur * fs))

    def merge(ev):
        res = []
        for s, e in ev:
            if res and s - res[-1][1] < gap:
                res[-1] = (res[-1][0], max(res[-1][1], e))
            else:
                res.append((s, e))
        return res

    def split(ev):
        res = []
        for s, e in ev:
            while e - s > maxev:
                res.append((s, s + maxev))
                s += maxev
            res.append((s, e))
        return res

    def idx(t):
        return int(round(t * fs))

    r = split(merge([tuple(v) for v in ref]))
    h = split(merge([tuple(v) for v in hyp]))
    hmask = np.zeros(ns, dtype=bool)
    for s, e in h:
        hmask[idx(s):idx(e)] = True
    tp = 0
    tpmask = np.zeros(ns, dtype=bool)
    for s, e in r:
        es, ee = max(0.0, s - tb), min(dur, e + ta)
        if hmask[idx(es):idx(ee)].sum() / fs / (ee - es) > minov + 1e-6:
            tp += 1
            tpmask[idx(es):idx(ee)] = True
    fp = sum(1 for s, e in h if np.any(~tpmask[idx(s):idx(e)]))
    sens = tp / len(r) if r else float('nan')
    prec = tp / (tp + fp) if tp + fp else float('nan')
    f1 = 2 * sens * prec / (sens + prec) if sens + prec > 0 else 0.0
    return [tp, fp, sens, prec, f1, fp / (dur / 86400.0)]


def polar(a, b):
    return np.hypot(a, b), np.arctan2(-b, a)


def main(argv):
    cmd = argv[1]
    if cmd == 'welch':
        x = load(argv[2])
        _, p = signal.welch(x, fs=float(argv[3]), nperseg=int(argv[4]), noverlap=int(argv[5]))
        out(p)
    elif cmd == 'fit3':
        (a, b, c), rr = fit3(load(argv[2]), float(argv[3]), float(argv[4]))
        amp, ph = polar(a, b)
        out([amp, ph, c, rr])
    elif cmd == 'fit4':
        p, rr = fit4(load(argv[2]), float(argv[3]), float(argv[4]))
        amp, ph = polar(p[0], p[1])
        out([p[3], amp, ph, p[2], rr])
    elif cmd == 'multifit':
        x = load(argv[2])
        fs = float(argv[3])
        freqs = [float(v) for v in argv[4:]]
        n = len(x)
        i = np.arange(n)
        cols = []
        for f in freqs:
            cols += [np.cos(2 * np.pi * f * i / fs), np.sin(2 * np.pi * f * i / fs)]
        cols += [np.ones(n), i / n - 0.5]
        m = np.column_stack(cols)
        sol, _, _, _ = np.linalg.lstsq(m, x, rcond=None)
        r = x - m @ sol
        out([np.hypot(sol[2 * k], sol[2 * k + 1]) for k in range(len(freqs))] +
            [np.sqrt(np.mean(r * r))])
    elif cmd == 'harm':
        x = load(argv[2])
        h = int(argv[4])
        n = len(x)
        pw = np.abs(np.fft.rfft(x - x.mean())) ** 2
        k1 = int(np.argmax(pw[1:])) + 1
        bins = []
        for k in range(2, h + 1):
            b = (k * k1) % n
            bins.append(n - b if b > n // 2 else b)
        thd = 10 * np.log10(sum(pw[b] for b in bins) / pw[k1])
        spur = np.delete(pw, [0, k1]).max()
        out([thd, 10 * np.log10(pw[k1] / spur)])
    elif cmd == 'xcorr':
        a, b = load(argv[2]), load(argv[3])
        a, b = a - a.mean(), b - b.mean()
        fs, maxlag = float(argv[4]), int(argv[5])
        c = signal.correlate(b, a, mode='full', method='direct')
        lags = signal.correlation_lags(len(b), len(a), mode='full')
        sel = np.abs(lags) <= maxlag
        c, lags = c[sel], lags[sel]
        i = int(np.argmax(c))
        d = 0.0
        if 0 < i < len(c) - 1:
            den = c[i - 1] - 2 * c[i] + c[i + 1]
            if den < 0:
                d = 0.5 * (c[i - 1] - c[i + 1]) / den
        out([(lags[i] + d) / fs])
    elif cmd == 'szcore':
        ref = load(argv[2]).reshape(-1, 2)
        hyp = load(argv[3]).reshape(-1, 2)
        out(szcore(ref, hyp, float(argv[4])))
    elif cmd == 'butter':
        # forward-backward sosfilt with scipy's own Butterworth design, no padding
        x = load(argv[2])
        kind, order, f1, f2, fs = argv[3], int(argv[4]), float(argv[5]), float(argv[6]), \
            float(argv[7])
        wn = [f1, f2] if kind == 'bandpass' else f1
        sos = signal.butter(order, wn, btype=kind, fs=fs, output='sos')
        y = signal.sosfilt(sos, x)
        y = signal.sosfilt(sos, y[::-1])[::-1]
        out(y)
    elif cmd == 'ptp':
        # brute force over every window: numpy sliding_window_view
        x = load(argv[2])
        w = np.lib.stride_tricks.sliding_window_view(x, int(argv[3]))
        p = w.max(axis=1) - w.min(axis=1)
        out([p.max(), int(np.argmax(p)), np.std(x)])
    elif cmd == 'betappf':
        v = [float(s) for s in argv[2:]]
        out([stats.beta.ppf(v[i + 2], v[i], v[i + 1]) for i in range(0, len(v), 3)])
    elif cmd == 'tppf':
        v = [float(s) for s in argv[2:]]
        out([stats.t.ppf(v[i], v[i + 1]) for i in range(0, len(v), 2)])
    elif cmd == 'tppf_mp':
        # 40-digit root of the t cdf (mpmath): scipy's t.ppf is only good to
        # about 1e-9 relative in places (e.g. p = 0.995, df = 3).
        import mpmath as mp
        mp.mp.dps = 40
        v = [float(s) for s in argv[2:]]
        res = []
        for i in range(0, len(v), 2):
            p, df = mp.mpf(v[i]), mp.mpf(v[i + 1])

            def cdf(t):
                x = df / (df + t * t)
                tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, x, regularized=True) / 2
                return 1 - tail if t > 0 else tail
            res.append(float(mp.findroot(lambda t: cdf(t) - p, float(stats.t.ppf(v[i], v[i + 1])))))
        out(res)
    elif cmd == 'linfit':
        x, y = load(argv[2]), load(argv[3])
        conf = float(argv[4])
        lr = stats.linregress(x, y)
        t = stats.t.ppf(1 - (1 - conf) / 2, len(x) - 2)
        out([lr.slope, lr.intercept, lr.stderr, lr.slope - t * lr.stderr,
             lr.slope + t * lr.stderr])
    elif cmd == 'pct':
        x = load(argv[2])
        out([np.percentile(x, float(p)) for p in argv[3:]])
    elif cmd == 'bench':
        x = load(argv[2])
        fs, nperseg, f0, reps = float(argv[3]), int(argv[4]), float(argv[5]), int(argv[6])
        t0 = time.perf_counter()
        for _ in range(reps):
            _, p = signal.welch(x, fs=fs, nperseg=nperseg, noverlap=nperseg // 2)
        t1 = time.perf_counter()
        for _ in range(reps):
            q, rr = fit4(x, fs, f0)
        t2 = time.perf_counter()
        amp, ph = polar(q[0], q[1])
        out([(t1 - t0) / reps, (t2 - t1) / reps])
        out(p)
        out([q[3], amp, ph, q[2], rr])
    else:
        sys.stderr.write('score_ref.py: unknown command %s\n' % cmd)
        return 64
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
