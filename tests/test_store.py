"""The zone store: layers round-trip, writes are atomic, writers queue for the lock and a stuck one is named busy."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import zonemap
import zonemap.errors
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


# A writer of the zone in a real second process (QGIS's place): it takes SQLite's write lock, edits, and
# holds the lock until told on stdin to "commit" or "rollback".
_HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    from zonemap.store import register_gpkg_functions
    db = register_gpkg_functions(sqlite3.connect(sys.argv[1], isolation_level=None))
    db.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE parcels SET note = '编辑中' WHERE parcel_id = 'B01'")
    print("locked", flush=True)
    db.execute(sys.stdin.readline().strip().upper())
    """
)


def test_a_writer_behind_a_holder_that_never_lets_go_is_busy_after_its_wait(sample_copy, monkeypatch):
    """Bounded: busy once the wait (1.5 s here) is over — not at once, not after SQLite's 5 s or zonemap's 10 s — nothing written."""
    before = sample_copy.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(sample_copy)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, encoding="utf-8")
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("ZONEMAP_LOCK_WAIT", "1.5")
        asked = time.monotonic()
        with pytest.raises(BusyError, match=rf"{sample_copy.name}: busy: the zone is being written by another program.*waited 1.5 s"):
            with store.transaction(sample_copy) as txn:
                txn.write("roads", txn.read("roads"))
        waited = time.monotonic() - asked
        holder.communicate("rollback\n", timeout=60)
    finally:
        holder.kill()
        holder.wait()
    print(f"busy after {waited:.2f} s (wait 1.5 s)")
    assert 1.5 <= waited < 1.5 + 3  # room for a loaded machine, below the defaults
    assert sample_copy.read_bytes() == before
    assert sorted(p.name for p in sample_copy.parent.iterdir()) == [sample_copy.name]


# One zonemap writer: appends a history row under the lock and keeps the lock HOLD s longer; prints its clock.
_WRITER = textwrap.dedent(
    """
    import json, sys, time
    import pandas as pd
    from zonemap import store
    zone, name, hold = sys.argv[1], sys.argv[2], float(sys.argv[3])
    asked = time.monotonic()
    with store.transaction(zone) as txn:
        got = time.monotonic()  # inside the block: the lock is ours
        history = txn.read("history")
        row = pd.DataFrame([{"parcel_id": name, "action": "update"}], columns=list(store.SCHEMA["history"]))
        txn.write("history", pd.concat([history, row.astype(store.SCHEMA["history"])], ignore_index=True))
        time.sleep(hold)
        done = time.monotonic()  # still ours: the commit comes after
    print(json.dumps({"name": name, "asked": asked, "got": got, "done": done, "left": time.monotonic()}))
    """
)


def _writers(zone, names: list[str], hold: float, wait: float) -> list[dict]:
    env = {**os.environ, "ZONEMAP_LOCK_WAIT": f"{wait:.1f}"}
    processes = [subprocess.Popen([sys.executable, "-c", _WRITER, str(zone), name, str(hold)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env) for name in names]
    results = [p.communicate(timeout=600) for p in processes]
    assert [p.returncode for p in processes] == [0] * len(names), [err for _, err in results]
    return [json.loads(out) for out, _ in results]


def test_writers_queued_for_the_lock_all_land_in_turn(sample_copy):
    """Six writers at once, each holding the lock HOLD s more than its own work; none loses an edit.

    The wait is not a fixed 10 s: it is six times what one write takes on this machine now (measured
    first, alone), plus HOLD, tripled. What is asserted does not depend on the machine's speed: every
    edit lands, the writers held the lock one after another, and the history is in the order they held it.
    """
    hold, count = 0.2, 6
    (solo,) = _writers(sample_copy, ["W0"], 0, wait=60)
    one_write = solo["left"] - solo["asked"] + hold
    wait = count * one_write * 3
    queued = _writers(sample_copy, [f"W{i}" for i in range(1, count + 1)], hold, wait)
    turns = sorted(queued, key=lambda w: w["got"])
    for before, after in zip(turns, turns[1:]):
        assert before["done"] < after["got"], (before, after)  # one holder at a time
    assert list(store.read_layer(sample_copy, "history").parcel_id) == ["W0", *(w["name"] for w in turns)]
    longest = max(w["got"] - w["asked"] for w in queued)
    print(f"one write {one_write:.2f} s; wait set to {wait:.1f} s; longest wait in the queue {longest:.2f} s")


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


def _fids(path) -> dict[str, list[int]]:
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT parcel_id, fid FROM parcels ORDER BY fid").fetchall()
    fids: dict[str, list[int]] = {}
    for parcel_id, fid in rows:
        fids.setdefault(parcel_id, []).append(fid)
    return fids


def test_a_changed_row_keeps_its_fid_and_a_doubled_key_is_written_as_given(sample_copy):
    """QGIS's edit buffers refer to fids: a row whose parcel_id survives is updated in place; others come and go."""
    before = _fids(sample_copy)  # A01 … C05 → 1 … 15
    with store.transaction(sample_copy) as txn:
        parcels = txn.read("parcels")
        parcels.loc[parcels.parcel_id == "B01", "note"] = "现场核实"
        added = parcels[parcels.parcel_id == "C01"].assign(parcel_id="X01")
        twins = parcels[parcels.parcel_id == "C02"].assign(parcel_id="D1")
        txn.write("parcels", pd.concat([parcels[parcels.parcel_id != "C01"], added, twins, twins.assign(note="二")], ignore_index=True))
    after = _fids(sample_copy)
    assert after["B01"] == before["B01"] == [6]
    assert "C01" not in after and after["X01"][0] > 15 and len(after["D1"]) == 2
    assert {k: v for k, v in after.items() if k not in ("X01", "D1")} == {k: v for k, v in before.items() if k != "C01"}

    # D1 twice → once, changed: exactly the one row written is left.
    with store.transaction(sample_copy) as txn:
        parcels = txn.read("parcels")
        txn.write("parcels", pd.concat([parcels[parcels.parcel_id != "D1"], twins.assign(note="一")], ignore_index=True))
    parcels = store.read_layer(sample_copy, "parcels")
    assert list(parcels.loc[parcels.parcel_id == "D1", "note"]) == ["一"]
    assert parcels.loc[parcels.parcel_id == "B01", "note"].item() == "现场核实" and len(parcels) == 16


def test_a_layer_gaining_a_field_holds_it_and_keeps_its_fids(sample_copy):
    with store.transaction(sample_copy) as txn:
        parcels = txn.read("parcels")
        txn.write("parcels", parcels.assign(survey_no=[f"S-{i}" for i in range(len(parcels))]))
    with closing(sqlite3.connect(sample_copy)) as db:
        rows = db.execute("SELECT fid, parcel_id, survey_no FROM parcels ORDER BY fid").fetchall()
    assert rows[0] == (1, "A01", "S-0") and rows[-1] == (15, "C05", "S-14")


def test_a_write_that_only_removes_rows_updates_the_layer_s_extent_and_count(sample_copy):
    with closing(sqlite3.connect(sample_copy)) as db:
        (changed_before,) = db.execute("SELECT last_change FROM gpkg_contents WHERE table_name = 'parcels'").fetchone()
    with store.transaction(sample_copy) as txn:
        parcels = txn.read("parcels")
        kept = parcels[parcels.parcel_id.str.startswith("A")]
        txn.write("parcels", kept)
    minx, miny, maxx, maxy = shapely.total_bounds(kept.geometry.values)  # shapely's own, not what the store wrote
    with closing(sqlite3.connect(sample_copy)) as db:
        extent = db.execute("SELECT min_x, min_y, max_x, max_y, last_change FROM gpkg_contents WHERE table_name = 'parcels'").fetchone()
        (cached,) = db.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'parcels'").fetchone()
    assert extent[:4] == pytest.approx((minx, miny, maxx, maxy)) and extent[4] > changed_before
    assert cached == 5


def test_an_unchanged_layer_does_not_stop_the_next_one_from_landing(sample_copy):
    with store.transaction(sample_copy) as txn:
        txn.write("roads", txn.read("roads"))  # nothing to write
        parcels = txn.read("parcels")
        txn.write("parcels", parcels.assign(note=parcels.note.where(parcels.parcel_id != "A02", "已复核")))
    assert store.read_layer(sample_copy, "parcels").set_index("parcel_id").loc["A02", "note"] == "已复核"


def test_a_layer_without_a_row_key_takes_a_changed_row_and_a_feature_without_geometry(sample_copy):
    """Roads have no id field: a changed road is deleted and inserted; a road not yet drawn has no rtree entry."""
    with store.transaction(sample_copy) as txn:
        roads = txn.read("roads")
        roads.loc[0, "width_m"] = 42.0
        txn.write("roads", pd.concat([roads, roads.iloc[:1].assign(name="规划路", geometry=None)], ignore_index=True))
    landed = store.read_layer(sample_copy, "roads")
    assert sorted(landed.width_m.dropna()) == sorted([*roads.width_m.dropna(), 42.0]) and (landed.width_m == 42.0).sum() == 2
    assert list(landed.geometry.isna()) == [False] * len(roads) + [True]


def test_a_new_layer_lands_with_its_crs_index_and_metadata(sample_copy, tmp_path):
    """A layer the zone lacks, in a CRS it lacks: its rows GDAL would write in a file of its own."""
    marks = gpd.GeoDataFrame({"name": ["J1", "J2"]}, geometry=[shapely.Point(523_000, 3_707_000), shapely.Point(523_010, 3_707_000)],
                             crs="EPSG:4549")
    with store.transaction(sample_copy) as txn:
        txn.write("survey_marks", marks)
    reference = tmp_path / "reference.gpkg"
    marks.to_file(reference, layer="survey_marks", engine="pyogrio")  # GDAL's own file for the same layer

    def meta(path):
        with closing(sqlite3.connect(path)) as db:
            return (
                db.execute("SELECT column_name, extension_name FROM gpkg_extensions WHERE table_name = 'survey_marks'").fetchall(),
                db.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'survey_marks'").fetchall(),
                db.execute("SELECT organization_coordsys_id FROM gpkg_spatial_ref_sys s JOIN gpkg_contents c USING (srs_id) "
                           "WHERE c.table_name = 'survey_marks'").fetchall(),
                db.execute("SELECT count(*) FROM rtree_survey_marks_geom").fetchall(),
            )

    assert meta(sample_copy) == meta(reference) == ([("geom", "gpkg_rtree_index")], [(2,)], [(4549,)], [(2,)])
    assert store.read_layer(sample_copy, "survey_marks").crs.to_epsg() == 4549


def test_a_landing_that_leaves_the_index_short_is_refused(sample_copy, monkeypatch):
    """The check inside the transaction: right feature count, one rtree entry lost → nothing is written."""
    land = store._land

    def land_and_lose_an_index_entry(db, work_path, tables):
        land(db, work_path, tables)
        db.execute("DELETE FROM rtree_parcels_geom WHERE id = (SELECT min(id) FROM rtree_parcels_geom)")

    monkeypatch.setattr(store, "_land", land_and_lose_an_index_entry)
    before = sample_copy.read_bytes()
    with pytest.raises(ZoneFileError, match=r"layer 'parcels' would have 15 features \(14 indexed\).*left unchanged"):
        with store.transaction(sample_copy) as txn:
            txn.write("parcels", txn.read("parcels").assign(note="复核"))
    assert sample_copy.read_bytes() == before


@pytest.mark.parametrize("setting, seconds", [(None, 10.0), ("2.5", 2.5), ("0", 0.0), ("-3", 0.0), ("十秒", 10.0)])
def test_the_lock_wait_is_zonemap_lock_wait_seconds_else_ten(monkeypatch, setting, seconds):
    if setting is None:
        monkeypatch.delenv("ZONEMAP_LOCK_WAIT", raising=False)
    else:
        monkeypatch.setenv("ZONEMAP_LOCK_WAIT", setting)
    assert store.lock_wait_seconds() == seconds


def test_a_writer_that_dies_in_its_write_leaves_a_copy_the_next_write_clears(sample_copy):
    """A writer killed inside its write skips its cleanup; its working copy, named for the zone, goes with the next write."""
    dies = "import os, sys\nfrom zonemap import store\nwith store.transaction(sys.argv[1]) as txn:\n    os._exit(9)  # no finally blocks\n"
    assert subprocess.run([sys.executable, "-c", dies, str(sample_copy)]).returncode == 9
    assert len([p for p in sample_copy.parent.iterdir() if p.name.startswith(f".{sample_copy.name}.tmp-")]) == 1
    with store.transaction(sample_copy) as txn:
        txn.write("roads", txn.read("roads"))
    assert sorted(p.name for p in sample_copy.parent.iterdir()) == [sample_copy.name]


def test_a_new_zone_needs_its_folder(tmp_path):
    with pytest.raises(ZoneFileError, match=r"folder .*missing does not exist; create it first"):
        with store.transaction(tmp_path / "missing" / "zone.gpkg", create=True):
            pass


def test_styles_written_into_the_copy_land_with_the_write(sample_copy):
    """QGIS styles go into the working copy directly, not through txn.write: they land with whatever is written."""
    with store.transaction(sample_copy) as txn:
        with closing(sqlite3.connect(txn.work)) as work:
            work.execute("UPDATE layer_styles SET description = '新样式' WHERE f_table_name = 'parcels'")
            work.commit()
        txn.write("roads", txn.read("roads").assign(width_m=30.0))
    with closing(sqlite3.connect(sample_copy)) as db:
        assert db.execute("SELECT description FROM layer_styles WHERE f_table_name = 'parcels'").fetchall() == [("新样式",)]


def test_a_reader_that_keeps_the_zone_open_makes_the_commit_busy_and_nothing_is_written(sample_copy, monkeypatch):
    """QGIS drawing the zone holds a read lock; the commit waits for it, then is named busy and rolled back."""
    monkeypatch.setenv("ZONEMAP_LOCK_WAIT", "0.5")
    before = sample_copy.read_bytes()
    reader = sqlite3.connect(sample_copy, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM parcels").fetchone()  # a shared lock, held until the reader's transaction ends
    try:
        with pytest.raises(BusyError, match=rf"{sample_copy.name}: busy: the zone is being written"):
            with store.transaction(sample_copy) as txn:
                txn.write("roads", txn.read("roads").assign(width_m=30.0))
    finally:
        reader.close()
    assert sample_copy.read_bytes() == before
    with store.transaction(sample_copy) as txn:  # and the lock was let go
        txn.write("roads", txn.read("roads").assign(width_m=30.0))
    assert set(store.read_layer(sample_copy, "roads").width_m) == {30.0}


def test_a_read_only_zone_is_named_with_the_fix_and_left_as_it_was(sample_copy, monkeypatch):
    """A zone SQLite may only read (a read-only file, share or medium), simulated by opening it read-only."""
    connect = sqlite3.connect

    def read_only(path, *args, **kwargs):
        if kwargs.get("isolation_level", "") is None and Path(path) == sample_copy.resolve():  # the connection that writes
            return connect(f"file:{Path(path).as_posix()}?mode=ro", *args, uri=True, **kwargs)
        return connect(path, *args, **kwargs)

    monkeypatch.setattr(store.sqlite3, "connect", read_only)
    before = sample_copy.read_bytes()
    with pytest.raises(zonemap.errors.ZonemapError, match=rf"{sample_copy.name}: is on a read-only file system; copy it to a writable"):
        with store.transaction(sample_copy) as txn:
            txn.write("roads", txn.read("roads").assign(width_m=30.0))
    assert sample_copy.read_bytes() == before
