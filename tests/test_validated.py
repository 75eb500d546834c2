"""Validation remembered per zone file content: the map's warning without validating an unchanged file again."""

from __future__ import annotations

import json
import shutil
import threading
import time

import pytest
import shapely

import zonemap
from zonemap.validated import cache_dir, problems, started
from zonemap.zone import Zone


def _overlapping(grid_zone):
    """A grid zone whose P3 overlaps P1 and the road (an ``overlap`` error)."""

    def move(rows):
        return [{**row, "geometry": shapely.box(0, 137, 200, 237)} if row["parcel_id"] == "P3" else row for row in rows]

    return grid_zone(edit=move)[0]


def test_map_warns_from_what_was_remembered_until_the_file_changes(grid_zone, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ZONEMAP_CACHE_DIR", str(tmp_path / "cache"))
    path = _overlapping(grid_zone)

    first = cli("map", path, "--basemap", "none", "-o", tmp_path / "a.html")
    assert first.returncode == 0, first.stderr
    assert "个数据错误（overlap）" in first.stderr
    [entry] = cache_dir().glob("*.json")
    assert {p["code"] for p in json.loads(entry.read_text(encoding="utf-8"))} == {"overlap"}

    # What is remembered is what the map reads: a planted result shows, so no validation ran.
    planted = [{"severity": "error", "code": "planted", "layer": "parcels", "id": "P1", "message": "planted"}]
    entry.write_text(json.dumps(planted), encoding="utf-8")
    second = cli("map", path, "--basemap", "none", "-o", tmp_path / "b.html")
    assert "1 个数据错误（planted）" in second.stderr

    # Any change to the file is a new key: validated again, the overlap is back.
    changed = cli("set", path, "P2", "--note", "checked on site")
    assert changed.returncode == 0, changed.stderr
    third = cli("map", path, "--basemap", "none", "-o", tmp_path / "c.html")
    assert "个数据错误（overlap）" in third.stderr
    assert len(list(cache_dir().glob("*.json"))) == 2


def test_validate_remembers_for_the_next_map(sample_copy, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ZONEMAP_CACHE_DIR", str(tmp_path / "cache"))
    assert cli("validate", sample_copy).returncode == 0
    [entry] = cache_dir().glob("*.json")
    assert json.loads(entry.read_text(encoding="utf-8")) == []
    assert problems(zonemap.open(sample_copy)) == []
    assert list(cache_dir().glob("*.json")) == [entry]


def test_an_unwritable_cache_only_means_validating_again(sample_copy, tmp_path, monkeypatch):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("ZONEMAP_CACHE_DIR", str(blocker))
    assert problems(zonemap.open(sample_copy)) == []


def test_a_first_map_validates_in_a_second_thread_while_it_builds(grid_zone, tmp_path, monkeypatch):
    """``zonemap map`` builds while another thread validates, and what it finds is remembered."""
    monkeypatch.setenv("ZONEMAP_CACHE_DIR", str(tmp_path / "cache"))
    zone = zonemap.open(_overlapping(grid_zone))
    validating, building = threading.Event(), threading.Event()
    validate = Zone.validate

    def meanwhile(self):  # the validation waits until the caller has gone on working
        validating.set()
        assert building.wait(30), "validation did not run while the caller worked"
        return validate(self)

    monkeypatch.setattr(Zone, "validate", meanwhile)
    with started(zone) as found:
        assert validating.wait(30)
        building.set()
        assert {p.code for p in found()} == {"overlap"}
    [entry] = cache_dir().glob("*.json")
    assert {p["code"] for p in json.loads(entry.read_text(encoding="utf-8"))} == {"overlap"}


def test_a_file_changed_while_the_map_is_built_is_checked_as_it_is_now(grid_zone, tmp_path, monkeypatch):
    """QGIS saves an overlap while the file as it was is validated: the warning is of the file as it is now."""
    monkeypatch.setenv("ZONEMAP_CACHE_DIR", str(tmp_path / "cache"))
    clean, *_ = grid_zone()
    overlapping = _overlapping(grid_zone)
    zone = zonemap.open(clean)
    with started(zone) as found:
        deadline = time.monotonic() + 60
        while not list(cache_dir().glob("*.json")) and time.monotonic() < deadline:  # the file as it was: validated
            time.sleep(0.05)
        shutil.copyfile(overlapping, clean)
        with pytest.warns(UserWarning, match="changed since this Zone read it"):
            assert {p.code for p in found()} == {"overlap"}


def test_an_error_in_the_validation_is_raised_to_the_caller(sample_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("ZONEMAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(Zone, "validate", lambda self: 1 / 0)
    with started(zonemap.open(sample_copy)) as found, pytest.raises(ZeroDivisionError):
        found()
