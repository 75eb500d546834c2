"""Units of land area: the one table every figure is converted through.

Examples
--------
>>> from zonemap.units import from_m2, format_area
>>> round(from_m2(10000 / 15, "mu"), 12)
1.0
>>> format_area(200000.0, "mu")
'300.00'
"""

from __future__ import annotations

from zonemap.i18n import LANGS, word

#: Square metres in one unit. 1 亩 = 10000/15 m² exactly; 1 ha = 15 mu.
M2_PER_UNIT: dict[str, float] = {"mu": 10000 / 15, "m2": 1.0, "ha": 10000.0}

#: Decimals shown to users (SPEC §2): mu 2, m² 1, ha 4.
DECIMALS: dict[str, int] = {"mu": 2, "m2": 1, "ha": 4}

UNITS = tuple(M2_PER_UNIT)

#: Unit names, a view of :mod:`zonemap.i18n` (section ``unit.``).
UNIT_LABELS: dict[str, dict[str, str]] = {unit: {lang: word(f"unit.{unit}", lang) for lang in LANGS} for unit in UNITS}


def from_m2(m2: float, unit: str) -> float:
    """Convert square metres to ``unit`` (``mu``, ``m2`` or ``ha``), unrounded."""
    return m2 / M2_PER_UNIT[unit]


def to_m2(value: float, unit: str) -> float:
    """Convert an area in ``unit`` to square metres."""
    return value * M2_PER_UNIT[unit]


def format_area(m2: float, unit: str) -> str:
    """Square metres as the text a planner reads, with the unit's decimals."""
    return f"{from_m2(m2, unit):,.{DECIMALS[unit]}f}"
