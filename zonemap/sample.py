"""The bundled sample zone, built deterministically from the plan's figures.

The geometry is illustrative: a 300-mu zone placed in Huai'an District,
Jiangsu, in CGCS2000 Gauss-Krüger zone 40 (EPSG:4528). The layout is drawn
in local metres, then scaled so the boundary measures exactly 300 mu on the
ellipsoid, and the line between developed and vacant land in block B is
placed so that developed + tenant is exactly 100 mu.

Run ``python -m zonemap.sample [PATH]`` to rebuild ``layers/sample_zone.gpkg``.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely import affinity

from zonemap import store
from zonemap.areas import areas_m2
from zonemap.intake.qgis_styles import ensure_styles
from zonemap.units import to_m2

ZONE_CRS = CRS("EPSG:4528")
#: South-west corner of the zone, lon/lat (Huai'an District, Jiangsu).
SOUTH_WEST_LONLAT = (119.245, 33.498)
PLANNED_MU = 300.0
DEVELOPED_TOTAL_MU = 100.0
ILLUSTRATIVE = (
    "Illustrative geometry, not survey data: a sample zone placed in Huai'an District, Jiangsu "
    "(示意数据，非测绘成果)"
)
UPDATED = datetime(2026, 11, 1)

# Local layout in metres before scaling: three columns and three rows of
# blocks between two north–south and two east–west road corridors.
WIDTH, HEIGHT = 600.0, 333.34
NS_ROADS = {"经一路": (184.0, 200.0), "经二路": (392.0, 408.0)}
EW_ROADS = {"纬一路": (100.0, 112.0), "纬二路": (216.0, 228.0)}
COLUMNS = {"A": (0.0, 184.0), "B": (200.0, 392.0), "C": (408.0, 600.0)}
ROWS = ((0.0, 100.0), (112.0, 216.0), (228.0, HEIGHT))

# parcel_id: (x0, y0, x1, y1, status, tenant, investment 万元, land use, note).
# B01's east edge "x" is solved for so that developed + tenant = 100 mu.
_PARCELS = {
    "A01": (0, 0, 100, 100, "tenant", "厚翔服装厂", 1000.0, "100101", "再利用旧厂房"),
    "A02": (100, 0, 184, 100, "developed", None, None, "100101", None),
    "A03": (0, 112, 110, 216, "tenant", "佳电机械厂", 1000.0, "100102", "再利用旧厂房"),
    "A04": (110, 112, 184, 216, "developed", None, None, "100102", None),
    "A05": (0, 228, 184, HEIGHT, "developed", None, None, "100102", None),
    "B01": (200, 0, "x", 100, "developed", None, None, "100102", None),
    "B02": ("x", 0, 392, 100, "vacant", None, None, "100102", None),
    "B03": (200, 112, 296, 216, "vacant", None, None, "100102", None),
    "B04": (296, 112, 392, 216, "vacant", None, None, "100102", None),
    "B05": (200, 228, 392, HEIGHT, "vacant", None, None, "100102", "包圩奶牛厂旧址"),
    "C01": (408, 0, 504, 100, "vacant", None, None, "100102", None),
    "C02": (504, 0, 600, 100, "vacant", None, None, "100102", None),
    "C03": (408, 112, 600, 216, "vacant", None, None, "100102", None),
    "C04": (408, 228, 504, HEIGHT, "vacant", None, None, "100102", None),
    "C05": (504, 228, 600, HEIGHT, "vacant", None, None, "100102", None),
}
_BUILDINGS = (
    ("BLD-01", "厚翔服装厂车间（原纺织厂房）", 2, 6000.0, "in_use", "A01", (20, 20, 80, 70)),
    ("BLD-02", "佳电机械厂车间（原农机厂房）", 1, 5600.0, "in_use", "A03", (15, 130, 95, 200)),
    ("BLD-03", "包圩奶牛厂牛舍", 1, 4500.0, "idle", "B05", (240, 260, 330, 310)),
)
_PROSPECTS = (
    {"name": "惠实业有限公司", "industry": "铝制品", "investment_wan": 2000.0, "need_mu": 20.0, "stage": "intent",
     "note": "铝型材及铝制品加工", "since": "2026-03-15"},
    {"name": "天有限公司", "industry": "出口五金工具", "investment_wan": 1200.0, "need_mu": 12.0, "stage": "negotiating",
     "note": "外贸五金工具生产", "since": "2026-05-20"},
    {"name": "吴江投资人", "industry": "待定", "stage": "intent", "parcel_id": "B05", "buildings": "BLD-03 包圩奶牛厂牛舍",
     "note": "意向租用包圩奶牛厂旧厂房", "since": "2026-09-01"},
)
#: Tenants' results for two years (税收, 产值, 营业收入 万元; 能耗 吨标煤; 用工 人; 研发 万元). Illustrative, not real figures.
RESULTS_NOTE = "示意数据 illustrative"
_RESULTS = (
    ("厚翔服装厂", 2024, 95.0, 2600.0, 2500.0, 380.0, 180, 40.0),
    ("佳电机械厂", 2024, 70.0, 2300.0, 2250.0, 520.0, 120, 55.0),
    ("厚翔服装厂", 2025, 110.0, 2900.0, 2800.0, 400.0, 190, 45.0),
    ("佳电机械厂", 2025, 64.0, 2100.0, 2050.0, 500.0, 115, 60.0),
)


def _origin() -> tuple[float, float]:
    to_gk = Transformer.from_crs("EPSG:4490", ZONE_CRS, always_xy=True)
    x, y = to_gk.transform(*SOUTH_WEST_LONLAT)
    return round(x), round(y)


def _place(geom, scale: float, origin: tuple[float, float]):
    return affinity.translate(affinity.scale(geom, scale, scale, origin=(0, 0)), *origin)


def _solve_scale(origin) -> float:
    """Scale so the boundary measures exactly PLANNED_MU on the ellipsoid."""
    outline = shapely.box(0, 0, WIDTH, HEIGHT)
    scale = 1.0
    for _ in range(4):
        measured = float(areas_m2([_place(outline, scale, origin)], ZONE_CRS)[0])
        scale *= np.sqrt(to_m2(PLANNED_MU, "mu") / measured)
    return scale


def _parcel_boxes(split_x: float):
    return {
        pid: shapely.box(*(split_x if v == "x" else v for v in row[:4])) for pid, row in _PARCELS.items()
    }


def _solve_split(scale, origin) -> float:
    """B01's east edge so that developed + tenant measures exactly DEVELOPED_TOTAL_MU."""
    developed = [pid for pid, row in _PARCELS.items() if row[4] in ("developed", "tenant")]

    def developed_m2(split_x: float) -> float:
        boxes = _parcel_boxes(split_x)
        return float(areas_m2([_place(boxes[p], scale, origin) for p in developed], ZONE_CRS).sum())

    target = to_m2(DEVELOPED_TOTAL_MU, "mu")
    low, high = COLUMNS["B"]
    for _ in range(60):  # bisection: developed area grows with split_x
        middle = (low + high) / 2
        low, high = (middle, high) if developed_m2(middle) < target else (low, middle)
    return (low + high) / 2


def build_layers() -> dict[str, pd.DataFrame]:
    """Every layer of the sample zone, as frames ready to be written."""
    origin = _origin()
    scale = _solve_scale(origin)
    split_x = _solve_split(scale, origin)

    def place(geom):
        return _place(geom, scale, origin)

    boundary = gpd.GeoDataFrame(
        {"zone_id": ["HA-GYJZQ-01"], "name": ["示例工业集中区"], "planned_mu": [PLANNED_MU], "infrastructure_wan": [50.0],
         "approved_by": pd.Series([None], dtype=object), "approved_on": pd.Series([None], dtype=object)},
        geometry=[place(shapely.box(0, 0, WIDTH, HEIGHT))],
        crs=ZONE_CRS,
    )
    boxes = _parcel_boxes(split_x)
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": list(_PARCELS),
            "status": [row[4] for row in _PARCELS.values()],
            "tenant": [row[5] for row in _PARCELS.values()],
            "investment_wan": [np.nan if row[6] is None else row[6] for row in _PARCELS.values()],
            "land_use": [row[7] for row in _PARCELS.values()],
            "note": [row[8] for row in _PARCELS.values()],
            "updated": pd.Series([UPDATED] * len(_PARCELS), dtype="datetime64[ms]"),
        },
        geometry=[place(boxes[pid]) for pid in _PARCELS],
        crs=ZONE_CRS,
    )
    road_rows = [
        (name, "NS", x1 - x0, shapely.box(x0, 0, x1, HEIGHT)) for name, (x0, x1) in NS_ROADS.items()
    ] + [
        # East–west corridors stop at the north–south ones, so no two roads overlap.
        (name, "EW", y1 - y0, shapely.MultiPolygon([shapely.box(cx0, y0, cx1, y1) for cx0, cx1 in COLUMNS.values()]))
        for name, (y0, y1) in EW_ROADS.items()
    ]
    roads = gpd.GeoDataFrame(
        {"name": [r[0] for r in road_rows], "axis": [r[1] for r in road_rows], "width_m": [round(r[2] * scale, 2) for r in road_rows]},
        geometry=[place(r[3]) for r in road_rows],
        crs=ZONE_CRS,
    )
    buildings = gpd.GeoDataFrame(
        {
            "building_id": [b[0] for b in _BUILDINGS],
            "name": [b[1] for b in _BUILDINGS],
            "floors": pd.array([b[2] for b in _BUILDINGS], dtype="Int32"),
            "floor_area_m2": [b[3] for b in _BUILDINGS],
            "use": [b[4] for b in _BUILDINGS],
            "parcel_id": [b[5] for b in _BUILDINGS],
        },
        geometry=[place(shapely.box(*b[6])) for b in _BUILDINGS],
        crs=ZONE_CRS,
    )
    prospects = pd.DataFrame(list(_PROSPECTS), columns=list(store.SCHEMA["prospects"])).astype(store.SCHEMA["prospects"])
    fields = [f for f in store.SCHEMA["results"] if f != "note"]
    results = pd.DataFrame(_RESULTS, columns=fields).assign(note=RESULTS_NOTE).astype(store.SCHEMA["results"])
    return {
        "boundary": boundary,
        "parcels": parcels,
        "roads": roads,
        "buildings": buildings,
        "prospects": prospects,
        "holds": store.empty_layer("holds"),
        "results": results,
        "history": store.empty_layer("history"),
    }


def build_sample(path: str | Path) -> Path:
    """Write the sample zone to ``path`` (which must not exist yet)."""
    path = Path(path)
    with store.transaction(path, create=True) as txn:
        for name, frame in build_layers().items():
            options = {"layer_options": {"DESCRIPTION": ILLUSTRATIVE}} if name == "boundary" else {}
            txn.write(name, frame, **options)
        ensure_styles(txn.work)  # opens styled in QGIS, with the map's palette
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "layers" / "sample_zone.gpkg"
    if target.exists() and store.is_geopackage(target):
        target.unlink()
    print(build_sample(target))
