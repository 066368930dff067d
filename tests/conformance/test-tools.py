# SPDX-License-Identifier: GPL-2.0-or-later
"""Conformance: the unmodified libiio-utils tools (iio_info, iio_attr,
iio_readdev, iio_writedev plain and cyclic) against `bcibench sim`, checking
the values the model produced. Run with /usr/bin/python3 (Debian numpy)."""
import os
import signal
import subprocess
import sys

import numpy as np
import scipy.signal as sig

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simrig import Checks, Sim, run, sine_fit  # noqa: E402

FS = 30000.0
DAC_SCALE_V = 5.0 / 32768
ATTEN_UV_PER_V = 1000.0
LSB_UV = 0.195


def freqz_at(ba, f_hz):
    return sig.freqz(ba[0], ba[1], worN=[f_hz], fs=FS)[1][0]


def attr(uri, *args):
    r = run("iio_attr", "-u", uri, *args)
    return r.returncode, r.stdout.decode().strip(), r.stderr.decode()


def readdev(uri, dev, n, *chans, extra=()):
    r = run("iio_readdev", "-u", uri, "-s", str(n), *extra, dev, *chans)
    return r.returncode, r.stdout, r.stderr.decode()


def cli_errors(c):
    exe = os.environ.get("BCIBENCH", "bcibench")
    bad = "/tmp/bcibench-bad-%d.rig.xml" % os.getpid()
    with open(bad, "w") as f:
        f.write('<?xml version="1.0"?>\n<sim-rig name="x">\n<dac channels="0" bits="16" '
                'rate-hz="1000" full-scale-v="5"/>\n</sim-rig>\n')
    try:
        r = run(exe, "sim", "--port", "0", "--rig", bad, timeout=20)
        c.check("a bad rig file exits 64 with FILE:LINE", r.returncode == 64 and
                r.stderr.decode().startswith(bad + ":3: "), r.stderr.decode())
    finally:
        os.remove(bad)
    r = run(exe, "sim", "--port", "0", "--fault", "warp_drive=9", timeout=20)
    c.check("an unknown fault exits 64", r.returncode == 64, r.stderr.decode())
    r = run(exe, "sim", "--port", "0", "--dut", "toaster", timeout=20)
    c.check("an unknown DUT exits 64", r.returncode == 64, r.stderr.decode())
    r = run(exe, "sim", "--pace", "slow", timeout=20)
    c.check("a bad --pace is a usage error", r.returncode == 64, r.stderr.decode())


def main():
    c = Checks()
    cli_errors(c)
    with Sim("--dut", "neural-recorder") as sim:
        u = sim.uri

        r = run("iio_info", "-u", u)
        out = r.stdout.decode()
        c.check("iio_info exits 0", r.returncode == 0, r.stderr.decode())
        for name in ("bench-dac", "bench-adc", "dut", "bench-lines", "bench-trig"):
            c.check("iio_info lists " + name, (": " + name) in out)
        c.check("iio_info: no DTD validity errors", b"validity" not in r.stderr)
        c.check("iio_info shows the dut event channel", "count0: events" in out)

        rc, v, err = attr(u, "-d", "dut", "sampling_frequency")
        c.check("iio_attr reads dut sampling_frequency", rc == 0 and v == "30000", v + err)
        rc, v, err = attr(u, "-c", "-i", "dut", "voltage0", "scale")
        c.check("iio_attr reads the dut scale (uV per code)", rc == 0 and float(v) == LSB_UV, v)

        rc, v, err = attr(u, "-c", "-o", "bench-dac", "voltage0", "raw", "1234")
        c.check("iio_attr writes the DAC raw level", rc == 0 and v.endswith("1234"), v + err)
        rc, data, err = readdev(u, "bench-adc", 200, "voltage0")
        codes = np.frombuffer(data, dtype="<i2")
        c.check("iio_readdev bench-adc sees the DAC level on its dac0 channel",
                rc == 0 and len(codes) == 200 and np.all(codes == 1234), err)
        attr(u, "-c", "-o", "bench-dac", "voltage0", "raw", "0")

        rc, v, err = attr(u, "-c", "-o", "bench-lines", "power", "raw", "0")
        c.check("iio_attr writes the power line", rc == 0, err)
        rc, data, err = readdev(u, "dut", 1000, "voltage0", "voltage1")
        codes = np.frombuffer(data, dtype="<i2")
        c.check("a powered-off DUT outputs zeros", rc == 0 and len(codes) == 2000
                and not codes.any(), err)
        rc, v, _ = attr(u, "-D", "dut", "state")
        c.check("dut state reads off", v == "off", v)
        attr(u, "-c", "-o", "bench-lines", "power", "raw", "1")
        rc, data, err = readdev(u, "dut", 3000, "voltage0")
        rc, v, _ = attr(u, "-D", "dut", "state")
        c.check("the DUT boots after power-up", v == "ready", v)
        rc, v, _ = attr(u, "-c", "-i", "bench-lines", "ready", "raw")
        c.check("the ready line is high after boot", v == "1", v)

        # dut data: noise only, at the model's input-referred noise (3 uV rms).
        rc, data, err = readdev(u, "dut", 30000, "voltage5")
        x = np.frombuffer(data, dtype="<i2") * LSB_UV
        c.check("iio_readdev dut returns the samples", rc == 0 and len(x) == 30000, err)
        c.check("dut noise is the model's 3 uV rms", 2.7 < x.std() < 3.3, "%.3f" % x.std())

        # iio_writedev, plain: every sample reaches the DAC.
        n = 3000
        wave = np.round(6553 * np.sin(2 * np.pi * 1000 * np.arange(n) / FS)).astype("<i2")
        before = int(attr(u, "-D", "bench-dac", "samples_in")[1])
        r = run("iio_writedev", "-u", u, "-b", "300", "bench-dac", "voltage0",
                stdin=wave.tobytes())
        c.check("iio_writedev (plain) exits 0", r.returncode == 0, r.stderr.decode())
        after = int(attr(u, "-D", "bench-dac", "samples_in")[1])
        c.check("the DAC counted every pushed sample", after - before == n,
                "%d" % (after - before))
        c.check("the DAC saw the peak code", int(attr(u, "-D", "bench-dac", "peak_code")[1])
                == int(np.abs(wave).max()))

        # iio_writedev -c: a cyclic 1 kHz sine, seen by the DUT and the bench ADC.
        period = wave[:300]
        wd = subprocess.Popen(["iio_writedev", "-u", u, "-c", "-b", "300", "bench-dac",
                               "voltage0"], stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wd.stdin.write(period.tobytes())
            wd.stdin.close()
            # The push is done once the DAC holds the waveform (poll the statistics).
            for _ in range(500):
                if int(attr(u, "-D", "bench-dac", "samples_in")[1]) >= after + 300:
                    break
            rc, data, err = readdev(u, "bench-adc", 600, "voltage0")
            adc = np.frombuffer(data, dtype="<i2")
            k = int(np.argmax(adc[:300] == period[0]))
            c.check("bench-adc reads the cyclic waveform back exactly",
                    rc == 0 and len(adc) == 600 and any(
                        np.array_equal(adc[s:s + 300], period) for s in range(300)), err)
            rc, data, err = readdev(u, "dut", 30000, "voltage0")
            x = np.frombuffer(data, dtype="<i2")[3000:] * LSB_UV
            amp, _ = sine_fit(x, 1000.0, FS)
            want = 6553 * DAC_SCALE_V * ATTEN_UV_PER_V
            # The model's front end: 2nd-order Butterworth 300 Hz HP and 6 kHz LP.
            g = abs(freqz_at(sig.butter(2, 300, "highpass", fs=FS), 1000.0)
                    * freqz_at(sig.butter(2, 6000, "lowpass", fs=FS), 1000.0))
            c.check("the DUT sees the sine through attenuator and filters",
                    abs(amp / (want * g) - 1) < 0.01, "%.2f uV vs %.2f" % (amp, want * g))
        finally:
            wd.send_signal(signal.SIGINT)
            try:
                rc = wd.wait(20)
            except subprocess.TimeoutExpired:
                wd.kill()
                rc = wd.wait()
        c.check("iio_writedev -c stops cleanly on SIGINT", rc == 0, "rc=%d" % rc)

        rc, data, err = readdev(u, "dut", 100, "voltage0", "count0", "timestamp",
                                extra=("-t", "trigger0"))
        c.check("iio_readdev -t trigger0 works", rc == 0 and len(data) == 100 * 16, err)
        rc, v, _ = attr(u, "-D", "dut", "overflows")
        c.check("no overflow in fast pace", v == "0", v)

        c.check("SIGTERM stops the server with exit 0", sim.stop() == 0)

    # 258 channels: a 9-word mask, echoed whole on READBUF.
    with Sim("--dut", "neural-recorder-256") as sim:
        rc, data, err = readdev(sim.uri, "dut", 3000)
        # 256 x s16 + u32 event (516) padded to 520, + s64 timestamp = 528 bytes per sample
        c.check("iio_readdev of all 258 dut channels", rc == 0 and len(data) == 3000 * 528,
                "%d bytes %s" % (len(data), err))
        x = np.frombuffer(data, dtype=np.dtype([("v", "<i2", 256), ("ev", "<u4"),
                                                ("pad", "<u4"), ("ts", "<i8")]))
        c.check("timestamps advance by one sample period",
                len(x) == 3000 and np.all(np.diff(x["ts"]) == 33333) or
                np.all(np.abs(np.diff(x["ts"]) - 33333.3) < 1), str(np.diff(x["ts"])[:4]))
        # Large blocks (-b 2000: 1 MB per READBUF) over many refills, then a channel subset
        # (voltage0 + voltage255 + count0: 2 + 2 + 4 bytes, mask bits 0, 255, 256).
        rc, data, err = readdev(sim.uri, "dut", 60000, extra=("-b", "2000"))
        c.check("iio_readdev -b 2000 of 60000 samples of 258 channels",
                rc == 0 and len(data) == 60000 * 528, "%d bytes %s" % (len(data), err))
        x = np.frombuffer(data, dtype=np.dtype([("v", "<i2", 256), ("ev", "<u4"),
                                                ("pad", "<u4"), ("ts", "<i8")]))
        c.check("no sample lost across 30 large refills",
                len(x) == 60000 and np.all(np.abs(np.diff(x["ts"]) - 33333.3) < 1),
                str(np.unique(np.diff(x["ts"]))[:4]))
        rc, data, err = readdev(sim.uri, "dut", 20000, "voltage0", "voltage255", "count0",
                                extra=("-b", "2000"))
        c.check("iio_readdev -b 2000 of a channel subset (8-byte samples)",
                rc == 0 and len(data) == 20000 * 8, "%d bytes %s" % (len(data), err))
    c.finish()


if __name__ == "__main__":
    main()
