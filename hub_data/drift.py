"""Template drift: how a loaded Hub workbook differs from the master template (template.py).

The master is the contract's layout: the sheets Accounts, Contacts, Interactions, Staff and
Lists (plus the template's own Read me sheet) with the headers of ``HUB_HEADERS`` and the
default lists. For one workbook's layout (what workbook.py saw: sheet names, each contract
sheet's header row, the Lists sheet's values) :func:`template_drift` lists:

- ``missing_sheet`` / ``renamed_sheet`` (read through an accepted alias, e.g. "Roster") /
  ``added_sheet``;
- ``missing_column`` / ``extra_column`` / ``renamed_column``: a master header that is not
  there but a header that looks like it is (the closest master header, by spelling or shared
  words), or one read through an accepted alias ("Type" for "Interaction Type");
- ``added_list_value`` / ``missing_list_value``: a Lists value that is not in the master's
  list, or a master value the workbook's list leaves out.

Headers that differ from the master only in case, spacing, ``_`` or ``-`` are the same header
(the contract matches them) and are not drift; neither are the leading columns of a Microsoft
Forms response table (Id, Start time, Completion time, Email, Name), which the contract
accepts on the Interactions sheet. Pure Python over plain data; load.py stores the result in
the ``drift`` table and ``python -m hub_data check`` lists it per file.
"""
from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass

from hub_data.contract import (DEFAULT_LISTS, FORMS_COMPLETION, FORMS_ID, FORMS_NAME,
                               FORMS_STAND_INS, HUB_HEADERS, HUB_SHEETS, INTERACTIONS, LISTS,
                               SheetSpec, normalize_header)

MISSING_SHEET, RENAMED_SHEET, ADDED_SHEET = "missing_sheet", "renamed_sheet", "added_sheet"
MISSING_COLUMN, EXTRA_COLUMN, RENAMED_COLUMN = "missing_column", "extra_column", "renamed_column"
ADDED_LIST_VALUE, MISSING_LIST_VALUE = "added_list_value", "missing_list_value"
KINDS = (MISSING_SHEET, RENAMED_SHEET, ADDED_SHEET, MISSING_COLUMN, RENAMED_COLUMN,
         EXTRA_COLUMN, ADDED_LIST_VALUE, MISSING_LIST_VALUE)
KIND_LABELS = {MISSING_SHEET: "Sheet missing", RENAMED_SHEET: "Sheet renamed",
               ADDED_SHEET: "Sheet added", MISSING_COLUMN: "Column missing",
               RENAMED_COLUMN: "Column renamed", EXTRA_COLUMN: "Column added",
               ADDED_LIST_VALUE: "List value added", MISSING_LIST_VALUE: "List value missing"}
MASTER_EXTRA_SHEETS = ("Read me",)  # the template's own sheets besides the contract's
FORMS_COLUMNS = (FORMS_ID, "Start time", FORMS_COMPLETION, "Email", FORMS_NAME)
RENAME_SCORE = 0.6  # how alike a header must be to a missing master header to be its rename
LIST_KEYS = {"Divisions": "divisions", "Channels": "channels",
             "Interaction Types": "interaction_types", "Account Types": "account_types"}


@dataclass(frozen=True)
class Drift:
    """One difference from the master template.

    ``sheet`` is the master sheet concerned (the workbook's own name for an added sheet);
    ``found`` what the workbook has (a header, sheet name or list value; None when missing);
    ``master`` the master's header, sheet or list (the closest one for a rename; None for
    something added); ``message`` says what it means and what to do.
    """

    kind: str
    sheet: str
    found: str | None
    master: str | None
    message: str

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def _similarity(a: str, b: str) -> float:
    """How alike two headers are: the better of their spelling ratio and the share of the
    shorter header's words the other one has (normalised; 1.0 = same)."""
    a, b = normalize_header(a), normalize_header(b)
    spelling = difflib.SequenceMatcher(None, a, b).ratio()
    words_a, words_b = a.split(), b.split()
    if not words_a or not words_b:
        return spelling
    # A word is shared when the other header has it or a longer form of it ("note", "notes").
    shared = sum(any(_same_word(w, v) for v in words_b) for w in words_a)
    return max(spelling, 0.85 * shared / min(len(words_a), len(words_b)))


def _same_word(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return short == long or (len(short) >= 3 and long.startswith(short))


def _sheet_drift(spec: SheetSpec, headers: list[str]) -> list[Drift]:
    """Missing, renamed and extra columns of one contract sheet's header row."""
    master = HUB_HEADERS[spec.name]
    accepted = {normalize_header(h) for h in FORMS_COLUMNS} if spec is INTERACTIONS else set()
    found = [h for h in headers if h]
    by_norm: dict[str, str] = {}
    for header in found:
        by_norm.setdefault(normalize_header(header), header)
    drift: list[Drift] = []
    unmatched_master: list[str] = []
    used: set[str] = set()
    for name in master:
        key = normalize_header(name)
        if key in by_norm:
            used.add(key)
            continue
        alias = next((a for a in spec.column(name).aliases if normalize_header(a) in by_norm
                      and normalize_header(a) not in used), None)
        if alias is not None:
            used.add(normalize_header(alias))
            drift.append(Drift(RENAMED_COLUMN, spec.name, by_norm[normalize_header(alias)], name,
                               f"'{by_norm[normalize_header(alias)]}' is read as '{name}' (an "
                               f"accepted alias); the master header is '{name}'."))
            continue
        unmatched_master.append(name)
    extras = [h for key, h in by_norm.items() if key not in used and key not in accepted]
    pairs = sorted(((_similarity(m, e), m, e) for m in unmatched_master for e in extras),
                   key=lambda t: -t[0])
    renamed: dict[str, str] = {}
    for score, name, header in pairs:
        if score < RENAME_SCORE or name in renamed or header in renamed.values():
            continue
        renamed[name] = header
    for name in unmatched_master:
        col = spec.column(name)
        if name in renamed:
            header = renamed[name]
            effect = ("the sheet cannot load until it is renamed back" if col.required
                      else "its values are not read until it is renamed back")
            drift.append(Drift(RENAMED_COLUMN, spec.name, header, name,
                               f"'{header}' looks like the master's '{name}': {effect}."))
            continue
        stand_in = FORMS_STAND_INS.get(name) if spec is INTERACTIONS else None
        if stand_in and normalize_header(stand_in) in by_norm:
            effect = f"the Forms column '{stand_in}' stands in for it"
        elif col.required:
            effect = "a required column: the sheet cannot load without it"
        else:
            effect = "its values count as blank"
        drift.append(Drift(MISSING_COLUMN, spec.name, None, name,
                           f"The master column '{name}' is missing ({effect})."))
    for header in extras:
        if header in renamed.values():
            continue
        drift.append(Drift(EXTRA_COLUMN, spec.name, header, None,
                           f"'{header}' is not in the master template; the dashboard ignores it."
                           " If the division needs it, raise a change request."))
    return drift


def _list_drift(values: dict[str, list[str]]) -> list[Drift]:
    """Values a workbook's Lists columns add to, or leave out of, the master lists."""
    drift: list[Drift] = []
    for header, key in LIST_KEYS.items():
        if header not in values:
            continue
        master = DEFAULT_LISTS[key]
        own = list(dict.fromkeys(values[header]))
        master_norm = {" ".join(v.split()).casefold(): v for v in master}
        for value in own:
            if value in master:
                continue
            near = master_norm.get(" ".join(value.split()).casefold())
            note = (f" It differs from the master's '{near}' only in case or spacing."
                    if near else "")
            drift.append(Drift(ADDED_LIST_VALUE, LISTS.name, value, header,
                               f"'{value}' is a local {header} value, not in the master list."
                               f"{note}"))
        for value in master:
            if value not in own:
                drift.append(Drift(MISSING_LIST_VALUE, LISTS.name, None, header,
                                   f"The master {header} value '{value}' is not in this "
                                   "workbook's list."))
    return drift


def template_drift(layout: dict | None) -> list[Drift]:
    """Every difference between one Hub workbook's layout and the master template.

    ``layout``: ``{"sheets": [names], "headers": {contract sheet: {"sheet": its name in the
    workbook, "headers": [header cells]}}, "lists": {Lists header: [values]}}`` as
    workbook.py reads it; None (a file that could not be opened) has no drift.
    Order: sheets, then each contract sheet's columns, then list values.
    """
    if not layout:
        return []
    names: list[str] = list(layout.get("sheets") or [])
    headers: dict[str, dict] = layout.get("headers") or {}
    drift: list[Drift] = []
    claimed: set[str] = set()
    for spec in HUB_SHEETS:
        entry = headers.get(spec.name)
        sheet = _sheet_for(spec, names) if entry is None else entry["sheet"]
        if sheet is None:
            effect = ("a required sheet: the workbook cannot load without it" if spec.required
                      else "adoption cannot be measured from this workbook" if spec.name == "Staff"
                      else "the master lists apply")
            drift.append(Drift(MISSING_SHEET, spec.name, None, spec.name,
                               f"The master sheet '{spec.name}' is missing ({effect})."))
            continue
        claimed.add(sheet)
        if normalize_header(sheet) != normalize_header(spec.name):
            drift.append(Drift(RENAMED_SHEET, spec.name, sheet, spec.name,
                               f"Sheet '{sheet}' is read as '{spec.name}' (an accepted "
                               f"alias); the master name is '{spec.name}'."))
    extra_ok = {normalize_header(n) for n in MASTER_EXTRA_SHEETS}
    for name in names:
        if name not in claimed and normalize_header(name) not in extra_ok:
            drift.append(Drift(ADDED_SHEET, name, name, None,
                               f"Sheet '{name}' is not in the master template; the dashboard "
                               "ignores it."))
    for spec in HUB_SHEETS:
        entry = headers.get(spec.name)
        if entry is not None:
            drift += _sheet_drift(spec, list(entry["headers"]))
    return drift + _list_drift(layout.get("lists") or {})


def _sheet_for(spec: SheetSpec, names: list[str]) -> str | None:
    wanted = {normalize_header(n) for n in (spec.name, *spec.aliases)}
    return next((n for n in names if normalize_header(n) in wanted), None)
