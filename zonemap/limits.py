"""The range every figure a user gives may take: finite, and far from overflow.

A NaN slips past every comparison (``nan < 0`` is False) and an infinity
past every sum, so each figure typed on the command line or read from a
source is checked here once, on the way in.

Examples
--------
>>> number_problem(20.0, "area")
>>> number_problem(float("nan"), "area")
'is not a number'
>>> number_problem(1e308, "wan")
'is beyond 1e+09 (the largest investment in 万元 accepted)'
>>> number_problem(-1.0, "area", lang="zh")
'不能小于 0'
"""

from __future__ import annotations

import math

#: The largest figure of each kind (named in :mod:`zonemap.i18n` as ``error.kind.KIND``): far above any real zone or project, far below float overflow.
MAXIMA: dict[str, float] = {
    "area": 1e10,  # in m² about 150 km²; in mu or ha a whole province
    "wan": 1e9,  # 10¹³ yuan
    "intensity": 1e9,
    "length": 1e6,
    "count": 1e6,
}
#: Source fields and the kind of figure they hold (others: ``area``).
FIELD_KINDS: dict[str, str] = {"investment_wan": "wan", "width_m": "length", "floors": "count"}


def number_problem(value: float, kind: str, *, positive: bool = False, minimum: float = 0.0, lang: str = "en") -> str | None:
    """Why ``value`` is no figure of ``kind`` (see :data:`MAXIMA`), in ``lang``, or ``None`` when it is one.

    ``positive`` asks for more than ``minimum``, else at least ``minimum``.
    """
    from zonemap.i18n import word

    if math.isnan(value):
        return word("error.not_a_number", lang)
    if math.isinf(value):
        return word("error.not_finite", lang)
    if value > MAXIMA[kind]:
        return word("error.beyond", lang, maximum=f"{MAXIMA[kind]:g}", what=word(f"error.kind.{kind}", lang))
    if positive and value <= minimum:
        return word("error.more_than", lang, minimum=f"{minimum:g}")
    if value < minimum:
        return word("error.at_least", lang, minimum=f"{minimum:g}")
    return None
