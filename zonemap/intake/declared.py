"""Areas a survey declares, compared with the areas measured from the geometry.

Survey files carry a parcel's area as an attribute (``面积``, ``MJ``,
``亩数``, ``宗地面积`` …), in m² or 亩. The unit comes from the field's name
(亩 / MU in it: 亩; 平方米 / m2 / ㎡: m²), else from the values' magnitude
(their median ratio to the measured area in m² or in 亩). A parcel whose
declared area differs from its measured (ellipsoidal) one by more than
:data:`DECLARED_TOLERANCE` or :data:`DECLARED_TOLERANCE_MU` is worth a look:
a redrawn outline, a typo, or a shifted vertex.

Examples
--------
>>> declared_area_field(["DKBH", "面积(亩)", "ZT"])
('面积(亩)', 'mu')
>>> declared_area_field(["DKBH", "ZDMJ"])
('ZDMJ', None)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zonemap.areas import areas_m2
from zonemap.units import from_m2

#: Names of declared-area fields (matched ignoring case); their unit is read from the name or the values.
DECLARED_AREA_FIELDS: tuple[str, ...] = (
    "面积", "MJ", "亩数", "宗地面积", "ZDMJ", "地块面积", "DKMJ", "用地面积", "YDMJ", "面积亩", "面积(亩)", "面积（亩）",
    "面积_亩", "MJ_MU", "面积平方米", "面积(平方米)", "面积（平方米）", "面积_m2", "SHAPE_Area", "AREA",
)
#: A declared area this share away from the measured one is warned …
DECLARED_TOLERANCE = 0.005
#: … and so is one this many 亩 away.
DECLARED_TOLERANCE_MU = 0.1


def declared_area_field(columns) -> tuple[str, str | None] | None:
    """The first declared-area column and its unit by name (``"mu"``, ``"m2"`` or None: by magnitude)."""
    by_folded = {str(c).casefold(): str(c) for c in columns}
    for name in DECLARED_AREA_FIELDS:
        column = by_folded.get(name.casefold())
        if column is not None:
            folded = column.casefold()
            unit = "mu" if ("亩" in folded or "mu" in folded) else "m2" if any(u in folded for u in ("平方米", "m2", "㎡")) else None
            return column, unit
    return None


def compare_declared(frame, crs, ids, *, where: str) -> list[str]:
    """One line per parcel whose declared area differs from its measured one beyond the tolerances.

    Parameters
    ----------
    frame : the source's features (GeoDataFrame) with a declared-area column
    crs : their CRS
    ids : how each row is named (its parcel_id, or the source feature)
    where : the source, for messages
    """
    found = declared_area_field([c for c in frame.columns if c != frame.geometry.name])
    if found is None or not len(frame):
        return []
    column, unit = found
    declared = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    measured_m2 = areas_m2(frame.geometry.to_numpy(), crs)
    usable = np.isfinite(declared) & (declared > 0) & (measured_m2 > 0)
    if not usable.any():
        return []
    if unit is None:  # by magnitude: whichever unit puts the values nearest the measured areas
        ratio_m2 = float(np.median(declared[usable] / measured_m2[usable]))
        ratio_mu = float(np.median(declared[usable] / from_m2(measured_m2[usable], "mu")))
        unit = "m2" if abs(np.log(ratio_m2)) <= abs(np.log(ratio_mu)) else "mu"
        if min(abs(np.log(ratio_m2)), abs(np.log(ratio_mu))) > np.log(1.5):
            return [f"{where}: field {column} looks like an area but matches neither m² nor 亩 (median ratio {ratio_m2:.3g} to m²); not compared"]
    declared_m2 = declared * (10000 / 15 if unit == "mu" else 1.0)
    difference = declared_m2 - measured_m2
    off = usable & ((np.abs(difference) > DECLARED_TOLERANCE * measured_m2) | (np.abs(from_m2(difference, "mu")) > DECLARED_TOLERANCE_MU))
    shown = "亩" if unit == "mu" else "m²"
    lines = []
    for i in np.flatnonzero(off):
        given = declared[i]
        measured = from_m2(measured_m2[i], "mu") if unit == "mu" else measured_m2[i]
        lines.append(
            f"{ids[i]}: declared {column} {given:.2f} {shown}, measured {measured:.2f} {shown} "
            f"({difference[i] / measured_m2[i]:+.2%}, {from_m2(difference[i], 'mu'):+.2f} 亩); check the outline or the figure"
        )
    return lines
