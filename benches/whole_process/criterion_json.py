"""Gathers criterion's estimates (TARGET/criterion/*/*/new/) into one `cmek.bench-core/v1` file:
for each benchmark its id, the median and mean time per iteration in nanoseconds with their 95 %
confidence intervals, and the bytes per iteration where it has a throughput. Prints a table."""

import glob
import json
import os
import sys

SCHEMA = "cmek.bench-core/v1"


def gather(criterion_dir):
    rows = []
    for meta_path in sorted(glob.glob(os.path.join(criterion_dir, "*", "*", "new", "benchmark.json"))):
        folder = os.path.dirname(meta_path)
        with open(meta_path) as f:
            meta = json.load(f)
        with open(os.path.join(folder, "estimates.json")) as f:
            estimates = json.load(f)

        def estimate(name):
            e = estimates[name]
            ci = e["confidence_interval"]
            return {"ns": round(e["point_estimate"], 1), "low_ns": round(ci["lower_bound"], 1),
                    "high_ns": round(ci["upper_bound"], 1)}

        rows.append({"id": meta["full_id"], "median": estimate("median"), "mean": estimate("mean"),
                     "bytes": (meta.get("throughput") or {}).get("Bytes")})
    return rows


def human(ns):
    for unit, size in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= size:
            return f"{ns / size:.3g} {unit}"
    return f"{ns:.3g} ns"


def main():
    criterion_dir, out_path = sys.argv[1], sys.argv[2]
    rows = gather(criterion_dir)
    with open(out_path, "w") as f:
        json.dump({"schema": SCHEMA, "benchmarks": rows}, f, indent=2)
        f.write("\n")
    width = max([len(r["id"]) for r in rows] + [9])
    print(f"{'benchmark':<{width}}  {'median':>9}  {'95 % interval':>21}")
    for r in rows:
        m = r["median"]
        print(f"{r['id']:<{width}}  {human(m['ns']):>9}  {human(m['low_ns']):>10}-{human(m['high_ns']):<10}")
    print(f"\nJSON: {out_path}")


if __name__ == "__main__":
    main()
