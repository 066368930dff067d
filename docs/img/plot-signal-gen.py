#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Renders docs/img/siggen-<model>.png for docs/signal-gen.md from files that
`bcibench gen` writes (float32 + JSON sidecar + truth CSV).

usage: /usr/bin/python3 docs/img/plot-signal-gen.py BCIBENCH OUTDIR
"""
import csv
import json
import os
import subprocess
import sys
import tempfile

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# model: (channels, rate, duration, channels to plot, --set list, title)
FIGS = {
    "eeg": (20, 250, 6, [0, 14, 17], [], "1/f background + waxing/waning alpha (Fp1, Pz, O1)"),
    "spikes": (2, 30000, 0.4, [0, 1], [], "units with truth (markers), multi-unit hum, noise"),
    "lfp": (4, 1000, 6, [0, 3], ["burst_rate_hz=1.5"], "1/f + theta + beta bursts (shaded)"),
    "noise": (1, 1000, 0.5, [0], [], "white Gaussian noise, 10 uV rms"),
    "erp": (15, 500, 6, [14], ["target_prob=0.4"], "oddball trials at Pz: targets (red) carry a P300"),
    "ssvep": (20, 250, 6, [19], ["trial_s=2", "rest_s=1", "first_s=0.5"], "SSVEP trials at Oz, class frequency in the truth"),
    "mi": (12, 250, 14, [8, 10], ["trial_s=3", "rest_s=3"], "mu/beta ERD at C3 vs C4 by class"),
    "seizure": (1, 256, 60, [0], ["onset_s=10", "duration_s=40"], "evolving discharge ending in 3 Hz spike-and-wave"),
    "blink": (20, 250, 12, [0, 17], ["rate_per_min=20"], "blinks at Fp1 (large) and O1 (small)"),
    "emg": (2, 1000, 12, [0], ["rate_per_min=12"], "EMG bursts"),
    "mains": (1, 10000, 0.1, [0], [], "50 Hz mains with 3 harmonics"),
    "pop": (4, 250, 30, [0, 1, 2, 3], ["rate_per_min=8"], "electrode pops on single channels"),
    "drift": (2, 100, 120, [0, 1], ["offset_uv=20"], "baseline wander + DC offset"),
    "motion": (3, 250, 30, [0, 1, 2], ["rate_per_min=6"], "motion episodes, per-channel weights"),
    "sine": (1, 1000, 0.5, [0], [], "sine 10 Hz, 100 uV"),
    "square": (1, 1000, 3, [0], [], "calibration pulse 100 uV, 1 Hz"),
    "triangle": (1, 1000, 3, [0], [], "triangle 1 Hz"),
    "chirp": (1, 1000, 4, [0], ["f1_hz=20", "sweep_s=4"], "linear chirp 1-20 Hz"),
    "multitone": (1, 1000, 0.5, [0], [], "8 tones 10-80 Hz, Schroeder phases"),
    "impulse": (1, 1000, 3, [0], [], "periodic impulses"),
    "dc_step": (1, 1000, 2, [0], [], "DC step at 1 s"),
    "silence": (1, 1000, 1, [0], [], "silence"),
    "stim": (1, 100000, 0.03, [0], [], "biphasic charge-balanced pulses, 130 Hz"),
    "ecg": (3, 500, 5, [0, 1, 2], [], "PQRST beats with HRV, a weight per channel"),
}


def main():
    binary, outdir = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    for model, (ch, rate, dur, show, sets, title) in FIGS.items():
        f32 = os.path.join(tmp, model + ".f32")
        tru = os.path.join(tmp, model + ".csv")
        cmd = [binary, "gen", "--model", model, "--channels", str(ch), "--rate", str(rate),
               "--duration", str(dur), "--seed", "1", "--out", f32, "--truth", tru]
        for s in sets:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True)
        meta = json.load(open(f32 + ".json"))
        x = np.fromfile(f32, dtype="<f4").reshape(-1, meta["channels"]).T
        ev = list(csv.DictReader(open(tru)))
        t = np.arange(x.shape[1]) / rate
        fig, axes = plt.subplots(len(show), 1, figsize=(8, 1.1 + 1.1 * len(show)), sharex=True,
                                 squeeze=False)
        for ax, c in zip(axes[:, 0], show):
            ax.plot(t, x[c], lw=0.6, color="k")
            ax.set_ylabel("%s (uV)" % meta["channel_names"][c], fontsize=7)
            ax.tick_params(labelsize=7)
            for e in ev:
                st, en = int(e["start"]) / rate, int(e["end"]) / rate
                chan = int(e["channel"])
                if e["type"] == "background" or (chan >= 0 and chan != c):
                    continue
                if e["type"] == "spike":
                    pk = int(e["peak"])
                    ax.plot(pk / rate, float(e["amplitude_uv"]), "v", ms=3,
                            color="C%d" % int(e["label"]))
                elif e["type"] in ("stim", "waveform") and model in ("stim", "impulse"):
                    ax.axvline(st, color="r", lw=0.5, alpha=0.5)
                elif e["type"] != "waveform":
                    col = "r" if (e["type"] == "erp" and e["label"] == "1") else "C0"
                    ax.axvspan(st, en, color=col, alpha=0.12)
        axes[0, 0].set_title("%s: %s" % (model, title), fontsize=8)
        axes[-1, 0].set_xlabel("time (s)", fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(outdir, "siggen-%s.png" % model), dpi=80)
        plt.close(fig)


if __name__ == "__main__":
    main()
