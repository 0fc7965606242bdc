"""Whole-process benchmarks of `cmek` (run by scripts/bench.sh, which builds the binary): each case
N times, the median reported; a table on stdout, JSON under --out. Reports, never asserts on
time: the exit status is 1 only when a case failed (an unexpected exit code, an exception)."""

import argparse
import os
import platform
import subprocess
import sys
import time

import cases
import procs
import report


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True, help="the cmek binary to measure")
    parser.add_argument("--profile", default="release", help="how it was built, for the header and the JSON")
    parser.add_argument("--runs", type=int, default=5, help="runs of each case (the median is reported)")
    parser.add_argument("--quick", action="store_true", help="one run, fewer cases (CI)")
    parser.add_argument("--aws", help="the aws CLI for the documented script (default: skip that case)")
    parser.add_argument("--out", required=True, help="folder for the JSON files")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    results = report.Results()
    suite = cases.Cases(os.path.abspath(args.binary), args.aws, repo, results.record)

    plan = [("version", suite.version), ("policy", suite.policy),
            ("aws-0ms", lambda: suite.aws(0)), ("aws-200ms", lambda: suite.aws(200)),
            ("aws-setup-in-process", suite.in_process_setup),
            ("azure-setup-0ms", lambda: suite.cloud_setup("azure", 0)),
            ("gcp-setup-0ms", lambda: suite.cloud_setup("gcp", 0)),
            ("status-at-scale-50ms", suite.status_at_scale),
            ("wizard-first-frame-0ms", lambda: suite.wizard_first_frame(0))]
    if not args.quick:
        plan += [("azure-setup-200ms", lambda: suite.cloud_setup("azure", 200)),
                 ("gcp-setup-200ms", lambda: suite.cloud_setup("gcp", 200)),
                 ("wizard-first-frame-200ms", lambda: suite.wizard_first_frame(200)),
                 ("wizard-first-frame-in-process", lambda: suite.wizard_first_frame(0, in_process=True))]
    started = time.monotonic()
    for _ in range(runs):
        for name, case in plan:
            try:
                case()
            except Exception as e:  # a case that cannot run is reported, and fails the run at the end
                results.error(name, name, f"{type(e).__name__}: {e}")
    version = subprocess.run([args.binary, "--version"], capture_output=True, text=True).stdout.strip()
    meta = {"binary": {"path": os.path.abspath(args.binary), "profile": args.profile, "version": version},
            "machine": {"cpus": os.cpu_count(), "system": platform.system(), "machine": platform.machine()},
            "runs_per_case": runs, "quick": args.quick, "peak_rss_method": procs.PEAK_METHOD}
    report.write(results, args.out, meta)
    header = (f"cmek benchmarks: {version}, {args.profile} binary, {runs} run{'s' if runs > 1 else ''} per case "
              f"(median, min, max), {os.cpu_count()} CPUs, {time.monotonic() - started:.0f} s in all")
    if args.profile != "release":
        header += f"\n(a {args.profile} build: its times are not the shipped binary's)"
    if not args.aws:
        header += "\n(no aws CLI: the documented script was not run; scripts/install-test-peers.sh installs it)"
    print(report.table(results, header))
    print(f"\nJSON: {args.out}/summary.json and one file per case")
    return 1 if any(c["errors"] for c in results.cases.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
