"""A write killed at any point, or two writers at once: the zone stays whole and no edit is lost."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import time

import geopandas as gpd
import pyogrio
import pytest
import shapely

from conftest import ZONEMAP
from intake_helpers import file_bytes, leftovers
from zonemap import store

X0, Y0 = 40525000.0, 3706000.0
COLUMNS, ROWS, CELL = 40, 30, 10.0


@pytest.fixture
def grid_job(make_zone, tmp_path):
    """An empty zone and a survey of COLUMNS × ROWS parcels: an import that takes a while."""
    zone = make_zone(boundary=shapely.box(X0, Y0, X0 + COLUMNS * CELL, Y0 + ROWS * CELL), parcels=[])
    cells = [shapely.box(X0 + i * CELL, Y0 + j * CELL, X0 + (i + 1) * CELL, Y0 + (j + 1) * CELL) for i in range(COLUMNS) for j in range(ROWS)]
    survey = gpd.GeoDataFrame(
        {"DKBH": [f"G{k:04d}" for k in range(len(cells))], "ZT": ["未开发"] * len(cells)}, geometry=cells, crs="EPSG:4528"
    )
    source = tmp_path / "grid.geojson"
    pyogrio.write_dataframe(survey, source)
    return zone, source


def _valid_geopackage(path) -> None:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
    db.close()


def test_sigkill_during_import_leaves_the_zone_whole(grid_job, tmp_path):
    zone, source = grid_job
    original = file_bytes(zone)
    command = [*ZONEMAP, "import", str(zone), str(source)]

    started = time.monotonic()
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    duration = time.monotonic() - started
    assert finished.returncode == 0, finished.stderr
    complete_parcels = len(store.read_layer(zone, "parcels"))
    complete_history = len(store.read_layer(zone, "history"))
    assert complete_parcels == COLUMNS * ROWS

    rng = random.Random(20261126)
    outcomes = []
    for _ in range(8):
        zone.write_bytes(original)
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1, duration))
        process.kill()  # SIGKILL: no cleanup, no finally blocks
        process.wait()
        _valid_geopackage(zone)
        if file_bytes(zone) == original:
            outcomes.append("untouched")
        else:  # killed after the swap: the complete new state, never a part of it
            assert len(store.read_layer(zone, "parcels")) == complete_parcels
            assert len(store.read_layer(zone, "history")) == complete_history
            outcomes.append("complete")
    print("outcomes after SIGKILL:", outcomes)
    assert "untouched" in outcomes

    # The next write clears the working copies the killed writers left behind.
    zone.write_bytes(original)
    assert subprocess.run([*ZONEMAP, "import", str(zone), str(source)], capture_output=True).returncode == 0
    assert leftovers(zone.parent) == []


def test_two_processes_editing_at_once_lose_nothing(grid_job, tmp_path):
    zone, source = grid_job
    assert subprocess.run([*ZONEMAP, "import", str(zone), str(source)], capture_output=True).returncode == 0
    survey = gpd.read_file(source)
    for round_, status in enumerate(["developed", "vacant", "developed"]):
        variant = tmp_path / f"round{round_}.geojson"
        pyogrio.write_dataframe(survey.assign(ZT=status), variant)
        slow = subprocess.Popen([*ZONEMAP, "import", str(zone), str(variant), "--by", f"import{round_}"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.3 * round_)  # the quick edit arrives before, during or after the import's write
        quick = subprocess.Popen([*ZONEMAP, "set", str(zone), "G0007", "--note", f"round {round_}", "--by", f"set{round_}"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        results = {name: (p.wait(timeout=300), p.stderr.read()) for name, p in (("import", slow), ("set", quick))}
        for name, (code, err) in results.items():
            assert code == 0 or (code == 1 and "busy: the zone is being written" in err), (name, code, err)
        _valid_geopackage(zone)
        parcels = store.read_layer(zone, "parcels").set_index("parcel_id")
        history = store.read_layer(zone, "history")
        if results["set"][0] == 0:  # landed, and not overwritten by the import that ran beside it
            assert parcels.loc["G0007", "note"] == f"round {round_}"
            assert (history["by"] == f"set{round_}").sum() == 1
        if results["import"][0] == 0:
            assert (parcels["status"] == status).all()
            assert (history["by"] == f"import{round_}").sum() == COLUMNS * ROWS


def test_a_busy_zone_gives_a_clear_error(sample_copy, monkeypatch):
    from zonemap.errors import BusyError
    from zonemap.intake.edits import set_parcel

    monkeypatch.setattr(store, "LOCK_WAIT_SECONDS", 0.2)
    before = file_bytes(sample_copy)
    with store.transaction(sample_copy):
        with pytest.raises(BusyError, match="busy: the zone is being written by another program"):
            set_parcel(sample_copy, "C01", note="blocked")
    assert file_bytes(sample_copy) == before


def test_failed_write_removes_its_working_copy(sample_copy):
    from zonemap.intake.changes import RefusedError
    from zonemap.intake.edits import set_parcel

    before = file_bytes(sample_copy)
    with pytest.raises(RefusedError):
        set_parcel(sample_copy, "C01", status="tenant")
    assert file_bytes(sample_copy) == before and leftovers(sample_copy.parent) == []
