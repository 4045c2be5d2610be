"""The ONE Streamlit glue module: cached accessors, the shared sidebar, roles and small helpers.

Every page starts with :func:`setup`, which loads (or reuses) the current snapshot, resolves the
viewer's role and draws the shared sidebar, so a page runs standalone (``PYTHONPATH=.
streamlit run pages/x.py`` or ``AppTest.from_file``) as well as under app.py's navigation.
Not listed in st.navigation (leading underscore). No metric code here.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import re
import sys
from typing import Any, Callable
from urllib.parse import quote, urlencode
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime.pages_manager import PagesManager

from hub_data import HubDataError, HubLoader, LoadedHub, Settings
from hub_data.access import LOCAL_ADMIN, Role, RoleMap, load_role_map
from hub_data.settings import resolve_data_dir
from hub_data.store import COLUMNS, Store
from metrics.charts import STATUS_COLOURS
from metrics.data_status import LoadSummary, load_summary
from metrics.exports import file_name, stamp, to_csv, to_xlsx
from metrics.formatting import day, kpi_target, kpi_value, moment, wilson_interval
from metrics.inputs import workspace
from metrics.panel import PanelTile, panel, with_rows
from metrics.report import phase_order
from metrics.result import KpiResult

DATA_STATUS_PAGE = "pages/data_status.py"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


@dataclass(frozen=True)
class PageContext:
    """What a page needs: the snapshot, its settings, the as-of date and the viewer's role."""

    hub: LoadedHub
    as_of: dt.date
    role: Role

    @property
    def settings(self) -> Settings:
        return self.hub.settings


def md_escape(text: object) -> str:
    """Text from the data shown literally inside Markdown (no links, emphasis or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def cli_data_dir() -> str | None:
    """``streamlit run app.py -- --data DIR``: the folder given on the command line."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return known.data


@st.cache_resource(max_entries=4, show_spinner=False)
def get_loader(data_dir: str) -> HubLoader:
    """The loader of one data folder, shared by every session (the one cache_resource)."""
    return HubLoader(data_dir)


def data_dir() -> str:
    """The folder in use: chosen in the sidebar (admins), else --data, HUB_DATA_DIR or demo."""
    chosen = st.session_state.get("common_data_dir")
    return str(resolve_data_dir(chosen or cli_data_dir()))


def get_hub() -> LoadedHub:
    """The current snapshot; a cold load shows progress naming the file being read.

    A folder that cannot be loaded at all stops the page with one clear message; a failed
    reload keeps the last good data on screen with the message above it.
    """
    loader = get_loader(data_dir())
    bar = st.empty()

    def progress(fraction: float, text: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    try:
        hub = loader.get(progress, background=True)
    except HubDataError as exc:
        bar.empty()
        st.error(f"**The data could not be loaded.** {md_escape(exc)}", icon=":material/block:")
        st.stop()
    bar.empty()
    if loader.last_error:
        st.error(f"**Showing the last good load** ({moment(hub.loaded_at)}): "
                 f"{md_escape(loader.last_error)}", icon=":material/warning:")
    _reload_notices(loader, hub)
    return hub


def _file_list(names: tuple[str, ...]) -> str:
    shown = ", ".join(md_escape(Path(n).name) for n in names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _reload_notices(loader: HubLoader, hub: LoadedHub) -> None:
    """While a changed workbook is read in the background, say so (with its progress) and
    rerun when the new data is ready; on the first run with new data, a toast says what
    changed. The numbers on screen stay the previous load's meanwhile."""
    seen_key = "common_signature"
    seen = st.session_state.get(seen_key)
    if seen is not None and seen[0] == str(loader.data_dir) and seen[1] != hub.signature:
        changed = f": {_file_list(loader.changes)} changed" if loader.changes else ""
        st.toast(f"**New data loaded** ({moment(hub.loaded_at)}){changed}.",
                 icon=":material/sync:", duration="long")
    st.session_state[seen_key] = (str(loader.data_dir), hub.signature)
    job = loader.reloading
    if job is not None and job.signature != hub.signature:
        _reload_progress(loader, hub.signature, moment(hub.loaded_at))


@st.fragment(run_every=2)
def _reload_progress(loader: HubLoader, serving: str, loaded: str) -> None:
    """Polls every 2 s while a reload runs; reruns the page once the new data is served."""
    job = loader.reloading
    if job is None or loader.signature != serving:
        st.rerun()
    changed = f" ({_file_list(job.changed)} changed)" if job.changed else ""
    st.progress(min(max(job.fraction, 0.0), 1.0),
                text=f"Reading the new data in the background{changed}: "
                     f"{md_escape(job.text)}. Until it is ready, the numbers are from the "
                     f"load of {loaded}.")


def auth_configured() -> bool:
    """True when an identity provider is set up ([auth] in .streamlit/secrets.toml)."""
    try:
        return "is_logged_in" in st.user.to_dict()
    except Exception:  # no script context (bare mode) or no secrets: local mode
        return False


@st.cache_data(ttl=60, show_spinner=False)
def _role_map() -> RoleMap:
    """The roles file, re-read at most once a minute."""
    return load_role_map()


def current_role() -> Role:
    """The viewer's role: local single-user mode is admin; with st.login, the roles file."""
    if not auth_configured():
        return LOCAL_ADMIN
    if not st.user.is_logged_in:
        st.title("Hub Dashboard")
        st.write("Sign in with your company account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    try:
        role_map = _role_map()
    except HubDataError as exc:
        st.error(md_escape(exc))
        st.stop()
    return role_map.role_for(st.user.get("email"))


def _as_of_default(settings: Settings) -> dt.date:
    raw = st.query_params.get("as_of")
    if raw:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            st.warning(f"The link's as_of={md_escape(raw)} is not a date like 2026-06-15; "
                       "using the default.")
    return settings.as_of_or(dt.date.today())


@st.cache_data(show_spinner=False, max_entries=8)
def _sidebar_facts(_hub: LoadedHub, signature: str) -> tuple[LoadSummary,
                                                             list[tuple[str, str]]]:
    """The sidebar's load badge and file list, once per snapshot (counting the findings of
    a large hub on every rerun of every page took 15 ms)."""
    with _hub.cursor() as cur:
        return (load_summary(cur),
                cur.execute("SELECT file, status FROM files ORDER BY file").fetchall())


def _sidebar_data(hub: LoadedHub, role: Role) -> None:
    settings = hub.settings
    st.sidebar.markdown(f"**Data folder**  \n`{md_escape(settings.data_dir.name or settings.data_dir)}`"
                        + (" (demo)" if settings.is_demo else ""))
    if role.may_change_data_folder():
        with st.sidebar.expander("Change data folder"):
            with st.form("common_folder_form", border=False):
                folder = st.text_input("Folder path", value=str(settings.data_dir),
                                       help="The folder with the Hub workbooks, erp/ and "
                                            "settings.toml (see the data contract).")
                if st.form_submit_button("Use this folder"):
                    if Path(folder).expanduser().is_dir():
                        st.session_state["common_data_dir"] = folder
                        st.rerun()
                    st.error("That folder does not exist on the server.")
            if st.session_state.get("common_data_dir") and st.button("Back to the default"):
                st.session_state.pop("common_data_dir")
                st.rerun()
    summary, files = _sidebar_facts(hub, hub.signature)
    st.sidebar.caption(f"Loaded {moment(hub.loaded_at)} from {len(files)} files "
                       f"(read in {hub.seconds:.1f} s)")
    with st.sidebar.expander("Files read"):
        icons = {"loaded": "✓", "failed": "✗", "skipped": "–"}
        st.markdown("\n".join(f"- {icons.get(status, '?')} {md_escape(name)}"
                              for name, status in files) or "No files.")
    label = (f"{summary.load_problems} load problem{'s' * (summary.load_problems != 1)} · "
             f"{summary.errors:,} errors")
    icon = (":material/block:" if summary.load_problems else
            ":material/warning:" if summary.errors else ":material/check_circle:")
    try:
        st.sidebar.page_link(DATA_STATUS_PAGE, label=label, icon=icon)
    except Exception:  # the page runs standalone, outside app.py's navigation
        st.sidebar.markdown(f"{icon} {label}")


def _leave_pages_directory_mode() -> None:
    """Make a deep link (``/data_status``) on a fresh server go through app.py's navigation.

    Streamlit treats an app whose entrypoint sits beside a ``pages/`` folder as a v1
    multipage app until some session calls ``st.navigation``: the first visitor of a page URL
    would get that page run directly, with every file of ``pages/`` (``_common`` included)
    listed as a page. Turning the v1 mode off and rerunning runs app.py, whose navigation then
    opens the requested page (page URLs are the same in both modes).
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def setup(title: str) -> PageContext:
    """Start a page: wide layout, role, snapshot, shared sidebar, title. Returns the context."""
    _leave_pages_directory_mode()
    st.set_page_config(page_title=f"{title} · Hub Dashboard", layout="wide")
    role = current_role()
    hub = get_hub()
    settings = hub.settings
    st.sidebar.markdown("### Hub Dashboard")
    default = _as_of_default(settings)
    st.session_state.setdefault("common_as_of", default)
    as_of = st.sidebar.date_input(
        "As of", key="common_as_of", format="DD/MM/YYYY",
        help="Numbers count nothing dated after this day. Default: settings.toml's as_of, "
             "else today. Add ?as_of=YYYY-MM-DD to a link to share this view.")
    if as_of != settings.as_of_or(dt.date.today()):
        st.query_params["as_of"] = as_of.isoformat()
    elif "as_of" in st.query_params:
        del st.query_params["as_of"]
    st.sidebar.caption(f"Numbers as of **{day(as_of)}**")
    _sidebar_data(hub, role)
    st.sidebar.caption(f"Signed in as {md_escape(role.email)} · {role.label}" if not role.local
                       else "Local single-user mode: you are admin (no sign-in configured).")
    if not role.local:
        st.sidebar.button("Sign out", on_click=st.logout, key="common_sign_out",
                          icon=":material/logout:")
    st.title(title)
    if settings.is_demo:
        st.info("**Demo data** (a fictitious Nigerian group). Your own Hub: start with "
                "`HUB_DATA_DIR=/path/to/folder`, or change the data folder in the sidebar.",
                icon=":material/info:")
    return PageContext(hub, as_of, role)


STATUS_WORDS = {"on_track": ("✓", "on track"), "off_track": ("✗", "off track"),
                "no_data": ("–", "no data"), "info": ("•", "no target"),
                "too_few": ("–", "too few data")}


def too_few(result: KpiResult, unit: str, min_n: int) -> bool:
    """Small numbers never shout (ui.md): a measured value over fewer than ``min_n`` rows."""
    return (result.value is not None and unit != "count" and result.n is not None
            and result.n < min_n)


def sparkline_svg(values: list[float | None], colour: str, *, width: int = 150,
                  height: int = 34) -> str:
    """A tiny inline SVG line of ``values`` (oldest first; None leaves a gap), its last
    point a dot in ``colour``; empty when fewer than two values are known."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(v for _, v in known), max(v for _, v in known)
    span, step = (high - low) or 1.0, (width - 8) / max(len(values) - 1, 1)

    def point(i: int, v: float) -> tuple[float, float]:
        return 4 + i * step, height - 4 - (v - low) / span * (height - 8)

    runs, run = [], []
    for i, v in enumerate(values):
        if v is None:
            runs, run = runs + [run] * bool(run), []
        else:
            run.append(point(i, v))
    runs += [run] * bool(run)
    lines = "".join(
        "<polyline fill='none' stroke='#64748b' stroke-width='2' points='"
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in r) + "'/>" for r in runs if len(r) > 1)
    x, y = point(*known[-1])
    return (f"<svg width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
            f"role='img' aria-label='trend over the last {len(values)} windows'>{lines}"
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='4' fill='{colour}'/></svg>")


def kpi_tile(label: str, result: KpiResult, *, unit: str, detail: str, min_n: int,
             change: str | None = None, help: str | None = None,
             reason: str | None = None, spark: list[float | None] | None = None) -> None:
    """One KPI tile (ui.md, "A KPI tile"): label; value, target and status word with its icon;
    the numerator/denominator or n and the window; the change. Below ``min_n`` rows the tile
    is grey and says "too few data (n = …)" with the range the rate may really be in; with
    no value it says why (``reason``) instead of showing a zero. ``spark``: the trend's
    values, oldest first, drawn as a sparkline beside the change."""
    small = too_few(result, unit, min_n)
    status = "too_few" if small else result.status
    colour = STATUS_COLOURS["no_data" if small else result.status]
    icon, word = STATUS_WORDS[status]
    if small:
        word = f"too few data (n = {result.n})"
    value = kpi_value(result.value, unit)
    # An info tile's status word already says "no target": not twice.
    target = "" if result.target is None and status == "info" else kpi_target(
        result.target, result.direction, unit)
    lines = [html.escape(detail)]
    if small and unit == "ratio" and result.denominator:
        low, high = wilson_interval(result.numerator or 0, result.denominator)
        lines.append(f"could be anywhere from {low * 100:.0f} to {high * 100:.0f} %")
    if result.value is None and reason:
        lines.append(html.escape(reason))
    trend = sparkline_svg(spark, colour) if spark else ""
    if trend or change:
        lines.append("<span style='display:inline-flex;align-items:center;gap:0.5rem'>"
                     f"{trend}<span>{html.escape(change or '')}</span></span>")
    with st.container(border=True):
        st.markdown(
            f"<div style='font-size:1.15rem;font-weight:600'>{html.escape(label)}</div>"
            f"<div style='display:flex;align-items:baseline;gap:0.8rem;flex-wrap:wrap'>"
            f"<span style='font-size:2.9rem;font-weight:700;color:{colour};line-height:1.15'>"
            f"{html.escape(value)}</span>"
            f"<span style='font-size:1.05rem;color:#374151'>{html.escape(target)}</span></div>"
            f"<div style='font-size:1.15rem;font-weight:700;color:{colour}'>"
            f"{icon} {html.escape(word)}</div>"
            + "".join(f"<div style='font-size:1rem;color:#374151'>{line}</div>"
                      for line in lines),
            unsafe_allow_html=True, help=help)


def page_link(script: str, label: str, *, url_path: str, query: dict[str, str] | None = None,
              icon: str | None = None, where=None) -> None:
    """A link to another page of the app. Under app.py's navigation it is ``st.page_link``
    (same tab, same session, with ``query`` as the link's parameters); a page run on its own
    has no such page, so it is a plain link to ``./<url_path>?<query>``."""
    target = where or st
    try:
        target.page_link(script, label=label, icon=icon, query_params=query or None)
    except StreamlitPageNotFoundError:
        suffix = f"?{urlencode(query, quote_via=quote)}" if query else ""
        target.markdown(f"[{md_escape(label)}](./{url_path}{suffix})")


def export_stamp(ctx: PageContext) -> str:
    """The stamp of this page's downloads: the as-of date and when the data was loaded."""
    return stamp(ctx.as_of, ctx.hub.loaded_at)


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


LISTED_ROWS = 2000


def count_tile(where, label: str, value: str, detail: str, help: str, *, fits: int) -> None:
    """A count tile (ui.md anatomy without a target): label, big value, what it counts, with
    the help icon beside them. A value longer than ``fits`` characters (what the tile holds
    beside its icon at 1280 px: 4 in a row of five, 6 in a row of four) is set a size
    smaller, so "1,315" or "₦26.8 bn" keeps clear of the icon."""
    size = "2.4rem" if len(value) <= fits else "2rem"
    with where.container(border=True):
        st.markdown(
            f"<div style='font-size:1.1rem;font-weight:600;line-height:1.25'>"
            f"{html.escape(label)}</div><div style='font-size:{size};font-weight:700;"
            f"color:#111827;line-height:1.2;white-space:nowrap'>{html.escape(value)}</div>"
            f"<div style='font-size:0.95rem;color:#374151'>{html.escape(detail)}</div>",
            unsafe_allow_html=True, help=help)


def listed(frame: pd.DataFrame, what: str, caption: str | None = None,
           held: str = "the downloads hold all of them") -> pd.DataFrame:
    """The first :data:`LISTED_ROWS` rows of ``frame`` (sorted by what needs action first)
    for a table on screen, saying so when there are more, and where every row is
    (``held``). Tens of thousands of rows are megabytes sent to the browser on every click
    (50k backlog threads: 13 MB), and nobody scrolls them in a review. ``caption``: the
    page's own line above the table, written with that note as one caption (not two
    stacked)."""
    note = None
    if len(frame) > LISTED_ROWS:  # the page's caption already says how many
        of = "" if caption else f" of {len(frame):,} {what}"
        note = f"Listing the first {LISTED_ROWS:,}{of}; {held}."
    if caption or note:
        st.caption(" ".join(part for part in (caption, note) if part))
    return frame if note is None else frame.iloc[:LISTED_ROWS]


def table_downloads(ctx: PageContext, frame: pd.DataFrame, what: str, key: str) -> None:
    """"Download XLSX" and "Download CSV" of ``frame`` side by side (file names say what and
    as of when; the workbook is stamped), each built only on a click; keys ``<key>_xlsx`` and
    ``<key>_csv``."""
    row = st.container(horizontal=True)
    for ext, build, mime in (
            ("xlsx", lambda: to_xlsx({what[:31]: frame}, title=what, stamp=export_stamp(ctx)),
             XLSX_MIME),
            ("csv", lambda: to_csv(frame), "text/csv")):
        row.download_button(f"Download {ext.upper()}", build,
                            file_name=file_name(what, ctx.as_of, ext), mime=mime,
                            on_click="ignore", key=f"{key}_{ext}", icon=":material/download:")


def panel_tile(tile: PanelTile, *, min_n: int, key: str, drill: bool = True,
               rows_config: dict | None = None) -> None:
    """One KPI of a division's panel (metrics.panel) as a tile with its sparkline and change;
    a grey tile says why and links to the measurability view; with ``drill`` an expander
    under it lists the rows behind the number (those counted first)."""
    spec, result = tile.spec, tile.result
    kpi_tile(spec.label, result, unit=spec.unit, detail=tile.detail(), min_n=min_n,
             change=tile.change_text(), reason=tile.reason, spark=tile.spark,
             help=f"{spec.description} {kpi_target(result.target, result.direction, spec.unit)}"
                  f" ({'higher' if result.direction == 'higher' else 'lower'} is better).")
    if result.value is None:
        page_link("pages/measurability.py", "Which KPIs can we measure? →",
                  url_path="measurability", query={"division": tile.division})
    if drill and len(tile.rows):
        counted = int(tile.rows["in_numerator"].sum()) if "in_numerator" in tile.rows else None
        title = (f"Rows behind the number ({counted:,} counted of {len(tile.rows):,})"
                 if counted is not None else f"Rows behind the number ({len(tile.rows):,})")
        with st.expander(title):
            st.dataframe(tile.drill_rows(), hide_index=True, width="stretch", height=300,
                         column_config=rows_config, key=key)


# Appended exactly when a new snapshot is built, so the snapshot's signature changes with
# it: left out of the store's version, a reload does not make every page recompute twice.
_VERSION_IGNORES = ("load_history",)


@st.cache_data(show_spinner=False, max_entries=8)
def _store_frames(state_dir: str, seed_dir: str, version: int) -> dict[str, pd.DataFrame]:
    """The store's tables, re-read only when the store file changes (``version``)."""
    return Store(Path(state_dir), Path(seed_dir)).read_all()


@st.cache_data(show_spinner=False, max_entries=8)
def _store_digest(state_dir: str, seed_dir: str, version: int) -> str:
    """A digest of what the store's tables hold (:data:`_VERSION_IGNORES` aside), once per
    store file version: a page asks for it on every run, and a cached string is cheaper to
    hand out than a copy of every table."""
    digest = hashlib.sha1()
    for table, frame in sorted(_store_frames(state_dir, seed_dir, version).items()):
        if table not in _VERSION_IGNORES:
            digest.update(f"|{table}|{len(frame)}|{','.join(frame.columns)}".encode())
            digest.update(pd.util.hash_pandas_object(frame, index=False).values.tobytes())
    return digest.hexdigest()


def _store_key(ctx: PageContext) -> tuple[str, str, int]:
    """The store's folders and file version: the key of :func:`_store_frames` and
    :func:`_store_digest`."""
    store = Store.for_settings(ctx.settings)
    try:
        version = store.path.stat().st_mtime_ns
    except OSError:
        version = 0
    return str(store.state_dir), str(store.seed_dir), version


def data_version(ctx: PageContext) -> str:
    """What a page's cached results depend on besides their own arguments: the snapshot's
    signature and what the store holds. Pass it to an ``st.cache_data`` function (with the
    cursor as an ``_underscored`` argument, which the cache does not hash)."""
    try:
        contents = _store_digest(*_store_key(ctx))
    except HubDataError:
        contents = "unreadable"
    return f"{ctx.hub.signature}:{contents}"


_CURSOR_KEY = "_common_metrics_cursor"  # the session's (key, cursor) of metrics_cursor


def metrics_cursor(ctx: PageContext) -> duckdb.DuckDBPyConnection:
    """A cursor for the metrics: this session's view of the snapshot plus the store tables.
    A store that cannot be read is said once; the metrics then see an empty store.

    The session keeps its cursor while the snapshot and the store file stay the same (a
    session's runs come one after another, never two at once): making one registers every
    store table, 10-15 ms of every rerun otherwise."""
    key = _store_key(ctx)
    wanted = (id(ctx.hub), ctx.hub.signature, key)
    held = st.session_state.get(_CURSOR_KEY)
    if held is not None and held[0] == wanted:
        return held[1]
    try:
        frames = _store_frames(*key)
    except HubDataError as exc:
        st.warning(f"The dashboard's own records could not be read: {md_escape(exc)}",
                   icon=":material/warning:")
        return workspace(ctx.hub.con, {})  # not kept: the next run says it again
    cur = workspace(ctx.hub.con, frames)
    st.session_state[_CURSOR_KEY] = (wanted, cur)
    return cur


@st.cache_data(show_spinner=False, max_entries=64)
def _result(name: str, version: str, kwargs: dict[str, Any], _fn: Callable[..., Any],
            _cur: duckdb.DuckDBPyConnection, _settings: Settings | None) -> Any:
    return _fn(_cur, **kwargs, **({} if _settings is None else {"settings": _settings}))


def cached(ctx: PageContext, fn: Callable[..., Any], cur: duckdb.DuckDBPyConnection,
           **kwargs: Any) -> Any:
    """``fn(cur, **kwargs)``, computed once per (function, data version, arguments): the
    page-edge cache of a metric a page calls with its filters. ``settings`` is not hashed
    (the data version covers settings.toml); every other argument is."""
    settings = kwargs.pop("settings", None)
    return _result(f"{fn.__module__}.{fn.__qualname__}", data_version(ctx), kwargs, fn, cur,
                   settings)


def divisions_in_order(ctx: PageContext, cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The report's divisions in pilot phase order (metrics.report.phase_order), once per
    (data version, T)."""
    return cached(ctx, phase_order, cur, as_of=ctx.as_of, settings=ctx.settings)


@st.cache_data(show_spinner="Working out the KPIs…", max_entries=32)
def kpi_panel(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date, division: str,
              _settings: Settings) -> list[PanelTile]:
    """metrics.panel.panel of ``division`` without rows, once per (data version, T,
    division), shared by the overview, the division page and the meeting: a division seen on
    one is ready on the others."""
    return panel(_cur, division=division, as_of=as_of, settings=_settings, rows=False)


@st.cache_data(show_spinner="Fetching the rows behind the numbers…", max_entries=16)
def kpi_panel_rows(_cur: duckdb.DuckDBPyConnection, version: str, as_of: dt.date,
                   division: str, _settings: Settings) -> list[PanelTile]:
    """:func:`kpi_panel` with the rows behind each number (metrics.panel.with_rows): the
    division page's drill-downs."""
    return with_rows(_cur, kpi_panel(_cur, version, as_of, division, _settings), as_of=as_of,
                     settings=_settings)


def division_panel(ctx: PageContext, cur: duckdb.DuckDBPyConnection, division: str, *,
                   rows: bool = False) -> list[PanelTile]:
    """:func:`kpi_panel` of ``division`` for this page's data version and T; with ``rows``,
    :func:`kpi_panel_rows`."""
    return (kpi_panel_rows if rows else kpi_panel)(cur, data_version(ctx), ctx.as_of, division,
                                                   ctx.settings)


def division_picker(divisions: list[str], *, key: str, all_label: str | None = None,
                    where=None, label: str = "Division", help: str | None = None) -> str | None:
    """A division selectbox that opens on the link's ``?division=`` (any case) and writes the
    choice back, so a link shares the view. With ``all_label`` the first choice is every
    division and returns None (the link then carries no division)."""
    choices = ([all_label] if all_label else []) + list(divisions)
    if st.session_state.get(key) not in choices:
        asked = (st.query_params.get("division") or "").strip().casefold()
        st.session_state[key] = next((d for d in divisions if d.casefold() == asked),
                                     choices[0])
    chosen = (where or st).selectbox(label, choices, key=key, help=help)
    if chosen == all_label:
        st.query_params.pop("division", None)
        return None
    st.query_params["division"] = chosen
    return chosen


def store_message(table: str, exc: ValueError) -> str:
    """The store's message for one form row, in plainer words: without the table and row
    number, column names as words ("Hours: 200.0 is not a number of hours from 0 to 168.")."""
    text = str(exc).replace(f"Nothing was recorded in {table}: ", "").replace("row 1, ", "")
    for column in COLUMNS[table]:
        text = re.sub(rf"\b{column}\b", column.replace("_", " "), text)
    return text[:1].upper() + text[1:]


def form_problems(problems: list[str]) -> bool:
    """Say what a form still needs (one st.error); True when something is missing."""
    if problems:
        st.error("**Not recorded.** " + " ".join(problems), icon=":material/block:")
    return bool(problems)


FORM_FLASH = "store_form_flash"


def record_row(store: Store, table: str, row: dict, done: str) -> None:
    """Append one form row to the dashboard's store. Bad input: the store's message in plain
    words; a folder that cannot be written: its message; else ``done`` is kept under
    :data:`FORM_FLASH` for the page to show after the rerun that makes every number include
    it."""
    try:
        store.append(table, [row])
    except ValueError as exc:
        st.error(f"**Not recorded.** {md_escape(store_message(table, exc))}",
                 icon=":material/block:")
        return
    except HubDataError as exc:
        st.error(f"**Not recorded:** {md_escape(exc)}", icon=":material/block:")
        return
    st.session_state[FORM_FLASH] = done
    st.rerun()
