"""Which encoding a shapefile's text is in, decided so that it is never garbled.

Both GDAL engines read a GBK shapefile without a ``.cpg`` as Latin-1
(``已入驻`` becomes ``ÒÑÈë×¤``) and say nothing. Here the order is: the
``.cpg`` file, then the DBF language id (byte 29), then strict UTF-8, then
strict GB18030; whatever is chosen must decode every text value of the
``.dbf`` strictly, or the import is refused naming the feature and field.
A ``.cpg`` naming no known encoding (``System``, ``OEM`` …) is noted and
detection goes on as if there were none.

A Latin single-byte code page (``.cpg`` 1252, language id 0x03, or
``--encoding latin1``) decodes any bytes, so GBK text read with it comes out
as ``ºñÏè·þ×°³§`` without an error. The rule that catches it, whoever
declared the code page: a text value is **GBK in disguise** when it decodes
strictly as GB18030 and at least :data:`GBK_CJK_SHARE` of its non-ASCII
characters are Chinese characters both of whose bytes are high (as every
GB2312 character's are; an accented Latin letter is one high byte beside
ASCII ones), **and** it is not plausible Latin text, i.e. read with the
code page, not every non-ASCII character is a letter or they outnumber the
ASCII letters (``Müller``, ``informação`` are plausible; ``ÒÑÈë×¤`` is not).
Such a value refuses the import with ``--encoding GBK`` as the fix (or
``--encoding UTF-8`` when it is UTF-8 Chinese, tried first).

Examples
--------
>>> normalise_encoding("936")
'gbk'
>>> normalise_encoding("UTF-8")
'utf-8'
>>> normalise_encoding("ANSI 936"), normalise_encoding("88591")
('gbk', 'iso8859-1')
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
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

#: Windows code page numbers (and names) as written in .cpg files by ArcGIS and others;
#: other numbers NNNN are tried as cpNNNN. GB2312 files often hold GBK characters.
_CPG_NUMBERS = {"65001": "utf-8", "936": "gbk", "54936": "gb18030", "950": "big5", "932": "cp932", "949": "cp949",
                "88591": "iso8859-1", "885915": "iso8859-15", "gb2312": "gbk"}

#: Single-byte code pages of Latin-script languages: they decode any bytes, so GBK read with them is garbled silently.
LATIN_CODEPAGES = frozenset(
    {"cp437", "cp850", "cp852", "cp1250", "cp1252", "cp1254", "cp1257", "iso8859-1", "iso8859-2", "iso8859-15", "mac-roman"}
)
#: Share of a value's non-ASCII characters that must be two-high-byte Chinese for it to count as GBK.
GBK_CJK_SHARE = 0.9


class EncodingError(ZonemapError):
    """The text of a source cannot be decoded without garbling it."""


@dataclass(frozen=True)
class EncodingChoice:
    """The encoding a source is read with, and how it was decided."""

    encoding: str
    reason: str

    def __str__(self) -> str:
        return f"{self.encoding.upper()} ({self.reason})"


def normalise_encoding(name: str, *, where: str = "--encoding") -> str:
    """Python's name for an encoding written as in a .cpg, a code page number or a CLI flag."""
    text = name.strip().strip("\x00").lower()
    for prefix in ("ansi ", "ansi_", "ansi-", "cp", "windows-"):
        if text.startswith(prefix) and text[len(prefix):].strip().isdigit():
            text = text[len(prefix):].strip()
    text = _CPG_NUMBERS.get(text, f"cp{text}" if text.isdigit() else text)
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise EncodingError(
            f"{where}: unknown encoding {name!r}; give one of UTF-8, GBK, GB18030, BIG5 "
            "(Chinese survey files without UTF-8 are usually --encoding GBK)"
        ) from None


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


def _high_byte_texts(dbf: Path) -> Iterator[tuple[int, str, bytes, int]]:
    """(row, field name, raw value, field width) of every text value with a byte ≥ 0x80."""
    _, fields, records, _ = _dbf_text(dbf)
    for field in fields:
        column = records[:, field.offset : field.offset + field.width]
        for row in np.flatnonzero((column >= 0x80).any(axis=1)):  # pure ASCII decodes in any encoding
            yield int(row), field.name.decode("latin-1"), bytes(column[row]).rstrip(b" \x00"), field.width


def _first_undecodable(dbf: Path, encoding: str) -> str | None:
    """``feature N field F`` of the first text that ``encoding`` cannot decode, else None."""
    names, _, _, _ = _dbf_text(dbf)
    for name in names:
        try:
            name.decode(encoding)
        except UnicodeDecodeError:
            return f"field name {name!r}"
    for row, field, value, width in _high_byte_texts(dbf):
        try:
            value.decode(encoding)
        except UnicodeDecodeError as exc:
            where = f"feature {row + 1} field {field}"
            if exc.end == len(value) and len(value) >= width - 1:
                return f"{where} was cut mid-character at {len(value)} bytes (the .dbf limit is 254)"
            return f"{where} is not valid {encoding.upper()} text"
    return None


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


def _is_gbk_chinese(char: str) -> bool:
    """A Chinese character whose GBK bytes are both high, as every GB2312 character's are."""
    code = char.encode("gb18030")
    return _is_cjk(char) and len(code) == 2 and code[1] >= 0x80


def _chinese_in_disguise(value: bytes, encoding: str) -> tuple[str, str, str] | None:
    """(as read with ``encoding``, the Chinese text, its real encoding) when ``value`` is UTF-8 or GBK Chinese."""
    latin = value.decode(encoding, errors="replace")
    accented = [c for c in latin if not c.isascii()]
    if all(c.isalpha() for c in accented) and sum(c.isascii() and c.isalpha() for c in latin) > len(accented):
        return None  # plausible Latin text: Müller, informação
    for real, is_chinese in (("UTF-8", _is_cjk), ("GBK", _is_gbk_chinese)):
        try:
            chinese = value.decode(real)
        except UnicodeDecodeError:
            continue
        wide = [c for c in chinese if not c.isascii()]
        if sum(map(is_chinese, wide)) >= GBK_CJK_SHARE * len(wide):
            return latin, chinese, real
    return None


def _refuse_chinese_in_disguise(dbf: Path, choice: EncodingChoice) -> None:
    if choice.encoding not in LATIN_CODEPAGES:
        return
    for row, field, value, _ in _high_byte_texts(dbf):
        found = _chinese_in_disguise(value, choice.encoding)
        if found:
            latin, chinese, real = found
            fix = f"pass --encoding {real}" + (" (and correct the .cpg)" if ".cpg" in choice.reason else "")
            raise EncodingError(
                f"{dbf}: feature {row + 1} field {field} reads as {latin!r} in {choice} but is {real} Chinese "
                f"({chinese!r}); {fix}"
            )


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
        choice = EncodingChoice(normalise_encoding(override, where=f"{shp}: --encoding"), "given with --encoding")
    else:
        choice = _decide(shp, dbf)
        # UTF-8 Chinese often decodes as GBK too, into nonsense; GBK text is almost never valid UTF-8.
        if choice.encoding != "utf-8" and _has_non_ascii(dbf) and _first_undecodable(dbf, "utf-8") is None:
            raise EncodingError(
                f"{dbf}: the encoding is {choice}, but the text is valid UTF-8 and would come out garbled; "
                "if it is UTF-8, fix the .cpg or pass --encoding UTF-8"
            )
    _refuse_chinese_in_disguise(dbf, choice)
    bad = _first_undecodable(dbf, choice.encoding)
    if bad and "mid-character" in bad:
        raise EncodingError(f"{dbf}: {bad}; shorten the text in the source and export it again")
    if bad:
        raise EncodingError(f"{dbf}: {bad} (encoding {choice}); pass the right one with --encoding (e.g. --encoding GBK)")
    return choice


def _decide(shp: Path, dbf: Path) -> EncodingChoice:
    cpg = _read_cpg(shp)
    cpg_name = shp.with_suffix(".cpg").name
    no_cpg = "no .cpg"
    if cpg:
        try:
            return EncodingChoice(normalise_encoding(cpg, where=cpg_name), f"from {cpg_name}: {cpg}")
        except EncodingError:  # "System", "OEM": the writer's own code page, unknown here
            no_cpg = f"{cpg_name} says {cpg!r}, which names no encoding"
    _, _, _, ldid = _dbf_text(dbf)
    if ldid in _LDID_CODEPAGES:
        return EncodingChoice(_LDID_CODEPAGES[ldid], f"{no_cpg}; from the .dbf language id 0x{ldid:02X}")
    for candidate, reason in (("utf-8", f"{no_cpg} or language id; all text is valid UTF-8"),
                              ("gb18030", f"{no_cpg} or language id; the text is not UTF-8 but valid GB18030 (GBK)")):
        bad = _first_undecodable(dbf, candidate)
        if bad is None:
            return EncodingChoice(candidate, reason)
        if "mid-character" in bad:
            raise EncodingError(f"{dbf}: {bad}; shorten the text in the source and export it again")
    raise EncodingError(
        f"{dbf}: {bad.replace(' is not valid GB18030 text', '')} is neither UTF-8 nor GB18030 text and there is no .cpg; "
        "pass the encoding with --encoding (e.g. --encoding BIG5)"
    )
