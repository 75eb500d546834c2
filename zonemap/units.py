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


#: Decimals of a 万元 figure that edits keep: 0.01 万元 (100 yuan), the step diff tells apart.
WAN_DECIMALS = 2


def share_by_area(total: float, areas) -> list[float]:
    """``total`` (万元) shared among pieces in proportion to their ``areas``, as a split shares its parent's investment.

    Each share is rounded to :data:`WAN_DECIMALS`; the rounding is given to
    the pieces with the largest remainders, so the shares add up to ``total``
    exactly (to 0.01 万元), never a cent more or less.

    Examples
    --------
    >>> share_by_area(1000.0, [1.0, 1.0, 1.0])
    [333.34, 333.33, 333.33]
    >>> share_by_area(4000.0, [6.0, 9.0])
    [1600.0, 2400.0]
    """
    import numpy as np

    scale = 10**WAN_DECIMALS
    weights = np.asarray(areas, dtype=float)
    cents = round(total * scale)
    exact = cents * weights / weights.sum()
    shares = np.floor(exact).astype(np.int64)
    # Largest remainders first; ties to the earlier piece, so the result does not depend on the sort.
    shares[np.argsort(-(exact - shares), kind="stable")[: cents - int(shares.sum())]] += 1
    return [int(share) / scale for share in shares]
