# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers for the conformance suite: start `bcibench sim --port 0`, read the
port from its first stdout line, always stop it; a tiny check counter."""
import os
import signal
import subprocess
import sys


class Sim:
    def __init__(self, *args):
        exe = os.environ.get("BCIBENCH", "bcibench")
        self.proc = subprocess.Popen([exe, "sim", "--port", "0", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening ip:127.0.0.1:"):
            self.stop()
            raise RuntimeError("bad first line from bcibench sim: %r" % line)
        self.port = int(line.rsplit(":", 1)[1])
        self.uri = "ip:127.0.0.1:%d" % self.port

    def stop(self):
        """SIGTERM, then the exit code (0 = clean stop); kills after 20 s."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        err = self.proc.stderr.read()
        if err:
            sys.stderr.write(err)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, cond, detail=""):
        if cond:
            self.passed += 1
            print("ok   %s" % name)
        else:
            self.failed += 1
            print("FAIL %s %s" % (name, detail))

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed or self.passed == 0 else 0)


def run(*cmd, stdin=None, timeout=60):
    return subprocess.run(list(cmd), input=stdin, capture_output=True, timeout=timeout)


def sine_fit(x, f_hz, fs_hz):
    """Least-squares amplitude and phase (rad) of a sine at f_hz in x (numpy)."""
    import numpy as np
    n = np.arange(len(x))
    w = 2 * np.pi * f_hz / fs_hz
    a = np.column_stack([np.cos(w * n), np.sin(w * n), np.ones(len(x))])
    c, *_ = np.linalg.lstsq(a, x, rcond=None)
    return float(np.hypot(c[0], c[1])), float(np.arctan2(-c[1], c[0]))
