"""Page speed at scale: every page's rerun time, cold and warm start and memory, per hub size.

    python benchmarks/page_speed.py [--sizes 10000,100000,1000000] [--reruns 12]
                                    [--workdir /tmp/hub-bench] [--data DIR] [--port 8740]

Issue 11. Run from the repository root. For each size the script takes the large hub of
``benchmarks/make_large_hub.py`` (generated under ``--workdir`` the first time, as
``load_benchmark.py`` does; ``--data DIR`` measures a folder of yours instead) and:

1. **cold**: starts the app with an empty state folder and opens the overview: the time from
   the request until the page has finished (reading the workbooks, building the snapshot and
   running the page);
2. **pages**: one session opens every page of ``app.py`` in turn (``?as_of=`` the hub's last
   day, so the numbers count a full window), then reruns it ``--reruns`` times, each rerun
   changing one of the page's filter widgets (every selectbox, radio, segmented control,
   toggle and date input outside a form, in turn; the sidebar's "As of" goes a week back and
   forth; the division picker cycles through the divisions) to its next value, as a user
   does. Rerun time = from the widget change being sent to the script finishing on the server
   with every element sent (Streamlit's websocket protocol, see ``appclient.py``);
3. **warm**: stops the app and starts it again on the same state folder and opens the
   overview (the snapshot is already on disk);
4. reads the app server's peak RSS (VmHWM) at the end.

It prints a table per size (page, first open, reruns, p50, p95, max ms, elements) and then
the curve: per size, interactions, file MB, cold first page, warm first page, rerun p50/p95
over all pages, the slowest page's p95 and the server's peak RSS. Exit status 1 when a page
showed an error.

A benchmark, not a test: the times depend on the machine.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from appclient import (Session, Widget, app_log_errors, app_pages, peak_rss_mb, percentile,
                       port_is_free, start_app, stop_app, widget_state)

AS_OF = dt.date(2026, 6, 30)       # the last day make_large_hub.py writes
TIMEOUT = 600.0


@dataclass
class PageSpeed:
    """One page's numbers at one size."""

    page: str
    first_ms: float
    reruns: list[float] = field(default_factory=list)
    elements: int = 0
    errors: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


@dataclass
class SizeResult:
    """One hub size's numbers."""

    label: str
    interactions: int | None
    megabytes: float
    cold_s: float
    warm_s: float
    peak_mb: float
    pages: list[PageSpeed]


def next_value(widget: Widget, turn: int) -> str:
    """The value the ``turn``-th change of ``widget`` sets: the next option (wrapping), or for
    a date input a week back on odd turns and the first date again on even ones."""
    if widget.kind == "date_input":
        first = dt.date.fromisoformat(widget.options[0])
        return (first - dt.timedelta(days=7) if turn % 2 == 0 else first).isoformat()
    return widget.options[(turn + 1) % len(widget.options)]


async def measure_page(session: Session, page: str, reruns: int) -> PageSpeed:
    """Open ``page`` and rerun it ``reruns`` times, each changing one filter widget."""
    query = f"as_of={AS_OF.isoformat()}"
    first = await session.run(page, query)
    speed = PageSpeed(page, first.ms, elements=first.elements, errors=list(first.errors))
    widgets = {w.id: w for w in first.widgets}
    turns: dict[str, int] = {}
    order = list(widgets)
    for i in range(reruns if order else 0):
        widget = widgets[order[i % len(order)]]
        turn = turns.get(widget.id, 0)
        turns[widget.id] = turn + 1
        value = next_value(widget, turn)
        run = await session.run(page, query, [widget_state(widget, value)])
        speed.reruns.append(run.ms)
        speed.errors += run.errors
        speed.changed.append(widget.label)
        # Widgets a change reveals (e.g. a second picker) join the rotation.
        for found in run.widgets:
            if found.id not in widgets:
                widgets[found.id] = found
                order.append(found.id)
    return speed


async def first_page(base: str, home: str) -> float:
    """Seconds until the overview has finished (a fresh session)."""
    async with Session(base, home, TIMEOUT) as session:
        run = await session.run(home, f"as_of={AS_OF.isoformat()}")
        if run.errors:
            raise SystemExit(f"the overview showed: {run.errors}")
        return run.ms / 1000


async def all_pages(base: str, home: str, pages: list[str], reruns: int) -> list[PageSpeed]:
    async with Session(base, home, TIMEOUT) as session:
        results = []
        for page in pages:
            results.append(await measure_page(session, page, reruns))
            print(f"  {page}: first {results[-1].first_ms:.0f} ms, "
                  f"{len(results[-1].reruns)} reruns", flush=True)
        return results


def measure(label: str, interactions: int | None, data: Path, args: argparse.Namespace,
            pages: list[str], home: str) -> SizeResult:
    """Cold start, every page and its reruns, warm start, peak RSS for one data folder."""
    work = Path(tempfile.mkdtemp(prefix="hub-speed-"))
    state, log = work / "state", work / "streamlit.log"
    state.mkdir()
    base = f"http://127.0.0.1:{args.port}"
    megabytes = sum(p.stat().st_size for p in data.glob("*.xlsx")) / 1e6
    try:
        server = start_app(data, state, args.port, log)
        try:
            cold = asyncio.run(first_page(base, home))
            print(f"{label}: cold first page {cold:.1f} s", flush=True)
            speeds = asyncio.run(all_pages(base, home, pages, args.reruns))
            peak = peak_rss_mb(server.pid)
        finally:
            stop_app(server)
        server = start_app(data, state, args.port, log.with_name("warm.log"))
        try:
            warm = asyncio.run(first_page(base, home))
            peak = max(peak, peak_rss_mb(server.pid))
        finally:
            stop_app(server)
        errors = app_log_errors(log) + app_log_errors(log.with_name("warm.log"))
        if errors:
            speeds.append(PageSpeed("(app log)", 0.0, errors=[f"{errors} tracebacks"]))
        return SizeResult(label, interactions, megabytes, cold, warm, peak, speeds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def page_table(result: SizeResult) -> list[str]:
    lines = [f"\n## {result.label}: {result.megabytes:.1f} MB of workbooks\n",
             f"{'page':<16}{'first ms':>9}{'reruns':>7}{'p50 ms':>8}{'p95 ms':>8}"
             f"{'max ms':>8}{'elements':>9}  changed"]
    for s in result.pages:
        stats = (f"{percentile(s.reruns, .5):>8.0f}{percentile(s.reruns, .95):>8.0f}"
                 f"{max(s.reruns):>8.0f}" if s.reruns else f"{'-':>8}{'-':>8}{'-':>8}")
        labels = ", ".join(dict.fromkeys(s.changed))
        lines.append(f"{s.page:<16}{s.first_ms:>9.0f}{len(s.reruns):>7}{stats}"
                     f"{s.elements:>9}  {labels[:60]}")
        for error in s.errors[:3]:
            lines.append(f"    error: {error}")
    return lines


def curve(results: list[SizeResult]) -> list[str]:
    lines = ["\n## How the cost grows\n",
             f"{'hub':<12}{'rows':>10}{'MB':>7}{'cold s':>8}{'warm s':>8}{'rerun p50':>10}"
             f"{'rerun p95':>10}{'worst page p95':>24}{'peak RSS MB':>12}"]
    for r in results:
        times = [t for s in r.pages for t in s.reruns]
        worst = max((s for s in r.pages if s.reruns),
                    key=lambda s: percentile(s.reruns, .95), default=None)
        worst_text = (f"{worst.page} {percentile(worst.reruns, .95):.0f} ms" if worst else "-")
        rows = f"{r.interactions:,}" if r.interactions else "-"
        lines.append(f"{r.label:<12}{rows:>10}{r.megabytes:>7.1f}{r.cold_s:>8.1f}"
                     f"{r.warm_s:>8.2f}{percentile(times, .5) if times else 0:>10.0f}"
                     f"{percentile(times, .95) if times else 0:>10.0f}{worst_text:>24}"
                     f"{r.peak_mb:>12.0f}")
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="interactions per generated hub, comma-separated")
    parser.add_argument("--reruns", type=int, default=12, help="filter changes per page (12)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/hub-bench"),
                        help="where the generated hubs are kept (/tmp/hub-bench)")
    parser.add_argument("--data", type=Path, help="measure this folder instead of generating")
    parser.add_argument("--pages", help="only these url_paths, comma-separated")
    parser.add_argument("--port", type=int, default=8740, help="the app's port (8740)")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed (1)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not port_is_free(args.port):
        raise SystemExit(f"port {args.port} is in use; pick another with --port")
    pages, home = app_pages()
    if args.pages:
        pages = [p for p in pages if p in args.pages.split(",")]
    print(f"Page speed on {os.cpu_count()} CPUs, {len(pages)} pages, {args.reruns} reruns each")
    results = []
    if args.data:
        results.append(measure(args.data.name, None, args.data, args, pages, home))
    else:
        from load_benchmark import ensure_hub
        for size in (int(s) for s in args.sizes.split(",")):
            hub = ensure_hub(args.workdir, size, args.seed)
            label = f"{size // 1000}k" if size < 1_000_000 else f"{size / 1e6:g}M"
            results.append(measure(label, size, hub.folder, args, pages, home))
    for result in results:
        print("\n".join(page_table(result)))
    print("\n".join(curve(results)))
    failed = sum(len(s.errors) for r in results for s in r.pages)
    print(f"\n{'no errors' if not failed else f'{failed} errors'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
