"""Tiny hubs from Python literals, loaded through the real loader (architecture.md rule 13).

A test lists only the rows its hand calculation needs::

    hub = make_hub(
        accounts=[account("A1", "Motors", owner="Ada Obi")],
        contacts=[contact("C1", "A1")],
        staff=[member("Ada Obi", "Motors")],
        interactions=[interaction("I1", dt.datetime(2026, 3, 2, 9), "C1", "Inquiry", "Ada Obi")],
        sales=[sale("S1", dt.date(2026, 3, 3), "E1", 1_000_000, division="Motors")],
        store={"review_meetings": [meeting("Motors", dt.date(2026, 3, 2))]},
    )
    cur = hub.workspace()

Rows are dicts keyed by the contract's headers; anything left out is a blank cell. The
workbook is ``hub.xlsx``; ERP tables, reviews and survey answers are CSV files with our own
headers; store rows are written to ``store_seed/`` so the dashboard's store starts with them.
The ``make_hub`` fixture (conftest.py) gives every hub its own state folder.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import duckdb

if TYPE_CHECKING:
    import pandas as pd
    import pytest

from hub_data import HubLoader, LoadedHub
from hub_data.contract import HUB_HEADERS
from hub_data.store import COLUMNS as STORE_COLUMNS, Store
from metrics.inputs import workspace
from metrics.result import KpiResult

Row = Mapping[str, Any]

ERP_HEADERS = {
    "customers": ["ERP Customer ID", "Customer Name", "Division", "Created Date"],
    "sales": ["Document ID", "Date", "ERP Customer ID", "Division", "Salesperson", "Amount",
              "Quote ID"],
    "quotes": ["Quote ID", "Date", "ERP Customer ID", "Division", "Salesperson", "Amount",
               "Status", "Closed Date"],
}
SIDE_HEADERS = {
    "reviews": ["Date", "Division", "Platform", "Rating"],
    "survey": ["Date", "Division", "Ease of Use", "Value", "Comments"],
}


def account(account_id: str, division: str, *, owner: str | None = None,
            account_type: str | None = None, erp: str | None = None,
            name: str | None = None) -> dict[str, Any]:
    """An Accounts row."""
    return {"Account ID": account_id, "Company Name": name or f"Company {account_id}",
            "Division": division, "Account Type": account_type, "ERP Customer ID": erp,
            "Account Owner": owner}


def contact(contact_id: str, account_id: str, *, name: str | None = None) -> dict[str, Any]:
    """A Contacts row."""
    return {"Contact ID": contact_id, "Full Name": name or f"Person {contact_id}",
            "Associated Account ID": account_id}


def member(name: str, division: str, *, customer_facing: Any = "Yes",
           start: dt.date | None = None, leave: dt.date | None = None,
           role: str = "Sales") -> dict[str, Any]:
    """A Staff row."""
    return {"Name": name, "Division": division, "Role": role, "Customer Facing": customer_facing,
            "Start Date": start, "Leave Date": leave}


def interaction(interaction_id: str | None, date: Any, contact_id: str | None,
                interaction_type: str | None, logged_by: str | None, *,
                channel: str | None = "Phone", next_action: str | None = "Call back",
                due: Any = None, division: str | None = None, account_id: str | None = None,
                resolved: str | None = None, notes: str | None = None) -> dict[str, Any]:
    """An Interactions row (due date: the day after ``date`` unless given; pass
    ``next_action="None"`` to close the thread)."""
    if due is None and next_action and next_action.strip().casefold() not in (
            "none", "n/a", "no further action") and isinstance(date, dt.datetime):
        due = date + dt.timedelta(days=1)
    return {"Interaction ID": interaction_id, "Date": date, "Contact ID": contact_id,
            "Account ID": account_id, "Division": division, "Channel": channel,
            "Interaction Type": interaction_type, "Notes": notes, "Next Action": next_action,
            "Action Due Date": due, "Logged By": logged_by, "Resolved": resolved}


def customer(customer_id: str, division: str | None, *, name: str | None = None,
             created: dt.date | None = None) -> dict[str, Any]:
    """An ERP customers row."""
    return {"ERP Customer ID": customer_id, "Customer Name": name or f"Customer {customer_id}",
            "Division": division, "Created Date": created}


def sale(document_id: str, date: dt.date, customer_id: str, amount: Any, *,
         division: str | None = None, salesperson: str | None = None,
         quote_id: str | None = None) -> dict[str, Any]:
    """An ERP sales row (one document)."""
    return {"Document ID": document_id, "Date": date, "ERP Customer ID": customer_id,
            "Division": division, "Salesperson": salesperson, "Amount": amount,
            "Quote ID": quote_id}


def quote(quote_id: str, date: dt.date, customer_id: str, *, status: str = "Open",
          division: str | None = None, closed: dt.date | None = None, amount: Any = 1000,
          salesperson: str | None = None) -> dict[str, Any]:
    """An ERP quotes row."""
    return {"Quote ID": quote_id, "Date": date, "ERP Customer ID": customer_id,
            "Division": division, "Salesperson": salesperson, "Amount": amount,
            "Status": status, "Closed Date": closed}


def meeting(division: str, held_on: dt.date, *, used_hub: bool = True) -> dict[str, Any]:
    """A store review_meetings row."""
    return {"division": division, "held_on": held_on, "used_hub": used_hub, "attendees": 8,
            "decisions": "", "actions": "", "recorded_by": "Steward",
            "recorded_at": dt.datetime.combine(held_on, dt.time(15))}


@dataclass
class TinyHub:
    """A loaded tiny hub: ``hub`` (LoadedHub) and :meth:`workspace` for the metrics."""

    folder: Path
    hub: LoadedHub

    @property
    def settings(self):  # noqa: ANN201 - hub_data.Settings
        return self.hub.settings

    def workspace(self) -> duckdb.DuckDBPyConnection:
        """A metrics cursor with this hub's store tables."""
        return workspace(self.hub.con, Store.for_settings(self.hub.settings).read_all())


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _write_csv(path: Path, headers: Sequence[str], rows: Sequence[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            unknown = set(row) - set(headers)
            if unknown:
                raise KeyError(f"{path.name}: unknown columns {sorted(unknown)}")
            writer.writerow(["" if row.get(h) is None else _cell(row.get(h)) for h in headers])


def build_hub(folder: Path, *, accounts: Sequence[Row] = (), contacts: Sequence[Row] = (),
              interactions: Sequence[Row] = (), staff: Sequence[Row] = (),
              lists: Mapping[str, Sequence[str]] | None = None,
              customers: Sequence[Row] = (), sales: Sequence[Row] = (),
              quotes: Sequence[Row] = (), reviews: Sequence[Row] = (),
              survey: Sequence[Row] = (), store: Mapping[str, Sequence[Row]] | None = None,
              settings: str | None = None) -> TinyHub:
    """Write the files of a tiny hub into ``folder`` and load it (see the module docstring)."""
    from tests.conftest import write_xlsx  # one xlsx writer for every test

    folder.mkdir(parents=True, exist_ok=True)
    sheets: dict[str, list[list[Any]]] = {}
    for sheet, rows in (("Accounts", accounts), ("Contacts", contacts),
                        ("Interactions", interactions), ("Staff", staff)):
        headers = HUB_HEADERS[sheet]
        for row in rows:
            unknown = set(row) - set(headers)
            if unknown:
                raise KeyError(f"{sheet}: unknown columns {sorted(unknown)}")
        sheets[sheet] = [list(headers), *([row.get(h) for h in headers] for row in rows)]
    if lists:
        names = list(lists)
        depth = max(len(values) for values in lists.values())
        sheets["Lists"] = [names, *([lists[n][i] if i < len(lists[n]) else None for n in names]
                                    for i in range(depth))]
    write_xlsx(folder / "hub.xlsx", sheets)
    for table, rows in (("customers", customers), ("sales", sales), ("quotes", quotes)):
        if rows or table == "customers" and (sales or quotes):
            _write_csv(folder / "erp" / f"{table}.csv", ERP_HEADERS[table], rows)
    for name, rows in (("reviews", reviews), ("survey", survey)):
        if rows:
            _write_csv(folder / f"{name}.csv", SIDE_HEADERS[name], rows)
    for table, rows in (store or {}).items():
        _write_csv(folder / "store_seed" / f"{table}.csv", list(STORE_COLUMNS[table]), rows)
    if settings is not None:
        (folder / "settings.toml").write_text(settings, encoding="utf-8")
    return TinyHub(folder, HubLoader(folder).get())


def module_hub(factory: pytest.TempPathFactory, name: str, **rows: Any) -> TinyHub:
    """One hub shared by a test module (loading it once keeps the file fast), with its own
    state and cache folders."""
    import pytest

    folder = factory.mktemp(name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HUB_STATE_DIR", str(folder / "state"))
        patch.setenv("XDG_CACHE_HOME", str(folder / "xdg"))
        return build_hub(folder / "hub", **rows)


def kpi(kpi_id: str, value: float | None, numerator: float | None,
        denominator: float | None, n: int | None, target: float | None, direction: str,
        status: str) -> KpiResult:
    """The expected KpiResult (the value compared with pytest.approx)."""
    import pytest

    return KpiResult(kpi_id, value if value is None else pytest.approx(value), numerator,
                     denominator, n, target, direction, status)


def flags(rows: pd.DataFrame, key: str = "interaction_id") -> dict[str, bool]:
    """``{key: in_numerator}`` of a drill-down frame."""
    return {k: bool(v) for k, v in zip(rows[key], rows["in_numerator"])}
