# SPDX-License-Identifier: GPL-2.0-or-later
"""Conformance: python3-libiio (`import iio`) against `bcibench sim`:
context, attributes read and write, a cyclic DAC buffer pushed from Python,
and DUT capture with refill that shows the injected sine with the model's
gain. Run with /usr/bin/python3."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simrig import Checks, Sim, sine_fit  # noqa: E402

import iio  # noqa: E402


def main():
    c = Checks()
    with Sim("--dut", "eeg-amp") as sim:
        ctx = iio.Context(sim.uri)
        names = sorted(d.name for d in ctx.devices)
        c.check("python sees the five devices",
                names == ["bench-adc", "bench-dac", "bench-lines", "bench-trig", "dut"], names)
        dut = ctx.find_device("dut")
        dac = ctx.find_device("bench-dac")
        lines = ctx.find_device("bench-lines")
        fs_dac = float(dac.attrs["sampling_frequency"].value)
        fs_dut = float(dut.attrs["sampling_frequency"].value)
        c.check("rates come from the rig file", (fs_dac, fs_dut) == (8000.0, 1000.0))
        c.check("dut model attribute", dut.attrs["model"].value == "eeg-amp")

        power = lines.find_channel("power", True)
        power.attrs["raw"].value = "1"
        c.check("python writes and reads back a line", power.attrs["raw"].value == "1")
        dut.debug_attrs["fault"].value = "offset_uv=0"
        c.check("python writes a debug attribute", dut.debug_attrs["fault"].value == "none")

        # Cyclic 10 Hz sine on DAC channel 0, 0.5 V amplitude.
        v0 = dac.find_channel("voltage0", True)
        v0.enabled = True
        scale = float(v0.attrs["scale"].value)
        n = 800  # 0.1 s = one period at 10 Hz
        codes = np.round(0.5 / scale * np.sin(2 * np.pi * 10 * np.arange(n) / fs_dac))
        tx = iio.Buffer(dac, n, cyclic=True)
        tx.write(bytearray(codes.astype("<i2").tobytes()))
        tx.push()

        ch = dut.find_channel("voltage0")
        ch.enabled = True
        lsb = float(ch.attrs["scale"].value)
        rx = iio.Buffer(dut, 1000)
        x = []
        for _ in range(4):
            rx.refill()
            x.append(np.frombuffer(bytes(ch.read(rx)), dtype="<i4"))
        x = np.concatenate(x)[1000:] * lsb
        amp, _ = sine_fit(x, 10.0, fs_dut)
        want = 0.5 * 100.0  # uV at the DUT: 0.5 V x 100 uV/V, EEG gain 1, filters ~1 at 10 Hz
        c.check("python captures the injected 10 Hz sine at the DUT",
                abs(amp / want - 1) < 0.02, "%.2f uV vs %.2f" % (amp, want))
        state = dut.debug_attrs["state"].value
        c.check("dut is ready", state == "ready", state)
        del rx
        del tx
        del ctx
    c.finish()


if __name__ == "__main__":
    main()
