"""Time the JSON report of metrics.md once the hub is loaded, against a full-scan baseline.

``python benchmarks/report_benchmark.py [--size 1000000] [--workdir DIR] [--repeat 3]``

Uses (or generates) the hub of make_large_hub.py in ``--workdir`` (default /tmp/hub-bench, the
same files load_benchmark.py uses) and loads it through the normal cache (a cold load the first
time; not timed here). Then, in this process, it times:

  baseline   one aggregate scan of every interaction (``SELECT division, count(*), max(date)``)
  report     ``metrics.report.build_report`` for T = the newest interaction's day
  each part  the pilot summaries, the division KPIs, backlog threads, ownership and triggers

and prints seconds and the ratio report / baseline (machines are noisy: compare ratios, and
the aim "< 5 s on the 1M hub once loaded" in absolute terms). A script that prints, not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import make_large_hub  # noqa: E402  (a sibling script, not a package)


def _best(repeat: int, job) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = job()
        best = min(best, time.perf_counter() - started)
    return best, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/hub-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    folder = args.workdir / f"hub-{args.size}"
    if not any(folder.glob("*.xlsx")):
        make_large_hub.main(["--out", str(folder), "--interactions", str(args.size)])
    os.environ.setdefault("HUB_STATE_DIR", str(args.workdir / f"state-{args.size}"))

    import hub_data
    from hub_data.store import Store
    from metrics import backlog, ownership, triggers
    from metrics.calendar import window_ending
    from metrics.inputs import workspace
    from metrics.pilot import pilot_summaries
    from metrics.registry import division_metrics
    from metrics.report import build_report, report_divisions

    started = time.perf_counter()
    hub = hub_data.build_database(folder)
    print(f"load ({hub.cache}): {time.perf_counter() - started:.2f} s")
    cur = workspace(hub.con, Store.for_settings(hub.settings).read_all())
    newest = cur.execute("SELECT max(date) FROM interactions").fetchone()[0]
    as_of = newest.date() if newest else dt.date.today()
    settings = hub.settings
    divisions = report_divisions(cur)
    window = window_ending(as_of)

    parts = {
        "baseline: one scan": lambda: cur.execute(
            "SELECT division, count(*), max(date) FROM interactions GROUP BY ALL").fetchall(),
        "pilot summaries": lambda: pilot_summaries(cur, divisions=divisions, as_of=as_of,
                                                   settings=settings),
        "division KPIs": lambda: [spec.run(cur, window=window, as_of=as_of, division=d,
                                           settings=settings)
                                  for d in divisions for spec in division_metrics(d)],
        "backlog threads": lambda: backlog.threads(cur, as_of=as_of),
        "ownership": lambda: ownership.accounts(cur, as_of=as_of),
        "CRM triggers": lambda: triggers.crm_triggers(cur, as_of=as_of, settings=settings),
        "whole report": lambda: build_report(cur, as_of=as_of, settings=settings),
    }
    rows = hub.cursor().execute("SELECT count(*) FROM interactions").fetchone()[0]
    print(f"hub: {folder} ({rows:,} interactions), T = {as_of}, best of {args.repeat}")
    timings = {name: _best(args.repeat, job)[0] for name, job in parts.items()}
    base = timings["baseline: one scan"]
    for name, seconds in timings.items():
        print(f"  {name:<20} {seconds:8.3f} s   {seconds / base:7.1f}× baseline")
    verdict = "meets" if timings["whole report"] < 5 else "misses"
    print(f"whole report {timings['whole report']:.2f} s: {verdict} the < 5 s aim")
    return 0


if __name__ == "__main__":
    sys.exit(main())
