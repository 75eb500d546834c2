"""The page's layers for the web: lon/lat (WGS84, or GCJ-02 for AMap tiles) in compact data.

Each :class:`zonemap.render.page.Layer` becomes the spec ``static/zonemap.js``
draws: the geometry as one encoded block (:mod:`zonemap.render.encode`), each
feature's class, the styles, the columns as JSON lists and the rows of the
popup, tooltip, search and labels. Coordinates go from the zone's CRS to
lon/lat in one pass over one array per layer (no geometry is rebuilt).

Examples
--------
>>> import zonemap
>>> from zonemap.render.page import build_page
>>> specs, bounds = web_layers(build_page(zonemap.open(zonemap.sample_path())), basemap="none")
>>> list(specs)
['parcels', 'roads', 'buildings', 'boundary']
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from zonemap.areas import Rings, geodetic_rings
from zonemap.render.encode import encode_polygons, varint_bytes, zigzag
from zonemap.render.gcj02 import wgs84_to_gcj02
from zonemap.render.page import Layer, Page
from zonemap.units import DECIMALS, M2_PER_UNIT, UNIT_LABELS

#: Basemaps whose tiles are drawn in GCJ-02: our WGS84 geometry is shifted to match.
GCJ02_BASEMAPS = frozenset({"gaode"})


@lru_cache(maxsize=8)
def _to_wgs84(geodetic: CRS) -> Transformer | None:
    """lon/lat of a datum to WGS84's, or None where that changes no coordinate (CGCS2000: PROJ's
    ballpark, below the page's centimetre quantum anyway)."""
    transformer = Transformer.from_crs(geodetic, "EPSG:4326", always_xy=True)
    probe = (np.array([73.0, 119.0, 135.0]), np.array([18.0, 33.0, 53.0]))
    return None if np.array_equal(np.column_stack(transformer.transform(*probe)), np.column_stack(probe)) else transformer


def web_lonlat(xy: np.ndarray, geodetic: CRS, *, basemap: str) -> np.ndarray:
    """(n, 2) lon/lat of the ``geodetic`` datum as the web map's: WGS84, or GCJ-02 for AMap tiles."""
    to_wgs84 = _to_wgs84(geodetic)
    lon, lat = to_wgs84.transform(xy[:, 0], xy[:, 1]) if to_wgs84 else (xy[:, 0], xy[:, 1])
    if basemap in GCJ02_BASEMAPS:
        lon, lat = wgs84_to_gcj02(lon, lat)
    return np.column_stack([lon, lat])


def web_geometries(geoms: gpd.GeoSeries, *, basemap: str) -> np.ndarray:
    """A layer's geometries in the web map's lon/lat (see :func:`web_lonlat`)."""
    lonlat = np.asarray(geoms.to_crs(geoms.crs.geodetic_crs).values, dtype=object)
    return shapely.transform(lonlat, lambda xy: web_lonlat(xy, geoms.crs.geodetic_crs, basemap=basemap))


def _json_values(series: pd.Series, *, decimals: int | None = None) -> list | dict:
    """A column for the page, which ``zonemap.js`` reads in each of its three forms:

    - numbers (``decimals`` given): ``{"scaled": varints, "decimals": d, "count": n}``,
      each value × 10^d rounded, zig-zagged, plus one (0 for missing);
    - text where few values repeat over many rows: ``{"values": [...], "codes": varints, "count": n}``,
      each row's value index plus one (0 for missing);
    - other text: a JSON list (None for missing).
    """
    if decimals is not None:
        numbers = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
        missing = np.isnan(numbers)
        scaled = np.rint(np.where(missing, 0.0, numbers) * 10**decimals).astype(np.int64)
        codes = np.where(missing, 0, zigzag(scaled) + np.uint64(1))
        return {"scaled": varint_bytes(codes), "decimals": decimals, "count": len(series)}
    missing = series.isna().to_numpy()
    values = series.astype(str).to_numpy(dtype=object, copy=True)
    values[missing] = None
    codes, uniques = pd.factorize(values)  # missing: -1
    if len(values) >= 64 and len(uniques) * 4 <= len(values):
        return {"values": list(uniques), "codes": varint_bytes(codes + 1), "count": len(series)}
    return values.tolist()


def _classes(class_of: list[int]) -> dict:
    """Each feature's class (index into the styles) as varints."""
    return {"codes": varint_bytes(np.asarray(class_of, dtype=np.uint64)), "count": len(class_of)}


def _number_row(key: str, label: str, column: str, decimals: int, unit: str = "", factor: float = 1.0) -> dict:
    return {
        "key": key,
        "label": label,
        "column": column,
        "format": "number",
        "decimals": decimals,
        "unit": unit,
        "factor": factor,
    }


def _parcels_spec(layer: Layer, words: dict, lang: str, geometry: dict) -> dict:
    frame = layer.frame
    mu_unit = UNIT_LABELS["mu"][lang]
    status_row = {"key": "status", "label": words["status"], "format": "class"}
    change_rows, change_columns = [], {}
    if "change" in frame:
        # The class is the change; the status travels as a column of its own.
        status_row = {"key": "status", "label": words["status"], "column": "status_label"}
        change_rows = [{"key": "change", "label": words["change"], "format": "class"}]
        change_columns = {"status_label": _json_values(frame["status_label"])}
    return {
        "name": layer.name,
        "geometry": geometry,
        "class_of": _classes(layer.class_of),
        "styles": layer.styles,
        "columns": {
            **change_columns,
            "parcel_id": _json_values(frame["parcel_id"]),
            "tenant": _json_values(frame["tenant"]),
            "investment_wan": _json_values(frame["investment_wan"], decimals=2),
            "land_use": _json_values(frame["land_use"]),
            "note": _json_values(frame["note"]),
            "area_m2": _json_values(frame["area_m2"], decimals=2),
            "intensity": _json_values(frame["intensity"], decimals=2),
        },
        "popup": [
            {"key": "parcel_id", "label": words["parcel_id"], "column": "parcel_id"},
            *change_rows,
            status_row,
            {"key": "tenant", "label": words["tenant_name"], "column": "tenant"},
            _number_row("investment", words["investment"], "investment_wan", 2, words["wan"]),
            _number_row("area_mu", words["area"], "area_m2", DECIMALS["mu"], mu_unit, 1 / M2_PER_UNIT["mu"]),
            _number_row("area_m2", "", "area_m2", DECIMALS["m2"], UNIT_LABELS["m2"]["en"]),
            _number_row("intensity", words["intensity"], "intensity", 2, words["wan_per_mu"]),
            {"key": "land_use", "label": words["land_use"], "column": "land_use"},
            {"key": "note", "label": words["note"], "column": "note"},
        ],
        "tooltip": ["parcel_id", "tenant"],
        "search": ["parcel_id", "tenant"],
        "labels": {  # at a point inside each parcel, which the page finds where a label fits
            "lines": [
                {"column": "parcel_id"},
                _number_row("area_mu", "", "area_m2", DECIMALS["mu"], mu_unit, 1 / M2_PER_UNIT["mu"]),
            ],
        },
    }


def _roads_spec(layer: Layer, words: dict, geometry: dict) -> dict:
    frame = layer.frame
    return {
        "name": layer.name,
        "geometry": geometry,
        "styles": layer.styles,
        "columns": {
            "name": _json_values(frame["name"]),
            "axis": _json_values(frame["axis_label"]),
            "width_m": _json_values(frame["width_m"], decimals=1),
        },
        "popup": [
            {"key": "name", "label": words["road_name"], "column": "name"},
            {"key": "axis", "label": words["axis"], "column": "axis"},
            _number_row("width", words["width"], "width_m", 1, words["metre"]),
        ],
        "tooltip": ["name"],
    }


def _buildings_spec(layer: Layer, words: dict, geometry: dict) -> dict:
    frame = layer.frame
    return {
        "name": layer.name,
        "geometry": geometry,
        "class_of": _classes(layer.class_of),
        "styles": layer.styles,
        "columns": {
            "name": _json_values(frame["name"]),
            "building_id": _json_values(frame["building_id"]),
            "floors": _json_values(frame["floors"], decimals=0),
            "floor_area_m2": _json_values(frame["floor_area_m2"], decimals=1),
        },
        "popup": [
            {"key": "name", "label": words["building"], "column": "name"},
            {"key": "building_id", "label": words["building_id"], "column": "building_id"},
            {"key": "use", "label": words["use"], "format": "class"},
            _number_row("floors", words["floors"], "floors", 0, words["storeys"]),
            _number_row("floor_area", words["floor_area"], "floor_area_m2", DECIMALS["m2"], UNIT_LABELS["m2"]["en"]),
        ],
        "tooltip": ["name"],
    }


def _holds_spec(layer: Layer, words: dict, geometry: dict) -> dict:
    frame = layer.frame
    return {
        "name": layer.name,
        "geometry": geometry,
        "styles": layer.styles,
        "columns": {key: _json_values(frame[key]) for key in ("parcel_id", "prospect", "until")},
        "popup": [
            {"key": "held_for", "label": words["held_for"], "column": "prospect"},
            {"key": "until", "label": words["until"], "column": "until"},
        ],
        "tooltip": ["parcel_id", "prospect"],
    }


def _boundary_spec(layer: Layer, geometry: dict) -> dict:
    return {"name": layer.name, "geometry": geometry, "styles": layer.styles, "columns": {}}


def web_layers(page: Page, *, basemap: str, rings: dict[str, Rings] | None = None) -> tuple[dict[str, dict], list[list[float]]]:
    """Every layer of ``page`` as the spec ``zonemap.js`` draws, geometry in the basemap's lon/lat,
    and the ``[[south, west], [north, east]]`` to fit: the boundary's, or the parcels' without one.

    ``rings`` may give a layer's :func:`zonemap.areas.geodetic_rings` already made (the parcels' by the ledger).
    """
    specs, outlines = {}, {}
    for key, layer in page.layers.items():
        crs = layer.frame.crs
        geodetic = (rings or {}).get(key) or geodetic_rings(layer.frame.geometry.values, crs)
        lonlat = web_lonlat(geodetic.xy, crs.geodetic_crs, basemap=basemap) if len(geodetic.xy) else geodetic.xy
        if len(lonlat) and key in ("boundary", "parcels"):
            outlines[key] = lonlat
        geometry = encode_polygons(geodetic._replace(xy=lonlat))
        if key == "parcels":
            specs[key] = _parcels_spec(layer, page.words, page.lang, geometry)
        elif key == "roads":
            specs[key] = _roads_spec(layer, page.words, geometry)
        elif key == "buildings":
            specs[key] = _buildings_spec(layer, page.words, geometry)
        elif key == "holds":
            specs[key] = _holds_spec(layer, page.words, geometry)
        else:
            specs[key] = _boundary_spec(layer, geometry)
    outline = outlines.get("boundary", outlines.get("parcels", np.zeros((1, 2))))
    (west, south), (east, north) = outline.min(axis=0), outline.max(axis=0)
    return specs, [[float(south), float(west)], [float(north), float(east)]]
