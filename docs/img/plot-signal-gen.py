#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Renders docs/img/siggen-<model>.png for docs/signal-gen.md from files that
`bcibench gen` writes (float32 + JSON sidecar + truth CSV).

usage: /usr/bin/python3 docs/img/plot-signal-gen.py BCIBENCH OUTDIR [NAME...]
(NAMEs: only those figures)
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
    "seizure": (1, 256, 120, [0], [], "EEG, then a discharge ending in 3 Hz spike-and-wave, "
                "then post-ictal suppression (shaded) recovering"),
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
    "stim_artifact": (4, 30000, 0.03, [0, 1, 3],
                      ["stim_channel=0", "spread_ch=1.5", "first_s=0.004", "tau_ms=1.5"],
                      "pulse artifacts with recovery tails, falling with distance (ch 0, 1, 3)"),
    "prbs": (1, 1000, 3, [0], ["bit_rate_hz=50"],
             "PRBS7 at 50 bit/s; each sequence (127 bits, 2.54 s) starts at a truth marker"),
    "saturation": (1, 500, 20, [0], [],
                   "EEG, then over-range episodes: held at the rail, exponential recovery"),
}

# Figures drawn from a spec instead of one model (channels, rate, duration come from it).
SPECS = {
    "seizure": """<stimulus rate_hz="256" channels="1" duration_s="120">
  <channel index="0" name="T7"/>
  <source model="eeg" id="bg"><param name="rms_uv" value="25"/></source>
  <source model="seizure" id="sz">
    <param name="onset_s" value="15"/><param name="duration_s" value="40"/>
    <param name="postictal_s" value="20"/><param name="recovery_s" value="30"/>
  </source>
</stimulus>
""",
    "saturation": """<stimulus rate_hz="500" channels="1" duration_s="20">
  <source model="eeg" id="bg"><param name="rms_uv" value="25"/></source>
  <source model="saturation" id="sat">
    <param name="rail_uv" value="400"/><param name="rate_per_min" value="9"/>
    <param name="duration_ms" value="500"/><param name="tau_ms" value="300"/>
  </source>
</stimulus>
""",
}


def drift_figure(binary, tmp, outdir):
    """Truth amplitude of each unit over 10 minutes with amp_drift = 0.2, tau 120 s."""
    f32, tru = os.path.join(tmp, "drift.f32"), os.path.join(tmp, "drift.csv")
    subprocess.run([binary, "gen", "--model", "spikes", "--channels", "2", "--rate", "1000",
                    "--duration", "600", "--seed", "1", "--out", f32, "--truth", tru,
                    "--set", "amp_drift=0.2", "--set", "amp_jitter=0.05",
                    "--set", "units=3"], check=True)
    ev = [e for e in csv.DictReader(open(tru)) if e["type"] == "spike"]
    fig, ax = plt.subplots(1, 1, figsize=(8, 2.4))
    for c in (0, 1):
        for u in range(3):
            pts = [(int(e["peak"]) / 1000 / 60, float(e["amplitude_uv"])) for e in ev
                   if int(e["channel"]) == c and int(e["label"]) == u]
            if pts:
                t, a = zip(*pts)
                ax.plot(t, a, ".", ms=1, color="C%d" % (3 * c + u))
    ax.set_xlabel("time (min)", fontsize=7)
    ax.set_ylabel("truth amplitude (uV)", fontsize=7)
    ax.tick_params(labelsize=7)
    ax.set_title("spikes: amp_drift=0.2, amp_drift_tau_s=120: each unit's amplitude per spike "
                 "(truth), 2 channels x 3 units", fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "siggen-spikes-drift.png"), dpi=80)
    plt.close(fig)


def main():
    binary, outdir = sys.argv[1], sys.argv[2]
    only = set(sys.argv[3:])
    tmp = tempfile.mkdtemp()
    if not only or "spikes-drift" in only:
        drift_figure(binary, tmp, outdir)
    for model, (ch, rate, dur, show, sets, title) in FIGS.items():
        if only and model not in only:
            continue
        f32 = os.path.join(tmp, model + ".f32")
        tru = os.path.join(tmp, model + ".csv")
        if model in SPECS:
            spec = os.path.join(tmp, model + ".xml")
            open(spec, "w").write(SPECS[model])
            cmd = [binary, "gen", "--spec", spec]
        else:
            cmd = [binary, "gen", "--model", model, "--channels", str(ch), "--rate", str(rate),
                   "--duration", str(dur)]
        cmd += ["--seed", "1", "--out", f32, "--truth", tru]
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
                elif e["type"] in ("stim", "waveform") and model in ("stim", "impulse", "prbs"):
                    ax.axvline(st, color="r", lw=0.5, alpha=0.5)
                elif e["type"] == "stim_artifact":
                    ax.axvspan(st, en, color="C1", alpha=0.15)
                    ax.axvline(st, color="r", lw=0.5, alpha=0.5)
                elif e["type"] == "saturation":
                    ax.axvspan(st, en, color="C3", alpha=0.15)
                    ax.axvline(int(e["peak"]) / rate, color="C3", lw=0.6, ls="--")
                elif e["type"] == "postictal":
                    ax.axvspan(st, en, color="C2", alpha=0.15)
                    ax.axvline(int(e["peak"]) / rate, color="C2", lw=0.6, ls="--")
                elif False:
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
