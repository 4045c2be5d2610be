"""What the app benchmarks share: starting and stopping the app, a Streamlit protocol client,
percentiles and process readings from /proc (Linux).

The client speaks Streamlit's own websocket protocol (``/_stcore/stream``), the messages a
browser tab sends: one ``rerun_script`` BackMsg per run (page name, query string and widget
states), then it reads every ForwardMsg until ``script_finished``. The server does the same
work as for a browser while the client costs almost no CPU, so the times are the app's.
"""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
# st.error boxes that are the dashboard's message, not a failure (tests/test_pages.py).
BUSINESS_ALERTS = ("Intervention needed", "CRM review due")
ERROR_FORMAT = Alert.Format.Value("ERROR")
# A run that ends; FINISHED_EARLY_FOR_RERUN (st.rerun) is followed by another run.
FINISHED = tuple(ForwardMsg.ScriptFinishedStatus.Value(name) for name in
                 ("FINISHED_SUCCESSFULLY", "FINISHED_WITH_COMPILE_ERROR"))
# The filter widgets a benchmark may change, and how each one's value goes on the wire.
FILTER_KINDS = ("selectbox", "radio", "button_group", "checkbox", "date_input")


# ------------------------------------------------------------------------------ the app
def port_is_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:port."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def start_app(data: Path, state: Path, port: int, log: Path,
              wait: float = 120) -> subprocess.Popen:
    """Start ``streamlit run app.py`` on ``data`` with the state folder ``state`` and wait for
    its health check (up to ``wait`` s)."""
    env = {**os.environ, "HUB_DATA_DIR": str(data), "HUB_STATE_DIR": str(state)}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                        timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop_app(server)
    raise SystemExit(f"the app did not start on port {port}:\n{log.read_text()[-2000:]}")


def stop_app(server: subprocess.Popen) -> None:
    """Terminate the app, then kill it if it has not gone within 10 s."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def app_log_errors(log: Path) -> int:
    """Print the tracebacks in the app's log (each counts as an error); how many."""
    text = log.read_text(errors="replace")
    blocks = text.split("Traceback (most recent call last):")[1:]
    for block in blocks[:5]:
        lines = [line for line in block.strip().splitlines() if line.strip()]
        print(f"\napp log traceback ending: {lines[-1][:240] if lines else '?'}")
    if blocks:
        print(f"the app log has {len(blocks)} tracebacks")
    return len(blocks)


def app_pages() -> tuple[list[str], str]:
    """The url_path of every st.Page in app.py in the navigation's order, and the default
    page's (the app shows that one at ``/``)."""
    import re
    source = (ROOT / "app.py").read_text(encoding="utf-8")
    pages = re.findall(r'url_path="([^"]+)"', source)
    default = re.search(r'url_path="([^"]+)",\s*default=True', source)
    if not pages:
        raise SystemExit("no url_path found in app.py")
    return pages, default.group(1) if default else pages[0]


# -------------------------------------------------------------------------- measurements
def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU jiffies of the whole machine so far (Linux /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def percentile(values: list[float], share: float) -> float:
    """Linear-interpolated percentile (numpy's default), share in [0, 1]."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# ------------------------------------------------------------------------ the protocol
@dataclass(frozen=True)
class Widget:
    """A filter widget a run drew (outside any form): what a rerun may change."""

    kind: str
    id: str
    label: str
    options: tuple[str, ...]   # the choices as sent on the wire; dates for a date input


@dataclass
class Run:
    """One script run: its time from request to ``script_finished``, the problems it showed,
    the filter widgets it drew and how many elements it sent."""

    ms: float
    errors: list[str] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)
    elements: int = 0


def element_problem(element) -> str | None:
    """The problem an element shows (an exception, or an error box that is not a business
    banner), else None. ``element`` is a protobuf ``Element``."""
    kind = element.WhichOneof("type")
    if kind == "exception":
        return f"exception: {element.exception.type}: {element.exception.message}"
    if kind == "alert" and element.alert.format == ERROR_FORMAT:
        words = element.alert.body.lstrip("*# ")
        if not words.startswith(BUSINESS_ALERTS):
            return f"error box: {element.alert.body}"
    return None


def filter_widget(element) -> Widget | None:
    """The filter widget an element is, when it is one a rerun can change."""
    kind = element.WhichOneof("type")
    if kind not in FILTER_KINDS:
        return None
    proto = getattr(element, kind)
    if proto.form_id or proto.disabled:
        return None
    if kind in ("selectbox", "radio"):
        options = tuple(proto.options)
    elif kind == "button_group":
        options = tuple(option.content for option in proto.options)
    elif kind == "checkbox":
        options = ("false", "true")
    else:
        if proto.is_range or not proto.default:
            return None
        options = (proto.default[0],)
    if kind != "date_input" and len(options) < 2:
        return None
    return Widget(kind, proto.id, proto.label, options)


def widget_state(widget: Widget, value: str):
    """The WidgetState that sets ``widget`` to ``value`` (one of its options, or a date)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    state = WidgetState(id=widget.id)
    if widget.kind in ("selectbox", "radio"):
        state.string_value = value
    elif widget.kind == "checkbox":
        state.bool_value = value == "true"
    else:  # button_group and date_input send a list of strings
        state.string_array_value.data.append(value)
    return state


class Session:
    """One websocket session of the app (``async with``), as one browser tab."""

    def __init__(self, base: str, home: str, timeout: float = 120) -> None:
        self.url = base.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.origin = base
        self.home = home
        self.timeout = timeout
        self.socket = None

    async def __aenter__(self) -> "Session":
        import websockets
        self.socket = await websockets.connect(self.url, subprotocols=["streamlit"],
                                               origin=self.origin, max_size=None,
                                               open_timeout=self.timeout)
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    async def run(self, page: str, query: str = "", states: list | None = None) -> Run:
        """Run ``page`` (its url_path) with the query string and widget states; raises
        ``asyncio.TimeoutError`` when it does not finish within the timeout."""
        request = BackMsg()
        request.rerun_script.query_string = query.lstrip("?")
        # The default page answers at "/" (page name ""); its url_path is not a page name.
        request.rerun_script.page_name = "" if page == self.home else page
        for state in states or []:
            request.rerun_script.widget_states.widgets.append(state)
        started = time.perf_counter()
        await self.socket.send(request.SerializeToString())
        run = await asyncio.wait_for(self._read(page), self.timeout)
        run.ms = (time.perf_counter() - started) * 1000
        return run

    async def _read(self, page: str) -> Run:
        run = Run(0.0)
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self.socket.recv())
            kind = message.WhichOneof("type")
            if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                run.elements += 1
                problem = element_problem(element)
                if problem:
                    run.errors.append(" ".join(problem.split())[:240])
                widget = filter_widget(element)
                if widget:
                    run.widgets.append(widget)
            elif kind == "page_not_found":
                run.errors.append(f"page not found: {page}")
            elif kind == "session_event" and message.session_event.HasField(
                    "script_compilation_exception"):
                run.errors.append("the script did not compile")
            elif kind == "script_finished" and message.script_finished in FINISHED:
                return run
