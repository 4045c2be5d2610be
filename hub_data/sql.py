"""SQL macros that type raw text cells, created once per database (they persist in the file).

Value rules of hub-data-contract.md ("Values") written once, set-based: text dates in the four
allowed forms (day/month order as a parameter), Yes/No variants, IDs typed as numbers (``12``
not ``12.0``), naira amounts as text, and name normalisation (NFC, Unicode white space
collapsed, case-folded; zero-width characters and full-width letters stay different).
"""
from __future__ import annotations

import duckdb

# Python's str.split() white space, NBSP included (RE2's \s is ASCII only).
WS = (r"[\t\n\x{0B}\x{0C}\r\x{1C}-\x{1F} \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}"
      r"\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]+")

ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?$"
DMY = r"^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4})(?:\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$"
# White space that squash() must rewrite: anything but a single ASCII space between words.
WS_SPECIAL = (r"[\t\n\x{0B}\x{0C}\r\x{1C}-\x{1F}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}"
              r"\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]|  |^ | $")
ISO_SECONDS = "%Y-%m-%d %H:%M:%S"  # how calamine writes a real Excel date cell as text
AMOUNT_NUMBER = r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^-?\d+(\.\d+)?[eE][+-]?\d+$"

MACROS = (
    # Most cells need nothing: test first (cheap), rewrite only the few that do.
    f"""CREATE OR REPLACE MACRO squash(s) AS CASE
          WHEN regexp_matches(s, '{WS_SPECIAL}') THEN trim(regexp_replace(s, '{WS}', ' ', 'g'))
          ELSE s END""",
    "CREATE OR REPLACE MACRO clean(s) AS nullif(squash(s), '')",
    "CREATE OR REPLACE MACRO norm_name(s) AS lower(squash(nfc_normalize(s)))",
    r"""CREATE OR REPLACE MACRO parse_id(s) AS CASE
          WHEN contains(s, '.') AND regexp_full_match(squash(s), '-?\d+\.0+')
            THEN regexp_replace(squash(s), '\.0+$', '')
          ELSE clean(s) END""",
    # Only a cell with a dot can be a decimal: the regular expressions see those alone.
    r"""CREATE OR REPLACE MACRO is_bad_id(s) AS CASE WHEN NOT contains(s, '.') THEN false
          ELSE regexp_full_match(squash(s), '-?\d+\.\d*[1-9]\d*') END""",
    """CREATE OR REPLACE MACRO ts_make(y, m, d, hh, mi, ss) AS try_strptime(
          y || '-' || lpad(m, 2, '0') || '-' || lpad(d, 2, '0') || ' ' ||
          lpad(coalesce(nullif(hh, ''), '0'), 2, '0') || ':' ||
          lpad(coalesce(nullif(mi, ''), '0'), 2, '0') || ':' ||
          lpad(coalesce(nullif(ss, ''), '0'), 2, '0'), '%Y-%m-%d %H:%M:%S')""",
    # The text forms, each regular expression evaluated once per cell: the lambda binds both
    # extractions to ``x`` (a macro that repeated ``regexp_extract(...)`` per field was
    # expanded a dozen times, and planning each use of parse_ts cost ~15 ms).
    f"""CREATE OR REPLACE MACRO ts_text(t, mdy) AS list_transform(
          [struct_pack(i := regexp_extract(t, '{ISO}', ['y', 'm', 'd', 'hh', 'mi', 'ss']),
                       d := regexp_extract(t, '{DMY}',
                                           ['a', 's1', 'b', 's2', 'y', 'hh', 'mi', 'ss']))],
          lambda x: CASE
            WHEN x.i.y <> '' THEN ts_make(x.i.y, x.i.m, x.i.d, x.i.hh, x.i.mi, x.i.ss)
            WHEN x.d.y <> '' AND x.d.s1 = x.d.s2 THEN
              ts_make(x.d.y, CASE WHEN mdy THEN x.d.a ELSE x.d.b END,
                      CASE WHEN mdy THEN x.d.b ELSE x.d.a END, x.d.hh, x.d.mi, x.d.ss)
            END)[1]""",
    # Real Excel dates arrive as 'YYYY-MM-DD HH:MM:SS' (one fast strptime); the regular
    # expressions only see text typed by people (coalesce evaluates them only for those).
    f"""CREATE OR REPLACE MACRO parse_ts(s, mdy) AS CASE
          WHEN s IS NULL THEN NULL
          ELSE coalesce(try_strptime(s, '{ISO_SECONDS}'), ts_text(squash(s), mdy)) END""",
    """CREATE OR REPLACE MACRO parse_bool(s) AS CASE
          WHEN lower(squash(s)) IN ('yes', 'y', 'true', '1') THEN true
          WHEN lower(squash(s)) IN ('no', 'n', 'false', '0') THEN false END""",
    r"""CREATE OR REPLACE MACRO amount_body(s) AS replace(regexp_replace(regexp_replace(
          squash(s), '^\((.*)\)$', '\1'), '^(₦|NGN)\s*', '', 'i'), ' ', '')""",
    f"""CREATE OR REPLACE MACRO parse_amount(s) AS CASE
          WHEN regexp_full_match(amount_body(s), '{AMOUNT_NUMBER}') THEN
            try_cast(replace(amount_body(s), ',', '') AS DOUBLE)
            * CASE WHEN regexp_full_match(squash(s), '^\\(.*\\)$') THEN -1 ELSE 1 END
          END""",
    r"""CREATE OR REPLACE MACRO parse_rating(s) AS CASE
          WHEN regexp_full_match(squash(s), '[1-5](\.0+)?') THEN CAST(left(squash(s), 1) AS INTEGER)
          END""",
)


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) every typing macro on ``con``."""
    for statement in MACROS:
        con.execute(statement)
