"""``python -m hub_data check --data DIR [--as-of YYYY-MM-DD]``: describe a load as JSON.

The command a P&BI lead runs to check a workbook before sharing it (metrics.md, machine-readable
report): files with status, sheets and seconds; rows per table; findings by severity and the
entry-error codes; load problems; each workbook's drift from the master template; total
seconds; whether the cache was cold or warm. Exit status 0 whenever a load could be made, 2
with one line on stderr when the folder is unusable.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time

from hub_data import HubDataError, build_database, load_settings
from hub_data.database import drift_by_file, findings_summary, load_problem_list, table_counts


def describe(data: str | None, as_of: dt.date | None) -> dict:
    """The JSON object of ``check`` for folder ``data`` (as-of default: settings, else today)."""
    started = time.perf_counter()
    hub = build_database(data)
    as_of = as_of or hub.settings.as_of_or(dt.date.today())
    cur = hub.cursor()
    drift = drift_by_file(cur)
    files = [{"file": f, "status": s, "sheets": dict(sheets or {}), "seconds": sec,
              "message": msg or None, "drift": drift.get(f, [])}
             for f, s, sheets, sec, msg in cur.execute(
                 "SELECT file, status, sheets, seconds, message FROM files ORDER BY file").fetchall()]
    return {
        "as_of": as_of.isoformat(),
        "files": files,
        "tables": table_counts(cur),
        "findings": findings_summary(cur, as_of),
        "load_problems": load_problem_list(cur),
        "seconds": round(time.perf_counter() - started, 3),
        "cache": hub.cache,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hub_data")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="load a data folder and describe the load as JSON")
    check.add_argument("--data", help="the data folder (default: HUB_DATA_DIR, else the demo)")
    check.add_argument("--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    args = parser.parse_args(argv)
    try:
        load_settings(args.data)
        report = describe(args.data, args.as_of)
    except HubDataError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return 2
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
