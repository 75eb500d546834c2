"""Ids as planners type them: trimmed, NFKC-normalised, free of invisible characters, unique ignoring case.

``C04``, ``C04 ``, ``Ｃ０４`` (full-width) and ``c04`` are one parcel to a
reader; an id holding a zero-width space or a control character looks like
another one. Ids are normalised on the way in (import and edits) and
validation refuses ids that still collide.

Examples
--------
>>> normalise_id(" Ｃ０４\\u3000")
'C04'
>>> id_key("c04") == id_key("Ｃ０４ ")
True
>>> id_problem("C\\u200b04")
'holds an invisible or control character (\\\\u200b)'
"""

from __future__ import annotations

import re
import unicodedata

#: Control characters (C0, DEL, C1), zero-width and bidirectional format characters, the soft hyphen, the BOM.
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def normalise_id(value: str) -> str:
    """``value`` in NFKC (full-width letters and digits become ASCII), without surrounding spaces."""
    return unicodedata.normalize("NFKC", value).strip()


def id_key(value: str) -> str:
    """What two ids must differ in to name two parcels: normalised and case-folded."""
    return normalise_id(value).casefold()


def id_problem(value: str, lang: str = "en") -> str | None:
    """Why ``value`` cannot be an id (an invisible or control character), in ``lang``, or ``None``."""
    from zonemap.i18n import word

    phrase = id_phrase(value)
    return word(phrase.code, lang, **phrase.fields) if phrase else None


def id_phrase(value: str):
    """Why ``value`` cannot be an id, as a :class:`~zonemap.i18n.Phrase` (read in the sentence's language), or ``None``."""
    from zonemap.i18n import Phrase

    found = INVISIBLE.search(value)
    return Phrase("error.invisible", {"char": found.group().encode("unicode_escape").decode("ascii")}) if found else None
