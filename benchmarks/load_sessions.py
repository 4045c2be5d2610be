"""Load: concurrent sessions switching pages and filters over the demo data.

    python benchmarks/load_sessions.py [--sessions 20] [--client protocol|browser] [--rounds 1]

Issue 10, part 5. Run from the repository root. The script

1. copies ``hub_data/demo`` to a temporary folder (it changes files there, never the demo),
   starts the app on it (``streamlit run app.py`` with ``HUB_DATA_DIR`` set to the copy and a
   fresh ``HUB_STATE_DIR``), waits for ``/_stcore/health`` and warms the first (cold) load with
   one visit; the app is stopped at the end, also on Ctrl-C or an error;
2. scenario **steady**: ``--sessions`` sessions at once. Each session, in each of ``--rounds``
   rounds, opens every page of ``app.py`` (its ``url_path``) in its own shuffled order, about
   half of the visits with a filter in the query (``?division=Power``, ``?division=Medical``,
   ``?as_of=2026-06-30``);
3. scenario **reload**: the same, while a writer thread changes one workbook of the copy every
   ``--change-every`` seconds (the Notes of its last interaction, saved with openpyxl to a
   temporary file and renamed into place, as a sync client does), so the signature changes
   and the app rebuilds its snapshot while sessions read;
4. prints per scenario a table (page, visits, p50, p95 and max ms, visits with errors), the
   overall p50/p95, errors, sessions, rounds, wall time, CPU count and the CPU the app server
   used; exit status 1 when any error was seen, else 0.

Two clients (``--client``):

* ``protocol`` (default): each session is one websocket to ``/_stcore/stream`` speaking
  Streamlit's own protocol, exactly the messages a browser tab sends: one ``rerun_script``
  BackMsg per visit (the page's ``url_path`` and the filter as the query string, in the same
  session, as the sidebar's page links do), then every ForwardMsg is read until
  ``script_finished``. Page time = from sending the request to the script finishing on the
  server, with every element received. The app server does the same work as for a browser,
  and the client costs almost no CPU, so the numbers are the app's.
* ``browser``: headless Chromium (``/usr/bin/chromium``), one browser context per session,
  each visit a navigation to the page's URL. Page time is measured inside the browser: from
  navigation start to the start of the first stretch of at least 300 ms in which the page
  title (``[data-testid='stMain'] h1``) is visible, the app's script state is ``notRunning``
  and it is connected, ending with no status widget shown (an init script watches the DOM).
  On a small machine the browsers' rendering competes with the app for the same cores, so
  these times include the renderers' queueing.

An error is a visit that shows an exception or an ``st.error`` box other than the dashboard's
business banners ("Intervention needed", "CRM review due"), a page that is not found, a
JavaScript error in the page (browser), a visit landing on another page than asked (browser),
or a visit that did not finish within ``--timeout`` seconds; and any traceback in the app's log.

A benchmark, not a test: pytest does not collect ``benchmarks/``, and the numbers depend on the
machine (the clients run on the same cores as the app).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from appclient import (BUSINESS_ALERTS, Session as ProtocolSession, app_log_errors, app_pages,
                       cpu_seconds, machine_busy, percentile, port_is_free, start_app, stop_app)

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "hub_data" / "demo"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 720}
# "" twice: about half of the visits carry no filter.
FILTERS = ("", "", "?division=Power", "?division=Medical", "?as_of=2026-06-30")
# The alert's Material icon is drawn as a ligature word ("priority_high") before the text.
ICON = re.compile(r"^[a-z0-9_]+ ")
CHANGED_WORKBOOK = "Interaction Hub - Cube 65 Clinic.xlsx"
QUIET_MS = 300
POLL_S = 0.1

# Runs in every new document of every session. Sets window.__bench.done to the page time in
# ms after navigation start once the page has been finished (title shown, script not running,
# connected) for QUIET_MS, checked on every DOM change and every 25 ms.
INIT_SCRIPT = """
(() => {
  if (window.top !== window) return;
  const bench = {since: null, done: null};
  window.__bench = bench;
  const finished = () => {
    const app = document.querySelector("[data-testid='stApp']");
    const title = document.querySelector("[data-testid='stMain'] h1");
    return !!app && app.getAttribute("data-test-script-state") === "notRunning"
      && app.getAttribute("data-test-connection-state") === "CONNECTED"
      && !!title && title.getClientRects().length > 0;
  };
  const check = () => {
    if (bench.done !== null) return;
    const now = performance.now();
    if (!finished()) { bench.since = null; return; }
    if (bench.since === null) { bench.since = now; return; }
    if (now - bench.since >= %(quiet)d
        && !document.querySelector("[data-testid='stStatusWidget']")) {
      bench.done = bench.since;
    }
  };
  const watch = () => {
    new MutationObserver(check).observe(document.documentElement, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ["data-test-script-state", "data-test-connection-state"]});
    setInterval(check, 25);
  };
  if (document.documentElement) watch();
  else document.addEventListener("DOMContentLoaded", watch);
})();
""" % {"quiet": QUIET_MS}

NAVIGATE = "url => { if (window.__bench) window.__bench.old = true; location.href = url; }"
POLL = ("() => (window.__bench && !window.__bench.old)"
        " ? {done: window.__bench.done, path: location.pathname} : null")
PROBLEMS = """() => Array.from(document.querySelectorAll(
  "[data-testid='stException'], [data-testid='stAlertContentError']"))
  .map(e => [e.getAttribute("data-testid"), e.innerText])"""
STATE = """() => { const a = document.querySelector("[data-testid='stApp']");
  return a ? a.getAttribute("data-test-script-state") + "/"
    + a.getAttribute("data-test-connection-state") : "no app"; }"""


@dataclass(frozen=True)
class App:
    """The running app: its base URL, server process and default page (shown at ``/``)."""

    base: str
    server: subprocess.Popen
    home: str


@dataclass
class Visit:
    """One page opened by one session: the in-page time (None when it never finished)."""

    session: int
    page: str
    query: str
    ms: float | None
    errors: list[str] = field(default_factory=list)


@dataclass
class Session:
    """One browser context and its plan of (page, query) visits."""

    index: int
    page: object
    plan: list[tuple[str, str]]
    current: tuple[str, str] | None = None
    started: float = 0.0
    ready_at: float = 0.0
    js_errors: list[str] = field(default_factory=list)


def plan_for(index: int, pages: list[str], rounds: int, seed: int) -> list[tuple[str, str]]:
    """Every page once per round in a shuffled order, each with a random filter."""
    rng = random.Random(seed * 1000 + index)
    plan: list[tuple[str, str]] = []
    for _ in range(rounds):
        order = pages[:]
        rng.shuffle(order)
        plan += [(name, rng.choice(FILTERS)) for name in order]
    return plan


def problems(found: list[list[str]]) -> list[str]:
    """The exceptions and error boxes a page shows, without the dashboard's own banners."""
    kept = []
    for testid, text in found:
        text = " ".join(text.split())
        words = ICON.sub("", text)
        if testid == "stAlertContentError" and words.startswith(BUSINESS_ALERTS):
            continue
        kept.append(f"{testid}: {text}")
    return kept


class Driver(threading.Thread):
    """One thread, one Playwright, one Chromium: drives its sessions concurrently."""

    def __init__(self, app: App, sessions: list[tuple[int, list[tuple[str, str]]]],
                 timeout: float, think: float, visits: list[Visit],
                 stop: threading.Event) -> None:
        super().__init__(daemon=True, name=f"driver-{sessions[0][0]}")
        self.base = app.base
        self.home = app.home
        self.plans = sessions
        self.timeout = timeout
        self.think = think
        self.visits = visits
        self.stop = stop
        self.failure: str | None = None

    def run(self) -> None:
        from playwright.sync_api import sync_playwright
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=CHROMIUM_ARGS)
                try:
                    self._drive([self._open(browser, index, plan)
                                 for index, plan in self.plans])
                finally:
                    browser.close()
        except Exception as exc:  # a browser that dies is reported, not hidden
            self.failure = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"

    def _open(self, browser, index: int, plan: list[tuple[str, str]]) -> Session:
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        session = Session(index, page, list(plan))
        page.on("pageerror", lambda exc: session.js_errors.append(f"JavaScript: {exc}"))
        return session

    def _drive(self, sessions: list[Session]) -> None:
        active = list(sessions)
        while active and not self.stop.is_set():
            sweep = time.monotonic()
            for session in list(active):
                if not self._step(session):
                    active.remove(session)
            time.sleep(max(0.0, POLL_S - (time.monotonic() - sweep)))

    def _step(self, session: Session) -> bool:
        """Advance one session; False once its plan is done."""
        from playwright.sync_api import Error as PlaywrightError
        now = time.monotonic()
        if session.current is None:
            if not session.plan:
                return False
            if now < session.ready_at:
                return True
            session.current = session.plan.pop(0)
            session.js_errors.clear()
            session.started = now
            name, query = session.current
            try:
                session.page.evaluate(NAVIGATE, f"{self.base}/{name}{query}")
            except PlaywrightError:
                pass  # the old document went away under the call; the new one is polled
            return True
        name, query = session.current
        try:
            result = session.page.evaluate(POLL)
        except PlaywrightError:
            result = None  # mid-navigation: no document to ask yet
        if result and result["done"] is not None:
            path = result["path"].rstrip("/")
            here = path.endswith("/" + name) or (not path and name == self.home)
            errors = [] if here else [f"landed on {result['path']}"]
            try:
                errors += problems(session.page.evaluate(PROBLEMS))
            except PlaywrightError as exc:
                errors.append(f"could not read the page: {str(exc).splitlines()[0]}")
            self._record(session, float(result["done"]), errors)
        elif now - session.started > self.timeout:
            try:
                state = session.page.evaluate(STATE)
            except PlaywrightError:
                state = "no document"
            self._record(session, None,
                         [f"did not finish within {self.timeout:g} s (app state: {state})"])
        return True

    def _record(self, session: Session, ms: float | None, errors: list[str]) -> None:
        name, query = session.current
        errors = [" ".join(e.split())[:240] for e in errors + session.js_errors]
        self.visits.append(Visit(session.index, name, query, ms, errors))
        session.current = None
        session.ready_at = time.monotonic() + self.think


class ProtocolDriver(threading.Thread):
    """One thread, one asyncio loop: every session is a websocket speaking Streamlit's
    protocol (``rerun_script`` out, ForwardMsgs in until ``script_finished``)."""

    def __init__(self, app: App, sessions: list[tuple[int, list[tuple[str, str]]]],
                 timeout: float, think: float, visits: list[Visit],
                 stop: threading.Event) -> None:
        super().__init__(daemon=True, name="protocol")
        self.base = app.base
        self.home = app.home
        self.plans = sessions
        self.timeout = timeout
        self.think = think
        self.visits = visits
        self.stop = stop
        self.failure: str | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._all())
        except Exception as exc:  # reported, not hidden
            self.failure = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"

    async def _all(self) -> None:
        await asyncio.gather(*(self._session(index, plan) for index, plan in self.plans))

    async def _session(self, index: int, plan: list[tuple[str, str]]) -> None:
        try:
            async with ProtocolSession(self.base, self.home, self.timeout) as session:
                for name, query in plan:
                    if self.stop.is_set():
                        return
                    try:
                        run = await session.run(name, query)
                    except asyncio.TimeoutError:
                        self.visits.append(Visit(index, name, query, None, [
                            f"did not finish within {self.timeout:g} s"]))
                        return  # the socket may still carry the old run's messages
                    self.visits.append(Visit(index, name, query, run.ms, run.errors))
                    await asyncio.sleep(self.think)
        except Exception as exc:
            self.visits.append(Visit(index, "(session)", "", None,
                                     [f"{type(exc).__name__}: {str(exc)[:200]}"]))


def run_sessions(app: App, pages: list[str], sessions: int, rounds: int, browsers: int,
                 timeout: float, think: float, seed: int, client: str) -> list[Visit]:
    """Run ``sessions`` sessions (over ``browsers`` driver threads for the browser client,
    one thread for the protocol client); all their visits."""
    visits: list[Visit] = []
    stop = threading.Event()
    plans = [(i, plan_for(i, pages, rounds, seed)) for i in range(sessions)]
    if client == "protocol":
        drivers: list = [ProtocolDriver(app, plans, timeout, think, visits, stop)]
    else:
        drivers = [Driver(app, plans[b::browsers], timeout, think, visits, stop)
                   for b in range(min(browsers, sessions))]
    for driver in drivers:
        driver.start()
    try:
        for driver in drivers:
            while driver.is_alive():
                driver.join(0.5)
    finally:
        stop.set()
        for driver in drivers:
            driver.join(30)
    for driver in drivers:
        if driver.failure:
            visits.append(Visit(-1, f"({client})", "", None, [driver.failure]))
    return visits


class Changer(threading.Thread):
    """Changes one workbook of the copy every ``every`` seconds: the Notes of its last
    interaction get a counter, saved by openpyxl to a temporary file beside the folder and
    renamed into place (size and mtime change, so the app's signature does)."""

    def __init__(self, data: Path, scratch: Path, every: float) -> None:
        super().__init__(daemon=True, name="changer")
        import openpyxl
        self.target = data / CHANGED_WORKBOOK
        self.scratch = scratch / "changing.xlsx"
        self.every = every
        self.stop = threading.Event()
        self.changes = 0
        self.book = openpyxl.load_workbook(self.target)
        sheet = self.book["Interactions"]
        headers = [cell.value for cell in sheet[1]]
        self.cell = sheet.cell(sheet.max_row, headers.index("Notes") + 1)
        self.note = str(self.cell.value or "")

    def run(self) -> None:
        while not self.stop.wait(self.every):
            self.cell.value = f"{self.note} (load benchmark change {self.changes + 1})"
            self.book.save(self.scratch)
            os.replace(self.scratch, self.target)
            self.changes += 1


class SnapshotWatch(threading.Thread):
    """Counts the snapshots the app builds: new ``hub-*.duckdb`` files in the state cache."""

    def __init__(self, state: Path) -> None:
        super().__init__(daemon=True, name="snapshots")
        self.cache = state / "cache"
        self.stop = threading.Event()
        self.before = self._names()
        self.seen: set[str] = set()

    def _names(self) -> set[str]:
        return {p.name for p in self.cache.glob("hub-*.duckdb")} if self.cache.is_dir() else set()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            self.seen |= self._names() - self.before
        self.seen |= self._names() - self.before


def _row(label: str, visits: list[Visit]) -> str:
    times = [v.ms for v in visits if v.ms is not None]
    stats = (f"{percentile(times, .5):>9.0f}{percentile(times, .95):>9.0f}{max(times):>9.0f}"
             if times else f"{'-':>9}{'-':>9}{'-':>9}")
    return f"{label:<16}{len(visits):>7}{stats}{sum(bool(v.errors) for v in visits):>8}"


def report(title: str, visits: list[Visit], pages: list[str], args: argparse.Namespace,
           wall: float, server_cpu: float, busy: float, extra: list[str]) -> int:
    """Print one scenario's table and totals; the number of visits with errors."""
    print(f"\n## {title}\n")
    print(f"{'page':<16}{'visits':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'errors':>8}")
    for name in pages + sorted({v.page for v in visits} - set(pages)):
        mine = [v for v in visits if v.page == name]
        if mine:
            print(_row(name, mine))
    print(_row("all pages", visits))
    failed = [v for v in visits if v.errors]
    times = [v.ms for v in visits if v.ms is not None]
    print(f"\noverall: p50 {percentile(times, .5):.0f} ms, p95 {percentile(times, .95):.0f} ms"
          if times else "\noverall: no visit finished")
    print(f"errors: {len(failed)} of {len(visits)} visits · {args.sessions} sessions × "
          f"{args.rounds} rounds × {len(pages)} pages · wall {wall:.1f} s · "
          f"{os.cpu_count()} CPUs")
    print(f"app server CPU: {server_cpu:.1f} s ({server_cpu / wall:.2f} cores on average) · "
          f"whole machine busy {busy:.0%}")
    for line in extra:
        print(line)
    for v in failed[:15]:
        print(f"  error, session {v.session} on {v.page}{v.query}: {' | '.join(v.errors)}")
    if len(failed) > 15:
        print(f"  … and {len(failed) - 15} more")
    return len(failed)


def scenario(title: str, app: App, pages: list[str], args: argparse.Namespace,
             extra: Callable[[], list[str]] | None = None) -> int:
    """Run the sessions once, measuring wall time and CPU; print the report. ``extra`` is
    called when the sessions are done and returns more lines for the report."""
    cpu0, (busy0, total0) = cpu_seconds(app.server.pid), machine_busy()
    started = time.perf_counter()
    visits = run_sessions(app, pages, args.sessions, args.rounds, args.browsers,
                          args.timeout, args.think, args.seed, args.client)
    wall = time.perf_counter() - started
    cpu1, (busy1, total1) = cpu_seconds(app.server.pid), machine_busy()
    lines = extra() if extra else []
    return report(title, visits, pages, args, wall, cpu1 - cpu0,
                  (busy1 - busy0) / max(1, total1 - total0), lines)


def reload_scenario(app: App, pages: list[str], args: argparse.Namespace, data: Path,
                    state: Path, scratch: Path) -> int:
    """The sessions again while a workbook keeps changing; reports the reloads."""
    changer = Changer(data, scratch, args.change_every)
    watch = SnapshotWatch(state)
    watch.start()
    changer.start()

    def reloads() -> list[str]:
        changer.stop.set()
        changer.join()
        watch.stop.set()
        watch.join()
        return [f"reloads: {changer.changes} workbook changes (every {args.change_every:g} s),"
                f" {len(watch.seen)} new snapshots built by the app"]

    try:
        return scenario(f"reload: {CHANGED_WORKBOOK} changes meanwhile", app, pages, args,
                        reloads)
    finally:
        changer.stop.set()
        watch.stop.set()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (20)")
    parser.add_argument("--client", choices=("protocol", "browser"), default="protocol",
                        help="protocol: Streamlit's websocket protocol (default); "
                             "browser: headless Chromium")
    parser.add_argument("--rounds", type=int, default=1,
                        help="times each session visits every page (1)")
    parser.add_argument("--port", type=int, default=8720, help="the app's port (8720)")
    parser.add_argument("--browsers", type=int, default=0,
                        help="driver threads, one Chromium each (default: one per 5 sessions)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds before a visit counts as not finished (120)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a session waits between visits (0: back to back)")
    parser.add_argument("--change-every", type=float, default=5.0,
                        help="seconds between workbook changes in the reload scenario (5)")
    parser.add_argument("--scenario", choices=("both", "steady", "reload"), default="both")
    parser.add_argument("--seed", type=int, default=1, help="the visit plans' seed (1)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary folder (data copy, state, app log)")
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.rounds < 1:
        parser.error("--sessions and --rounds must be at least 1")
    args.browsers = args.browsers or max(1, -(-args.sessions // 5))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.client == "browser" and not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is needed (apt-get install chromium)")
    if not port_is_free(args.port):
        raise SystemExit(f"port {args.port} is in use; pick another with --port")
    pages, home = app_pages()
    work = Path(tempfile.mkdtemp(prefix="hub-load-"))
    data, state, log = work / "data", work / "state", work / "streamlit.log"
    shutil.copytree(DEMO, data)
    state.mkdir()
    base = f"http://127.0.0.1:{args.port}"
    clients = (f"{args.browsers} Chromium browsers" if args.client == "browser"
               else "Streamlit protocol client")
    print(f"Load: {args.sessions} sessions × {args.rounds} rounds × {len(pages)} pages on "
          f"{os.cpu_count()} CPUs, {clients} · app {base} · log {log}")
    app = App(base, start_app(data, state, args.port, log), home)
    failures = 0
    try:
        started = time.perf_counter()
        warm = run_sessions(app, [home], 1, 1, 1, max(args.timeout, 300), 0, args.seed,
                            args.client)
        print(f"warm-up (cold load + {home}): {time.perf_counter() - started:.1f} s"
              + "".join(f"; error: {e}" for v in warm for e in v.errors))
        failures += sum(bool(v.errors) for v in warm)
        if args.scenario in ("both", "steady"):
            failures += scenario("steady: the data does not change", app, pages, args)
        if args.scenario in ("both", "reload"):
            failures += reload_scenario(app, pages, args, data, state, work)
        if app.server.poll() is not None:
            print(f"\nthe app exited with status {app.server.returncode}; see {log}")
            failures += 1
        failures += app_log_errors(log)
    finally:
        stop_app(app.server)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n{'no errors' if not failures else f'{failures} visits with errors'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
