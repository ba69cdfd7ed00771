#!/usr/bin/env python3
"""Generate held-out statistics vectors for test/stats (not part of the reference fixtures).

Writes test/data/stats/heldout.json with results computed by CPython, NumPy and SciPy:
  - wilcoxon: scipy.stats.wilcoxon(a, b) with default arguments on random paired samples that
    cover every branch of method='auto' (exact, permutation, asymptotic with and without ties);
  - bootstrap: the percentile bootstrap of scripts/main_table.py (random.Random(seed), draws
    xs[rng.randrange(n)], statistics.mean, sorted, indices int(alpha/2*B) and int((1-alpha/2)*B)-1)
    for several seeds, resample counts and levels;
  - means: statistics.mean on lists chosen to stress exact rounding;
  - normal: math.erfc(x) and scipy.special.ndtr(x);
  - descriptive: numpy mean/std(ddof=0)/median/min/max, including sizes above NumPy's pairwise block;
  - binomial: scipy.stats.binomtest(k, n, 0.5).pvalue (two-sided), the exact McNemar p-value.

Run: python3 scripts/gen-stats-heldout.py  (needs numpy and scipy; deterministic).
"""
import json
import warnings
import math
import random
import statistics
from pathlib import Path

import numpy as np
import scipy
from scipy import special, stats

OUT = Path(__file__).resolve().parent.parent / "test" / "data" / "stats" / "heldout.json"


def branch(a, b):
    d = np.asarray(a) - np.asarray(b)
    nz = d[d != 0]
    ties = len(np.unique(np.abs(nz))) < len(nz)
    if len(d) > 50:
        return "asymptotic"
    if not ties and len(nz) == len(d):
        return "exact"
    if len(d) <= 13:
        return "permutation"
    return "asymptotic"


def explicit(a, b, method):
    """The same test with the branch named explicitly, to confirm the branch label."""
    m = stats.PermutationMethod() if method == "permutation" else method
    return stats.wilcoxon(a, b, method=m)


def wilcoxon_cases(rng):
    cases = []
    shapes = []
    for n in (1, 2, 3, 4, 6, 7, 9, 11, 12, 13):
        shapes += [("ints", n), ("continuous", n), ("zeros", n)]
    for n in (14, 20, 27, 40, 50):
        shapes += [("ints", n), ("continuous", n), ("zeros", n)]
    for n in (51, 64, 90, 150, 300):
        shapes += [("ints", n), ("continuous", n), ("scores", n)]
    for kind, n in shapes:
        for _ in range(2):
            if kind == "ints":
                a = [float(rng.randint(0, 6)) for _ in range(n)]
                b = [float(rng.randint(0, 6)) for _ in range(n)]
            elif kind == "continuous":
                a = [rng.uniform(0, 100) for _ in range(n)]
                b = [x + rng.gauss(rng.choice([-4.0, 0.0, 3.0]), 10) for x in a]
            elif kind == "zeros":
                a = [rng.uniform(0, 1) for _ in range(n)]
                b = [x if rng.random() < 0.3 else rng.uniform(0, 1) for x in a]
            else:
                a = [100.0 if rng.random() < 0.4 else rng.uniform(0, 100) for _ in range(n)]
                b = [x if rng.random() < 0.35 else (100.0 if rng.random() < 0.3 else rng.uniform(0, 100)) for x in a]
            d = np.asarray(a) - np.asarray(b)
            if np.count_nonzero(d) == 0 and len(d) > 13:
                continue
            try:
                res = stats.wilcoxon(a, b)
            except ValueError:
                # SciPy's permutation test refuses a single observation (n = 1 with a zero difference).
                continue
            label = branch(a, b)
            check = explicit(a, b, label)
            same = (np.isnan(res.pvalue) and np.isnan(check.pvalue)) or res.pvalue == check.pvalue
            assert same, (kind, n, res, check, label)
            cases.append({
                "kind": kind,
                "a": a,
                "b": b,
                "statistic": float(res.statistic),
                "pvalue": float(res.pvalue),
                "method": label,
            })
    return cases


def main_table_bootstrap(xs, n_boot, alpha, seed):
    r = random.Random(seed)
    n = len(xs)
    boot = sorted(statistics.mean([xs[r.randrange(n)] for _ in range(n)]) for _ in range(n_boot))
    return boot[int((alpha / 2) * n_boot)], boot[int((1 - alpha / 2) * n_boot) - 1]


def bootstrap_cases(rng):
    cases = []
    settings = [(5000, 0.05, 0), (5000, 0.05, 1), (2000, 0.1, 7), (1000, 0.01, 123), (3, 0.05, 0), (37, 0.2, 42)]
    for i, (b, alpha, seed) in enumerate(settings):
        n = [1, 2, 7, 33, 64, 120][i]
        xs = [rng.choice([0.0, 100.0, rng.uniform(0, 100), rng.random()]) for _ in range(n)]
        lo, hi = main_table_bootstrap(xs, b, alpha, seed)
        cases.append({"xs": xs, "resamples": b, "alpha": alpha, "seed": seed, "lo": lo, "hi": hi})
    # Negative values and a wide dynamic range.
    xs = [rng.uniform(-1e6, 1e6) for _ in range(9)] + [1e-9, -3e-12, 5e300 / 1e300]
    lo, hi = main_table_bootstrap(xs, 500, 0.05, 3)
    cases.append({"xs": xs, "resamples": 500, "alpha": 0.05, "seed": 3, "lo": lo, "hi": hi})
    return cases


def mean_cases(rng):
    lists = [
        [0.1, 0.2, 0.3],
        [1e16, 1.0, -1e16],
        [1e308, 1e308, -1e308],
        [5e-324, 5e-324, 0.0],
        [5e-324, 0.0, 0.0],
        [2.2250738585072014e-308, -5e-324],
        [1.0, 2.0, 2.0 ** -60],
        [1 / 3, 2 / 3, 1.0, 1e-20],
        [-0.5, -0.25, 0.1],
        [0.0, 0.0],
    ]
    for _ in range(40):
        n = rng.randint(1, 30)
        scale = 10.0 ** rng.randint(-30, 30)
        lists.append([rng.uniform(-1, 1) * scale * 10.0 ** rng.randint(-8, 8) for _ in range(n)])
    return [{"xs": xs, "mean": statistics.mean(xs)} for xs in lists]


def normal_cases():
    xs = [-8.0, -3.3, -1.0, -0.7, -1e-8, 0.0, 1e-300, 0.3, 0.49, 0.5, 0.51, 0.70710678, 1.0, 1.5,
          2.0, 2.5, 3.0, 4.0, 5.5, 7.0, 9.0, 12.0, 15.0, 20.0, 26.0]
    return [{"x": x, "erfc": math.erfc(x), "ndtr": float(special.ndtr(x))} for x in xs] + [
        {"x": -x, "erfc": math.erfc(-x), "ndtr": float(special.ndtr(-x))} for x in (10.0, 20.0, 30.0, 37.0)
    ]


def descriptive_cases(rng):
    cases = []
    for n in (1, 2, 5, 8, 9, 16, 127, 128, 129, 200, 300, 1000):
        xs = [rng.uniform(-5, 105) for _ in range(n)]
        a = np.asarray(xs)
        cases.append({"xs": xs, "mean": float(np.mean(a)), "std": float(np.std(a)),
                      "median": float(np.median(a)), "min": float(np.min(a)), "max": float(np.max(a))})
    return cases


def binomial_cases():
    out = []
    for n in (1, 2, 5, 10, 11, 25, 60, 200):
        for k in sorted({0, 1, n // 3, n // 2}):
            if k <= n:
                out.append({"k": k, "n": n, "pvalue": float(stats.binomtest(k, n, 0.5).pvalue)})
    return out


def main():
    warnings.simplefilter("ignore", RuntimeWarning)  # SciPy warns on 0/0 when every difference is zero
    rng = random.Random(20240611)
    data = {
        "generator": "scripts/gen-stats-heldout.py",
        "python": ".".join(map(str, __import__("sys").version_info[:3])),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "wilcoxon": wilcoxon_cases(rng),
        "bootstrap": bootstrap_cases(rng),
        "means": mean_cases(rng),
        "normal": normal_cases(),
        "descriptive": descriptive_cases(rng),
        "binomial": binomial_cases(),
    }
    text = json.dumps(data, allow_nan=True)
    text = text.replace("NaN", '"NaN"')
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text + "\n")
    print(f"wrote {OUT} ({len(text)} bytes, {len(data['wilcoxon'])} wilcoxon cases)")


if __name__ == "__main__":
    main()
