"""A write killed at any point, or two writers at once: the zone stays whole and no edit is lost."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

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


def _outcome(zone: Path, original: bytes, complete: tuple[int, int]) -> str:
    """What a killed write left: the old zone ("untouched"), the whole new one ("complete"), or a "mixed" one."""
    _valid_geopackage(zone)  # opening it also rolls back the journal a killed SQLite writer leaves (a "hot journal")
    if file_bytes(zone) == original:
        return "untouched"
    counts = (len(store.read_layer(zone, "parcels")), len(store.read_layer(zone, "history")))
    return "complete" if counts == complete else "mixed"


# zonemap's own CLI, killed from inside its write: SIGKILL (no cleanup, no finally blocks) just before the
# zone connection's statement number KILL_AT runs (0: never; the count goes to stderr). With "per-layer" it is a
# store that is not atomic, to prove the harness can tell: it commits each layer as it lands (parcels, then
# history), so a kill between the two leaves a zone that is neither old nor new.
_KILLED_AT_STATEMENT = textwrap.dedent(
    """
    import os, signal, sys
    from zonemap import store
    from zonemap.cli.main import main
    kill_at, store_kind, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    statements = 0
    def count(sql):
        global statements
        statements += 1
        if statements == kill_at:
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))  # SIGTERM: TerminateProcess on Windows
    register = store.register_gpkg_functions  # called on the one connection that writes the zone
    def traced(db):
        db.set_trace_callback(count)
        return register(db)
    store.register_gpkg_functions = traced
    if store_kind == "per-layer":
        write_difference = store._write_difference
        def commit_each_layer(db, work, table):
            changed = write_difference(db, work, table)
            db.execute("COMMIT")
            db.execute("BEGIN IMMEDIATE")
            return changed
        store._write_difference = commit_each_layer
    try:
        main(args, prog_name="zonemap")
    finally:
        print(f"statements {statements}", file=sys.stderr)
    """
)


def _kill_during_writes(args: list[str], zone: Path, store_kind: str, runs: int) -> list[str]:
    """Run zonemap ``args`` once whole (its write's statements counted), then ``runs`` times killed at evenly spread ones."""
    original = file_bytes(zone)
    whole = subprocess.run([sys.executable, "-c", _KILLED_AT_STATEMENT, "0", store_kind, *args], capture_output=True, text=True, encoding="utf-8")
    assert whole.returncode == 0, whole.stderr
    statements = int(whole.stderr.split()[-1])
    complete = (len(store.read_layer(zone, "parcels")), len(store.read_layer(zone, "history")))
    assert complete[0] == COLUMNS * ROWS
    outcomes = []
    for k in range(runs):
        zone.write_bytes(original)
        kill_at = 1 + round((k + 0.5) * statements / runs)
        killed = subprocess.run([sys.executable, "-c", _KILLED_AT_STATEMENT, str(kill_at), store_kind, *args], capture_output=True)
        assert killed.returncode != 0, f"statement {kill_at} of {statements}: not killed"
        outcomes.append(_outcome(zone, original, complete))
    print(f"{store_kind} store: {statements} statements on the zone; outcomes killed at evenly spread ones:", outcomes)
    return outcomes


def test_sigkill_during_the_write_leaves_the_zone_old_or_new(grid_job):
    zone, source = grid_job
    original = file_bytes(zone)
    args = ["import", str(zone), str(source)]
    assert _kill_during_writes(args, zone, "atomic", runs=5) == ["untouched"] * 5
    assert "mixed" in _kill_during_writes(args, zone, "per-layer", runs=4)  # the harness sees a half-written zone

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

    monkeypatch.setenv("ZONEMAP_LOCK_WAIT", "20")
    before = file_bytes(sample_copy)
    with store.transaction(sample_copy):
        started = time.monotonic()
        with pytest.raises(BusyError, match=f"{sample_copy.name}: busy: the zone is being written by another program"):
            set_parcel(sample_copy, "C01", note="blocked")
        assert time.monotonic() - started < 10  # a write nested in this process's own is refused at once, not after the wait
    assert file_bytes(sample_copy) == before


def test_failed_write_removes_its_working_copy(sample_copy):
    from zonemap.intake.changes import RefusedError
    from zonemap.intake.edits import set_parcel

    before = file_bytes(sample_copy)
    with pytest.raises(RefusedError):
        set_parcel(sample_copy, "C01", status="tenant")
    assert file_bytes(sample_copy) == before and leftovers(sample_copy.parent) == []
