"""The next-action backlog page's numbers (issue 7): the backlog's threads narrowed to a
division, an owner and a status; counts per status, per person and per division; aging per
bucket and per person; follow-through on next actions; the tables people take away.

Who calls what: pages/backlog.py calls :func:`backlog_view` once per (data version, T,
division, owner) and caches it; it then narrows the threads by status with
:func:`filter_status` and renders :func:`thread_table`, :func:`people_table` and
:func:`fig_aging`. Every thread comes from :func:`metrics.backlog.threads` (metrics.md
"Next-action backlog"); the follow-through rate from
:func:`metrics.activity.follow_through_rate` (metrics.md "Operational measures").

Readings chosen where the spec is silent:
- **Owner filter.** ``owner_role`` says which owner is meant: ``action`` (the thread's action
  owner, Logged By of its latest row), ``account`` (the Account Owner of that row's account) or
  ``either``. Names compare normalised (metrics.md common rules: NFC, white space collapsed,
  case-folded).
- **Follow-through for an owner**: the actions that person set (Logged By of the action's row),
  or, for ``account``, the actions on accounts they own (the row's account); ``either``: both.
  "All divisions": every action, rows without a division included (as ``status_counts``).
- **Per person**: threads grouped by the owner the filter means (the account owner for
  ``account``, else the action owner); a blank owner is one group, ``(blank)``.
- **What needs action first**: most overdue threads, then the oldest overdue, then due this
  week, missing next action, no due date, upcoming, then the name (a coaching order, not a
  ranking: the page says so).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc

from hub_data.contract import normalize_name
from hub_data.privacy import mask_frame
from hub_data.settings import Settings
from metrics.activity import (FOLLOW_THROUGH, TREND_COLUMNS, follow_through_counts,
                              follow_through_rate)
from metrics.backlog import AGING_BUCKETS, STATUSES, thread_states, threads
from metrics.calendar import Window, trend_windows, window_ending
from metrics.charts import FONT, _layout
from metrics.inputs import fetch_arrow
from metrics.result import KpiResult, MetricOutput, ratio_result

# The five open statuses, in the order that needs action first (the page's tiles).
OPEN_STATUSES: tuple[str, ...] = ("overdue", "due_this_week", "missing_next_action",
                                  "no_due_date", "upcoming")
STATUS_LABELS = {"overdue": "Overdue", "due_this_week": "Due this week",
                 "missing_next_action": "Missing next action", "no_due_date": "No due date",
                 "upcoming": "Upcoming", "closed": "Closed"}
OWNER_ROLES = {"action": "Action owner", "account": "Account owner", "either": "Either"}
BLANK = "(blank)"
BUCKETS: tuple[str, ...] = tuple(name for name, _, _ in AGING_BUCKETS)
# Light to dark red: the older the overdue action, the darker its bar (labelled, not colour
# alone).
AGING_COLOURS = ("#f4a5a0", "#e06c64", "#c63a31", "#8c1d16")

THREAD_COLUMNS = {
    "status_label": "Status", "days_overdue": "Days overdue", "company": "Account",
    "contact": "Contact", "next_action": "Next action", "due_date": "Due date",
    "owner": "Action owner", "account_owner": "Account owner", "last_day": "Last interaction",
    "division": "Division", "interaction_type": "Type", "email": "Email", "mobile": "Mobile",
    "source_file": "Workbook", "source_row": "Row"}
FOLLOW_COLUMNS = {"in_numerator": "Followed up", "due_date": "Due", "company_name": "Account",
                  "next_action": "Next action", "logged_by": "Set by", "date": "Set on",
                  "followed_at": "Followed up on"}
COUNT_COLUMNS = {"overdue": "Overdue", "due_this_week": "Due this week",
                 "missing_next_action": "Missing next action", "no_due_date": "No due date",
                 "upcoming": "Upcoming", "open": "Open", "closed": "Closed",
                 "oldest_overdue": "Oldest overdue (days)",
                 **{b: f"Overdue {b} days" for b in BUCKETS}}


@dataclass(frozen=True)
class BacklogView:
    """What the page shows for one (T, division, owner): ``threads`` (every status, most
    urgent first, with the columns of the threads it was given: by default those of
    :func:`division_threads`, the contact's e-mail and mobile included), ``counts`` (all six
    statuses), ``people`` (:func:`status_table` by owner), ``divisions`` (by division; only
    for every division), ``aging`` (as :func:`metrics.backlog.aging`), ``follow``
    (follow-through over ``window``, the 28 days ending T), ``trend``
    (:func:`follow_through_trend`) and ``owners`` (the names the owner filter offers in this
    division)."""

    as_of: dt.date
    division: str | None
    owner: str | None
    owner_role: str
    window: Window
    threads: pd.DataFrame | None  # None in a page's cached copy that narrows them itself
    counts: dict[str, int]
    people: pd.DataFrame
    divisions: pd.DataFrame | None
    aging: pd.DataFrame
    follow: MetricOutput
    trend: pd.DataFrame
    owners: list[str] = field(default_factory=list)

    @property
    def open_threads(self) -> int:
        return sum(self.counts[s] for s in OPEN_STATUSES)

    def follow_previous(self) -> KpiResult | None:
        """Follow-through over the 28 days before the window (the trend's last but one)."""
        if len(self.trend) < 2:
            return None
        row = self.trend.iloc[-2]
        return ratio_result(FOLLOW_THROUGH, int(row["numerator"]), int(row["denominator"]),
                            target=self.follow.result.target,
                            direction=self.follow.result.direction)


def _spelled_as(names: Iterable[str | None], name: str) -> list[str]:
    """Those of ``names`` (distinct values) that name ``name``: equal once normalised; a
    blank never does."""
    wanted = normalize_name(name)
    return sorted(v for v in names if v is not None and normalize_name(v) == wanted)


def _same(values: pd.Series, name: str) -> pd.Series:
    """Whether each value names ``name`` (:func:`_spelled_as`), comparing each distinct value
    once."""
    return values.isin(_spelled_as(values.dropna().unique(), name)).astype(bool)


def _check_role(owner_role: str) -> None:
    if owner_role not in OWNER_ROLES:
        raise ValueError(f"owner_role must be one of {sorted(OWNER_ROLES)}, not {owner_role!r}")


def _owner_mask(frame: pd.DataFrame, owner: str, owner_role: str, action_column: str
                ) -> pd.Series:
    _check_role(owner_role)
    action = _same(frame[action_column], owner)
    account = _same(frame["account_owner"], owner)
    return {"action": action, "account": account, "either": action | account}[owner_role]


def division_threads(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                     division: str | None) -> pd.DataFrame:
    """:func:`metrics.backlog.threads` of ``division`` (the division of each thread's latest
    row; None: every thread), in its order, with the contact's ``email`` and ``mobile``."""
    # Narrowed here, not in SQL: a division's frame then has the dtypes of the every-division
    # frame the page narrows (a column without nulls in a division would fetch differently).
    return in_division(threads(cur, as_of=as_of), division)


def every_thread_state(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """Every thread of T with only what the page counts and filters
    (:func:`metrics.backlog.thread_states`): every function here that counts, groups or
    filters threads takes it as it takes :func:`division_threads`; :func:`with_details`
    gives the threads a table or a download shows."""
    return thread_states(cur, as_of=as_of)


def with_details(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame, *,
                 as_of: dt.date) -> pd.DataFrame:
    """The threads of ``frame`` (rows of :func:`every_thread_state` of T, narrowed or cut, in
    its order) with every column of :func:`division_threads`: what :func:`thread_table` and
    :func:`export_sheets` show. Both are in :func:`metrics.backlog.threads`' order, so the
    order is ``frame``'s."""
    return threads(cur, as_of=as_of, rows=frame["row_id"].tolist())


def in_division(frame: pd.DataFrame, division: str | None) -> pd.DataFrame:
    """The threads of ``division`` (None: all of them) of a :func:`division_threads` frame
    of every division, in its order: a division filter on a page needs no new query."""
    if division is not None:
        frame = frame[frame["division"] == division]
    return frame.reset_index(drop=True)


def owner_names(frame: pd.DataFrame, owner_role: str = "action") -> list[str]:
    """The names the owner filter offers: action owners, account owners or both, as written
    (the first spelling of names that compare equal), alphabetical; blanks left out."""
    columns = {"action": ["owner"], "account": ["account_owner"],
               "either": ["owner", "account_owner"]}[owner_role]
    seen: dict[str, str] = {}
    for column in columns:
        for name in frame[column].dropna().unique():  # in order of first appearance
            seen.setdefault(normalize_name(name), str(name))
    return sorted(seen.values(), key=normalize_name)


def filter_owner(frame: pd.DataFrame, owner: str | None,
                 owner_role: str = "action") -> pd.DataFrame:
    """The threads whose ``owner_role`` owner is ``owner`` (normalised names); all when None."""
    if not owner:
        return frame
    return frame[_owner_mask(frame, owner, owner_role, "owner")].reset_index(drop=True)


def filter_status(frame: pd.DataFrame, status: str | None) -> pd.DataFrame:
    """Threads of one status; ``open``: every status but closed; None or ``all``: every one."""
    if status in (None, "all"):
        return frame
    if status == "open":
        return frame[frame["status"] != "closed"].reset_index(drop=True)
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    return frame[frame["status"] == status].reset_index(drop=True)


def status_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Threads per status (all six of :data:`metrics.backlog.STATUSES`, 0 when none); they
    sum to the number of threads."""
    found = frame["status"].value_counts()
    return {status: int(found.get(status, 0)) for status in STATUSES}


def _bucket_index(days: np.ndarray) -> np.ndarray:
    """The position in :data:`BUCKETS` of each count of days overdue (1 or more)."""
    values = np.asarray(days, dtype="int64")
    inside = [(values >= low) if high is None else (values >= low) & (values <= high)
              for _, low, high in AGING_BUCKETS]
    return np.select(inside, list(range(len(BUCKETS))), default=-1)


def _buckets(days: pd.Series) -> pd.Series:
    """The aging bucket of each count of days overdue (1 or more)."""
    return pd.Series(np.array(BUCKETS, dtype=object)[_bucket_index(days.to_numpy())],
                     index=days.index)


def aging(frame: pd.DataFrame) -> pd.DataFrame:
    """Overdue threads per bucket of days overdue (T − due): the frame of
    :func:`metrics.backlog.aging` (``bucket``, ``min_days``, ``max_days``, ``threads``), all
    four buckets in order, counted from ``frame``."""
    overdue = frame.loc[frame["status"] == "overdue", "days_overdue"].dropna().astype(int)
    counts = _buckets(overdue).value_counts()
    return pd.DataFrame({
        "bucket": list(BUCKETS),
        "min_days": [low for _, low, _ in AGING_BUCKETS],
        "max_days": pd.array([high for _, _, high in AGING_BUCKETS], dtype="Int64"),
        "threads": [int(counts.get(name, 0)) for name in BUCKETS]})


def next_step(row: pd.Series | dict) -> str:
    """A coaching line for one person's open threads, most urgent first: "Follow up 3 overdue
    threads (oldest 41 days) · 2 due this week · add a next action to 1 · set a due date on
    1"; without any of those "Nothing waiting ✓ (2 coming up)" or "Nothing open ✓"."""
    parts = []
    if row["overdue"]:
        n = int(row["overdue"])
        parts.append(f"follow up {n} overdue thread{'s' * (n != 1)} "
                     f"(oldest {int(row['oldest_overdue'])} days)")
    if row["due_this_week"]:
        parts.append(f"{int(row['due_this_week'])} due this week")
    if row["missing_next_action"]:
        parts.append(f"add a next action to {int(row['missing_next_action'])}")
    if row["no_due_date"]:
        parts.append(f"set a due date on {int(row['no_due_date'])}")
    if not parts:
        return (f"Nothing waiting ✓ ({int(row['upcoming'])} coming up)"
                if row["upcoming"] else "Nothing open ✓")
    text = " · ".join(parts)
    return text[0].upper() + text[1:]


def status_table(frame: pd.DataFrame, by: str, blank: str = BLANK) -> pd.DataFrame:
    """Threads per ``by`` (a column: ``owner``, ``account_owner``, ``division``) and status.

    Columns: ``by``, the six statuses, ``open`` (all but closed), ``oldest_overdue`` (the
    most days overdue, null without overdue threads), the four aging buckets (overdue threads
    by days overdue) and ``next_step`` (:func:`next_step`). Sorted by what needs action first
    (module docstring); a blank ``by`` is the group ``blank``.
    """
    # Counted with numpy over factorised keys (sorted, as a groupby would): a page reruns
    # this on every filter change, and pandas' crosstab took 0.1 s on 65k threads.
    keys = frame[by].astype(object).where(frame[by].notna(), blank)
    codes, names = pd.factorize(keys, sort=True)
    n, width = len(names), len(STATUSES)
    status = pd.Categorical(frame["status"], categories=list(STATUSES)).codes.astype("int64")
    counts = np.bincount(codes * width + status, minlength=n * width).reshape(n, width)
    late = status == STATUSES.index("overdue")
    days = frame["days_overdue"].to_numpy(dtype="float64", na_value=np.nan)[late]
    days = days.astype("int64")
    buckets = np.bincount(codes[late] * len(BUCKETS) + _bucket_index(days),
                          minlength=n * len(BUCKETS)).reshape(n, len(BUCKETS))
    oldest = np.full(n, -1, dtype="int64")
    np.maximum.at(oldest, codes[late], days)
    table = pd.DataFrame({by: np.asarray(names, dtype=object),
                          **{s: counts[:, k] for k, s in enumerate(STATUSES)},
                          **{b: buckets[:, k] for k, b in enumerate(BUCKETS)}})
    table["oldest_overdue"] = pd.array(np.where(oldest >= 0, oldest, 0), dtype="Int64")
    table.loc[oldest < 0, "oldest_overdue"] = pd.NA
    table["open"] = table[list(OPEN_STATUSES)].sum(axis=1)
    table["next_step"] = [next_step(row) for row in table.to_dict("records")]
    table = table.assign(_name=table[by].map(normalize_name)).sort_values(
        ["overdue", "oldest_overdue", "due_this_week", "missing_next_action", "no_due_date",
         "upcoming", "_name"], ascending=[False, False, False, False, False, False, True],
        na_position="last", kind="stable")
    order = [by, *OPEN_STATUSES, "open", "closed", "oldest_overdue", *BUCKETS, "next_step"]
    return table[order].reset_index(drop=True)


@dataclass(frozen=True)
class FollowThroughBase:
    """The follow-through actions of one T and division (None: every division) over the 28
    days ending T that each owner's rate is cut from (:func:`follow_through_base`):
    :func:`metrics.activity.follow_through_rate` with ``account_owner``."""

    current: MetricOutput


def follow_through_base(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                        division: str | None,
                        settings: Settings | None = None) -> FollowThroughBase:
    """The follow-through actions of T and ``division``, for every owner at once: a page
    switching owners (or what "owner" means) then only filters them."""
    out = follow_through_rate(cur, window=window_ending(as_of), as_of=as_of,
                              division=division, settings=settings)
    return FollowThroughBase(MetricOutput(out.result,
                                          _with_account_owner(out.rows, _account_owners(cur))))


def follow_through(cur: duckdb.DuckDBPyConnection, *, window: Window, as_of: dt.date,
                   division: str | None, owner: str | None = None, owner_role: str = "action",
                   settings: Settings | None = None,
                   base: FollowThroughBase | None = None) -> MetricOutput:
    """Follow-through rate (metrics.md, operational measures; per thread, as
    :func:`metrics.activity.follow_through_rate`) of ``division`` (None: every division),
    narrowed to ``owner``'s actions (module docstring). Rows gain ``account_owner``.
    ``base`` (:func:`follow_through_base` of T and the division) holds the actions when
    ``window`` is the 28 days ending T."""
    if base is not None:
        out = base.current
        rows = out.rows
    else:
        out = follow_through_rate(cur, window=window, as_of=as_of, division=division,
                                  settings=settings)
        rows = _with_account_owner(out.rows, _account_owners(cur))
    if owner:
        rows = rows[_owner_mask(rows, owner, owner_role, "logged_by")].reset_index(drop=True)
    result = ratio_result(FOLLOW_THROUGH, int(rows["in_numerator"].sum()), len(rows),
                          target=out.result.target, direction=out.result.direction)
    return MetricOutput(result, rows)


def _with_account_owner(rows: pd.DataFrame, owners: pa.Table) -> pd.DataFrame:
    """``rows`` with ``account_owner``: the Account Owner of each row's ``account_id``
    (``owners`` from :func:`_account_owners`). The same column as mapping the IDs through a
    dict of the owners, looked up in Arrow (a year of actions on a large hub: 0.1 s in
    pandas, 10 ms in Arrow)."""
    ids = rows["account_id"]
    if (not owners.num_rows or not isinstance(ids.dtype, pd.StringDtype)
            or ids.dtype.storage != "pyarrow"):  # no accounts, or no IDs: as a dict maps them
        return rows.assign(account_owner=ids.map(dict(zip(*owners.to_pydict().values()))))
    found = pc.take(owners["account_owner"],
                    pc.index_in(pa.array(ids.array), value_set=owners["account_id"]))
    return rows.assign(account_owner=pd.Series(pd.array(found, dtype=ids.dtype),
                                               index=rows.index))


def _account_owners(cur: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every account's ID and Account Owner (account IDs are unique in ``accounts``), as
    text."""
    return fetch_arrow(cur, """
        SELECT account_id::VARCHAR AS account_id, account_owner::VARCHAR AS account_owner
        FROM accounts""")


def spellings(cur: duckdb.DuckDBPyConnection, name: str) -> tuple[list[str], list[str]]:
    """Every way ``name`` is written as an action owner (a Logged By) and as an Account Owner:
    the names that compare equal to it (module docstring), as a filter on them in SQL
    matches what :func:`filter_owner` keeps."""
    found = cur.execute("""
        SELECT list(DISTINCT logged_by) FILTER (WHERE logged_by IS NOT NULL),
               (SELECT list(DISTINCT account_owner) FILTER (WHERE account_owner IS NOT NULL)
                FROM accounts)
        FROM interactions""").fetchone()
    return tuple(_spelled_as(values or [], name) for values in found)


def follow_through_trend(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date,
                         division: str | None, owner: str | None = None,
                         owner_role: str = "action",
                         settings: Settings | None = None) -> pd.DataFrame:
    """:func:`follow_through` per trend window (12 back-to-back 28-day windows ending at T),
    oldest first: ``window_start``, ``window_end``, ``numerator``, ``denominator``, ``value``
    (NaN on a zero denominator). Counted in the database, 12 rows instead of a year of
    actions, in one query over the 12 windows: each action falls in the window holding its
    due date's day, so each window equals :func:`follow_through` of it. An owner's actions
    are those of the names that compare equal to theirs (:func:`spellings`)."""
    windows = trend_windows(as_of)
    first = windows[0]
    loggers = owners = None
    if owner:
        _check_role(owner_role)
        as_logger, as_owner = spellings(cur, owner)
        loggers = as_logger if owner_role in ("action", "either") else []
        owners = as_owner if owner_role in ("account", "either") else []
    counts = follow_through_counts(cur, window=Window(first.start, as_of), as_of=as_of,
                                   division=division, days=first.days, loggers=loggers,
                                   owners=owners)
    return pd.DataFrame.from_records(
        [{"window_start": win.start, "window_end": win.end,
          "numerator": counts.get(k, (0, 0))[0], "denominator": counts.get(k, (0, 0))[1],
          "value": (counts[k][0] / counts[k][1]) if k in counts else float("nan")}
         for k, win in enumerate(windows)],
        columns=TREND_COLUMNS)


def backlog_view(cur: duckdb.DuckDBPyConnection, *, as_of: dt.date, division: str | None,
                 owner: str | None = None, owner_role: str = "action",
                 settings: Settings | None = None,
                 all_threads: pd.DataFrame | None = None,
                 follow_base: FollowThroughBase | None = None) -> BacklogView:
    """Everything the backlog page shows for T, ``division`` (None: every thread) and
    ``owner`` (None: everyone; ``owner_role`` as in :func:`filter_owner`).
    ``all_threads`` is :func:`division_threads` (or :func:`every_thread_state`) of every
    division and ``follow_base`` :func:`follow_through_base` of T and ``division``, when the
    caller has them."""
    if all_threads is None:
        every = division_threads(cur, as_of=as_of, division=division)
    else:
        every = in_division(all_threads, division)
    frame = filter_owner(every, owner, owner_role)
    window = window_ending(as_of)
    by = "account_owner" if owner_role == "account" else "owner"
    return BacklogView(
        as_of=as_of, division=division, owner=owner or None, owner_role=owner_role,
        window=window, threads=frame, counts=status_counts(frame),
        people=status_table(frame, by),
        divisions=status_table(frame, "division", "(no division)") if division is None
        else None,
        aging=aging(frame),
        follow=follow_through(cur, window=window, as_of=as_of, division=division,
                              owner=owner, owner_role=owner_role, settings=settings,
                              base=follow_base),
        trend=follow_through_trend(cur, as_of=as_of, division=division, owner=owner,
                                   owner_role=owner_role, settings=settings),
        owners=owner_names(every, owner_role))


# ------------------------------------------------------------------------------ display
def thread_table(frame: pd.DataFrame, *, masked: bool) -> pd.DataFrame:
    """The threads as people read them (:data:`THREAD_COLUMNS`' labels, in that order, what
    to do before where it was logged): the account and the contact (name, else ID), dates as
    days, e-mails and phones masked when ``masked`` (viewers, hub_data.privacy)."""
    out = frame.assign(
        status_label=frame["status"].map(STATUS_LABELS),
        company=frame["company_name"].where(frame["company_name"].notna(), frame["account_id"]),
        contact=frame["contact_name"].where(frame["contact_name"].notna(), frame["contact_id"]),
        last_day=pd.to_datetime(frame["last_date"]).dt.date,
        due_date=pd.to_datetime(frame["due_date"]).dt.date)
    if masked:
        out = mask_frame(out, emails=("email",), phones=("mobile",))
    return out[list(THREAD_COLUMNS)].rename(columns=THREAD_COLUMNS).reset_index(drop=True)


def follow_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The actions behind the follow-through rate (:func:`follow_through` rows) as people
    read them: those not followed up first, then by due date, with
    :data:`FOLLOW_COLUMNS`' labels."""
    ordered = rows.sort_values(["in_numerator", "due_date"], kind="stable")
    return ordered[list(FOLLOW_COLUMNS)].rename(columns=FOLLOW_COLUMNS).reset_index(drop=True)


def people_table(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """A :func:`status_table` with people's labels, the coaching line beside the name; ``by``
    is labelled as the owner it is."""
    label = {"owner": "Action owner", "account_owner": "Account owner",
             "division": "Division"}.get(by, by)
    order = [by, "next_step", *(c for c in table.columns if c not in (by, "next_step"))]
    return table[order].rename(columns={by: label, **COUNT_COLUMNS,
                                        "next_step": "What to pick up"})


def aging_table(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`aging` as people read it."""
    return pd.DataFrame({"Days overdue": frame["bucket"], "Overdue threads": frame["threads"]})


def export_sheets(view: BacklogView, shown: pd.DataFrame, *, masked: bool
                  ) -> dict[str, pd.DataFrame]:
    """The XLSX's sheets: the threads shown (``shown``, already narrowed by status), per
    person, per division (every division only), aging and the actions behind the
    follow-through rate."""
    by = "account_owner" if view.owner_role == "account" else "owner"
    sheets = {"Threads": thread_table(shown, masked=masked),
              "Per person": people_table(view.people, by)}
    if view.divisions is not None:
        sheets["Per division"] = people_table(view.divisions, "division")
    sheets["Aging"] = aging_table(view.aging)
    sheets["Follow-through"] = follow_table(view.follow.rows)
    return sheets


def fig_aging(frame: pd.DataFrame, title: str) -> go.Figure:
    """Bars: overdue threads per bucket of days overdue (:func:`aging`), darker when older,
    each labelled with its count."""
    fig = go.Figure()
    counts = [int(n) for n in frame["threads"]]
    fig.add_bar(x=[f"{b} days" for b in frame["bucket"]], y=counts,
                marker_color=list(AGING_COLOURS[:len(frame)]), text=counts,
                textposition="outside", textfont={"size": 20, "color": FONT["color"]},
                hovertemplate="%{x} overdue: %{y:,} threads<extra></extra>")
    top = max([*counts, 1])
    fig.update_yaxes(title_text="Overdue threads", range=[0, top * 1.25], gridcolor="#e5e7eb",
                     rangemode="tozero")
    fig.update_xaxes(title_text="Days past the due date", type="category")
    fig.update_layout(showlegend=False)
    return _layout(fig, title, 340)
