"""Every command gives the same answer on a zone file and on the same zone in PostGIS (the real CLI, a real server)."""

from __future__ import annotations

import csv
import getpass
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
import shapely

import zonemap
from conftest import ZONEMAP, geodesic_m2
from zonemap import pgstore

_names = itertools.count()


@pytest.fixture(params=["gpkg", "postgis"])
def store_kind(request):
    return request.param


@pytest.fixture
def both(postgis, tmp_path, monkeypatch):
    """The sample zone twice: a file copy and a fresh database zone; ``run(zone, *args)`` runs the CLI on one."""
    monkeypatch.setenv("PGPASSWORD", postgis.env()["PGPASSWORD"])
    file_zone = Path(shutil.copy(zonemap.sample_path(), tmp_path / "sample_zone.gpkg"))
    url = postgis.url(zone=f"sample {next(_names)}")
    pgstore.push(file_zone, url)
    return {"gpkg": str(file_zone), "postgis": url}


def run(zone: str, *args, env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI with ``ZONE`` in ``args`` standing for ``zone``; outputs with the zone's own name put back to ``ZONE``."""
    args = [zone if a == "ZONE" else str(a) for a in args]
    result = subprocess.run([*ZONEMAP, *args], capture_output=True, text=True, timeout=300, env=env)
    shown = str(zonemap.open(zone).path)
    result.stdout = result.stdout.replace(shown, "ZONE").replace(zone, "ZONE")
    return result


def comparable(text: str) -> object:
    """JSON output with what must differ between stores made equal: edit times, who edited without --by
    (the login name on a file, the database user in PostGIS, which also follows a --by), and the name
    diff gives a version (the file's name, or the database zone's)."""
    data = json.loads(text)
    if isinstance(data, dict) and "versions" in data:
        data["versions"]["new"]["name"] = "NAME"
    if isinstance(data, list):  # history rows
        for row in data:
            row["at"] = "AT"
            row["by"] = re.sub(r" \(zonemap_admin\)$", "", row["by"] or "")
            row["by"] = "" if row["by"] in ("zonemap_admin", getpass.getuser()) else row["by"]
    return data


READING = {
    "info": ["info", "ZONE", "--json"],
    "areas": ["areas", "ZONE", "--json"],
    "areas by tenant in m2, planar": ["areas", "ZONE", "--by", "tenant", "--unit", "m2", "--method", "planar", "--json"],
    "remaining": ["remaining", "ZONE", "--need", "20", "--json"],
    "validate": ["validate", "ZONE", "--json"],
    "history": ["history", "ZONE", "--json"],
    "diff against the sample": ["diff", str(zonemap.sample_path()), "ZONE", "--json"],
}


@pytest.mark.parametrize("command", READING)
def test_reading_commands_answer_the_same_on_both_stores(both, command):
    answers = {}
    for kind, zone in both.items():
        result = run(zone, *READING[command])
        assert result.returncode == 0, result.stderr
        if command.startswith("diff"):  # each store names the version as itself: the file, or the database zone
            own = Path(zone).name if kind == "gpkg" else unquote(zone.rsplit("zone=", 1)[1])
            assert json.loads(result.stdout)["versions"]["new"]["name"] == own
        answers[kind] = comparable(result.stdout)
    assert answers["postgis"] == answers["gpkg"]


def test_every_parcel_area_is_the_same_on_both_stores_and_right(both, tmp_path):
    """export's CSV per parcel: both stores to 0.01 m², and both against pyproj's geodesic area."""
    parcels = {row["parcel_id"]: row for row in zonemap.open(zonemap.sample_path()).parcels.to_dict("records")}
    areas = {}
    for kind, zone in both.items():
        out = tmp_path / f"{kind}.csv"
        result = run(zone, "export", "ZONE", out)
        assert result.returncode == 0, result.stderr
        with out.open(encoding="utf-8-sig", newline="") as f:
            areas[kind] = {row["parcel_id"]: float(row["area_m2"]) for row in csv.DictReader(f)}
    assert set(areas["postgis"]) == set(areas["gpkg"]) == set(parcels)
    for pid, row in parcels.items():
        expected = geodesic_m2(row["geometry"], "EPSG:4528")
        assert abs(areas["postgis"][pid] - areas["gpkg"][pid]) <= 0.01
        assert abs(areas["postgis"][pid] - expected) <= 0.1  # export rounds m² to one decimal


def test_map_and_report_are_the_same_from_both_stores(both, tmp_path):
    """The HTML map and the Markdown report, byte for byte once folium's random element ids are set aside."""
    made = {}
    for kind, zone in both.items():
        (tmp_path / kind).mkdir()
        for command, out in (("map", tmp_path / kind / "zone.html"), ("report", tmp_path / kind / "zone.md")):
            result = run(zone, command, "ZONE", "-o", out)
            assert result.returncode == 0, result.stderr
            made[kind, command] = re.sub(r"[0-9a-f]{32}", "ID", out.read_text(encoding="utf-8"))
    for command in ("map", "report"):
        assert made["postgis", command] == made["gpkg", command]
    assert "示例工业集中区" in made["postgis", "report"]


def test_edits_land_the_same_on_both_stores(both, tmp_path):
    """set, split, merge and import, then the ledger and the history, compared across stores."""
    source = tmp_path / "survey.geojson"
    survey = zonemap.open(zonemap.sample_path()).parcels.iloc[:2].copy()
    survey["status"] = "tenant"
    survey["tenant"] = ["淮安 'A'; $$ 厂", "B\"; DROP TABLE parcels; --"]
    survey.to_file(source, driver="GeoJSON")
    steps = [
        ["set", "ZONE", "C03", "--status", "tenant", "--tenant", "O'Brien; $$ 厂", "--by", "王工"],
        ["split", "ZONE", "B01", "--mu", "5", "--side", "north", "--by", "李工"],
        ["merge", "ZONE", "B01-1", "B01-2", "--id", "B01"],
        ["import", "ZONE", source, "--mode", "update"],
    ]
    answers = {}
    for kind, zone in both.items():
        for step in steps:
            result = run(zone, *step)
            assert result.returncode == 0, f"{step[0]}: {result.stderr}"
        answers[kind] = [comparable(run(zone, *args).stdout) for args in (["areas", "ZONE", "--json"], ["history", "ZONE", "--json"])]
    assert answers["postgis"] == answers["gpkg"]
    history = answers["postgis"][1]
    assert [row["by"] for row in history[:2]] == ["王工", "王工"]
    assert {row["action"] for row in history} >= {"update", "split", "merge"}
    with pgstore.connect(pgstore.parse_location(both["postgis"])) as db:  # the database user is in the stored history
        location = pgstore.parse_location(both["postgis"])
        stored = db.execute(f'SELECT DISTINCT "by" FROM "{location.zone}".history ORDER BY 1').fetchall()
    assert ("王工 (zonemap_admin)",) in stored and ("李工 (zonemap_admin)",) in stored
    assert shapely.equals(
        zonemap.open(both["postgis"]).parcels.set_index("parcel_id").geometry["B01"],
        zonemap.open(both["gpkg"]).parcels.set_index("parcel_id").geometry["B01"],
    )
