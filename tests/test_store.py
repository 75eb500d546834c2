"""The zone store: layers round-trip, writes are atomic, a second writer is told it is busy."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import zonemap
from zonemap import store
from zonemap.errors import BusyError, ZoneFileError


def test_every_layer_round_trips(sample_copy):
    layers = store.list_layers(sample_copy)
    assert {"boundary", "parcels", "roads", "buildings", "prospects", "history"} <= set(layers)
    assert layers["prospects"] is None and layers["history"] is None
    parcels = store.read_layer(sample_copy, "parcels")
    assert parcels.crs.to_epsg() == 4528  # native CRS kept
    assert list(store.SCHEMA["parcels"]) == [c for c in parcels.columns if c != "geometry"]
    with store.transaction(sample_copy) as txn:
        txn.write("parcels", parcels)
    again = store.read_layer(sample_copy, "parcels")
    pd.testing.assert_frame_equal(pd.DataFrame(again.drop(columns="geometry")), pd.DataFrame(parcels.drop(columns="geometry")))
    assert shapely.equals_exact(again.geometry.values, parcels.geometry.values, tolerance=0).all()
    assert again.loc[again.parcel_id == "A01", "tenant"].item() == "厚翔服装厂"


def test_absent_optional_layer_reads_empty_with_its_fields(make_zone):
    path = make_zone(boundary=shapely.box(0, 0, 1, 1), parcels=[])
    history = store.read_layer(path, "history")
    assert len(history) == 0 and list(history.columns) == list(store.SCHEMA["history"])


def test_failed_write_leaves_the_zone_byte_identical(sample_copy):
    before = sample_copy.read_bytes()
    with pytest.raises(RuntimeError), store.transaction(sample_copy) as txn:
        txn.write("parcels", txn.read("parcels").iloc[:3])
        raise RuntimeError("the edit failed half way")
    assert sample_copy.read_bytes() == before
    assert [p.name for p in sample_copy.parent.iterdir() if ".tmp-" in p.name] == []


def test_written_copy_is_verified_before_it_replaces_the_zone(sample_copy, monkeypatch):
    before = sample_copy.read_bytes()
    monkeypatch.setattr(store, "layer_counts", lambda path: {"parcels": -1})
    with pytest.raises(ZoneFileError, match="left unchanged"), store.transaction(sample_copy) as txn:
        txn.write("parcels", txn.read("parcels"))
    assert sample_copy.read_bytes() == before


def test_result_is_a_sound_geopackage(sample_copy):
    with store.transaction(sample_copy) as txn:
        txn.write("roads", txn.read("roads"))
    with sqlite3.connect(sample_copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA application_id").fetchone() == (0x47504B47,)


def test_second_writer_is_told_the_zone_is_busy(sample_copy, monkeypatch):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from zonemap import store
                with store.transaction({str(sample_copy)!r}):
                    print("locked", flush=True)
                    time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = sample_copy.read_bytes()
        monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 0.3)
        with pytest.raises(BusyError, match="busy: the zone is being written by another program"), store.transaction(sample_copy):
            pass
        assert sample_copy.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


def test_never_writes_over_a_file_that_is_not_a_geopackage(tmp_path):
    notes = tmp_path / "notes.gpkg"
    notes.write_text("规划说明，不是数据库", encoding="utf-8")
    with pytest.raises(ZoneFileError, match="not a GeoPackage"), store.transaction(notes):
        pass
    assert notes.read_text(encoding="utf-8") == "规划说明，不是数据库"
    with pytest.raises(ZoneFileError, match="already exists"), store.transaction(notes, create=True):
        pass
    assert notes.read_text(encoding="utf-8") == "规划说明，不是数据库"


def test_open_refuses_what_is_not_a_zone(tmp_path):
    with pytest.raises(ZoneFileError, match="no such file"):
        zonemap.open(tmp_path / "missing.gpkg")
    only_roads = tmp_path / "roads.gpkg"
    gpd.GeoDataFrame({"name": ["经一路"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4528").to_file(only_roads, layer="roads")
    with pytest.raises(ZoneFileError, match="no 'boundary' layer"):
        zonemap.open(only_roads)


def test_nothing_is_left_beside_the_zone(sample_copy):
    """The lock is SQLite's own: no lock file; the working copy goes when the write has landed."""
    with store.transaction(sample_copy) as txn:
        txn.write("roads", txn.read("roads"))
        assert not any(p.name.endswith(".lock") for p in sample_copy.parent.iterdir())
    assert sorted(p.name for p in sample_copy.parent.iterdir()) == [sample_copy.name]


def test_many_writers_in_turn_never_lose_an_edit(sample_copy):
    """Eight processes each append one history row under the lock: all eight land."""
    script = textwrap.dedent(
        f"""
        import sys
        import pandas as pd
        from zonemap import store
        with store.transaction({str(sample_copy)!r}) as txn:
            history = txn.read("history")
            row = pd.DataFrame([{{"parcel_id": sys.argv[1], "action": "update"}}], columns=list(store.SCHEMA["history"]))
            txn.write("history", pd.concat([history, row.astype(store.SCHEMA["history"])], ignore_index=True))
        """
    )
    writers = [subprocess.Popen([sys.executable, "-c", script, f"W{i}"]) for i in range(8)]
    assert [w.wait(timeout=120) for w in writers] == [0] * 8
    assert sorted(store.read_layer(sample_copy, "history").parcel_id) == [f"W{i}" for i in range(8)]
