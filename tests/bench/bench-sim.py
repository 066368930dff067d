# SPDX-License-Identifier: GPL-2.0-or-later
"""Benchmarks of the emulated rig (never asserts on time; prints figures).

1. fast pace: iio_readdev throughput from the dut device of the 64-channel
   30 kS/s neural-recorder, as a multiple of real time (target >= 10x), next
   to the same read from bench-lines (the server's protocol cost with almost
   no model work) measured in the same run as the reference.
2. realtime pace: 256 channels x 30 kS/s x 16 bit read with iio_readdev for
   SECONDS (default 60) while iio_writedev streams stimulus into the DAC;
   prints DAC underflows (target 0) and capture overflows.

Usage: /usr/bin/python3 bench-sim.py [--realtime-seconds N] [--skip-fast] [--rt-priority]
"""
import os
import tempfile
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
from simrig import Sim  # noqa: E402


def attr(uri, *args):
    r = subprocess.run(["iio_attr", "-u", uri, *args], capture_output=True, text=True)
    return r.stdout.strip()


def cpu_s(pid):
    """utime + stime of a process, seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_readdev(sim, dev, samples, buf):
    """Wall seconds, bytes, and CPU seconds of server + iio_readdev."""
    c0 = cpu_s(sim.proc.pid)
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    r = subprocess.run(["iio_readdev", "-u", sim.uri, "-b", str(buf), "-s", str(samples), dev],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.decode())
    cpu = cpu_s(sim.proc.pid) - c0 + (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return dt, len(r.stdout), cpu


def sim_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def fast(seconds):
    fs = 30000
    n = seconds * fs
    with Sim("--dut", "neural-recorder") as sim:
        dt_ref, b_ref, cpu_ref = timed_readdev(sim, "bench-lines", n, 30000)
        dt, nbytes, cpu = timed_readdev(sim, "dut", n, 30000)
        ovf = attr(sim.uri, "-D", "dut", "overflows")
    print("fast pace, neural-recorder 64 ch x 30 kS/s x 16 bit, iio_readdev -b 30000 "
          "(load average %.1f on %d cores):" % (os.getloadavg()[0], os.cpu_count()))
    print("  dut:       %d s of data in %.2f s wall = %.1fx real time, %.1f MB/s; "
          "CPU (server + iio_readdev) %.2f s = %.1fx real time per core (target >= 10x; "
          "overflows %s)" % (seconds, dt, seconds / dt, nbytes / dt / 1e6, cpu, seconds / cpu,
                             ovf))
    print("  reference: bench-lines (same clock and model, tiny samples) %d s in %.2f s wall "
          "= %.1fx, CPU %.2f s = %.1fx" % (seconds, dt_ref, seconds / dt_ref, cpu_ref,
                                           seconds / cpu_ref))


def realtime(seconds, rt_priority=False):
    fs = 30000
    n = seconds * fs
    extra = ["--rt-priority"] if rt_priority else []
    with Sim("--dut", "neural-recorder-256", "--pace", "realtime", *extra) as sim:
        c0 = cpu_s(sim.proc.pid)
        u = sim.uri
        # DAC stream: 8 channels x 16 bit, slightly more than the capture needs.
        stim = tempfile.TemporaryFile()
        stim.write(bytes(16 * (n + 4 * fs)))
        stim.seek(0)
        wd = subprocess.Popen(["iio_writedev", "-u", u, "-b", "3000", "bench-dac"],
                              stdin=stim, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        t0 = time.monotonic()
        rd = subprocess.Popen(["iio_readdev", "-u", u, "-b", "3000", "-s", str(n), "dut"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = rd.communicate()
        dt = time.monotonic() - t0
        und = attr(u, "-D", "bench-dac", "underflows")
        und_s = attr(u, "-D", "bench-dac", "underflow_samples")
        dac_in = attr(u, "-D", "bench-dac", "samples_in")
        ovf = attr(u, "-D", "dut", "overflows")
        late = attr(u, "-D", "bench-dac", "late_steps")
        cpu = cpu_s(sim.proc.pid) - c0
        rss = sim_rss_kib(sim.proc.pid)
        wd.kill()
        wd.wait()
    print("realtime pace%s, 256 ch x 30 kS/s x 16 bit for %d s (iio_readdev dut + "
          "iio_writedev bench-dac, -b 3000):" % (" --rt-priority" if rt_priority else "", seconds))
    print("  captured %d samples (%.1f MB) in %.1f s wall; DAC samples in %s; "
          "DAC underflows %s (%s samples, target 0); dut overflows %s; clock steps late %s; "
          "readdev rc %d; load average %.1f on %d cores"
          % (len(out) // 528, len(out) / 1e6, dt, dac_in, und, und_s, ovf, late, rd.returncode,
             os.getloadavg()[0], os.cpu_count()))
    print("  sim CPU %.1f s (%.2f cores); sim resident memory at the end %d KiB"
          % (cpu, cpu / dt, rss))
    if rd.returncode:
        print("  iio_readdev: " + err.decode().strip())
    print("  reference:   real time %d s" % seconds)


def main():
    secs = 60
    if "--realtime-seconds" in sys.argv:
        secs = int(sys.argv[sys.argv.index("--realtime-seconds") + 1])
    if "--skip-fast" not in sys.argv:
        fast(20)
    realtime(secs, "--rt-priority" in sys.argv)


if __name__ == "__main__":
    main()
