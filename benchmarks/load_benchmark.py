"""Time the Hub load against the naive pandas read and the inflate-only floor, in one run.

``python benchmarks/load_benchmark.py [--size 100000|1000000] [--workdir DIR] [--skip-pandas]
[--profile] [--timeout SECONDS]``

Generates the hub with make_large_hub.py (cached in ``--workdir``, default /tmp/hub-bench,
regenerated only when missing), then runs every step as its own child process, so each has its
own wall time and peak RSS (``/usr/bin/time -v`` when present, else /proc/<pid>/status VmHWM):

  a  cold check      ``python -m hub_data check --data DIR`` with a fresh, empty HUB_STATE_DIR
  b  warm check      the same command again, same state folder (the snapshot is cached)
     warm open       in a child: import hub_data, then time ``build_database(DIR)`` alone
  c  pandas          ``pandas.read_excel(path, sheet_name=None, engine="openpyxl")`` (always on
                     the 100k cut: at 1M it takes ~8 minutes)
  d  floor           inflate the Interactions sheet XML with zipfile, 1 MB reads, discarded

``--profile`` adds a cold check under cProfile (its own fresh state folder) and prints the top
functions by cumulative time. This is a script that prints, not a test: it exits non-zero only
when a step fails or the check's ``tables.interactions`` is not the generated count.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import make_large_hub  # noqa: E402  (a sibling script, not a package)

CUT = 100_000
TIME_BIN = Path("/usr/bin/time")
PACKAGES = ("fastexcel", "duckdb", "pyarrow", "pandas", "openpyxl", "numpy", "xlsxwriter")

WARM_OPEN = """
import json, sys, time
started = time.perf_counter()
import hub_data
imported = time.perf_counter()
hub = hub_data.build_database(sys.argv[1])
opened = time.perf_counter()
rows = hub.cursor().execute("SELECT count(*) FROM interactions").fetchone()[0]
print(json.dumps({"import_s": imported - started, "open_s": opened - imported,
                  "cache": hub.cache, "interactions": rows}))
"""

PANDAS_READ = """
import json, sys
import pandas
frames = pandas.read_excel(sys.argv[1], sheet_name=None, engine="openpyxl")
print(json.dumps({name: len(frame) for name, frame in frames.items()}))
"""

FLOOR = """
import json, posixpath, re, sys, zipfile
CHUNK = 1 << 20
with zipfile.ZipFile(sys.argv[1]) as archive:
    book = archive.read("xl/workbook.xml").decode()
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="Interactions"[^>]*r:id="([^"]+)"', book).group(1)
    target = re.search(r'<Relationship [^>]*Id="%s"[^>]*Target="([^"]+)"' % rid, rels).group(1)
    part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    total = 0
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            total += len(chunk)
print(json.dumps({"part": part, "inflated_bytes": total}))
"""


@dataclass
class Run:
    """One child process: what it printed, how long it took, how much memory it peaked at."""

    step: str
    seconds: float
    peak_mb: float | None
    returncode: int | None
    stdout: str
    stderr: str
    note: str = ""
    problems: list[str] = field(default_factory=list)

    def json(self) -> dict:
        """The child's stdout as JSON (the last JSON object it printed), or {}."""
        text = self.stdout.strip()
        start = text.find("{")
        try:
            return json.loads(text[start:]) if start >= 0 else {}
        except json.JSONDecodeError:
            return {}


# ----------------------------------------------------------------------------- children
def _peak_from_time(stderr: str) -> tuple[float | None, str]:
    """Peak RSS (MB) from ``/usr/bin/time -v`` output, and stderr without those lines."""
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    start = stderr.find("\tCommand being timed:")
    rest = stderr[:start] if start >= 0 else stderr
    return (int(match.group(1)) / 1024 if match else None), rest


def _poll_vmhwm(process: subprocess.Popen, timeout: float) -> float | None:
    """Wait for ``process`` while polling its VmHWM (Linux); peak RSS in MB."""
    peak_kb, deadline = 0, time.monotonic() + timeout
    status = Path(f"/proc/{process.pid}/status")
    while process.poll() is None:
        try:
            match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            peak_kb = max(peak_kb, int(match.group(1))) if match else peak_kb
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise subprocess.TimeoutExpired(process.args, timeout)
        time.sleep(0.05)
    return peak_kb / 1024 or None


def run_child(step: str, args: list[str], env: dict[str, str] | None = None,
              timeout: float = 1200) -> Run:
    """Run ``args`` (a python command line) as a child in the repository; time and measure it."""
    env = {**os.environ, **(env or {}), "PYTHONPATH": str(REPO)}
    use_time = TIME_BIN.is_file() and os.access(TIME_BIN, os.X_OK)
    command = [str(TIME_BIN), "-v", *args] if use_time else args
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=err, text=True)
        try:
            if use_time:
                process.wait(timeout=timeout)
                peak = None
            else:
                peak = _poll_vmhwm(process, timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            out.seek(0), err.seek(0)
            return Run(step, time.perf_counter() - started, None, None, out.read(), err.read(),
                       problems=[f"timed out after {timeout:.0f} s"])
        seconds = time.perf_counter() - started
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    if use_time:
        peak, stderr = _peak_from_time(stderr)
    run = Run(step, seconds, peak, process.returncode, stdout, stderr)
    if process.returncode != 0:
        tail = " | ".join(stderr.strip().splitlines()[-3:])
        run.problems.append(f"exit status {process.returncode}: {tail}")
    return run


def python(*args: str) -> list[str]:
    """A command line running this interpreter."""
    return [sys.executable, *args]


# ----------------------------------------------------------------------------- the hub
@dataclass
class Hub:
    """A generated data folder holding one large workbook."""

    folder: Path
    workbook: Path
    interactions: int
    size_bytes: int
    generated_s: float | None     # None when it came from the cache


def ensure_hub(workdir: Path, interactions: int, seed: int) -> Hub:
    """The hub folder for ``interactions`` rows, generated only when missing or different."""
    folder = workdir / f"hub-{interactions}"
    workbook = folder / make_large_hub.LARGE_NAME
    meta_path = workdir / f"hub-{interactions}.json"
    wanted = {"interactions": interactions, "seed": seed,
              "note_detail": make_large_hub.DEFAULT_NOTE_DETAIL}
    try:
        meta = json.loads(meta_path.read_text())
        if (workbook.is_file() and meta.get("size_bytes") == workbook.stat().st_size
                and {k: meta.get(k) for k in wanted} == wanted):
            return Hub(folder, workbook, interactions, meta["size_bytes"], None)
    except (OSError, ValueError):
        pass
    shutil.rmtree(folder, ignore_errors=True)
    print(f"generating {interactions:,} interactions into {folder} ...", flush=True)
    started = time.perf_counter()
    make_large_hub.generate(folder, interactions, seed)
    seconds = time.perf_counter() - started
    size = workbook.stat().st_size
    meta_path.write_text(json.dumps({**wanted, "size_bytes": size, "seconds": seconds}))
    print(f"  {size / 1e6:,.1f} MB in {seconds:,.1f} s", flush=True)
    return Hub(folder, workbook, interactions, size, seconds)


def fresh_state(workdir: Path, label: str) -> Path:
    """An empty state folder for one cold load."""
    state = workdir / f"state-{label}"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    return state


# ----------------------------------------------------------------------------- steps
def check_run(step: str, hub: Hub, state: Path, timeout: float, cache: str) -> Run:
    """``python -m hub_data check`` on ``hub``; checks exit status, row count and cache kind."""
    run = run_child(step, python("-m", "hub_data", "check", "--data", str(hub.folder)),
                    {"HUB_STATE_DIR": str(state)}, timeout)
    report = run.json()
    if run.returncode == 0:
        got = report.get("tables", {}).get("interactions")
        if got != hub.interactions:
            run.problems.append(f"tables.interactions = {got}, generated {hub.interactions:,}")
        if report.get("cache") != cache:
            run.problems.append(f"cache = {report.get('cache')!r}, expected {cache!r}")
        problems = report.get("load_problems") or []
        if problems:
            run.problems.append(f"load problems: {problems}")
        run.note = f"check says {report.get('seconds')} s, cache {report.get('cache')}"
        prefix = run.stdout.find("{")
        if prefix > 0:
            run.note += (f"; stdout has {prefix:,} bytes before the JSON (DuckDB's progress "
                         "bar?), so `| jq` would fail")
    return run


def warm_open_run(hub: Hub, state: Path, timeout: float) -> Run:
    """In a child: import hub_data, then time build_database(DIR) on an unchanged folder."""
    run = run_child("b  warm open, in-process", python("-c", WARM_OPEN, str(hub.folder)),
                    {"HUB_STATE_DIR": str(state)}, timeout)
    report = run.json()
    if report:
        run.note = (f"build_database {report['open_s']:.3f} s (import hub_data "
                    f"{report['import_s']:.2f} s), cache {report['cache']}")
        if report["cache"] != "warm":
            run.problems.append(f"cache = {report['cache']!r}, expected 'warm'")
        if report["interactions"] != hub.interactions:
            run.problems.append(f"interactions = {report['interactions']}")
    return run


def pandas_run(hub: Hub, timeout: float) -> Run:
    """The naive approach: pandas + openpyxl reading every sheet."""
    run = run_child(f"c  pandas.read_excel, openpyxl ({hub.interactions // 1000}k)",
                    python("-c", PANDAS_READ, str(hub.workbook)), timeout=timeout)
    rows = run.json().get("Interactions")
    if run.returncode == 0 and rows != hub.interactions:
        run.problems.append(f"pandas read {rows} interactions, expected {hub.interactions:,}")
    return run


def floor_run(hub: Hub, timeout: float) -> Run:
    """The floor: inflating the Interactions sheet XML and nothing else."""
    run = run_child("d  floor: inflate Interactions XML", python("-c", FLOOR, str(hub.workbook)),
                    timeout=timeout)
    inflated = run.json().get("inflated_bytes")
    if inflated:
        run.note = f"{inflated / 1e6:,.0f} MB of XML"
    return run


def profile_run(hub: Hub, workdir: Path, timeout: float, top: int) -> str:
    """A cold check under cProfile: hub_data's top functions by cumulative time, as text."""
    stats_path = workdir / f"check-{hub.interactions}.prof"
    state = fresh_state(workdir, f"{hub.interactions}-profile")
    run = run_child("profile", python("-m", "cProfile", "-o", str(stats_path), "-m", "hub_data",
                                      "check", "--data", str(hub.folder)),
                    {"HUB_STATE_DIR": str(state)}, timeout)
    if run.problems:
        return f"profile run failed: {run.problems}"
    ours = _stats_text(stats_path, "cumulative", top, f"{REPO}/hub_data/")
    hottest = _stats_text(stats_path, "tottime", top, "")
    return (f"cold check under cProfile: {run.seconds:.1f} s wall\n"
            f"hub_data functions by cumulative time:\n{ours}\n"
            "all functions by own time (a DuckDB statement's time counts in the function "
            f"calling execute):\n{hottest}")


def _stats_text(path: Path, order: str, top: int, restrict: str) -> str:
    """pstats output sorted by ``order``: ``top`` rows of functions matching ``restrict``."""
    import pstats

    buffer = _StringSink()
    stats = pstats.Stats(str(path), stream=buffer).sort_stats(order)
    stats.print_stats(re.escape(restrict), top) if restrict else stats.print_stats(top)
    text = buffer.text().replace(f"{REPO}/", "")
    text = re.sub(r"/\S*/(lib/python[\d.]+/|site-packages/)", "", text)
    return text[text.find("   ncalls"):].rstrip() if "   ncalls" in text else text.rstrip()


class _StringSink:
    """A write-only text stream for pstats."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def text(self) -> str:
        return "".join(self.parts)


# ----------------------------------------------------------------------------- reporting
def machine() -> str:
    """Cores, CPU, memory, OS, Python and package versions."""
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in
                    Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{mem_kb / 1024 ** 2:.0f} GB RAM"
    except (OSError, AttributeError):
        memory = "RAM unknown"
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} -")
    return (f"{os.cpu_count()} cores ({cpu or platform.processor() or 'cpu unknown'}), "
            f"{memory}, {platform.system()} {platform.release()}\n"
            f"Python {platform.python_version()}; " + ", ".join(versions) + "\n"
            f"loader: {revision()}")


def revision() -> str:
    """The repository's commit and whether hub_data/ has uncommitted changes."""
    try:
        head = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h %s"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "hub_data"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return f"{head or 'unknown'}" + (" + uncommitted changes in hub_data/" if dirty else "")


def table(runs: list[Run]) -> str:
    """The results as a Markdown table."""
    lines = ["| step | seconds | peak RSS MB | note |", "|---|---:|---:|---|"]
    for run in runs:
        peak = f"{run.peak_mb:,.0f}" if run.peak_mb else "?"
        note = "; ".join(filter(None, [run.note, *(f"PROBLEM: {p}" for p in run.problems)]))
        lines.append(f"| {run.step} | {run.seconds:,.2f} | {peak} | {note} |")
    return "\n".join(lines)


def ratios(runs: dict[str, Run], warm_open_s: float | None) -> list[str]:
    """Cold / floor, pandas / cold at 100k, and the warm in-process open."""
    lines = []
    cold, floor = runs.get("cold"), runs.get("floor")
    if cold and floor and floor.seconds:
        lines.append(f"cold check / floor        = {cold.seconds / floor.seconds:,.1f}x "
                     f"({cold.seconds:,.1f} s / {floor.seconds:,.2f} s)")
    pandas, cold_cut = runs.get("pandas"), runs.get("cold_cut") or runs.get("cold")
    if pandas and cold_cut and cold_cut.seconds and not pandas.problems:
        lines.append(f"pandas / cold check (100k) = {pandas.seconds / cold_cut.seconds:,.2f}x "
                     f"({pandas.seconds:,.1f} s / {cold_cut.seconds:,.1f} s, whole processes)")
    warm = runs.get("warm")
    if warm and cold and warm.seconds:
        lines.append(f"cold / warm check process  = {cold.seconds / warm.seconds:,.1f}x")
    if warm_open_s is not None:
        verdict = "meets" if warm_open_s <= 0.1 else "MISSES"
        lines.append(f"warm open in-process       = {warm_open_s:.3f} s "
                     f"({verdict} the <= 0.1 s aim)")
    return lines


# ----------------------------------------------------------------------------- main
def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=CUT, help="interactions (100000 or 1000000)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/hub-bench"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="also run a cold check under cProfile and print the top functions")
    parser.add_argument("--top", type=int, default=15, help="functions shown by --profile")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per step")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(machine(), flush=True)
    hub = ensure_hub(args.workdir, args.size, args.seed)
    cut = hub if args.size == CUT or args.skip_pandas else ensure_hub(args.workdir, CUT, args.seed)
    print(f"workbook: {hub.workbook} ({hub.size_bytes / 1e6:,.1f} MB, {hub.interactions:,} "
          "interactions" + (f", generated in {hub.generated_s:,.1f} s" if hub.generated_s
                            else ", cached") + ")", flush=True)

    runs: dict[str, Run] = {}
    state = fresh_state(args.workdir, str(args.size))
    steps = [("cold", lambda: check_run("a  cold check (fresh state)", hub, state,
                                        args.timeout, "cold")),
             ("warm", lambda: check_run("b  warm check (same state)", hub, state,
                                        args.timeout, "warm")),
             ("warm_open", lambda: warm_open_run(hub, state, args.timeout))]
    if not args.skip_pandas:
        if cut is not hub:
            cut_state = fresh_state(args.workdir, f"{CUT}-for-pandas")
            steps.append(("cold_cut", lambda: check_run("a' cold check (100k, for pandas ratio)",
                                                        cut, cut_state, args.timeout, "cold")))
        steps.append(("pandas", lambda: pandas_run(cut, args.timeout)))
    steps.append(("floor", lambda: floor_run(hub, args.timeout)))
    for key, step in steps:
        print(f"running {key} ...", flush=True)
        runs[key] = step()
        print(f"  {runs[key].seconds:,.2f} s, peak {runs[key].peak_mb or 0:,.0f} MB"
              + (f"  PROBLEMS: {runs[key].problems}" if runs[key].problems else ""), flush=True)

    warm_open = runs["warm_open"].json().get("open_s")
    print()
    print(table(list(runs.values())))
    print()
    for line in ratios(runs, warm_open):
        print(line)
    if args.profile:
        print()
        print(profile_run(hub, args.workdir, args.timeout, args.top))
    failed = [run for run in runs.values() if run.problems]
    for run in failed:
        print(f"PROBLEM in {run.step}: {'; '.join(run.problems)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
