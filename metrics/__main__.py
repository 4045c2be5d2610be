"""``python -m metrics report --data DIR --as-of YYYY-MM-DD``: the JSON report of metrics.md.

Loads the folder through the normal cache (which may write the cache and append load-history
rows) and reads the dashboard's store; writes nothing else. Exit status 0 whenever a report
could be made (even with load problems), 2 with one line on stderr when the folder itself is
unusable.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys

from hub_data import HubDataError, build_database, load_settings
from hub_data.store import Store
from metrics.inputs import workspace
from metrics.report import build_report


def report(data: str | None, as_of: dt.date | None) -> dict:
    """The report for folder ``data`` (default: HUB_DATA_DIR, else the demo) as of ``as_of``
    (default: settings' as_of, else today)."""
    hub = build_database(data)
    as_of = as_of or hub.settings.as_of_or(dt.date.today())
    cur = workspace(hub.con, Store.for_settings(hub.settings).read_all())
    return build_report(cur, as_of=as_of, settings=hub.settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("report", help="every metric of metrics.md as one JSON object")
    command.add_argument("--data", help="the data folder (default: HUB_DATA_DIR, else the demo)")
    command.add_argument("--as-of", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    args = parser.parse_args(argv)
    try:
        load_settings(args.data)
        result = report(args.data, args.as_of)
    except HubDataError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
