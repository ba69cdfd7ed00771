"""Independent check of table.tex: prints the data rows of the main table for a cell list, following
the documented rules of the reference table script (reference-behavior §8.3), written from that
description: summary-file values, a 5000-resample bootstrap with random.Random(0) and
statistics.mean over per-episode scores in percent, Python format specs, bold per difficulty group.

Input (argv[1]): JSON {"groups": [{"difficulty": str, "cells": [{"train", "runtime", "summary",
"results": [paths in bootstrap order]}]}]}. Output: one LaTeX row per cell.
"""
import json
import random
import statistics
import sys


def pct(x):
    return x * 100.0 if x <= 1.5 else x


def interval(xs):
    rng = random.Random(0)
    n = len(xs)
    means = sorted(statistics.mean([xs[rng.randrange(n)] for _ in range(n)]) for _ in range(5000))
    return means[125], means[4874]


def main():
    spec = json.load(open(sys.argv[1]))
    for group in spec["groups"]:
        cells = []
        for c in group["cells"]:
            s = json.load(open(c["summary"]))
            scores = [pct(float(json.load(open(p))["result"]["score"])) for p in c["results"]]
            cells.append(
                dict(
                    train=c["train"],
                    runtime=c["runtime"],
                    score=pct(s["metrics"]["score"]["mean"]),
                    ci=interval(scores) if scores else None,
                    solved=s["num_tasks_solved"],
                    steps=float(s["average_steps"]),
                    tokens=float(s["average_total_tokens"]),
                    time=float(s["average_runtime"]),
                )
            )
        for c in cells:
            c["norm"] = c["score"] / c["tokens"] * 1000 if c["tokens"] > 0 else None
        best_score = max(c["score"] for c in cells)
        best_steps = min(c["steps"] for c in cells)
        best_tokens = min(c["tokens"] for c in cells)
        best_time = min(c["time"] for c in cells)
        best_norm = max(c["norm"] for c in cells if c["norm"] is not None)

        def bold(text, on):
            return "\\textbf{" + text + "}" if on else text

        for i, c in enumerate(cells):
            first = (
                "\\multirow{%d}{*}{\\rotatebox[origin=c]{90}{%s}}" % (len(cells), group["difficulty"]) if i == 0 else ""
            )
            score = bold(format(c["score"], ".1f"), c["score"] == best_score)
            if c["ci"] is not None:
                score += " $\\pm$ " + format((c["ci"][1] - c["ci"][0]) / 2.0, ".1f")
            steps = format(c["steps"], ".2f").rstrip("0").rstrip(".")
            norm = bold(format(c["norm"], ".2f"), abs(c["norm"] - best_norm) < 1e-6)
            print(
                " & ".join(
                    [
                        first,
                        c["train"],
                        c["runtime"],
                        score,
                        str(c["solved"]),
                        bold(steps, c["steps"] == best_steps),
                        bold(format(int(round(c["tokens"])), ","), c["tokens"] == best_tokens),
                        bold(format(c["time"], ".1f"), c["time"] == best_time),
                        norm,
                    ]
                )
                + " \\\\"
            )


main()
