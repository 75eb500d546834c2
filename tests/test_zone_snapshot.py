"""A Zone never answers from an older state than its file (the snapshot model of zonemap.zone)."""

from __future__ import annotations

import sqlite3
import warnings

import pytest
import shapely

import zonemap
from tests.conftest import geodesic_m2
from zonemap.intake.edits import merge_parcels, set_parcel, split_parcel
from zonemap.zone import ZoneChangedWarning

MU = 10000 / 15


def _tenant_mu(path) -> float:
    """Tenant land measured here, from the file, with pyproj's Geod (not the library's ledger)."""
    import pyogrio

    parcels = pyogrio.read_dataframe(path, layer="parcels")
    tenant = parcels[parcels["status"] == "tenant"]
    return sum(geodesic_m2(g, parcels.crs.to_string()) for g in tenant.geometry) / MU


def test_a_zone_edited_through_its_path_reads_the_file_again_and_says_so(sample_copy):
    zone = zonemap.open(sample_copy)
    before = zone.areas()["by_status"]["tenant"]["area"]
    assert before == pytest.approx(_tenant_mu(sample_copy), abs=0.005)
    set_parcel(sample_copy, "B03", status="tenant", tenant="惠实业有限公司", investment=2000)
    assert not zone.is_current()
    with pytest.warns(ZoneChangedWarning, match="changed since this Zone read it"):
        after = zone.areas()["by_status"]["tenant"]["area"]
    assert after == pytest.approx(_tenant_mu(sample_copy), abs=0.005)
    assert after - before > 1.0  # B03 now counts
    assert zone.parcels.set_index("parcel_id").loc["B03", "status"] == "tenant"  # the layers too, not only the ledger


def test_every_edit_returns_the_new_zone_with_the_rows_it_wrote(sample_copy):
    zone = zonemap.open(sample_copy)
    edited = set_parcel(zone, "A01", status="vacant")
    assert edited.is_current() and edited is not zone
    assert [(r["field"], r["old"], r["new"]) for r in edited.edit] == [
        ("status", "tenant", "vacant"),
        ("tenant", "厚翔服装厂", None),
        ("investment_wan", "1000", None),
    ]
    a01 = edited.parcels.set_index("parcel_id").loc["A01"]
    assert a01["status"] == "vacant" and a01.isna()[["tenant", "investment_wan"]].all()
    assert set_parcel(edited, "A01", status="vacant").edit == []  # nothing to change: nothing written

    split = split_parcel(edited, "C03", mu=5.0, side="west")
    pieces = [r["parcel_id"] for r in split.edit if r["field"] == "parent"]
    assert pieces == ["C03-1", "C03-2"] and "C03" not in set(split.parcels["parcel_id"])
    merged = merge_parcels(split, pieces, new_id="C03")
    assert merged.edit[-1]["field"] == "buildings.parcel_id" or any(r["field"] == "parents" for r in merged.edit)
    assert "C03" in set(merged.parcels["parcel_id"]) and merged.is_current()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ZoneChangedWarning)
        merged.areas()  # the newest snapshot is current: no warning


def test_a_write_of_the_same_size_within_the_same_clock_tick_is_noticed(sample_copy):
    """Another program (QGIS) rewriting a value in place: SQLite's change counter moves even when size and time do not."""
    import os

    zone = zonemap.open(sample_copy)
    zone.prospects  # read and kept
    stat = os.stat(sample_copy)
    with sqlite3.connect(sample_copy) as db:
        db.execute("UPDATE prospects SET note = 'x' WHERE fid = 1")
    os.utime(sample_copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as if within the same tick
    assert os.stat(sample_copy).st_size == stat.st_size
    assert not zone.is_current()
    with pytest.warns(ZoneChangedWarning):
        assert zone.prospects["note"].iloc[0] == "x"


def test_an_unchanged_file_is_not_read_again(sample_copy):
    zone = zonemap.open(sample_copy)
    first = zone.parcels
    with warnings.catch_warnings():
        warnings.simplefilter("error", ZoneChangedWarning)
        assert zone.parcels is first
        assert shapely.get_num_geometries(zone.boundary.geometry.iloc[0]) >= 1
