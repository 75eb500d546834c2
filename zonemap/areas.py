"""Polygon areas (ellipsoidal or planar) and the zone's area ledger.

Ellipsoidal area is what the national land survey (三调) and QGIS's ``$area``
report: the area on the ellipsoid of the layer's CRS (GRS80 for CGCS2000).
It is computed by projecting every vertex at once onto a Lambert azimuthal
*equal-area* projection of that same ellipsoid and taking the planar area
there; the projection preserves area, so this agrees with pyproj's geodesic
polygon area to well under 0.01 m² per parcel while staying vectorised.

Examples
--------
>>> import shapely
>>> from pyproj import CRS
>>> square = shapely.box(40525000, 3706000, 40525100, 3706100)
>>> float(areas_m2([square], CRS("EPSG:4528"), method="planar")[0])
10000.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from zonemap.crs import equal_area_crs, require_crs, require_projected
from zonemap.i18n import word_or
from zonemap.status import STATUSES, status_label
from zonemap.units import from_m2

if TYPE_CHECKING:
    from zonemap.zone import Zone

METHODS: tuple[str, ...] = ("ellipsoidal", "planar")
GROUPINGS: tuple[str, ...] = ("status", "land_use", "tenant")
#: Differences below this are floating-point noise from survey software (SPEC §4).
NOISE_M2 = 0.01


def _centre_lonlat(geoms: np.ndarray, crs: CRS) -> tuple[float, float]:
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    to_lonlat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    lon, lat = to_lonlat.transform((xmin + xmax) / 2, (ymin + ymax) / 2)
    # Rounded so that layers of one zone share one cached projection.
    return round(float(lon), 2), round(float(lat), 2)


def to_equal_area(geoms: np.ndarray, crs: CRS) -> np.ndarray:
    """``geoms`` (in ``crs``) projected onto an equal-area frame centred on them."""
    geoms = np.asarray(geoms, dtype=object)
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if len(present) == 0:
        return geoms
    lon, lat = _centre_lonlat(present, crs)
    transformer = Transformer.from_crs(crs, equal_area_crs(crs, lon, lat), always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, project)


class Rings(NamedTuple):
    """Every ring of some polygons as arrays (see :func:`polygon_rings`)."""

    xy: np.ndarray  #: (n, 2) vertices, without each ring's closing vertex
    sizes: np.ndarray  #: each ring's vertex count
    counts: np.ndarray  #: each feature's ring count (0 for a missing or empty one)
    exterior: np.ndarray  #: whether each ring is a polygon's exterior (else a hole)


def polygon_rings(geoms) -> Rings:
    """The rings of polygons and multipolygons in one pass; coordinates as they are.

    Transform ``xy`` as one array: no geometry is rebuilt.

    Examples
    --------
    >>> rings = polygon_rings([shapely.box(0, 0, 2, 1), None])
    >>> rings.sizes.tolist(), rings.counts.tolist(), float(rings_area(rings)[0])
    ([4], [1, 0], 2.0)
    """
    geoms = np.asarray(geoms, dtype=object)
    present = geoms[~shapely.is_missing(geoms)]
    if not len(present) or shapely.is_empty(present).all():
        none = np.zeros(0, dtype=np.int64)
        return Rings(np.empty((0, 2)), none, np.zeros(len(geoms), dtype=np.int64), none.astype(bool))
    kind, coords, offsets = shapely.to_ragged_array(geoms)
    if kind == shapely.GeometryType.POLYGON:
        ring_offsets, part_rings = offsets
        feature_rings = part_rings
    elif kind == shapely.GeometryType.MULTIPOLYGON:
        ring_offsets, part_rings, feature_parts = offsets
        feature_rings = part_rings[feature_parts]
    else:
        raise ValueError(f"polygons expected, got {kind.name.lower()}s")
    exterior = np.zeros(len(ring_offsets) - 1, dtype=bool)
    exterior[part_rings[:-1][np.diff(part_rings) > 0]] = True
    is_open = np.ones(len(coords), dtype=bool)
    is_open[ring_offsets[1:] - 1] = False
    return Rings(coords[is_open], np.diff(ring_offsets).astype(np.int64) - 1, np.diff(feature_rings).astype(np.int64), exterior)


def geodetic_rings(geoms, crs: CRS) -> Rings:
    """:func:`polygon_rings` in lon/lat of ``crs``'s own datum (an inverse projection, no datum shift)."""
    rings = polygon_rings(geoms)
    if not len(rings.xy) or crs.is_geographic:
        return rings
    lon, lat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(rings.xy[:, 0], rings.xy[:, 1])
    return rings._replace(xy=np.column_stack([lon, lat]))


def rings_area(rings: Rings) -> np.ndarray:
    """Each feature's planar area from its rings (shoelace; holes subtracted)."""
    if not len(rings.sizes):
        return np.zeros(len(rings.counts))
    starts = np.concatenate([[0], np.cumsum(rings.sizes)[:-1]])
    # Each ring from its own first vertex: products of small numbers keep their digits.
    x, y = (rings.xy - np.repeat(rings.xy[starts], rings.sizes, axis=0)).T
    following = np.arange(1, len(x) + 1)
    following[np.cumsum(rings.sizes) - 1] = starts  # the last vertex pairs with the ring's first
    ring_area = np.abs(np.add.reduceat(x * y[following] - x[following] * y, starts)) / 2
    signed = np.where(rings.exterior, ring_area, -ring_area)
    first_ring = np.concatenate([[0], np.cumsum(rings.counts)[:-1]])
    total = np.zeros(len(rings.counts))
    has = rings.counts > 0
    total[has] = np.add.reduceat(signed, first_ring[has])
    return total


def geodetic_rings_m2(rings: Rings, crs: CRS) -> np.ndarray:
    """Ellipsoidal area of each feature from :func:`geodetic_rings` of ``crs``: the same
    equal-area projection as :func:`areas_m2`, without rebuilding a geometry."""
    if not len(rings.xy):
        return np.zeros(len(rings.counts))
    (west, south), (east, north) = rings.xy.min(axis=0), rings.xy.max(axis=0)
    centre = round(float(west + east) / 2, 2), round(float(south + north) / 2, 2)
    x, y = Transformer.from_crs(crs.geodetic_crs, equal_area_crs(crs, *centre), always_xy=True).transform(rings.xy[:, 0], rings.xy[:, 1])
    return rings_area(rings._replace(xy=np.column_stack([x, y])))


def metric_geometries(geoms: np.ndarray, crs: CRS | None) -> np.ndarray:
    """Geometries in metres: native when projected (or unknown), else equal-area."""
    geoms = np.asarray(geoms, dtype=object)
    if crs is None or crs.is_projected:
        return geoms
    return to_equal_area(geoms, crs)


def areas_m2(geoms, crs: CRS | None, *, method: str = "ellipsoidal", where: str = "parcels") -> np.ndarray:
    """Area of each geometry in m²; missing or empty geometries count 0.

    Parameters
    ----------
    geoms : array-like of shapely geometries, in ``crs``
    crs : the layer's CRS
    method : ``ellipsoidal`` (default) or ``planar`` (in the layer's projected CRS)
    where : the layer name errors should mention
    """
    geoms = np.asarray(geoms, dtype=object)
    if method == "planar":
        require_projected(crs, where=where)
        measured = geoms
    elif method == "ellipsoidal":
        measured = to_equal_area(geoms, require_crs(crs, where=where))
    else:
        raise ValueError(f"unknown area method {method!r}; use one of {METHODS}")
    return np.nan_to_num(shapely.area(measured), nan=0.0)


def ledger_label(key: str, lang: str = "zh") -> str:
    """The label of a ledger figure (``boundary``, ``remaining``, a status …) in ``lang``."""
    return word_or(f"ledger.{key}", lang, status_label(key, lang))


def _group(areas: np.ndarray, keys: pd.Series, boundary_m2: float, unit: str) -> dict[str, dict]:
    frame = pd.DataFrame({"key": keys.fillna("").astype(str).to_numpy(), "area": areas})
    grouped = frame.groupby("key", sort=True)["area"].agg(["count", "sum"])
    return {
        key: {
            "parcels": int(row["count"]),
            "area": from_m2(float(row["sum"]), unit),
            "share": float(row["sum"]) / boundary_m2 if boundary_m2 else 0.0,
        }
        for key, row in grouped.iterrows()
    }


def measure_parcels(
    parcels: pd.DataFrame, *, method: str = "ellipsoidal", by: str = "status", areas: np.ndarray | None = None
) -> pd.DataFrame:
    """Each parcel's id, ``status``, ``by`` field and ``area`` (m²): all the ledger needs of the parcels.

    ``areas`` when they are measured already (a zone keeps them). The dask
    engine measures partitions with it and hands the joined result to :func:`ledger`.
    """
    measured = pd.DataFrame({key: parcels[key].to_numpy() for key in dict.fromkeys(("parcel_id", "status", by))})
    measured["area"] = areas_m2(parcels.geometry.values, parcels.crs, method=method, where="parcels") if areas is None else areas
    return measured


def ledger(
    zone: Zone, *, unit: str = "mu", method: str = "ellipsoidal", by: str = "status", measured: pd.DataFrame | None = None
) -> dict:
    """The area ledger of SPEC §3 as a plain dict (the ``areas --json`` shape).

    Every figure is measured from geometry;
    ``boundary = developed + vacant + tenant + roads + unparcelled``;
    ``held`` is the part of ``remaining`` held (预留) for prospects.
    ``measured`` is :func:`measure_parcels` of the zone's parcels when done
    elsewhere (the dask engine); by default the parcels are read and measured here.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; use one of {GROUPINGS}")
    if measured is None:  # the parcels' fields the ledger uses, not tenants' notes and dates: a database sends no more
        measured = measure_parcels(zone.fields("parcels", tuple(dict.fromkeys(("parcel_id", "status", by)))), by=by, areas=zone.parcel_areas_m2(method=method))
    parcels = measured
    parcel_m2 = parcels["area"].to_numpy()
    boundary_m2 = float(areas_m2(zone.boundary.geometry.values, zone.boundary.crs, method=method, where="boundary").sum())
    road_union = shapely.union_all(zone.roads.geometry.values) if len(zone.roads) else None
    roads_m2 = float(areas_m2([road_union], zone.roads.crs, method=method, where="roads")[0]) if road_union is not None else 0.0

    by_status = _group(parcel_m2, parcels["status"], boundary_m2, unit)
    for status in STATUSES:
        by_status.setdefault(status, {"parcels": 0, "area": 0.0, "share": 0.0})
    ordered = {s: by_status.pop(s) for s in STATUSES} | by_status  # unknown statuses last
    status_m2 = {s: float(parcel_m2[(parcels["status"] == s).to_numpy()].sum()) for s in STATUSES}

    # Held land (预留) is available land kept for a prospect: a part of remaining, not taken from it.
    held = parcels["parcel_id"].isin(set(zone.holds["parcel_id"].dropna().astype(str))) & parcels["status"].isin(("developed", "vacant"))
    held_m2 = float(parcel_m2[held.to_numpy()].sum())
    unparcelled_m2 = boundary_m2 - float(parcel_m2.sum()) - roads_m2
    if abs(unparcelled_m2) < NOISE_M2:
        unparcelled_m2 = 0.0
    result = {
        "zone": zone.name,
        "method": method,
        "unit": unit,
        "planned": from_m2(zone.planned_m2, unit) if zone.planned_m2 is not None else None,
        "boundary": from_m2(boundary_m2, unit),
        "by_status": ordered,
        "roads": from_m2(roads_m2, unit),
        "unparcelled": from_m2(unparcelled_m2, unit),
        "developed_total": from_m2(status_m2["developed"] + status_m2["tenant"], unit),
        "remaining": from_m2(boundary_m2 - status_m2["tenant"] - roads_m2, unit),
        "ready": from_m2(status_m2["developed"], unit),
        "raw": from_m2(status_m2["vacant"] + unparcelled_m2, unit),
        "held": from_m2(held_m2, unit),
    }
    if by != "status":
        result[f"by_{by}"] = _group(parcel_m2, parcels[by], boundary_m2, unit)
    return result
