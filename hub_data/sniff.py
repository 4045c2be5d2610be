"""What a file really is, from its bytes, before any parser sees it.

The extension is never trusted (xlsx-corpus/READERS.md): an empty OneDrive placeholder, a CSV
or an HTML "Excel export" renamed .xlsx, an old .xls, an encrypted workbook (an OLE container),
an .ods or .xlsb, a truncated copy and a zip bomb all get their own load-problem code and a
message that says what to do. The zip rule of the contract is applied to the central directory
only, so a hostile part is refused before a byte of it is inflated.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 50 * 1024 * 1024
MAX_PART_BYTES = 4 * 1024 ** 3
XML_PROBE_BYTES = 4096


@dataclass(frozen=True)
class Sniffed:
    """The verdict on one file: ``kind`` ('xlsx' when readable) or a load-problem code."""

    kind: str
    code: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.code is None


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _sniff_ole(head: bytes) -> Sniffed:
    """OLE2/CFB: an encrypted OOXML workbook or a legacy BIFF .xls (directory names in UTF-16)."""
    if _utf16("EncryptionInfo") in head or _utf16("EncryptedPackage") in head:
        return Sniffed("encrypted", "ENCRYPTED",
                       "the workbook is password-protected: remove the password "
                       "(File ▸ Info ▸ Protect Workbook) or share an unprotected copy.")
    if _utf16("Workbook") in head or _utf16("Book") in head:
        return Sniffed("xls", "LEGACY_FORMAT",
                       "this is an old Excel 97-2003 .xls file: open it in Excel and "
                       "Save As .xlsx (Excel Workbook).")
    return Sniffed("ole", "NOT_A_WORKBOOK",
                   "this is an Office document but not an Excel workbook: save the Hub as .xlsx.")


def _sniff_text(head: bytes) -> Sniffed:
    text = head[:4096].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<html", "<!doctype html", "<table")) or "<table" in text[:2000] or (
            "urn:schemas-microsoft-com:office" in text):
        return Sniffed("html", "NOT_A_WORKBOOK",
                       "not an Excel workbook but an HTML page (a web 'Excel export'): open it "
                       "in Excel and Save As .xlsx.")
    first_line = text.splitlines()[0] if text.splitlines() else ""
    if first_line.count(",") >= 2 or first_line.count(";") >= 2 or first_line.count("\t") >= 2:
        return Sniffed("csv", "NOT_A_WORKBOOK",
                       "not an Excel workbook but a CSV text file: open it in Excel and "
                       "Save As .xlsx (do not just rename it).")
    return Sniffed("text", "NOT_A_WORKBOOK",
                   "not an Excel workbook (plain text): replace it with the .xlsx Hub workbook.")


def _unsafe_xml(archive: zipfile.ZipFile, names: list[str]) -> bool:
    """True when a workbook XML part declares a DTD or entities (billion laughs, XXE)."""
    for name in names:
        if not (name.endswith(".xml") and name.startswith("xl/")):
            continue
        with archive.open(name) as part:
            probe = part.read(XML_PROBE_BYTES)
        if b"<!DOCTYPE" in probe or b"<!ENTITY" in probe:
            return True
    return False


def _sniff_zip(path: Path) -> Sniffed:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = [info.filename for info in infos]
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_PART_BYTES or (
                        ratio > MAX_RATIO and info.file_size > RATIO_FLOOR_BYTES):
                    return Sniffed("zip", "TOO_LARGE",
                                   f"refused before opening: part {info.filename} would inflate "
                                   f"to {info.file_size / 1024 ** 2:,.0f} MB ({ratio:,.0f}× its "
                                   "compressed size), which looks like a zip bomb. Re-save the "
                                   "workbook in Excel or ask who sent it.")
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                return Sniffed("ods", "LEGACY_FORMAT",
                               "this is an OpenDocument (.ods) spreadsheet: open it in Excel or "
                               "LibreOffice and Save As .xlsx.")
            if "[Content_Types].xml" not in names:
                return Sniffed("zip", "NOT_A_WORKBOOK",
                               "a zip archive, not an Excel workbook: unzip it or replace it "
                               "with the .xlsx Hub workbook.")
            if "xl/workbook.bin" in names:
                return Sniffed("xlsb", "LEGACY_FORMAT",
                               "this is an Excel binary workbook (.xlsb): open it in Excel and "
                               "Save As .xlsx.")
            if "xl/workbook.xml" not in names:
                return Sniffed("zip", "NOT_A_WORKBOOK",
                               "an Office file that is not an Excel workbook: save the Hub as .xlsx.")
            if _unsafe_xml(archive, names):
                return Sniffed("xlsx", "UNSAFE_XML",
                               "unsafe XML inside the workbook (entity declarations, as in a "
                               "'billion laughs' or external-entity attack): it was not opened. "
                               "Re-save it from Excel or ask who sent it.")
    except zipfile.BadZipFile:
        return Sniffed("zip", "DAMAGED",
                       "the file is damaged or incomplete (an interrupted copy or sync?): "
                       "copy it again from OneDrive or restore the last good version.")
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        return Sniffed("zip", "DAMAGED", f"the workbook cannot be unpacked ({exc}): re-save it in Excel.")
    return Sniffed("xlsx")


def sniff(path: Path) -> Sniffed:
    """Classify ``path`` by its content; ``Sniffed.ok`` means: hand it to the xlsx reader."""
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
    except PermissionError:
        return Sniffed("unreadable", "UNREADABLE",
                       "permission denied: ask the folder's owner for read access.")
    except OSError as exc:
        return Sniffed("unreadable", "UNREADABLE",
                       f"the file cannot be read ({exc.strerror or exc}); if it is open or "
                       "syncing, wait and reload.")
    if not head:
        return Sniffed("empty", "EMPTY_FILE",
                       "the file is empty (0 bytes): a OneDrive placeholder or a failed sync? "
                       "Open the folder in OneDrive so the file downloads, or restore it.")
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(head)
    if head.startswith(ZIP_MAGICS):
        return _sniff_zip(path)
    return _sniff_text(head)
