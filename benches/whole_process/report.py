"""The results: one JSON file per case and a summary (`cmek.bench/v1`, `cmek.bench-summary/v1`),
and the table with the comparisons as ratios."""

import json
import os
import statistics

CASE_SCHEMA = "cmek.bench/v1"
SUMMARY_SCHEMA = "cmek.bench-summary/v1"


class Results:
    def __init__(self):
        self.cases = {}  # id -> {"title", "runs": [...], "errors": [...]}

    def record(self, case_id, title, run, ok_codes, seen):
        case = self.cases.setdefault(case_id, {"title": title, "runs": [], "errors": []})
        entry = {"wall_ms": _round(run.wall_ms), "peak_rss_kb": run.peak_rss_kb, "exit_code": run.exit_code, **seen}
        case["runs"].append(entry)
        if run.exit_code not in ok_codes:
            tail = (run.stderr or run.stdout).strip()[-800:]
            case["errors"].append(f"exit {run.exit_code} (expected {sorted(ok_codes)}): {tail}")

    def error(self, case_id, title, message):
        case = self.cases.setdefault(case_id, {"title": title, "runs": [], "errors": []})
        case["errors"].append(message)

    def summary(self, case_id):
        case = self.cases.get(case_id)
        if not case:
            return None
        runs = case["runs"]
        walls = [r["wall_ms"] for r in runs if r["wall_ms"] is not None]
        peaks = [r["peak_rss_kb"] for r in runs if r["peak_rss_kb"] is not None]
        last = runs[-1] if runs else {}
        return {
            "case": case_id,
            "title": case["title"],
            "runs": len(runs),
            "median_wall_ms": _round(statistics.median(walls)) if walls else None,
            "min_wall_ms": _round(min(walls)) if walls else None,
            "max_wall_ms": _round(max(walls)) if walls else None,
            "peak_rss_kb": max(peaks) if peaks else None,
            "latency_ms": last.get("latency_ms"),
            "calls": last.get("calls"),
            "rounds": last.get("rounds"),
            "calls_by_service": last.get("calls_by_service"),
            "slowest_call_ms": _median_of(runs, "slowest_call_ms"),
            "slowest_call": last.get("slowest_call"),
            "errors": case["errors"],
        }


def _round(value):
    return None if value is None else round(value, 1)


def _median_of(runs, field):
    values = [r[field] for r in runs if r.get(field) is not None]
    return _round(statistics.median(values)) if values else None


def comparisons(results):
    """The ratios the issue asks for, for the cases that ran."""
    get = results.summary
    out = []

    def wall(case_id):
        s = get(case_id)
        return s["median_wall_ms"] if s and not s["errors"] else None

    for ms in (0, 200):
        doc, cmek, rerun, doctor = (wall(f"{c}-{ms}ms") for c in ("aws-documented", "aws-setup", "aws-rerun", "doctor"))
        if doc and cmek:
            d, c = get(f"aws-documented-{ms}ms"), get(f"aws-setup-{ms}ms")
            rounds = f", rounds {_rounds(d)} vs {_rounds(c)}" if ms else ""
            out.append({"name": f"AWS setup at {ms} ms/call: documented script / cmek", "ratio": round(doc / cmek, 2),
                        "detail": f"{_s(doc)} vs {_s(cmek)}; calls {d['calls']} vs {c['calls']}{rounds}"})
        if rerun and cmek:
            out.append({"name": f"AWS re-run / first run at {ms} ms/call", "ratio": round(rerun / cmek, 2),
                        "detail": f"{_s(rerun)} vs {_s(cmek)}"})
        slowest = (get(f"doctor-{ms}ms") or {}).get("slowest_call_ms")
        if doctor and slowest:
            out.append({"name": f"doctor / its slowest single call at {ms} ms/call", "ratio": round(doctor / slowest, 2),
                        "detail": f"{_s(doctor)} vs {_s(slowest)} ({get(f'doctor-{ms}ms')['slowest_call']})"})
    for case in ("aws-setup", "aws-rerun", "doctor", "aws-documented"):
        fast, slow = wall(f"{case}-0ms"), wall(f"{case}-200ms")
        if fast and slow:
            out.append({"name": f"{case}: sequential round trips the 200 ms cost (wall difference / 200 ms)",
                        "ratio": round((slow - fast) / 200, 2),
                        "detail": f"{_s(slow)} - {_s(fast)}; rounds counted: {get(f'{case}-200ms')['rounds']}"})
    status = wall("status-at-scale-50ms")
    if status:
        out.append({"name": "status at scale (50 ms/call) / its 3 s budget", "ratio": round(status / 3000, 3),
                    "detail": f"{_s(status)} of 3 s"})
    small, limit = wall("policy-check-1"), wall("policy-check-32k")
    if small and limit:
        out.append({"name": "policy check at 32 KB / at 1 statement", "ratio": round(limit / small, 2),
                    "detail": f"{_s(limit)} vs {_s(small)}"})
    fast, slow = wall("wizard-first-frame-0ms"), wall("wizard-first-frame-200ms")
    if fast and slow:
        out.append({"name": "wizard first frame at 200 ms/call / at 0 ms", "ratio": round(slow / fast, 2),
                    "detail": f"{_s(slow)} vs {_s(fast)}"})
    return out


def _s(ms):
    return "-" if ms is None else (f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms")


def _mb(kb):
    return "-" if kb is None else f"{kb / 1024:.1f} MB"


def table(results, header):
    rows = [results.summary(c) for c in results.cases]
    width = max([len(r["title"]) for r in rows] + [4])
    lines = [header, "", f"{'case':<{width}}  {'median':>8}  {'min':>8}  {'max':>8}  {'peak RSS':>9}  {'calls':>5}  {'rounds':>6}"]
    for r in rows:
        mark = "  ERROR" if r["errors"] else ""
        lines.append(f"{r['title']:<{width}}  {_s(r['median_wall_ms']):>8}  {_s(r['min_wall_ms']):>8}  "
                     f"{_s(r['max_wall_ms']):>8}  {_mb(r['peak_rss_kb']):>9}  {_dash(r['calls']):>5}  "
                     f"{_dash(_rounds(r)):>6}{mark}")
    lines += ["(rounds: sequential round trips, shown where calls cost 50 ms or more)", "",
              "comparisons (ratio: first / second)"]
    for c in comparisons(results):
        lines.append(f"  {c['name']}: {c['ratio']}  ({c['detail']})")
    for r in rows:
        for e in r["errors"]:
            lines.append(f"ERROR {r['case']}: {e}")
    return "\n".join(lines)


def _rounds(summary):
    """Rounds only where calls cost enough to tell overlap from sequence (the JSON has them all)."""
    return summary["rounds"] if (summary["latency_ms"] or 0) >= 50 else None


def _dash(value):
    return "-" if value is None else str(value)


def write(results, folder, meta):
    os.makedirs(folder, exist_ok=True)
    summaries = []
    for case_id, case in results.cases.items():
        summary = results.summary(case_id)
        summaries.append(summary)
        with open(os.path.join(folder, f"{case_id}.json"), "w") as f:
            json.dump({"schema": CASE_SCHEMA, **meta, **summary, "all_runs": case["runs"]}, f, indent=2)
            f.write("\n")
    with open(os.path.join(folder, "summary.json"), "w") as f:
        json.dump({"schema": SUMMARY_SCHEMA, **meta, "cases": summaries, "comparisons": comparisons(results)}, f,
                  indent=2)
        f.write("\n")
