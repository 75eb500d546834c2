"""The zone shared with QGIS: another program's connection, its WAL, links to the zone, planted triggers.

QGIS (through GDAL) keeps a long-lived SQLite connection to a zone it shows,
and a zone it edits in WAL mode. These tests play that program with a
plain sqlite3 connection (given GDAL's ST_* functions, as QGIS has them),
in this process or in a real second one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from conftest import ZONEMAP, path_name, run_zonemap
from zonemap import store
from zonemap.errors import BusyError, ZonemapWarning, ZoneFileError


def assert_sound(path: Path) -> None:
    """What every write must leave: SQLite integrity, GDAL reads every layer, rtree and counts agree with the rows."""
    with sqlite3.connect(path) as db:
        store.register_gpkg_functions(db)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for table, column in db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall():
            (features,) = db.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" IS NOT NULL AND NOT ST_IsEmpty("{column}")').fetchone()
            (entries,) = db.execute(f'SELECT count(*) FROM "rtree_{table}_{column}"').fetchone()
            assert entries == features, (table, entries, features)
        for table, cached in db.execute("SELECT table_name, feature_count FROM gpkg_ogr_contents").fetchall():
            assert cached == db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0], table
    db.close()
    for name, _ in pyogrio.list_layers(path):
        pyogrio.read_dataframe(path, layer=name)


def _note(db: sqlite3.Connection, parcel_id: str) -> str | None:
    return db.execute("SELECT note FROM parcels WHERE parcel_id = ?", (parcel_id,)).fetchone()[0]


def test_a_long_lived_connection_keeps_working_beside_zonemap(sample_copy, tmp_path):
    """QGIS's open connection: zonemap's edits (set, split, import) reach it, and its own next save lands beside them."""
    qgis = store.register_gpkg_functions(sqlite3.connect(sample_copy))
    assert qgis.execute("SELECT count(*) FROM parcels").fetchone() == (15,)
    survey = store.read_layer(sample_copy, "parcels")
    survey = survey[survey["parcel_id"] == "B02"].assign(note="测绘院复核")
    source = tmp_path / path_name("复核.geojson", "review.geojson")
    survey.to_file(source, driver="GeoJSON", engine="pyogrio")

    for args in (
        ("set", "A02", "--tenant", "新厂", "--status", "tenant"),
        ("split", "C03", "--mu", "20"),
        ("import", source, "--mode", "update"),
    ):
        result = run_zonemap(args[0], sample_copy, *args[1:])
        assert result.returncode == 0, result.stderr
        assert_sound(sample_copy)

    # The open connection sees the new parcels on its next read, and saves without "readonly database".
    ids = {pid for (pid,) in qgis.execute("SELECT parcel_id FROM parcels")}
    assert {"C03-1", "C03-2"} <= ids and "C03" not in ids
    qgis.execute("UPDATE parcels SET note = '现场核实' WHERE parcel_id = 'B01'")
    qgis.commit()
    qgis.close()

    parcels = store.read_layer(sample_copy, "parcels").set_index("parcel_id")
    assert parcels.loc["B01", "note"] == "现场核实" and parcels.loc["A02", "tenant"] == "新厂"
    assert parcels.loc["B02", "note"] == "测绘院复核"
    assert {"C03-1", "C03-2"} <= set(parcels.index)
    assert_sound(sample_copy)


def test_a_program_holding_a_write_gets_busy_within_the_wait_and_nothing_is_written(sample_copy):
    qgis = store.register_gpkg_functions(sqlite3.connect(sample_copy, isolation_level=None))
    qgis.execute("BEGIN IMMEDIATE")
    qgis.execute("UPDATE parcels SET note = '编辑中' WHERE parcel_id = 'B01'")
    # Read it with the same SQLite as the holder: a GDAL open and close in this process would drop the holder's lock.
    (history,) = qgis.execute("SELECT count(*) FROM history").fetchone()
    started = time.monotonic()
    result = subprocess.run(
        [*ZONEMAP, "set", str(sample_copy), "A02", "--note", "blocked"],
        capture_output=True, text=True, encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8", "ZONEMAP_LOCK_WAIT": "1"},
    )
    elapsed = time.monotonic() - started
    qgis.execute("ROLLBACK")
    qgis.close()
    assert result.returncode == 1, result.stderr
    assert "busy: the zone is being written by another program (QGIS?)" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    print(f"busy after {elapsed:.1f} s (wait 1 s, plus start-up)")
    assert elapsed < 30
    assert pd.isna(store.read_layer(sample_copy, "parcels").set_index("parcel_id").loc["A02", "note"])
    assert len(store.read_layer(sample_copy, "history")) == history


_WAL_HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    from zonemap.store import register_gpkg_functions
    db = register_gpkg_functions(sqlite3.connect(sys.argv[1]))  # GDAL's triggers call ST_*, as QGIS has them
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA wal_autocheckpoint = 0")  # the edit stays in the -wal while the program runs
    db.execute("UPDATE parcels SET note = 'QGIS 编辑' WHERE parcel_id = 'B01'")
    db.commit()
    print("edited", flush=True)
    sys.stdin.readline()  # hold the zone open until told to close
    db.close()
    """
)


def _replace_writer(zone: Path) -> None:
    """The old store's way, kept to prove the test can fail: edit a file copy, then os.replace it over the zone."""
    work = zone.with_name("copy.gpkg")
    shutil.copy(zone, work)
    with sqlite3.connect(work) as db:
        db.execute("DELETE FROM parcels WHERE parcel_id = 'C03'")
    db.close()
    os.replace(work, zone)


def _split_beside_a_wal_editor(zone: Path, writer) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _WAL_HOLDER, str(zone)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        assert holder.stdout.readline().strip() == "edited"
        assert Path(f"{zone}-wal").stat().st_size > 0  # the other program's edit is in the WAL, not the file
        writer(zone)
    finally:
        holder.communicate("close\n", timeout=60)
    assert holder.returncode == 0
    # After the other program closed: both edits are in the file, and it is sound.
    with sqlite3.connect(zone) as db:
        ids = {pid for (pid,) in db.execute("SELECT parcel_id FROM parcels")}
        assert "C03" not in ids, "the split vanished"
        assert _note(db, "B01") == "QGIS 编辑", "the other program's edit vanished"
    db.close()
    assert_sound(zone)


def test_a_write_beside_a_wal_editor_lands_with_its_edit(sample_copy):
    def zonemap_split(zone):
        result = run_zonemap("split", zone, "C03", "--mu", "20")
        assert result.returncode == 0, result.stderr

    _split_beside_a_wal_editor(sample_copy, zonemap_split)
    assert {"C03-1", "C03-2"} <= set(store.read_layer(sample_copy, "parcels").parcel_id)
    assert (store.read_layer(sample_copy, "history").action == "split").any()


def test_the_wal_test_catches_a_writer_that_replaces_the_file(sample_copy):
    with pytest.raises(AssertionError, match="vanished"):
        _split_beside_a_wal_editor(sample_copy, _replace_writer)


def test_a_symlinked_zone_is_written_through_its_link_under_one_lock(sample_copy, tmp_path, monkeypatch):
    link = tmp_path / path_name("链接", "link") / "zone link.gpkg"
    link.parent.mkdir()
    try:
        link.symlink_to(sample_copy)
    except OSError:
        pytest.skip("cannot make symlinks here")
    result = run_zonemap("set", link, "A02", "--note", "经链接")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == sample_copy.resolve()
    assert store.read_layer(sample_copy, "parcels").set_index("parcel_id").loc["A02", "note"] == "经链接"
    assert_sound(sample_copy)

    monkeypatch.setenv("ZONEMAP_LOCK_WAIT", "0.2")
    with store.transaction(sample_copy):  # the zone's lock, taken by its real name …
        with pytest.raises(BusyError, match="busy"), store.transaction(link):  # … holds the link's writers off
            pass


def test_a_planted_trigger_refuses_the_write_and_the_zone_is_untouched(sample_copy):
    with sqlite3.connect(sample_copy) as db:
        db.execute("CREATE TRIGGER wipe AFTER UPDATE ON gpkg_contents BEGIN DELETE FROM prospects; END")
    db.close()
    before = sample_copy.read_bytes()
    result = run_zonemap("set", sample_copy, "A02", "--note", "x")
    assert result.returncode == 1
    assert "trigger zonemap did not make ('wipe' on 'gpkg_contents')" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sample_copy.read_bytes() == before
    assert len(store.read_layer(sample_copy, "prospects")) == 3


def test_gdal_s_own_triggers_are_not_foreign(make_zone):
    """Every zone GDAL wrote carries rtree, feature-count and tile-matrix triggers: none of them is refused."""
    import shapely

    zone = make_zone(boundary=shapely.box(0, 0, 100, 100), parcels=[{"parcel_id": "P1", "status": "vacant", "geometry": shapely.box(0, 0, 50, 50)}])
    with sqlite3.connect(zone) as db:
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] > 10
    db.close()
    with store.transaction(zone) as txn:
        txn.write("parcels", txn.read("parcels").assign(note="ok"))
    assert store.read_layer(zone, "parcels").note.tolist() == ["ok"]
    assert_sound(zone)


def test_a_zone_on_a_network_share_is_named_with_what_is_safe(sample_copy, monkeypatch):
    mounts = "/dev/sda1 / ext4 rw 0 0\n//nas/规划 /mnt/share cifs rw 0 0\nnas:/z /mnt/my\\040nfs nfs4 rw 0 0\n"
    assert store._mount_type("/mnt/share/园区/zone.gpkg", mounts) == "cifs"
    assert store._mount_type("/mnt/my nfs/zone.gpkg", mounts) == "nfs4"
    assert store._mount_type("/home/planner/zone.gpkg", mounts) == "ext4"
    assert store._mount_type("/mnt/shared.gpkg", mounts) == "ext4"  # a sibling name is not inside the mount
    assert store.network_filesystem(sample_copy) is None  # the test folder is local

    monkeypatch.setattr(store, "network_filesystem", lambda path: "cifs")
    with pytest.warns(ZonemapWarning, match=r"network share \(cifs\).*one person edit at a time"):
        with store.transaction(sample_copy) as txn:
            txn.discarded = True


def test_a_layer_whose_type_changes_is_rebuilt_in_the_transaction(sample_copy):
    """Polygon → MultiPolygon (and a text column becoming a number) change the table's declared types."""
    import shapely

    with store.transaction(sample_copy) as txn:
        parcels = txn.read("parcels")
        parcels.loc[parcels.parcel_id == "A01", "geometry"] = shapely.MultiPolygon([parcels.geometry.iloc[0]])
        txn.write("parcels", parcels)
    assert store.list_layers(sample_copy)["parcels"] == "MultiPolygon"
    assert len(store.read_layer(sample_copy, "parcels")) == 15
    assert_sound(sample_copy)


def test_a_failed_check_inside_the_transaction_leaves_the_zone_byte_identical(sample_copy, monkeypatch):
    before = sample_copy.read_bytes()

    def broken_land(db, work, tables):  # a sabotaged writer: deletes a layer's rows and stops
        db.execute("DELETE FROM parcels")

    monkeypatch.setattr(store, "_land", broken_land)
    with pytest.raises(ZoneFileError, match="left unchanged"), store.transaction(sample_copy) as txn:
        txn.write("parcels", txn.read("parcels"))
    assert sample_copy.read_bytes() == before
