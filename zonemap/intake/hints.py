"""Hints for an import refused for overlaps: what usually causes them, and the fix.

Two causes save a morning when named:

- **Redrawn parcels**: the survey splits DK-07 into DK-07A/B; a plain
  update keeps DK-07 (absent from the file) beside its successors, and they
  overlap. The fix is ``--prune``.
- **A datum**: every incoming parcel sits the same small distance from the
  zone's (Xi'an-80 or Beijing-54 coordinates labelled CGCS2000, or the
  other way round). One constant shift of at least :data:`DATUM_SHIFT_M`
  explaining the overlaps is named with the CRS to declare instead.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from zonemap.crs import crs_name

#: A constant offset at least this long (metres) is a datum, not drafting.
DATUM_SHIFT_M = 0.2
#: Pairs whose offsets agree with the median within this (metres) share one shift.
SAME_SHIFT_M = 0.05
#: CGCS2000 Gauss-Krüger CRSs (3° and 6° zones, with and without the zone prefix).
CGCS2000_GK = range(4491, 4555)
#: Datums whose coordinates differ from CGCS2000 by a shift of metres to a hundred metres.
OLD_DATUMS = ("Xian 1980", "Beijing 1954")


def prune_hint(overlap_ids: list[tuple[str, str]], kept: set[str], added: set[str]) -> str | None:
    """A line suggesting ``--prune`` when overlaps pair a parcel absent from the source with a new one."""
    pairs = [(a, b) if a in kept else (b, a) for a, b in overlap_ids if (a in kept and b in added) or (b in kept and a in added)]
    if not pairs:
        return None
    old = sorted({a for a, _ in pairs})
    new = sorted({b for a, b in pairs if a == old[0]})
    return (f"{', '.join(old[:5])} {'is' if len(old) == 1 else 'are'} not in the source but overlap{'s' if len(old) == 1 else ''} "
            f"new parcel(s) ({old[0]}: {', '.join(new[:5])}); if the survey redrew {'it' if len(old) == 1 else 'them'}, "
            "import with --prune to delete parcels absent from the source")


def _equivalent_cgcs2000(crs: CRS) -> CRS | None:
    """The CGCS2000 Gauss-Krüger CRS with the same central meridian and false easting as ``crs``."""
    if crs is None or not crs.is_projected:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a PROJ string loses nothing these two numbers need
        own = crs.to_dict()
        for code in CGCS2000_GK:
            candidate = CRS.from_epsg(code)
            theirs = candidate.to_dict()
            if all(np.isclose(own.get(k, np.nan), theirs.get(k, np.nan)) for k in ("lon_0", "x_0")):
                return candidate
    return None


def datum_hint(incoming: gpd.GeoDataFrame, current: gpd.GeoDataFrame, source_crs: CRS | None) -> str | None:
    """A line naming one constant shift between incoming and zone parcels, and the CRS that explains it.

    Parcels are paired by ``parcel_id`` where both have it, else each
    incoming parcel with the zone parcel it overlaps most; both frames are
    in the zone's CRS.
    """
    if not len(incoming) or not len(current):
        return None
    tree = shapely.STRtree(current.geometry.to_numpy())
    left, right = tree.query(incoming.geometry.to_numpy(), predicate="intersects")
    if not len(left):
        return None
    shared = shapely.area(shapely.intersection(incoming.geometry.to_numpy()[left], current.geometry.to_numpy()[right]))
    best = {}
    for i, j, area in zip(left, right, shared):
        if area > best.get(i, (None, -1.0))[1]:
            best[i] = (j, area)
    rows = np.array(sorted(best))
    partners = np.array([best[i][0] for i in rows])
    offsets = (shapely.get_coordinates(shapely.centroid(incoming.geometry.to_numpy()[rows]))
               - shapely.get_coordinates(shapely.centroid(current.geometry.to_numpy()[partners])))
    shift = np.median(offsets, axis=0)
    agree = np.hypot(*(offsets - shift).T) <= SAME_SHIFT_M
    distance = float(np.hypot(*shift))
    if distance < DATUM_SHIFT_M or agree.sum() < max(2, 0.8 * len(rows)):
        return None
    line = (f"{agree.sum()} of {len(rows)} incoming parcels sit {distance:.2f} m (Δx {shift[0]:+.2f}, Δy {shift[1]:+.2f}) from the "
            "zone's: one constant shift, as from a datum (Xi'an-80 or Beijing-54 against CGCS2000), not redrawn parcels")
    if source_crs is None:
        return line
    datum = source_crs.datum.name if source_crs.datum else ""
    if any(old in datum for old in OLD_DATUMS):
        same = _equivalent_cgcs2000(source_crs)
        fix = f"{crs_name(same)}" if same is not None else "the CGCS2000 Gauss-Krüger CRS of the same zone"
        return line + f"; the source says {crs_name(source_crs)}: if its coordinates are CGCS2000, correct its CRS to {fix}"
    return line + (f"; the source says {crs_name(source_crs)}: if its coordinates are really Xi'an-80 or Beijing-54, "
                   "declare that CRS (e.g. EPSG:2364 for Xi'an-80 zone 40) so they are transformed")
