"""Writes test/data/python/parity.json: values computed by CPython for the parity kernel's tests.

Run with the local python3 (any CPython >= 3.9): python3 scripts/gen-python-parity.py
"""
import json
import math
import random
import struct

SEEDS = [0, 1, 2, 42, 2000, 123456789, 2**31 - 1, 2**32 - 1, 2**32, 2**32 + 5,
         123456789 + 4250810996, 2**64 + 3, 10**30, 2**100 - 1, -5]


def ops_for(seed):
    rng = random.Random(seed)
    ops = []

    def rec(op, args, result):
        ops.append({"op": op, "args": args, "result": result})

    for _ in range(5):
        rec("getrandbits", [32], str(rng.getrandbits(32)))
    for k in [0, 1, 5, 31, 32, 33, 63, 64, 65, 96, 127, 128, 129, 200, 1000]:
        rec("getrandbits", [k], str(rng.getrandbits(k)))
    for n in [1, 2, 3, 7, 10, 26, 100, 1000, 2**31, 2**32 - 1, 2**32, 2**40 + 7, 2**53 - 1]:
        rec("randbelow", [n], rng._randbelow(n))
    for a, b in [(0, 0), (1, 6), (25, 40), (80, 120), (-7, 7), (5, 50), (10, 500), (0, 2**40)]:
        rec("randint", [a, b], rng.randint(a, b))
    for args in [[10], [3, 9], [0, 100, 7], [10, 0, -3], [-5, 5, 2]]:
        rec("randrange", args, rng.randrange(*args))
    for _ in range(10):
        rec("random", [], repr(rng.random()))
    for a, b in [(0.35, 0.5), (0.4, 0.6), (0.05, 0.2), (-1.0, 1.0), (10, 10)]:
        rec("uniform", [a, b], repr(rng.uniform(a, b)))
    seqs = [list("ABCDEFGHIJKLMNO"), list(range(26)), ["only"]]
    for seq in seqs:
        rec("choice", [seq], rng.choice(seq))
    for n in [0, 1, 2, 20, 50]:
        x = list(range(n))
        rng.shuffle(x)
        rec("shuffle", [n], x)
    for pop, k in [(list("ABCDEFGHIJKLMNO"), 3), (list("ABCDEFGHIJK"), 3), (list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 5),
                   (list(range(21)), 21), (list(range(22)), 2), (list(range(100)), 10), (list(range(1000)), 6),
                   (list(range(60)), 60), (list(range(5)), 0)]:
        rec("sample", [pop, k], rng.sample(pop, k))
    return ops


def long_stream():
    rng = random.Random(2732704872)
    out = []
    for i in range(3000):
        kind = i % 4
        if kind == 0:
            out.append(["randint", [1, 100], rng.randint(1, 100)])
        elif kind == 1:
            out.append(["random", [], repr(rng.random())])
        elif kind == 2:
            out.append(["getrandbits", [128], str(rng.getrandbits(128))])
        else:
            out.append(["randbelow", [26], rng._randbelow(26)])
    return out


def edge_floats():
    vals = [0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.125, 0.375, 0.625, 0.875, 1.005, 2.675, 0.285,
            1e-5, 1e-4, 0.001, 123456.789, 1e15, 1e16, 1e17, 1234567890123456.0, 12345678901234567.0,
            5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 0.2, 0.3, 1 / 3, 2 / 3,
            0.62, 0.625, 25 / 40, 0.615, 0.605, 99.995, 4.35, 4.45, 0.045, 1.25, 1.35, -0.625, 3.0, 100.0,
            math.pi, math.e, 1e22, 1e21, 9.999999999999999e22, 123.456e-10, 0.00011, 0.000099]
    rng = random.Random(7)
    for _ in range(400):
        vals.append(rng.uniform(-1000, 1000))
    for _ in range(200):
        vals.append(rng.random())
    for _ in range(200):
        bits = rng.getrandbits(64)
        v = struct.unpack("<d", struct.pack("<Q", bits))[0]
        if math.isfinite(v):
            vals.append(v)
    for k in range(1, 200):
        vals.append(k / 8)
        vals.append(k / 40)
    return vals


def rounds(vals):
    out = []
    for v in vals:
        entry = {"x": repr(v), "round0": None, "nd": {}}
        if abs(v) < 2**60:
            entry["round0"] = round(v)
        for nd in [0, 1, 2, 3, 5, -1, -2]:
            entry["nd"][str(nd)] = repr(round(v, nd))
        out.append(entry)
    return out


def json_cases():
    obj = {"b": [1, 2.0, 0.1, -3.5e-7, 1e16, None, True, False], "a": {"z": "é ü \u2014 \U0001F600", "y": [],
           "x": {}}, "c": "quote\" back\\ nl\n tab\t ctl\x01 del\x7f", "n": 12345678901234567890}
    cases = []
    for opts in [{}, {"sort_keys": True}, {"indent": 2}, {"ensure_ascii": False, "sort_keys": True, "indent": 2},
                 {"separators": [",", ":"], "sort_keys": True, "ensure_ascii": False}, {"separators": [",", ":"]}]:
        kw = dict(opts)
        if "separators" in kw:
            kw["separators"] = tuple(kw["separators"])
        cases.append({"options": opts, "text": json.dumps(obj, **kw)})
    return {"object_repr": "see test", "cases": cases, "special": json.dumps([float("nan"), float("inf"), float("-inf")]),
            "strings": string_cases()}


def string_cases():
    # Every control character, DEL, Latin-1, line separators, BMP edge, a pair and lone surrogates.
    # Strings travel as UTF-16 code units (lone surrogates cannot be written as JSON text otherwise).
    units = list(range(0, 0x21)) + [0x22, 0x2F, 0x5C, 0x7E, 0x7F, 0x80, 0xA0, 0xE9, 0xFF, 0x2028, 0x2029,
                                     0xFFFE, 0xFFFF, 0xD83D, 0xDE00, 0xD800, 0xDFFF]
    texts = [[u] for u in units] + [[0x61, 0xD83D, 0xDE00, 0x62], [0xDE00, 0xD83D], [0x22, 0x0A, 0xE9, 0x7F, 0xD800]]
    out = []
    for t in texts:
        s = b"".join(u.to_bytes(2, "little") for u in t).decode("utf-16-le", "surrogatepass")
        loose = json.dumps(s, ensure_ascii=False).encode("utf-16-le", "surrogatepass")
        out.append({"units": t, "ascii": json.dumps(s),
                    "unicode_units": [int.from_bytes(loose[i:i + 2], "little") for i in range(0, len(loose), 2)]})
    return out


def main():
    floats = edge_floats()
    data = {
        "python": "CPython",
        "seeds": [{"seed": str(s), "ops": ops_for(s)} for s in SEEDS],
        "long_stream": long_stream(),
        "floats": [repr(v) for v in floats],
        "rounds": rounds(floats),
        "json": json_cases(),
    }
    with open("test/data/python/parity.json", "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


main()
