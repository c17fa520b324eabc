#!/usr/bin/env python3
"""Writes a heavy-tailed fleet for `alloy-orleans cluster simulate --targets-file`: N targets whose sizes (samples per
scrape) follow a bounded Pareto distribution between MIN and MAX with shape ALPHA, drawn from SEED.

usage: make-pareto-fleet.py N [--alpha 1.0] [--min 10] [--max 100000] [--seed 1] > fleet.json
"""
import argparse
import json
import random
import sys


def bounded_pareto(rng, alpha, low, high):
    # Inverse transform of the bounded Pareto CDF.
    u = rng.random()
    ha, la = high ** alpha, low ** alpha
    return (-(u * ha - u * la - ha) / (ha * la)) ** (-1.0 / alpha)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("--alpha", type=float, default=1.0)
    parser.add_argument("--min", type=float, default=10)
    parser.add_argument("--max", type=float, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    out.write("[")
    for i in range(args.count):
        samples = round(bounded_pareto(rng, args.alpha, args.min, args.max))
        entry = {"labels": {"__address__": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}:9100", "job": "fleet"}, "samples": samples}
        out.write(("," if i else "") + "\n" + json.dumps(entry, separators=(",", ":")))
    out.write("\n]\n")


if __name__ == "__main__":
    main()
