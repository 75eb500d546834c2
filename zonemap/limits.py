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
"""

from __future__ import annotations

import math

#: The largest figure of each kind: far above any real zone or project, far below float overflow.
MAXIMA: dict[str, tuple[float, str]] = {
    "area": (1e10, "area"),  # in m² about 150 km²; in mu or ha a whole province
    "wan": (1e9, "investment in 万元"),  # 10¹³ yuan
    "intensity": (1e9, "intensity in 万元/亩"),
    "length": (1e6, "length in m"),
    "count": (1e6, "count"),
}
#: Source fields and the kind of figure they hold (others: ``area``).
FIELD_KINDS: dict[str, str] = {"investment_wan": "wan", "width_m": "length", "floors": "count"}


def number_problem(value: float, kind: str, *, positive: bool = False, minimum: float = 0.0) -> str | None:
    """Why ``value`` is no figure of ``kind`` (see :data:`MAXIMA`), or ``None`` when it is one.

    ``positive`` asks for more than ``minimum``, else at least ``minimum``.
    """
    if math.isnan(value):
        return "is not a number"
    if math.isinf(value):
        return "is not a finite number"
    maximum, what = MAXIMA[kind]
    if value > maximum:
        return f"is beyond {maximum:g} (the largest {what} accepted)"
    if positive and value <= minimum:
        return f"must be more than {minimum:g}"
    if value < minimum:
        return f"must be at least {minimum:g}"
    return None
