"""The synthetic zones the benchmarks and scale tests run on: adjacent, clean, realistic."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

import zonemap
from benchmarks.generate import MAX_VERTICES, MIN_VERTICES, ZONE_CRS, generate
from zonemap.status import STATUSES


@pytest.fixture(scope="module")
def zone_1000(tmp_path_factory):
    return zonemap.open(generate(1000, tmp_path_factory.mktemp("synthetic") / "z1000.gpkg"))


def test_exact_count_crs_and_schema(zone_1000):
    parcels = zone_1000.parcels
    assert len(parcels) == 1000
    assert parcels.crs == ZONE_CRS
    assert parcels["parcel_id"].is_unique
    assert set(parcels["status"]) == set(STATUSES)
    assert len(zone_1000.boundary) == 1 and len(zone_1000.roads) >= 4


def test_parcels_are_adjacent_and_vertex_matched(zone_1000):
    geoms = zone_1000.parcels.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    # No overlaps: the parcels' areas add up to the area of their union.
    assert shapely.area(geoms).sum() == pytest.approx(shapely.union_all(geoms).area, abs=0.01)
    # Shared edges match vertex for vertex, but for a few cut along the unparcelled corner's diagonal.
    mismatched = ~shapely.is_empty(shapely.coverage_invalid_edges(geoms))
    assert mismatched.sum() <= 0.01 * len(geoms)
    # Adjacent: most parcels share an edge (a line, not a point) with several others.
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="touches")
    shared = shapely.get_type_id(shapely.intersection(geoms[left], geoms[right])) != 0
    neighbours = np.bincount(left[shared], minlength=len(geoms))
    assert np.median(neighbours) >= 4


def test_vertex_counts(zone_1000):
    vertices = shapely.get_num_coordinates(zone_1000.parcels.geometry.to_numpy()) - 1
    assert vertices.min() >= MIN_VERTICES
    assert vertices.max() <= MAX_VERTICES
    assert len(np.unique(vertices)) > 10


def test_attributes_follow_the_spec(zone_1000):
    parcels = zone_1000.parcels
    tenants = parcels[parcels["status"] == "tenant"]
    assert tenants["tenant"].str.contains("[\u4e00-\u9fff]", regex=True).all()  # Chinese names
    assert parcels.loc[parcels["status"] != "tenant", "tenant"].isna().all()
    assert (tenants["investment_wan"] > 0).all()
    assert 0.15 < len(tenants) / len(parcels) < 0.25


def test_generated_zone_validates_clean_and_ledger_adds_up(zone_1000):
    assert zone_1000.validate() == []
    ledger = zone_1000.areas(unit="m2")
    # Boundary area, independently: pyproj's geodesic area of the outline in lon/lat.
    outline = zone_1000.boundary.to_crs(ZONE_CRS.geodetic_crs).geometry.iloc[0]
    geodesic, _ = Geod(ellps="GRS80").geometry_area_perimeter(outline)
    assert ledger["boundary"] == pytest.approx(abs(geodesic), abs=0.01)
    parts = sum(g["area"] for g in ledger["by_status"].values()) + ledger["roads"] + ledger["unparcelled"]
    assert parts == pytest.approx(ledger["boundary"], abs=0.01)
    assert 0.0 < ledger["unparcelled"] < 0.3 * ledger["boundary"]  # a corner left unparcelled


def test_same_seed_same_zone(tmp_path):
    a = zonemap.open(generate(200, tmp_path / "a.gpkg", seed=3)).parcels
    b = zonemap.open(generate(200, tmp_path / "b.gpkg", seed=3)).parcels
    assert shapely.equals_exact(a.geometry.to_numpy(), b.geometry.to_numpy(), 0).all()
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
