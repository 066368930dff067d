#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent references for the pooling statistics (tests/unit/test-pool.c).

  pool_ref.py moments X.bin           -> mean  s/sqrt(n)  s  s/sqrt(2(n-1))
  pool_ref.py slope T.bin X.bin       -> slope stderr        (scipy.stats.linregress)
  pool_ref.py cp X N CONF             -> lower upper          (two-sided Clopper-Pearson,
                                                               scipy.stats.beta.ppf)
  pool_ref.py lower1 X N CONF         -> one-sided lower bound at CONF

X.bin / T.bin: little-endian float64 arrays. Prints the numbers with 17 significant digits.
"""
import sys

import numpy as np
from scipy import stats


def load(path):
    return np.fromfile(path, dtype="<f8")


def out(values):
    print(" ".join("%.17g" % v for v in values))


def main(argv):
    cmd = argv[1]
    if cmd == "moments":
        x = load(argv[2])
        s = np.std(x, ddof=1)
        out([np.mean(x), s / np.sqrt(len(x)), s, s / np.sqrt(2 * (len(x) - 1))])
    elif cmd == "slope":
        r = stats.linregress(load(argv[2]), load(argv[3]))
        out([r.slope, r.stderr])
    elif cmd == "cp":
        x, n, conf = int(argv[2]), int(argv[3]), float(argv[4])
        a = 1 - conf
        lo = 0.0 if x == 0 else stats.beta.ppf(a / 2, x, n - x + 1)
        hi = 1.0 if x == n else stats.beta.ppf(1 - a / 2, x + 1, n - x)
        out([lo, hi])
    elif cmd == "lower1":
        x, n, conf = int(argv[2]), int(argv[3]), float(argv[4])
        out([0.0 if x == 0 else stats.beta.ppf(1 - conf, x, n - x + 1)])
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main(sys.argv)
