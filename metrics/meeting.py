"""Meeting mode for the weekly review (issue 8): the agenda, the section countdown, what each
section shows, the meeting record and the frozen meeting pack (XLSX + self-contained HTML).

Who calls what: pages/meeting.py draws :data:`AGENDA` one section at a time, asks
:func:`countdown` for the timer, :func:`funnel`, :func:`open_backlog`, :func:`kpi_table` and
:func:`pilot_table` for the numbers (never recomputed here: metrics.motors / metrics.power,
metrics.backlog, metrics.panel and metrics.pilot give them), :func:`meeting_row` for the
store's ``review_meetings`` row (hub-data-contract.md) and :func:`pack_xlsx` /
:func:`pack_html` for the pack built from a :class:`MeetingPack` frozen when the meeting ends.
Pure: no streamlit, no file I/O, no clock (times are passed in).

Readings chosen where the spec is silent:
- The countdown shows whole seconds: time left is rounded up (15:00 until a full second has
  passed), time over is rounded down; a section is over time once its minutes have passed.
- The backlog shown is the division's open threads (every status but ``closed``), most
  urgent first as metrics.backlog orders them (overdue longest first), top 10, with the
  contact's e-mail and mobile so the room can follow up.
- The pack is taken away from the room, so its e-mails and phone numbers are always masked,
  also inside the decisions and actions typed in the meeting.
"""
from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from hub_data.privacy import mask_email, mask_frame, mask_phone
from metrics import backlog, motors, power
from metrics.calendar import window_ending
from metrics.data_quality import fix_list
from metrics.exports import file_name, stamp, to_xlsx
from metrics.formatting import day, kpi_target, kpi_value, moment
from metrics.registry import PILOT_METRICS


@dataclass(frozen=True)
class Section:
    """One agenda item of the 30-minute weekly review."""

    name: str
    minutes: int


AGENDA: tuple[Section, ...] = (
    Section("Pipeline & opportunities", 15),
    Section("Performance metrics", 5),
    Section("Problem solving", 10),
)

STATUS_LABELS = {"closed": "Closed", "missing_next_action": "No next action",
                 "no_due_date": "No due date", "overdue": "Overdue",
                 "due_this_week": "Due this week", "upcoming": "Upcoming"}
STATUS_WORDS = {"on_track": "✓ on track", "off_track": "✗ off track", "no_data": "– no data",
                "info": "• no target"}
BACKLOG_TOP = 10
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{3}[\s-]?|0)\d{2,3}[\s-]?\d{3}[\s-]?\d{4}(?!\w)")


# ---- countdown ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Countdown:
    """The current section's clock: seconds left (negative once over time) and the text."""

    remaining: float
    over_time: bool
    text: str


def remaining_seconds(started: float, now: float, minutes: int) -> float:
    """Seconds left of a section of ``minutes`` started at ``started`` (same clock as
    ``now``); negative once over time."""
    return minutes * 60 - (now - started)


def clock_text(remaining: float) -> str:
    """``14:59 left`` while time is left (rounded up), ``02:05 over time`` after."""
    if remaining >= 0:
        whole = math.ceil(remaining)
        return f"{whole // 60:02d}:{whole % 60:02d} left"
    whole = math.floor(-remaining)
    return f"{whole // 60:02d}:{whole % 60:02d} over time"


def countdown(started: float, now: float, minutes: int) -> Countdown:
    """The countdown of a section (see :func:`remaining_seconds` and :func:`clock_text`)."""
    left = remaining_seconds(started, now, minutes)
    return Countdown(left, left < 0, clock_text(left))


# ---- what the sections show --------------------------------------------------------------

def funnel(cur: duckdb.DuckDBPyConnection, *, division: str,
           as_of: dt.date) -> pd.DataFrame | None:
    """The division's funnel (stage, count) over the 28 days ending on T: Motors' inquiry
    funnel, Power's lead funnel; None for a division without one (metrics.md, funnels)."""
    window = window_ending(as_of)
    if division == motors.DIVISION:
        return motors.motors_funnel(cur, window=window, as_of=as_of, division=division)
    if division == power.DIVISION:
        return power.power_funnel(cur, window=window, as_of=as_of, division=division)
    return None


def open_backlog(cur: duckdb.DuckDBPyConnection, *, division: str, as_of: dt.date,
                 top: int = BACKLOG_TOP, threads: pd.DataFrame | None = None) -> pd.DataFrame:
    """The division's open backlog threads as of T (metrics.backlog.threads of the division,
    every status but closed), overdue longest first, the first ``top``, with the contact's
    e-mail and mobile. Columns: status (words), days_overdue, due_date, next_action, owner,
    contact_name, company_name, email, mobile, last_date, source_file, source_row.
    ``threads``: the division's threads as of T when the caller has them already."""
    if threads is None:
        threads = backlog.threads(cur, as_of=as_of, division=division)
    mine = threads[(threads["division"] == division) & (threads["status"] != "closed")]
    mine = mine.head(top).reset_index(drop=True)
    frame = pd.DataFrame({
        "status": mine["status"].map(STATUS_LABELS),
        "days_overdue": mine["days_overdue"],
        "due_date": pd.to_datetime(mine["due_date"]).dt.date,
        "next_action": mine["next_action"],
        "owner": mine["owner"],
        "contact_name": mine["contact_name"],
        "company_name": mine["company_name"],
        "email": mine["email"],
        "mobile": mine["mobile"],
        "last_date": pd.to_datetime(mine["last_date"]),
        "source_file": mine["source_file"],
        "source_row": mine["source_row"],
    })
    return frame


def entry_errors(cur: duckdb.DuckDBPyConnection, *, division: str, as_of: dt.date,
                 top: int = BACKLOG_TOP) -> pd.DataFrame:
    """The division's entry errors to fix (metrics.data_quality.fix_list, what needs action
    first on top), the first ``top``: file, excel_row, column, value, problem, fix,
    logged_by, date."""
    frame = fix_list(cur, as_of=as_of, division=division)
    return frame[["file", "excel_row", "column", "value", "problem", "fix", "logged_by",
                  "date"]].head(top).reset_index(drop=True)


def kpi_table(tiles: list[Any]) -> pd.DataFrame:
    """The KPI tiles (metrics.panel.PanelTile) as a table: KPI, value, target, status, detail,
    change — the words the tiles show."""
    return pd.DataFrame([{
        "KPI": t.spec.label,
        "Value": kpi_value(t.result.value, t.spec.unit),
        "Target": kpi_target(t.result.target, t.result.direction, t.spec.unit),
        "Status": STATUS_WORDS.get(t.result.status, t.result.status),
        "Detail": t.detail() if t.result.value is not None else (t.reason or "no data"),
        "Change": t.change_text() or "",
    } for t in tiles], columns=["KPI", "Value", "Target", "Status", "Detail", "Change"])


def pilot_table(summary: dict[str, Any] | None) -> pd.DataFrame:
    """The four pilot metrics' headline (metrics.pilot.pilot_summary) as a table: metric,
    value, target, status, numerator, denominator; empty without a pilot."""
    columns = ["Metric", "Value", "Target", "Status", "Numerator", "Denominator"]
    if summary is None:
        return pd.DataFrame(columns=columns)
    rows = []
    for spec in PILOT_METRICS:
        r = summary["results"][spec.id]
        rows.append({"Metric": spec.label, "Value": kpi_value(r.value, spec.unit),
                     "Target": kpi_target(r.target, r.direction, spec.unit),
                     "Status": STATUS_WORDS.get(r.status, r.status),
                     "Numerator": r.numerator, "Denominator": r.denominator})
    return pd.DataFrame(rows, columns=columns)


# ---- the record --------------------------------------------------------------------------

def meeting_row(*, division: str, held_on: dt.date, used_hub: bool, attendees: int,
                decisions: str, actions: str, recorded_by: str,
                recorded_at: dt.datetime) -> dict[str, object]:
    """The store's ``review_meetings`` row (hub-data-contract.md). ``held_on`` is what
    process compliance counts (metrics.pilot.process_compliance: a used_hub meeting in the
    week); ``recorded_at`` is when the record was made (the page passes the clock's now, so
    a meeting recorded late keeps its true held-on date and an honest audit time)."""
    return {"division": division, "held_on": held_on, "used_hub": bool(used_hub),
            "attendees": int(attendees), "decisions": decisions.strip(),
            "actions": actions.strip(), "recorded_by": recorded_by,
            "recorded_at": recorded_at}


# ---- the frozen pack ---------------------------------------------------------------------

def mask_text(text: str) -> str:
    """Free text with every e-mail address and phone number in it masked (hub_data.privacy)."""
    masked = _EMAIL.sub(lambda m: str(mask_email(m.group(0))), text)
    return _PHONE.sub(lambda m: str(mask_phone(m.group(0))), masked)



@dataclass(frozen=True)
class MeetingPack:
    """Everything the pack shows, frozen when the meeting ends (the pack never changes after)."""

    division: str
    held_on: dt.date
    attendees: int
    used_hub: bool
    decisions: str
    actions: str
    as_of: dt.date
    loaded_at: dt.datetime
    kpis: pd.DataFrame = field(default_factory=pd.DataFrame)
    backlog: pd.DataFrame = field(default_factory=pd.DataFrame)
    pilot: pd.DataFrame = field(default_factory=pd.DataFrame)
    funnel: pd.DataFrame | None = None

    @property
    def stamp(self) -> str:
        return stamp(self.as_of, self.loaded_at)

    def file_name(self, extension: str) -> str:
        """``motors-meeting-pack-2026-07-15.xlsx`` (the data's as-of date)."""
        return file_name(f"{self.division} meeting pack", self.as_of, extension)


def pack_sheets(pack: MeetingPack) -> dict[str, pd.DataFrame]:
    """The pack's tables, masked: Meeting, KPIs, Backlog, Pilot (and Funnel when there is
    one)."""
    meeting = pd.DataFrame([{
        "Division": pack.division, "Held on": pack.held_on, "Attendees": pack.attendees,
        "Used the Hub": "yes" if pack.used_hub else "no",
        "Decisions": mask_text(pack.decisions), "Actions": mask_text(pack.actions)}])
    sheets = {"Meeting": meeting, "KPIs": pack.kpis, "Backlog": mask_frame(pack.backlog),
              "Pilot": pack.pilot}
    if pack.funnel is not None:
        sheets["Funnel"] = pack.funnel.rename(columns={"stage": "Stage", "count": "Count"})
    return sheets


def pack_xlsx(pack: MeetingPack) -> bytes:
    """The pack as a workbook (metrics.exports.to_xlsx: every text cell formula-safe)."""
    return to_xlsx(pack_sheets(pack), title=f"{pack.division} weekly review "
                                              f"{day(pack.held_on)}", stamp=pack.stamp)


def _cell(value: Any) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return moment(value) if (value.hour or value.minute) else day(value)
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    return str(value)


def html_table(frame: pd.DataFrame) -> str:
    """A plain HTML table of ``frame``, every cell escaped."""
    if frame.empty:
        return "<p class='empty'>None.</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row)
                   + "</tr>" for row in frame.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _paragraphs(text: str) -> str:
    lines = [html.escape(line) for line in mask_text(text).splitlines() if line.strip()]
    return "<br>".join(lines) if lines else "<span class='empty'>None recorded.</span>"


_CSS = """body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#111827;
margin:2rem;max-width:70rem}h1{margin-bottom:.2rem}.stamp{color:#374151}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #d1d5db;
padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:#e5e7eb}
.empty{color:#6b7280}.box{border:1px solid #d1d5db;padding:.6rem 1rem;margin-bottom:1rem}"""


def pack_html(pack: MeetingPack) -> bytes:
    """The pack as one self-contained HTML file (no external assets, every text escaped,
    e-mails and phones masked), stamped with the data's as-of date and load time."""
    sheets = pack_sheets(pack)
    title = f"{pack.division} weekly review · {day(pack.held_on)}"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='stamp'>{html.escape(pack.stamp)}</p>",
        f"<p>{pack.attendees:d} attendee{'s' * (pack.attendees != 1)} · "
        f"{'used the Hub' if pack.used_hub else 'did not use the Hub'}</p>",
        f"<h2>Decisions</h2><div class='box'>{_paragraphs(pack.decisions)}</div>",
        f"<h2>Actions</h2><div class='box'>{_paragraphs(pack.actions)}</div>",
    ]
    if "Funnel" in sheets:
        parts.append(f"<h2>Funnel (28 days to {html.escape(day(pack.as_of))})</h2>"
                     + html_table(sheets["Funnel"]))
    parts += [f"<h2>KPIs</h2>{html_table(sheets['KPIs'])}",
              f"<h2>Open backlog (top {BACKLOG_TOP}, most overdue first)</h2>"
              f"{html_table(sheets['Backlog'])}",
              f"<h2>Pilot metrics</h2>{html_table(sheets['Pilot'])}",
              "</body></html>"]
    return "".join(parts).encode("utf-8")
