"""Areas and the ledger, checked against computations made independently here."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS, Geod
from shapely import affinity

import zonemap
from zonemap.areas import areas_m2
from zonemap.errors import CrsError

from conftest import MU, ORIGINS, geodesic_m2

def irregular_shapes(x0: float, y0: float) -> list:
    """An irregular polygon, a rotated one, one with two holes, and a multipolygon."""
    irregular = shapely.Polygon([(0, 0), (173.2, 12.5), (210.7, 141.9), (96.3, 188.4), (-20.1, 97.6)])
    rotated = affinity.rotate(shapely.box(0, 0, 320, 95), 37.5, origin=(0, 0))
    holed = shapely.Polygon(
        [(0, 0), (400, 0), (400, 300), (0, 300)],
        holes=[[(50, 50), (150, 50), (150, 120), (50, 120)], [(250, 150), (330, 160), (300, 260)]],
    )
    multi = shapely.MultiPolygon([shapely.box(0, 0, 60, 40), affinity.rotate(shapely.box(100, 0, 180, 55), -20)])
    shapes = [irregular, rotated, holed, multi]
    return [affinity.translate(s, x0 + 700 * i, y0) for i, s in enumerate(shapes)]


@pytest.mark.parametrize("crs", ORIGINS)
def test_ellipsoidal_area_agrees_with_geodesic_area(crs):
    shapes = irregular_shapes(*ORIGINS[crs])
    ours = areas_m2(shapes, CRS(crs), method="ellipsoidal")
    expected = [geodesic_m2(s, crs) for s in shapes]
    assert np.abs(ours - expected).max() < 0.01


@pytest.mark.parametrize("crs", ORIGINS)
def test_planar_area_is_the_native_crs_area(crs):
    shapes = irregular_shapes(*ORIGINS[crs])
    ours = areas_m2(shapes, CRS(crs), method="planar")
    assert np.abs(ours - [s.area for s in shapes]).max() < 0.01
    # The holed polygon: the outer square minus the two holes, by hand.
    triangle = abs((330 - 250) * (260 - 150) - (300 - 250) * (160 - 150)) / 2
    assert ours[2] == pytest.approx(400 * 300 - 100 * 70 - triangle, abs=0.01)


def test_ellipsoidal_and_planar_differ_by_the_gauss_kruger_scale():
    # 2 km east of CM 120°E the GK scale factor is ~1 + x²/2R²: tiny; far from it, areas grow.
    near = shapely.box(502_000, 3_707_000, 502_500, 3_707_400)
    far = shapely.box(640_000, 3_707_000, 640_500, 3_707_400)
    ell = areas_m2([near, far], CRS("EPSG:4549"), method="ellipsoidal")
    assert ell[0] == pytest.approx(200_000, rel=1e-6)
    assert ell[1] < 200_000 * (1 - 1e-4)  # planar overstates the land 140 km off the meridian


@settings(max_examples=40, deadline=None)
@given(
    width=st.floats(5, 1000),
    height=st.floats(5, 1000),
    angle=st.floats(0, 180),
    dx=st.floats(-60_000, 60_000),
    dy=st.floats(-50_000, 50_000),
)
def test_any_rotated_parcel_agrees_with_geodesic_area(width, height, angle, dx, dy):
    # Edges up to 1 km (1500 mu parcels): beyond that the straight edge in the
    # equal-area frame and the geodesic part by ~1e-8 of the area.
    x0, y0 = ORIGINS["EPSG:4528"]
    parcel = affinity.rotate(shapely.box(x0 + dx, y0 + dy, x0 + dx + width, y0 + dy + height), angle)
    ours = areas_m2([parcel], CRS("EPSG:4528"))[0]
    assert ours == pytest.approx(geodesic_m2(parcel, "EPSG:4528"), abs=0.01)


def test_missing_and_empty_geometries_count_zero():
    x0, y0 = ORIGINS["EPSG:4528"]
    geoms = [shapely.box(x0, y0, x0 + 10, y0 + 10), None, shapely.Polygon()]
    assert list(areas_m2(geoms, CRS("EPSG:4528"), method="planar")) == [100.0, 0.0, 0.0]


def test_planar_area_is_refused_in_degrees_and_without_crs():
    lonlat = [shapely.box(119.2, 33.5, 119.21, 33.51)]
    with pytest.raises(CrsError, match="geographic"):
        areas_m2(lonlat, CRS("EPSG:4490"), method="planar")
    with pytest.raises(CrsError, match="no CRS"):
        areas_m2(lonlat, None, method="ellipsoidal")
    # Ellipsoidal area of lon/lat data is well defined.
    geod_area = abs(Geod(ellps="GRS80").geometry_area_perimeter(lonlat[0])[0])
    assert areas_m2(lonlat, CRS("EPSG:4490"))[0] == pytest.approx(geod_area, abs=0.01)


@pytest.mark.parametrize("crs", ORIGINS)
@pytest.mark.parametrize("method", ["ellipsoidal", "planar"])
def test_ledger_matches_independent_figures(grid_zone, crs, method):
    path, boundary, parcels, roads = grid_zone(crs=crs, angle=23.0, planned_mu=190.0)
    measure = (lambda g: geodesic_m2(g, crs)) if method == "ellipsoidal" else (lambda g: g.area)
    by_status = {s: sum(measure(g) for st_, g in parcels if st_ == s) / MU for s in ("developed", "vacant", "tenant")}
    boundary_mu = measure(boundary) / MU
    roads_mu = measure(shapely.union_all(roads)) / MU
    unparcelled_mu = measure(shapely.difference(boundary, shapely.union_all([g for _, g in parcels] + roads))) / MU

    ledger = zonemap.open(path).areas(method=method)

    assert ledger["boundary"] == pytest.approx(boundary_mu, abs=0.01 / MU)
    for status, area in by_status.items():
        assert ledger["by_status"][status]["area"] == pytest.approx(area, abs=0.01 / MU)
    assert ledger["roads"] == pytest.approx(roads_mu, abs=0.01 / MU)
    assert ledger["unparcelled"] == pytest.approx(unparcelled_mu, abs=0.02 / MU)
    assert ledger["developed_total"] == pytest.approx(by_status["developed"] + by_status["tenant"], abs=0.01 / MU)
    assert ledger["remaining"] == pytest.approx(boundary_mu - by_status["tenant"] - roads_mu, abs=0.01 / MU)
    assert ledger["ready"] == pytest.approx(by_status["developed"], abs=0.01 / MU)
    assert ledger["raw"] == pytest.approx(by_status["vacant"] + unparcelled_mu, abs=0.02 / MU)
    # The accounting identity of SPEC §3, to 0.01 mu.
    parts = sum(g["area"] for g in ledger["by_status"].values()) + ledger["roads"] + ledger["unparcelled"]
    assert parts == pytest.approx(ledger["boundary"], abs=0.01)
    assert ledger["remaining"] == pytest.approx(ledger["ready"] + ledger["raw"], abs=0.01)
    assert ledger["by_status"]["tenant"]["share"] == pytest.approx(by_status["tenant"] / boundary_mu)


@pytest.mark.parametrize("unit, per_m2", [("m2", 1.0), ("ha", 1e-4), ("mu", 15e-4)])
def test_ledger_units(grid_zone, unit, per_m2):
    path, boundary, *_ = grid_zone(planned_mu=190.0)
    ledger = zonemap.open(path).areas(unit=unit)
    assert ledger["unit"] == unit
    assert ledger["boundary"] == pytest.approx(geodesic_m2(boundary, "EPSG:4528") * per_m2, abs=0.01 * per_m2)
    assert ledger["planned"] == pytest.approx(190.0 * MU * per_m2)


def test_ledger_by_tenant(grid_zone):
    path, _, parcels, _ = grid_zone()
    ledger = zonemap.open(path).areas(by="tenant")
    tenant_mu = geodesic_m2(parcels[0][1], "EPSG:4528") / MU
    assert ledger["by_tenant"]["厚翔服装厂"] == {"parcels": 1, "area": pytest.approx(tenant_mu, abs=1e-5), "share": pytest.approx(tenant_mu / ledger["boundary"])}
    assert ledger["by_tenant"][""]["parcels"] == 3


def test_areas_from_the_maps_lon_lat_rings_equal_the_geodesic_area():
    """The map measures parcels from the lon/lat rings it draws: holes, multipolygons and gaps in the list too."""
    from zonemap.areas import geodetic_rings, geodetic_rings_m2

    x0, y0 = ORIGINS["EPSG:4528"]
    outer = shapely.box(x0, y0, x0 + 100, y0 + 80)
    holed = outer.difference(shapely.box(x0 + 40, y0 + 30, x0 + 60, y0 + 50))
    multi = shapely.MultiPolygon([shapely.box(x0 + 200, y0, x0 + 250, y0 + 50), affinity.translate(holed, 300, 0)])
    geoms = np.array([holed, None, multi, shapely.Polygon(), affinity.rotate(outer, 33)], dtype=object)
    got = geodetic_rings_m2(geodetic_rings(geoms, CRS("EPSG:4528")), CRS("EPSG:4528"))
    expected = [0.0 if g is None or g.is_empty else geodesic_m2(g, "EPSG:4528") for g in geoms]
    assert np.abs(got - np.array(expected)).max() < 0.01
    assert got[0] == pytest.approx(8000 - 400, abs=1)  # the hole is taken out, not added


def test_rings_of_plain_polygons_with_a_hole_and_of_nothing():
    """Polygons only (no multipolygon in the list), a hole, a gap; and a list with nothing to measure. Figures by hand."""
    from zonemap.areas import polygon_rings, rings_area

    holed = shapely.Polygon([(0, 0), (4, 0), (4, 3), (0, 3)], holes=[[(1, 1), (2, 1), (2, 2), (1, 2)]])
    rings = polygon_rings([holed, None, shapely.box(10, 0, 12, 1)])
    assert rings.sizes.tolist() == [4, 4, 4] and rings.counts.tolist() == [2, 0, 1]
    assert rings.exterior.tolist() == [True, False, True] and rings.xy.shape == (12, 2)
    assert rings_area(rings).tolist() == [11.0, 0.0, 2.0]  # 4 × 3 less the 1 × 1 hole; nothing; 2 × 1
    nothing = polygon_rings([None, shapely.Polygon()])
    assert nothing.xy.shape == (0, 2) and nothing.sizes.tolist() == [] and nothing.counts.tolist() == [0, 0]
    assert nothing.exterior.tolist() == [] and rings_area(nothing).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="polygons expected, got points"):
        polygon_rings([shapely.Point(0, 0)])


def test_parcels_are_measured_when_their_areas_are_not_given(grid_zone):
    """What the dask engine hands the ledger: each parcel's id, status, grouping field and area."""
    from zonemap.areas import measure_parcels

    path, *_ = grid_zone()
    parcels = zonemap.store.read_layer(path, "parcels")
    measured = measure_parcels(parcels)
    assert list(measured.columns) == ["parcel_id", "status", "area"]
    assert measured["area"].tolist() == pytest.approx([geodesic_m2(g, "EPSG:4528") for g in parcels.geometry], abs=0.01)
    planar = measure_parcels(parcels, method="planar", by="tenant")
    assert list(planar.columns) == ["parcel_id", "status", "tenant", "area"]
    assert planar["area"].tolist() == pytest.approx([g.area for g in parcels.geometry])


def test_ledger_groups_are_listed_in_the_order_of_their_keys(grid_zone):
    path, *_ = grid_zone()
    by_tenant = zonemap.open(path).areas(by="tenant")["by_tenant"]
    assert list(by_tenant) == ["", "厚翔服装厂"]  # the parcels list 厚翔服装厂 first


def test_ledger_of_a_zone_its_parcels_tile_with_held_land_and_no_tenant_or_road(make_zone):
    """Every key of the ledger, by hand; the defaults (亩, ellipsoidal, by status); absent statuses as zeros; held land."""
    import pandas as pd

    from zonemap import store
    from zonemap.areas import ledger

    x0, y0 = ORIGINS["EPSG:4528"]
    boxes = {"P1": (0, "vacant"), "P2": (100, "developed"), "P3": (200, "vacant")}
    cells = {pid: shapely.box(x0 + dx, y0, x0 + dx + 100, y0 + 100) for pid, (dx, _) in boxes.items()}
    path = make_zone(boundary=shapely.box(x0, y0, x0 + 300, y0 + 100),
                     parcels=[{"parcel_id": pid, "status": status, "geometry": cells[pid]} for pid, (_, status) in boxes.items()])
    with store.transaction(path) as txn:  # P1 and P2 held for a prospect; P3 free
        txn.write("holds", pd.DataFrame({"parcel_id": ["P1", "P2"], "prospect": ["新材料项目"] * 2}).reindex(columns=list(store.SCHEMA["holds"])).astype(store.SCHEMA["holds"]))
    mu = {pid: geodesic_m2(g, "EPSG:4528") / MU for pid, g in cells.items()}

    got = ledger(zonemap.open(path))

    assert set(got) == {"zone", "method", "unit", "planned", "boundary", "by_status", "roads", "unparcelled",
                        "developed_total", "remaining", "ready", "raw", "held"}
    assert (got["zone"], got["method"], got["unit"], got["planned"]) == ("测试园区", "ellipsoidal", "mu", None)
    assert list(got["by_status"]) == ["developed", "vacant", "tenant"]
    assert got["by_status"]["tenant"] == {"parcels": 0, "area": 0.0, "share": 0.0}
    assert got["by_status"]["vacant"]["area"] == pytest.approx(mu["P1"] + mu["P3"], abs=0.01 / MU)
    assert got["roads"] == 0.0 and got["unparcelled"] == 0.0  # no roads; the parcels tile the boundary (noise is 0)
    assert got["held"] == pytest.approx(mu["P1"] + mu["P2"], abs=0.01 / MU)
    assert got["remaining"] == pytest.approx(sum(mu.values()), abs=0.01 / MU)
