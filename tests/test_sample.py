"""The bundled sample zone holds the plan's figures, measured independently."""

from __future__ import annotations

import pytest
import shapely
from pyproj import Transformer

import zonemap
from conftest import MU, geodesic_m2
from zonemap import sample, store


@pytest.fixture(scope="module")
def zone():
    return zonemap.open(zonemap.sample_path())


def test_boundary_is_300_mu_on_the_ellipsoid_in_huaian(zone):
    boundary = zone.boundary.geometry.iloc[0]
    assert zone.crs.to_epsg() == 4528
    assert geodesic_m2(boundary, "EPSG:4528") / MU == pytest.approx(300.0, abs=0.01)
    assert zone.boundary.planned_mu.item() == 300.0 and zone.boundary.infrastructure_wan.item() == 50.0
    to_lonlat = Transformer.from_crs("EPSG:4528", "EPSG:4490", always_xy=True)
    west, south, east, north = to_lonlat.transform_bounds(*boundary.bounds)
    assert 119.1 <= west < east <= 119.4 and 33.4 <= south < north <= 33.6
    assert "Illustrative" in _contents_description(zonemap.sample_path(), "boundary")


def _contents_description(path, layer: str) -> str:
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute("SELECT description FROM gpkg_contents WHERE table_name = ?", (layer,)).fetchone()[0]


def test_developed_land_is_100_mu_with_two_tenants(zone):
    parcels = zone.parcels
    developed = parcels[parcels.status.isin(["developed", "tenant"])]
    assert sum(geodesic_m2(g, "EPSG:4528") for g in developed.geometry) / MU == pytest.approx(100.0, abs=0.01)
    tenants = parcels[parcels.status == "tenant"].set_index("tenant")
    assert sorted(tenants.index) == sorted(["厚翔服装厂", "佳电机械厂"])
    assert (tenants.investment_wan == 1000.0).all()


def test_roads_form_two_by_two_grid_and_parcels_tile_the_rest(zone):
    assert sorted(zone.roads.axis) == ["EW", "EW", "NS", "NS"]
    covered = shapely.union_all(list(zone.parcels.geometry) + list(zone.roads.geometry))
    boundary = zone.boundary.geometry.iloc[0]
    assert shapely.symmetric_difference(covered, boundary).area < 0.01
    assert sum(g.area for g in zone.parcels.geometry) + shapely.union_all(zone.roads.geometry).area == pytest.approx(boundary.area, abs=0.01)


def test_buildings_and_prospects(zone):
    buildings = zone.buildings.set_index("parcel_id")
    tenant_parcels = zone.parcels.loc[zone.parcels.status == "tenant", "parcel_id"]
    assert (buildings.loc[list(tenant_parcels), "use"] == "in_use").all()
    dairy = zone.buildings[zone.buildings.name.str.contains("包圩奶牛厂")]
    assert list(dairy.use) == ["idle"]
    for building, parcel in zip(zone.buildings.geometry, zone.buildings.parcel_id):
        assert zone.parcels.set_index("parcel_id").geometry[parcel].contains(building)
    prospects = zone.prospects.set_index("name")
    assert prospects.loc["惠实业有限公司", ["investment_wan", "stage"]].tolist() == [2000.0, "intent"]
    assert prospects.loc["天有限公司", ["investment_wan", "stage"]].tolist() == [1200.0, "negotiating"]
    wujiang = zone.prospects[zone.prospects.name.str.contains("吴江")]
    assert wujiang.stage.item() == "intent" and wujiang.parcel_id.item() == dairy.parcel_id.item()
    assert dairy.building_id.item() in wujiang.buildings.item()


def test_two_years_of_illustrative_results_for_the_two_tenants(zone):
    results = zone.results
    assert sorted(zip(results.tenant, results.year)) == sorted((t, y) for t in ("厚翔服装厂", "佳电机械厂") for y in (2024, 2025))
    assert (results.note == "示意数据 illustrative").all() and results.tax_wan.notna().all()
    assert len(zone.holds) == 0


def test_builder_is_deterministic_and_matches_the_committed_file(tmp_path):
    rebuilt = sample.build_sample(tmp_path / "rebuilt.gpkg")
    for name in ("boundary", "parcels", "roads", "buildings", "prospects", "holds", "results"):
        committed, fresh = store.read_layer(zonemap.sample_path(), name), store.read_layer(rebuilt, name)
        assert committed.drop(columns="geometry", errors="ignore").equals(fresh.drop(columns="geometry", errors="ignore")), name
        if "geometry" in committed:
            assert shapely.equals_exact(committed.geometry.values, fresh.geometry.values, tolerance=0).all(), name


def test_sample_opens_styled_in_qgis():
    import sqlite3

    with sqlite3.connect(zonemap.sample_path()) as db:
        styled = dict(db.execute("SELECT f_table_name, useAsDefault FROM layer_styles"))
        registered = db.execute("SELECT 1 FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
    assert styled == {"parcels": 1, "boundary": 1, "roads": 1, "buildings": 1} and registered
