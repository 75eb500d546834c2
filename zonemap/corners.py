"""A parcel's 界址点坐标表: its corner points, numbered and measured as a land survey writes them.

Points are named J1…Jn, each ring clockwise from its north-west corner (the
vertex nearest the north-west corner of the ring's bounding box); a parcel
with holes or several parts lists each ring in turn and the numbering goes
on (J1…J4 outside, J5…J8 round the hole). Coordinates follow the surveying
convention of the zone's Gauss-Krüger CRS: **X is the northing, Y the
easting** (with the zone number in front), to 0.001 m; edges (边长) to 0.01 m
and the area are computed from those rounded coordinates (坐标解析法), so the
table checks by hand.

Examples
--------
>>> import zonemap
>>> table = corner_table(zonemap.open(zonemap.sample_path()), "A01")
>>> [p["name"] for p in table["rings"][0]["points"]]
['J1', 'J2', 'J3', 'J4']
>>> round(table["rings"][0]["points"][0]["x"], 3) > 3_000_000  # X: northing
True
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

import numpy as np
import shapely

from zonemap.errors import ZonemapError
from zonemap.units import M2_PER_UNIT

if TYPE_CHECKING:
    from zonemap.zone import Zone

#: Decimals of the table: coordinates to the millimetre, edges and areas to the centimetre.
COORDINATE_DECIMALS, EDGE_DECIMALS, AREA_DECIMALS = 3, 2, 2
#: Parcels closer than this (m) to the parcel are its neighbours (survey gaps are a few cm).
NEIGHBOUR_GAP_M = 0.5


class CornersError(ZonemapError):
    """The corner table cannot be made (unknown parcel, CRS not in metres)."""


def _ring_points(ring: shapely.LinearRing) -> np.ndarray:
    """The ring's vertices (easting, northing), clockwise from its north-west corner, rounded, no repeats."""
    xy = np.round(np.asarray(ring.coords)[:-1], COORDINATE_DECIMALS)
    keep = np.any(xy != np.roll(xy, 1, axis=0), axis=1)
    xy = xy[keep] if keep.any() else xy[:1]
    if shapely.LinearRing(xy).is_ccw:
        xy = xy[::-1]
    west, north = xy[:, 0].min(), xy[:, 1].max()
    start = int(np.argmin((xy[:, 0] - west) ** 2 + (xy[:, 1] - north) ** 2))
    return np.roll(xy, -start, axis=0)


def _shoelace(xy: np.ndarray) -> float:
    # From the ring's own first point: products of 8-digit Gauss-Krüger coordinates lose centimetres.
    x, y = (xy - xy[0]).T
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def corner_table(zone: Zone, parcel_id: str) -> dict:
    """The 界址点坐标表 of ``parcel_id``: rings of named points, edges, area, neighbours.

    Returns
    -------
    dict
        ``parcel_id``, ``crs`` (name), ``rings``: a list of ``{"part", "hole",
        "points": [{"name", "x" (northing), "y" (easting), "edge_m" (to the next point)}]}``,
        ``area_m2`` and ``area_mu`` (coordinate area: parts minus holes), ``neighbours`` (ids).
    """
    crs = zone.crs
    if crs is None or not crs.is_projected or crs.axis_info[0].unit_name not in ("metre", "meter"):
        raise CornersError(
            f"{zone.path}: parcels are in {crs.name if crs else 'no CRS'}; a 界址点坐标表 needs a projected CRS in metres "
            f"(Gauss-Krüger, e.g. EPSG:4528): re-import the parcels with --crs"
        )
    parcels = zone.parcels
    ids = parcels["parcel_id"].astype(str)
    match = np.flatnonzero((ids == parcel_id).to_numpy())
    if len(match) == 0:
        near = difflib.get_close_matches(parcel_id, ids.tolist(), n=3, cutoff=0.5)
        some = sorted(ids)[:8]
        hint = f"did you mean {', '.join(near)}?" if near else f"its parcels are {', '.join(some)}{' …' if len(ids) > len(some) else ''}"
        raise CornersError(f"{zone.path}: no parcel {parcel_id!r}; {hint}")
    geometry = parcels.geometry.iloc[match[0]]
    rings, counter, area = [], 0, 0.0
    for part, polygon in enumerate(shapely.get_parts(geometry), start=1):
        for hole, ring in enumerate([polygon.exterior, *polygon.interiors]):
            xy = _ring_points(ring)
            edges = np.hypot(*(np.roll(xy, -1, axis=0) - xy).T)
            area += -_shoelace(xy) if hole else _shoelace(xy)
            points = [
                {"name": f"J{counter + i + 1}", "x": float(n), "y": float(e), "edge_m": float(round(d, EDGE_DECIMALS))}
                for i, ((e, n), d) in enumerate(zip(xy, edges))
            ]
            counter += len(points)
            rings.append({"part": part, "hole": bool(hole), "points": points})
    near = parcels.sindex.query(geometry, predicate="dwithin", distance=NEIGHBOUR_GAP_M)
    neighbours = sorted(ids.iloc[i] for i in near if i != match[0])
    return {
        "parcel_id": parcel_id,
        "crs": crs.name,
        "rings": rings,
        "area_m2": round(area, AREA_DECIMALS),
        "area_mu": area / M2_PER_UNIT["mu"],
        "neighbours": neighbours,
    }
