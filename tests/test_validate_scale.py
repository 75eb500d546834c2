"""Validation at scale measures only next to the coverage's rim: it must find what an exhaustive check finds."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import zonemap
from benchmarks.generate import build_layers
from zonemap import store
from zonemap.coverage import grouped, rim_edges


def test_rim_edges_counts_edges_not_shared_from_the_other_side():
    a, b = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
    assert rim_edges([a, b]).tolist() == [3, 3]
    # Orientation does not matter: b walked clockwise still shares its edge with a.
    assert rim_edges([a, shapely.orient_polygons(b, exterior_cw=True)]).tolist() == [3, 3]
    # A duplicate shares its edges from the same side: every edge is on the rim.
    assert rim_edges([a, a]).tolist() == [4, 4]
    assert rim_edges([a, b, b]).tolist() == [4, 4, 4]
    # Edges that meet only part way (a T-junction) do not match.
    assert rim_edges([a, shapely.box(1, 0, 2, 2)]).tolist() == [4, 4]
    # A hole filled by an island: the island's edges match the hole's.
    frame = shapely.box(0, 0, 3, 3).difference(shapely.box(1, 1, 2, 2))
    assert rim_edges([frame, shapely.box(1, 1, 2, 2)]).tolist() == [4, 0]
    # A multipolygon's parts count for it.
    assert rim_edges([shapely.MultiPolygon([a, shapely.box(5, 5, 6, 6)]), b]).tolist() == [7, 3]


def test_grouped_puts_equal_keys_together_even_when_they_differ_only_in_the_low_bits():
    # Keys alike but for the bits that carry positions sort by position first (A B A B ...): the fix-up must regroup them.
    rng = np.random.default_rng(3)
    key = rng.integers(0, 40, 5000).astype(np.uint64) << np.uint64(40) | rng.integers(0, 4, 5000).astype(np.uint64)
    order, ordered = grouped(key)
    assert sorted(order.tolist()) == list(range(len(key)))
    assert (ordered == key[order]).all()
    runs = np.r_[True, ordered[1:] != ordered[:-1]].sum()
    assert runs == len(set(key.tolist()))  # each distinct key in one run


def _brute_force(parcels: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, boundary) -> tuple[set, set]:
    """Every overlapping pair and every parcel outside, measured for all parcels (no rim shortcut)."""
    geoms = np.concatenate([parcels.geometry.to_numpy(), roads.geometry.to_numpy()])
    ids = np.concatenate([parcels["parcel_id"].to_numpy(), roads["name"].to_numpy()]).astype(object)
    is_road = np.r_[np.zeros(len(parcels), bool), np.ones(len(roads), bool)]
    left, right = np.triu_indices(len(geoms), k=1)
    candidates = shapely.intersects(geoms[left], geoms[right]) & ~(is_road[left] & is_road[right])
    left, right = left[candidates], right[candidates]
    overlapping = shapely.area(shapely.intersection(geoms[left], geoms[right])) > 0.01
    overlaps = {f"{ids[i]},{ids[j]}" for i, j in zip(left[overlapping], right[overlapping])}
    outside = {ids[i] for i in np.flatnonzero(shapely.area(shapely.difference(geoms, boundary)) > 0.01)}
    return overlaps, outside


@pytest.fixture(scope="module")
def damaged_zone(tmp_path_factory):
    """A generated zone of 600 parcels with one defect of each kind, and its brute-force answer."""
    layers = build_layers(600, seed=7)
    parcels, roads = layers["parcels"], layers["roads"]
    boundary = layers["boundary"].geometry.iloc[0]
    geoms = parcels.geometry.to_numpy().copy()
    rim = rim_edges(geoms) > 0
    enclosed = np.flatnonzero(~rim)
    on_boundary = np.flatnonzero(shapely.intersects(geoms, boundary.exterior))
    grown, shrunk, host, twin, pushed = enclosed[10], enclosed[40], enclosed[80], enclosed[120], on_boundary[3]
    geoms[grown] = shapely.buffer(geoms[grown], 0.4, join_style="mitre")  # overlaps every neighbour
    geoms[shrunk] = shapely.buffer(geoms[shrunk], -0.3, join_style="mitre")  # a 0.3 m ring of gap
    geoms[pushed] = shapely.buffer(geoms[pushed], 2.0, join_style="mitre")  # out over the boundary
    parcels = parcels.set_geometry(geoms)
    extra = parcels.iloc[[host, twin]].copy()
    extra["parcel_id"] = ["X-INSIDE", "X-TWIN"]
    # A small parcel drawn inside another, and an exact duplicate under a new id: both
    # sit amid parcels whose every edge is shared, away from the rim.
    extra = extra.set_geometry([shapely.buffer(shapely.centroid(geoms[host]), 5.0, quad_segs=2), geoms[twin]])
    parcels = pd.concat([parcels, extra], ignore_index=True)
    path = tmp_path_factory.mktemp("damaged") / "damaged.gpkg"
    with store.transaction(path, create=True) as txn:
        for name, frame in {**layers, "parcels": parcels}.items():
            txn.write(name, frame)
    expected = _brute_force(parcels, roads, boundary)
    names = {k: parcels["parcel_id"].iloc[v] for k, v in dict(grown=grown, shrunk=shrunk, host=host, twin=twin, pushed=pushed).items()}
    return path, expected, names


def test_overlaps_found_are_those_an_exhaustive_check_finds(damaged_zone):
    path, (overlaps, _), names = damaged_zone
    found = {p.id for p in zonemap.open(path).validate() if p.code == "overlap"}
    assert found == overlaps
    assert f"{names['host']},X-INSIDE" in found and f"{names['twin']},X-TWIN" in found
    assert sum(names["grown"] in pair.split(",") for pair in found) >= 4


def test_outside_found_is_what_an_exhaustive_check_finds(damaged_zone):
    path, (_, outside), names = damaged_zone
    found = {p.id for p in zonemap.open(path).validate() if p.code == "outside_boundary"}
    assert found == outside == {names["pushed"]}


def test_gap_around_a_shrunk_parcel_is_found(damaged_zone):
    path, _, names = damaged_zone
    gaps = [p for p in zonemap.open(path).validate() if p.code == "gap"]
    assert len(gaps) == 1 and names["shrunk"] in gaps[0].id.split(",")
    # The ring is 0.3 m wide around the parcel: its area is close to 0.3 × the perimeter.
    perimeter = zonemap.open(path).parcels.set_index("parcel_id").geometry[names["shrunk"]].length
    area = float(gaps[0].message.split(" m²")[0].split()[-1])
    assert area == pytest.approx(0.3 * perimeter, rel=0.05)
