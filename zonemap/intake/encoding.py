"""Which encoding a shapefile's text is in, decided so that it is never garbled.

Both GDAL engines read a GBK shapefile without a ``.cpg`` as Latin-1
(``已入驻`` becomes ``ÒÑÈë×¤``) and say nothing. Here the order is: the
``.cpg`` file, then the DBF language id (byte 29), then strict UTF-8, then
strict GB18030; whatever is chosen must decode every text value of the
``.dbf`` strictly, or the import is refused naming the feature and field.
A ``.cpg`` naming no known encoding (``System``, ``OEM`` …) is noted and
detection goes on as if there were none.

Whatever decided the encoding, the text must also be **plausible**: a
decoding that gives implausible text (Chinese characters inside Latin words,
``M閤ico`` from Latin-1 read as GBK; rare-character soup from GBK read as
BIG5; accented letters with no Latin word around them, ``ÒÑÈë×¤`` from GBK
read as Latin-1) is compared with the other usual encodings
(:data:`CANDIDATES`); when one of them reads the same bytes plausibly, a
detected encoding gives way to it and a declared one (``.cpg``, language id,
``--encoding``) is refused, naming the feature, both readings and the fix.
See :func:`implausible_share` for what counts as plausible. The same check
guards DXF text (:mod:`zonemap.intake.cad`).

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

#: The encodings a reading that looks implausible is compared with, most usual first.
CANDIDATES: tuple[str, ...] = ("utf-8", "gb18030", "big5", "cp949", "cp1252")
#: A reading with at least this share of implausible characters is suspect …
IMPLAUSIBLE_SHARE = 0.25
#: … and gives way to one with at most this share (and a third of its own).
PLAUSIBLE_SHARE = 0.05
#: Non-letters that survey text holds: units, degrees, multiplication, currency.
PLAIN_SYMBOLS = frozenset("°²³±×·µ€£¥§©®№")


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


def _common_chinese(char: str) -> tuple[bool, bool]:
    """Whether a Chinese character is among the common ones of simplified (GB2312 level 1) and traditional (BIG5 level 1) text."""
    try:
        gb = char.encode("gb2312")
        simplified = len(gb) == 2 and 0xB0 <= gb[0] <= 0xD7
    except UnicodeEncodeError:
        simplified = False
    try:
        big5 = char.encode("big5")
        traditional = len(big5) == 2 and 0xA4 <= big5[0] <= 0xC6
    except UnicodeEncodeError:
        traditional = False
    return simplified, traditional


def _plausible(text: str, i: int) -> tuple[bool, bool]:
    """Whether non-ASCII ``text[i]`` is plausible in simplified- and in traditional-Chinese readings (else: neither)."""
    char = text[i]
    before, after = text[i - 1 : i], text[i + 1 : i + 2]
    inside_latin_word = before.isascii() and before.isalpha() and after.isascii() and after.isalpha()
    if "\u4e00" <= char <= "\u9fff":
        return (False, False) if inside_latin_word else _common_chinese(char)
    if "\u3000" <= char <= "\u303f" or "\uff01" <= char <= "\uff5e" or "\u3040" <= char <= "\u30ff" or char in PLAIN_SYMBOLS:
        return True, True  # CJK punctuation, full-width forms, kana, symbols of survey text
    if "\uac00" <= char <= "\ud7a3":  # Hangul: the 2350 syllables of KS X 1001 are the common ones
        if inside_latin_word:
            return False, False
        try:
            common = len(char.encode("euc_kr")) == 2
        except UnicodeEncodeError:
            common = False
        return common, common
    if char.isalpha() and ord(char) < 0x250:  # an accented Latin letter belongs in a Latin word
        latin = (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())
        return latin, latin
    return False, False


def implausible_share(texts) -> float:
    """Share of the non-ASCII characters of ``texts`` that real text would hardly hold (0 when there are none).

    Plausible: common Chinese characters (of one script throughout), Hangul
    syllables, kana, CJK punctuation and full-width forms, accented Latin
    letters beside ASCII letters, a few symbols (² ° ×); not: Chinese inside
    a Latin word, rare characters, accents with no Latin word around them.

    >>> implausible_share(["已入驻", "厚翔服装厂"]), implausible_share(["México", "Müller"])
    (0.0, 0.0)
    >>> implausible_share(["M閤ico"]), round(implausible_share(["ÒÑÈë×¤"]), 2)
    (1.0, 0.83)
    """
    simplified = traditional = total = 0
    for text in texts:
        for i, char in enumerate(text):
            if char.isascii():
                continue
            total += 1
            s, t = _plausible(text, i)
            simplified += s
            traditional += t
    return 1 - max(simplified, traditional) / total if total else 0.0


def better_reading(values: list[bytes], encoding: str) -> str | None:
    """Another usual encoding that reads ``values`` plausibly where ``encoding`` does not, else None."""
    try:
        chosen = implausible_share(v.decode(encoding, errors="surrogateescape") for v in values)
    except LookupError:
        return None
    if chosen < IMPLAUSIBLE_SHARE:
        return None
    best, best_share = None, chosen
    for candidate in CANDIDATES:
        if codecs.lookup(candidate).name == codecs.lookup(encoding).name:
            continue
        try:
            share = implausible_share([v.decode(candidate) for v in values])
        except UnicodeDecodeError:
            continue
        if share < best_share:
            best, best_share = candidate, share
    return best if best is not None and best_share <= PLAUSIBLE_SHARE and best_share < chosen / 3 else None


def encoding_label(encoding: str) -> str:
    """How a fix names an encoding: GBK for GB18030 (what Chinese users know), upper case otherwise."""
    return "GBK" if encoding in ("gb18030", "gbk") else encoding.upper()


def _implausible(dbf: Path, choice: EncodingChoice) -> tuple[str, str, str] | None:
    """(where, as read, as the better encoding reads it) of the first value, and that encoding, when ``choice`` reads implausibly."""
    found = list(_high_byte_texts(dbf))
    better = better_reading([value for *_, value, _ in found], choice.encoding)
    if better is None:
        return None
    for row, field, value, _ in found:
        read = value.decode(choice.encoding, errors="replace")
        if implausible_share([read]) >= IMPLAUSIBLE_SHARE:
            return f"feature {row + 1} field {field}", read, value.decode(better), better
    return None


def _script(text: str) -> str:
    if any("\uac00" <= c <= "\ud7a3" for c in text):
        return "Korean"
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return "Chinese"
    return "text"


def _refuse_implausible(dbf: Path, choice: EncodingChoice) -> None:
    found = _implausible(dbf, choice)
    if found:
        where, read, real, better = found
        fix = f"pass --encoding {encoding_label(better)}" + (" (and correct the .cpg)" if ".cpg" in choice.reason else "")
        raise EncodingError(
            f"{dbf}: {where} reads as {read!r} in {choice} but is {encoding_label(better)} {_script(real)} ({real!r}); {fix}"
        )


def _has_non_ascii(dbf: Path) -> bool:
    names, fields, records, _ = _dbf_text(dbf)
    text = [records[:, f.offset : f.offset + f.width] for f in fields]
    return any(max(name, default=0) >= 0x80 for name in names) or any((column >= 0x80).any() for column in text)


def quoted(text: str, limit: int = 60) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters (a .cpg may hold a whole web page).

    >>> len(quoted("<!DOCTYPE html>" + "x" * 2000))
    62
    """
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


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
    _refuse_implausible(dbf, choice)
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
            no_cpg = f"{cpg_name} is present but unreadable: {quoted(cpg)} names no encoding"
    _, _, _, ldid = _dbf_text(dbf)
    if ldid in _LDID_CODEPAGES:
        return EncodingChoice(_LDID_CODEPAGES[ldid], f"{no_cpg}; from the .dbf language id 0x{ldid:02X}")
    # No declaration: the first usual encoding that decodes every value and reads plausibly.
    values = [value for *_, value, _ in _high_byte_texts(dbf)]
    reasons = {"utf-8": "all text is valid UTF-8", "gb18030": "the text is not UTF-8 but valid GB18030 (GBK)"}
    first_bad = None
    for candidate in CANDIDATES:
        bad = _first_undecodable(dbf, candidate)
        if bad and "mid-character" in bad and candidate in reasons:
            raise EncodingError(f"{dbf}: {bad}; shorten the text in the source and export it again")
        first_bad = first_bad or bad
        if bad is None and (candidate == "utf-8" or implausible_share(v.decode(candidate) for v in values) < IMPLAUSIBLE_SHARE):
            why = reasons.get(candidate, f"the text is neither UTF-8 nor plausible GB18030 (GBK); it reads as {encoding_label(candidate)}")
            return EncodingChoice(candidate, f"{no_cpg}; no language id; {why}")
    raise EncodingError(
        f"{dbf}: {first_bad.replace(' is not valid UTF-8 text', '')} reads plausibly in none of UTF-8, GBK, BIG5, CP949, CP1252 "
        "and there is no .cpg; pass the encoding with --encoding"
    )
