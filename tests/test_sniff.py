"""What a file is, from its bytes (contract: bad input table; xlsx-corpus MANIFEST)."""
from __future__ import annotations

from pathlib import Path

import pytest

from hub_data.sniff import sniff
from tests.conftest import CORPUS

EXPECTED = {
    "valid_minimal.xlsx": None,
    "empty_0_bytes.xlsx": "EMPTY_FILE",
    "text_renamed.xlsx": "NOT_A_WORKBOOK",
    "csv_renamed.xlsx": "NOT_A_WORKBOOK",
    "html_table_renamed.xlsx": "NOT_A_WORKBOOK",
    "truncated_zip.xlsx": "DAMAGED",
    "zip_not_ooxml.xlsx": "NOT_A_WORKBOOK",
    "encrypted_password.xlsx": "ENCRYPTED",
    "legacy_biff8.xls": "LEGACY_FORMAT",
    "legacy_biff8_named.xlsx": "LEGACY_FORMAT",
    "hub_as_ods.ods": "LEGACY_FORMAT",
    "hub_ods_named.xlsx": "LEGACY_FORMAT",
    "placeholder.xlsb": "LEGACY_FORMAT",
    "xlsb_named.xlsx": "LEGACY_FORMAT",
    "billion_laughs_sharedstrings.xlsx": "UNSAFE_XML",
    "xxe_external_entity.xlsx": "UNSAFE_XML",
    "date_system_1904.xlsx": None,
    "formulas_no_cache.xlsx": None,
    "forms_table_listobject.xlsx": None,
}
WORDS = {"csv_renamed.xlsx": "CSV", "html_table_renamed.xlsx": "HTML",
         "legacy_biff8_named.xlsx": ".xls", "encrypted_password.xlsx": "password",
         "hub_ods_named.xlsx": ".ods", "xlsb_named.xlsx": ".xlsb", "empty_0_bytes.xlsx": "empty"}


@pytest.mark.parametrize(("name", "code"), EXPECTED.items())
def test_corpus_file_is_recognised_by_content(name: str, code: str | None) -> None:
    verdict = sniff(CORPUS / name)
    assert verdict.code == code
    if code:
        assert verdict.message.endswith(".")
    if name in WORDS:
        assert WORDS[name] in verdict.message


def test_zip_bomb_rule_refuses_before_inflating(tmp_path: Path) -> None:
    import zipfile
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"<c/>" * (1 << 20)
            for _ in range(13):  # 52 MB of one repeated tag: ratio far above 100
                part.write(chunk)
    verdict = sniff(bomb)
    assert verdict.code == "TOO_LARGE" and "zip bomb" in verdict.message


def test_a_well_compressed_real_part_is_not_refused(tmp_path: Path) -> None:
    import os
    import zipfile
    normal = tmp_path / "normal.xlsx"
    with zipfile.ZipFile(normal, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", os.urandom(1 << 20))  # ratio ≈ 1
    assert sniff(normal).ok


def test_unreadable_file_is_a_problem_not_an_exception(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "locked.xlsx"
    target.write_bytes(b"PK\x03\x04")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)
    verdict = sniff(target)
    assert verdict.code == "UNREADABLE" and "permission" in verdict.message
