"""Validation remembered per zone file content: the map's warning without validating an unchanged file again."""

from __future__ import annotations

import json

import shapely

import zonemap
from zonemap.validated import cache_dir, problems


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
    assert "data error(s) (overlap)" in first.stderr
    [entry] = cache_dir().glob("*.json")
    assert {p["code"] for p in json.loads(entry.read_text(encoding="utf-8"))} == {"overlap"}

    # What is remembered is what the map reads: a planted result shows, so no validation ran.
    planted = [{"severity": "error", "code": "planted", "layer": "parcels", "id": "P1", "message": "planted"}]
    entry.write_text(json.dumps(planted), encoding="utf-8")
    second = cli("map", path, "--basemap", "none", "-o", tmp_path / "b.html")
    assert "1 data error(s) (planted)" in second.stderr

    # Any change to the file is a new key: validated again, the overlap is back.
    changed = cli("set", path, "P2", "--note", "checked on site")
    assert changed.returncode == 0, changed.stderr
    third = cli("map", path, "--basemap", "none", "-o", tmp_path / "c.html")
    assert "data error(s) (overlap)" in third.stderr
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
