"""Synthetic zones of adjacent parcels, 10² … 10⁶, for benchmarks and scale tests.

The parcels are a Voronoi tessellation of jittered grid points, clipped to
an irregular boundary and cut by straight road corridors (north–south and
east–west), in CGCS2000 Gauss-Krüger zone 40 (EPSG:4528) around Huai'an.
Neighbouring parcels share their edges vertex for vertex, as a clean survey
coverage does; extra vertices are inserted along shared edges (the same
ones on both sides) so parcels carry 5–40 vertices. A corner of the zone is
left unparcelled. Attributes follow SPEC §3: statuses in realistic shares,
Chinese tenant names, investment, land-use codes, notes, update times.

Everything is vectorised (numpy and shapely 2), so 10⁶ parcels take about
a minute on two cores; the zone is written through :mod:`zonemap.store`.

Run ``python benchmarks/generate.py N OUT.gpkg [--seed S]``.

Examples
--------
>>> import tempfile, zonemap
>>> from pathlib import Path
>>> path = generate(300, Path(tempfile.mkdtemp()) / "z.gpkg")
>>> len(zonemap.open(path).parcels)
300
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from zonemap import store
from zonemap.areas import NOISE_M2, areas_m2
from zonemap.units import from_m2

ZONE_CRS = CRS("EPSG:4528")
#: South-west corner (lon/lat) of every synthetic zone, near Huai'an, Jiangsu.
SOUTH_WEST_LONLAT = (119.05, 33.35)
#: Mean parcel area before roads are cut out; 6000 m² is 9 mu.
MEAN_PARCEL_M2 = 6000.0
#: Shares of the three statuses among parcels.
STATUS_SHARES = {"developed": 0.25, "vacant": 0.55, "tenant": 0.20}
#: Share of the zone's parcels left out in its north-east corner (unparcelled land).
UNPARCELLED_SHARE = 0.02
#: Vertices per parcel (closing point not counted).
MIN_VERTICES, MAX_VERTICES = 5, 40
#: Coordinates are rounded to this (metres): survey output carries millimetres.
RESOLUTION_M = 0.001

_BRANDS = list(
    "恒通 华新 金源 宏达 永盛 鑫隆 瑞丰 天成 中科 东方 润发 长江 汇丰 嘉诚 联创 顺达 信义 泰和 新华 明辉 "
    "宝龙 淮海 苏北 盛世 佳电 厚翔 惠民 天有 国泰 同德 鼎盛 正大 富春 博远 凯旋 申达 银河 海川 荣昌 协力".split()
)
_TRADES = list(
    "服装 机械 电子 铝业 五金工具 纺织 食品 包装 塑业 新材料 化工 建材 家具 光电 精密铸造 汽车配件 "
    "农机 印务 电器 管业 钢构 木业 照明 医疗器械 环保设备".split()
)
_SUFFIXES = ["有限公司", "有限公司", "股份有限公司", "厂", "制造有限公司", "科技有限公司"]
_PLACES = ["", "", "", "淮安", "江苏", "苏州", "吴江", "南京", "盐城", "宿迁"]
_LAND_USES = np.array(["100101", "100102", "100103", "M1", "M2", "W1"], dtype=object)
_NOTES = np.array([None] * 17 + ["再利用旧厂房", "规划调整中", "待拆迁"], dtype=object)


def _origin() -> tuple[float, float]:
    to_gk = Transformer.from_crs("EPSG:4490", ZONE_CRS, always_xy=True)
    x, y = to_gk.transform(*SOUTH_WEST_LONLAT)
    return round(x), round(y)


def _boundary(side: float, origin: tuple[float, float]) -> shapely.Polygon:
    """An irregular outline inside the square [0, side]², cut corners and a notch."""
    s = side
    outline = [
        (0.08 * s, 0), (0.7 * s, 0), (s, 0.12 * s), (s, 0.85 * s), (0.9 * s, s),
        (0.35 * s, s), (0.35 * s, 0.93 * s), (0.05 * s, 0.93 * s), (0, 0.6 * s), (0, 0.1 * s),
    ]  # fmt: skip
    return shapely.affinity.translate(shapely.Polygon(outline), *origin)


def _roads(side: float, origin: tuple[float, float], boundary, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Road corridors: slightly slanted strips, north–south first; east–west ones stop at them."""
    per_axis = 2 + int(np.sqrt(side**2 / MEAN_PARCEL_M2) // 120)
    x0, y0 = origin
    rows = []
    for axis in ("NS", "EW"):
        stations = (np.arange(per_axis) + 0.5 + rng.uniform(-0.2, 0.2, per_axis)) * side / per_axis
        for k, (station, width) in enumerate(zip(stations, rng.choice([20.0, 24.0, 30.0, 40.0], per_axis))):
            drift = rng.uniform(-0.02, 0.02) * side
            a, b = station - width / 2, station + width / 2
            if axis == "NS":
                strip = shapely.Polygon([(x0 + a, y0 - 1), (x0 + b, y0 - 1), (x0 + b + drift, y0 + side + 1), (x0 + a + drift, y0 + side + 1)])
                name = f"经{k + 1}路"
            else:
                strip = shapely.Polygon([(x0 - 1, y0 + a), (x0 + side + 1, y0 + a + drift), (x0 + side + 1, y0 + b + drift), (x0 - 1, y0 + b)])
                name = f"纬{k + 1}路"
            rows.append((name, axis, width, strip))
    # Corners are rounded before cutting, never after: rounding a cut would bend
    # edges that parcels are later cut along.
    strips = _round(np.array([r[3] for r in rows], dtype=object))
    is_ns = np.array([r[1] == "NS" for r in rows])
    ns_union = shapely.union_all(strips[is_ns])
    geoms = shapely.intersection(np.where(is_ns, strips, shapely.difference(strips, ns_union)), boundary)
    return gpd.GeoDataFrame(
        {"name": [r[0] for r in rows], "axis": [r[1] for r in rows], "width_m": [r[2] for r in rows]},
        geometry=geoms,
        crs=ZONE_CRS,
    )


def _cells(count: int, side: float, origin: tuple[float, float], rng: np.random.Generator) -> np.ndarray:
    """Voronoi cells of ``count`` jittered grid points covering the square."""
    per_row = int(np.ceil(np.sqrt(count)))  # a few more than asked for: the square is filled
    step = side / per_row
    i, j = np.divmod(np.arange(per_row * per_row), per_row)
    points = np.column_stack([j + 0.5, i + 0.5]) * step + rng.uniform(-0.42, 0.42, (per_row * per_row, 2)) * step
    points += origin
    square = shapely.box(origin[0], origin[1], origin[0] + side, origin[1] + side)
    return shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=square))


def _clip(cells: np.ndarray, land) -> np.ndarray:
    """``cells`` cut to ``land``, each piece a parcel; only cells crossing its edge are cut."""
    shapely.prepare(land)
    inside = shapely.contains_properly(land, cells)
    cut = shapely.get_parts(shapely.intersection(cells[~inside], land))
    cut = cut[shapely.get_type_id(cut) == 3]
    return np.concatenate([cells[inside], cut])


def _leave_corner(pieces: np.ndarray, count: int, side: float, origin: tuple[float, float]) -> np.ndarray:
    """Exactly ``count`` pieces: the north-east corner beyond a straight diagonal stays unparcelled.

    A straight cut, rather than dropping whole cells, leaves unparcelled land
    without the narrow wedges that a jagged edge would make (they would be gaps).
    """
    coords, owner = shapely.get_coordinates(pieces, return_index=True)
    diagonal = coords.sum(axis=1)
    first = np.r_[0, np.flatnonzero(owner[1:] != owner[:-1]) + 1]
    nearest, farthest = np.minimum.reduceat(diagonal, first), np.maximum.reduceat(diagonal, first)
    ranked = np.sort(nearest)
    cut = (ranked[count - 1] + ranked[count]) / 2 if len(pieces) > count else np.inf
    kept = np.flatnonzero(nearest < cut)
    crossing = kept[farthest[kept] > cut]
    x0, y0 = origin
    near_side = shapely.Polygon([(x0 - side, y0 - side), (cut - y0 + side, y0 - side), (x0 - side, cut - x0 + side)])
    result = pieces.copy()
    # A cut piece that falls apart keeps its largest part; the crumbs are far below a parcel.
    cut_pieces = shapely.intersection(pieces[crossing], near_side)
    parts, part_of = shapely.get_parts(cut_pieces, return_index=True)
    largest = pd.Series(shapely.area(parts)).groupby(part_of).idxmax().to_numpy()
    result[crossing] = parts[largest]
    return result[kept]


def _round(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy / RESOLUTION_M) * RESOLUTION_M)


def _densify(parcels: np.ndarray, rng_seed: int) -> np.ndarray:
    """Insert points along edges so each parcel has MIN…MAX vertices, the same on both sides of a shared edge.

    Each distinct edge gets a number of inner points; a parcel walking the
    edge the other way gets the same points in reverse order, so neighbours
    stay vertex-matched.
    """
    coords, ring = shapely.get_coordinates(shapely.get_exterior_ring(parcels), return_index=True)
    last = np.r_[ring[1:] != ring[:-1], True]  # closing point of each ring
    start = ~last
    a, b = coords[start], coords[np.flatnonzero(start) + 1]
    owner = ring[start]
    # An edge's key is its two ends in a fixed order; identical on both sides.
    flip = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    lo, hi = np.where(flip[:, None], b, a), np.where(flip[:, None], a, b)
    _, edge = np.unique(np.column_stack([lo, hi]), axis=0, return_inverse=True)
    edge = edge.ravel()
    n_edges = edge.max() + 1
    rng = np.random.default_rng(rng_seed)
    inner = rng.choice([0, 0, 0, 0, 0, 1, 1, 2, 3, 5], n_edges)

    def vertex_counts() -> np.ndarray:
        return np.bincount(owner, weights=1 + inner[edge], minlength=len(parcels)).astype(int)

    # Too many: drop the inner points of that parcel's edges; too few: add to its longest edge.
    counts = vertex_counts()
    inner[np.unique(edge[counts[owner] > MAX_VERTICES])] = 0
    counts = vertex_counts()
    length = np.hypot(*(hi - lo).T)
    order = np.lexsort((-length, owner))
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    short = first[counts[owner[first]] < MIN_VERTICES]
    np.add.at(inner, edge[short], MIN_VERTICES - counts[owner[short]])

    k = inner[edge]
    total = 1 + k  # each edge contributes its start plus its inner points
    seg = np.repeat(np.arange(len(a)), total)
    step = np.arange(len(seg)) - np.repeat(np.cumsum(total) - total, total)  # 0 … k within an edge
    # Measured from the edge's fixed end with the same integers, as the neighbour does,
    # so both compute bit-identical points.
    t = np.where(flip[seg], k[seg] + 1 - step, step) / (k[seg] + 1)
    points = np.where((step == 0)[:, None], a[seg], lo[seg] + (hi[seg] - lo[seg]) * t[:, None])
    # Close each ring with its first point again.
    seg_owner = owner[seg]
    ring_start = np.r_[True, seg_owner[1:] != seg_owner[:-1]]
    closing = np.flatnonzero(np.r_[ring_start[1:], True])
    points = np.insert(points, closing + 1, points[ring_start], axis=0)
    point_owner = np.insert(seg_owner, closing + 1, seg_owner[ring_start])
    return shapely.polygons(shapely.linearrings(points, indices=point_owner))


def _tenant_names(count: int, rng: np.random.Generator) -> np.ndarray:
    parts = [rng.choice(np.array(words, dtype=object), count) for words in (_PLACES, _BRANDS, _TRADES, _SUFFIXES)]
    return parts[0] + parts[1] + parts[2] + parts[3]


def _attributes(count: int, rng: np.random.Generator) -> pd.DataFrame:
    status = rng.choice(np.array(list(STATUS_SHARES), dtype=object), count, p=list(STATUS_SHARES.values()))
    tenant = np.full(count, None, dtype=object)
    is_tenant = status == "tenant"
    tenant[is_tenant] = _tenant_names(int(is_tenant.sum()), rng)
    investment = np.where(is_tenant, np.round(rng.lognormal(np.log(1000), 0.8, count), 1), np.nan)
    seconds = rng.integers(0, 6 * 365 * 86400, count)
    return pd.DataFrame(
        {
            "parcel_id": "P" + pd.Series(np.arange(1, count + 1)).astype(str).str.zfill(7),
            "status": status,
            "tenant": tenant,
            "investment_wan": investment,
            "land_use": rng.choice(_LAND_USES, count),
            "note": rng.choice(_NOTES, count),
            "updated": (np.datetime64("2020-01-01T00:00:00", "ms") + seconds.astype("timedelta64[s]")).astype("datetime64[ms]"),
        }
    )


def build_layers(count: int, *, seed: int = 0) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """The layers of a synthetic zone with exactly ``count`` adjacent parcels."""
    rng = np.random.default_rng(seed)
    origin = _origin()
    side = float(np.sqrt(count * MEAN_PARCEL_M2 / 0.9))  # the outline fills ~94% of its square, roads ~4%
    boundary = _round(np.array([_boundary(side, origin)]))[0]
    roads = _roads(side, origin, boundary, rng)
    land = shapely.difference(boundary, shapely.union_all(roads.geometry.values))

    # Points in the square so that the pieces of land number a little more than
    # ``count``: cells inside land, plus one extra piece per cell a road cuts.
    land_share, target = land.area / side**2, count * (1 + 2 * UNPARCELLED_SHARE)
    crossings = len(roads) * 1.1
    per_side = (-crossings + np.sqrt(crossings**2 + 4 * land_share * target)) / (2 * land_share)
    cells = _round(_cells(int(per_side**2) + 4, side, origin, rng))
    pieces = _clip(cells, land)
    # Crumbs where roads cross stay parcels down to the noise level, so no gap is left.
    pieces = pieces[shapely.area(pieces) > NOISE_M2]
    if len(pieces) < count:
        raise RuntimeError(f"only {len(pieces)} parcels fit; raise the oversampling in build_layers")
    pieces = _leave_corner(pieces, count, side, origin)
    geometry = _densify(pieces, seed)
    # Points inserted along both sides of a hair-thin sliver can cross; such a piece stays as cut.
    geometry = np.where(shapely.is_valid(geometry), geometry, pieces)

    parcels = gpd.GeoDataFrame(_attributes(count, rng), geometry=geometry, crs=ZONE_CRS)
    boundary_mu = from_m2(float(areas_m2([boundary], ZONE_CRS)[0]), "mu")
    return {
        "boundary": gpd.GeoDataFrame(
            {"zone_id": [f"SYN-{count}"], "name": [f"合成园区 {count} 地块"], "planned_mu": [round(boundary_mu, 2)], "infrastructure_wan": [50.0 * count],
             "approved_by": pd.Series([None], dtype=object), "approved_on": pd.Series([None], dtype=object)},
            geometry=[boundary],
            crs=ZONE_CRS,
        ),
        "parcels": parcels,
        "roads": roads,
        "buildings": store.empty_layer("buildings", ZONE_CRS),
        "prospects": store.empty_layer("prospects"),
        "history": store.empty_layer("history"),
    }


def generate(count: int, path: str | Path, *, seed: int = 0) -> Path:
    """Write a synthetic zone of ``count`` parcels to ``path`` (a new GeoPackage)."""
    path = Path(path)
    with store.transaction(path, create=True) as txn:
        for name, frame in build_layers(count, seed=seed).items():
            txn.write(name, frame)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of parcels, e.g. 100000")
    parser.add_argument("out", type=Path, help="the zone GeoPackage to write (must not exist)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(generate(args.count, args.out, seed=args.seed))


if __name__ == "__main__":
    sys.exit(main())
