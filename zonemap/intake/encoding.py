"""Which encoding a shapefile's text is in, decided so that it is never garbled.

Both GDAL engines read a GBK shapefile without a ``.cpg`` as Latin-1
(``已入驻`` becomes ``ÒÑÈë×¤``) and say nothing. Here the order is: the
``.cpg`` file, then the DBF language id (byte 29), then strict UTF-8, then
strict GB18030; whatever is chosen must decode every text value of the
``.dbf`` strictly, or the import is refused naming the feature and field.

Examples
--------
>>> normalise_encoding("936")
'gbk'
>>> normalise_encoding("UTF-8")
'utf-8'
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zonemap.errors import ZonemapError

#: DBF language driver id (byte 29) → code page, for the ids that name one.
#: 0 means "not set" and 0x57 means "the writer's ANSI code page", which
#: says nothing about the text, so neither is listed.
_LDID_CODEPAGES: dict[int, str] = {
    0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x13: "cp932", 0x4D: "gbk", 0x4E: "cp949",
    0x4F: "big5", 0x50: "cp874", 0x58: "cp1252", 0x59: "cp1252", 0x64: "cp852", 0x65: "cp866",
    0x78: "big5", 0x79: "cp949", 0x7A: "gbk", 0x7B: "cp932", 0x7C: "cp874", 0xC8: "cp1250",
    0xC9: "cp1251", 0xCA: "cp1254", 0xCB: "cp1253", 0xCC: "cp1257",
}

#: Windows code page numbers as written in .cpg files by ArcGIS and others.
_CPG_NUMBERS = {"65001": "utf-8", "936": "gbk", "54936": "gb18030", "950": "big5", "932": "cp932", "949": "cp949"}


class EncodingError(ZonemapError):
    """The text of a source cannot be decoded without garbling it."""


@dataclass(frozen=True)
class EncodingChoice:
    """The encoding a source is read with, and how it was decided."""

    encoding: str
    reason: str

    def __str__(self) -> str:
        return f"{self.encoding.upper()} ({self.reason})"


def normalise_encoding(name: str) -> str:
    """Python's name for an encoding written as in a .cpg, a code page number or a CLI flag."""
    text = name.strip().strip("\x00").lower()
    text = _CPG_NUMBERS.get(text, text)
    if text.startswith("cp") and text[2:] in _CPG_NUMBERS:
        text = _CPG_NUMBERS[text[2:]]
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise EncodingError(f"unknown encoding {name!r}; use one of UTF-8, GBK, GB18030, BIG5") from None


@dataclass(frozen=True)
class _TextField:
    name: bytes
    offset: int
    width: int


def _dbf_text(dbf: Path) -> tuple[list[bytes], list[_TextField], np.ndarray, int]:
    """Field names, the text (C) fields and the raw records of a .dbf, and its LDID."""
    data = dbf.read_bytes()
    if len(data) < 32:
        raise EncodingError(f"{dbf}: the .dbf is truncated ({len(data)} bytes); ask for the complete shapefile")
    count = int.from_bytes(data[4:8], "little")
    header_length = int.from_bytes(data[8:10], "little")
    record_length = int.from_bytes(data[10:12], "little")
    names, fields, offset = [], [], 1  # byte 0 of a record is the deletion flag
    for start in range(32, header_length - 1, 32):
        descriptor = data[start : start + 32]
        if len(descriptor) < 32 or descriptor[0] == 0x0D:
            break
        name = descriptor[:11].split(b"\x00")[0]
        width = descriptor[16]
        names.append(name)
        if descriptor[11:12] == b"C":
            fields.append(_TextField(name, offset, width))
        offset += width
    if len(data) < header_length + count * record_length:
        raise EncodingError(
            f"{dbf}: the .dbf is truncated ({len(data)} of {header_length + count * record_length} bytes); "
            "copy the complete shapefile again"
        )
    body = data[header_length : header_length + count * record_length]
    complete = len(body) // record_length if record_length else 0
    records = np.frombuffer(body[: complete * record_length], dtype=np.uint8).reshape(complete, record_length) if record_length else np.empty((0, 0), np.uint8)
    return names, fields, records, data[29]


def _first_undecodable(dbf: Path, encoding: str) -> str | None:
    """``feature N field F`` of the first text that ``encoding`` cannot decode, else None."""
    names, fields, records, _ = _dbf_text(dbf)
    for name in names:
        try:
            name.decode(encoding)
        except UnicodeDecodeError:
            return f"field name {name!r}"
    for field in fields:
        column = records[:, field.offset : field.offset + field.width]
        high = np.flatnonzero((column >= 0x80).any(axis=1))  # pure ASCII decodes in any encoding
        for row in high:
            value = bytes(column[row]).rstrip(b" \x00")
            try:
                value.decode(encoding)
            except UnicodeDecodeError as exc:
                where = f"feature {row + 1} field {field.name.decode('latin-1')}"
                if exc.end == len(value) and len(value) >= field.width - 1:
                    return f"{where} was cut mid-character at {len(value)} bytes (the .dbf limit is 254)"
                return f"{where} is not valid {encoding.upper()} text"
    return None


def _has_non_ascii(dbf: Path) -> bool:
    names, fields, records, _ = _dbf_text(dbf)
    text = [records[:, f.offset : f.offset + f.width] for f in fields]
    return any(max(name, default=0) >= 0x80 for name in names) or any((column >= 0x80).any() for column in text)


def _read_cpg(shp: Path) -> str | None:
    for cpg in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")):
        if cpg.exists():
            return cpg.read_text(encoding="ascii", errors="replace").strip()
    return None


def detect_encoding(shp: Path, dbf: Path, *, override: str | None = None) -> EncodingChoice:
    """The encoding of a shapefile's text; see the module docstring for the order.

    Raises :class:`EncodingError` naming the feature and field that would come
    out garbled, and the fix.
    """
    if override:
        choice = EncodingChoice(normalise_encoding(override), "given with --encoding")
    else:
        choice = _decide(shp, dbf)
        # UTF-8 Chinese often decodes as GBK too, into nonsense; GBK text is almost never valid UTF-8.
        if choice.encoding != "utf-8" and _has_non_ascii(dbf) and _first_undecodable(dbf, "utf-8") is None:
            raise EncodingError(
                f"{dbf}: the encoding is {choice}, but the text is valid UTF-8 and would come out garbled; "
                "if it is UTF-8, fix the .cpg or pass --encoding UTF-8"
            )
    bad = _first_undecodable(dbf, choice.encoding)
    if bad and "mid-character" in bad:
        raise EncodingError(f"{dbf}: {bad}; shorten the text in the source and export it again")
    if bad:
        raise EncodingError(f"{dbf}: {bad} (encoding {choice}); pass the right one with --encoding (e.g. --encoding GBK)")
    return choice


def _decide(shp: Path, dbf: Path) -> EncodingChoice:
    cpg = _read_cpg(shp)
    if cpg:
        return EncodingChoice(normalise_encoding(cpg), f"from {shp.with_suffix('.cpg').name}: {cpg}")
    _, _, _, ldid = _dbf_text(dbf)
    if ldid in _LDID_CODEPAGES:
        return EncodingChoice(_LDID_CODEPAGES[ldid], f"no .cpg; from the .dbf language id 0x{ldid:02X}")
    for candidate, reason in (("utf-8", "no .cpg or language id; all text is valid UTF-8"),
                              ("gb18030", "no .cpg or language id; the text is not UTF-8 but valid GB18030 (GBK)")):
        bad = _first_undecodable(dbf, candidate)
        if bad is None:
            return EncodingChoice(candidate, reason)
        if "mid-character" in bad:
            raise EncodingError(f"{dbf}: {bad}; shorten the text in the source and export it again")
    raise EncodingError(
        f"{dbf}: {bad.replace(' is not valid GB18030 text', '')} is neither UTF-8 nor GB18030 text and there is no .cpg; "
        "pass the encoding with --encoding (e.g. --encoding BIG5)"
    )
