"""A write killed at any point, or two writers at once: the zone stays whole and no edit is lost."""

from __future__ import annotations

import random
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


def _kill_during_writes(command: list[str], zone: Path, original: bytes, complete: tuple[int, int], window: float, runs: int) -> list[str]:
    """Run ``command`` ``runs`` times, SIGKILLing it at a random moment of its write itself.

    The write starts when SQLite's rollback journal appears beside the zone
    (the first page about to change); the kill lands 0 … ``window`` s later.
    """
    rng = random.Random(20261126)
    journal = Path(f"{zone}-journal")
    outcomes = []
    for _ in range(runs):
        zone.write_bytes(original)
        journal.unlink(missing_ok=True)  # an empty one a kill left is not "hot" and stays; it must not start the clock
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not journal.exists() and process.poll() is None:
            time.sleep(0.0005)
        time.sleep(rng.uniform(0, window))
        process.kill()  # SIGKILL: no cleanup, no finally blocks
        process.wait()
        outcomes.append(_outcome(zone, original, complete))
    return outcomes


def _write_window(command: list[str], zone: Path) -> float:
    """How long the zone's journal exists during one whole run of ``command``: the write itself."""
    journal = Path(f"{zone}-journal")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    while not journal.exists() and process.poll() is None:
        time.sleep(0.0005)
    started = time.monotonic()
    while journal.exists() and process.poll() is None:
        time.sleep(0.0005)
    window = time.monotonic() - started
    assert process.wait(timeout=300) == 0, process.stderr.read()
    return window


# A writer that is not atomic, to prove the harness can tell: one SQLite transaction per parcel.
_ROW_BY_ROW = textwrap.dedent(
    """
    import sqlite3, sys
    from zonemap.store import register_gpkg_functions
    rows = sqlite3.connect(sys.argv[1]).execute("SELECT parcel_id, status, geom FROM parcels").fetchall()
    db = register_gpkg_functions(sqlite3.connect(sys.argv[2], isolation_level=None))
    db.execute("PRAGMA synchronous = OFF")  # quick rows, so a kill lands among them
    for row in rows:
        db.execute("INSERT INTO parcels (parcel_id, status, geom) VALUES (?, ?, ?)", row)
    """
)


def test_sigkill_during_the_write_leaves_the_zone_old_or_new(grid_job, tmp_path):
    zone, source = grid_job
    original = file_bytes(zone)
    command = [*ZONEMAP, "import", str(zone), str(source)]
    window = _write_window(command, zone)
    complete = (len(store.read_layer(zone, "parcels")), len(store.read_layer(zone, "history")))
    assert complete[0] == COLUMNS * ROWS
    done = tmp_path / "done.gpkg"
    done.write_bytes(file_bytes(zone))

    outcomes = _kill_during_writes(command, zone, original, complete, window, runs=8)
    print(f"write window {window * 1000:.0f} ms; outcomes after SIGKILL:", outcomes)
    assert "mixed" not in outcomes and "untouched" in outcomes

    sabotaged = _kill_during_writes([sys.executable, "-c", _ROW_BY_ROW, str(done), str(zone)], zone, original, complete, 0.1, runs=2)
    assert "mixed" in sabotaged, sabotaged  # the harness sees a half-written zone when there is one

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
