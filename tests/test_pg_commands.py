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

import docx
import openpyxl
import pyogrio
import pytest
import shapely
from click.testing import CliRunner

import zonemap
from conftest import ZONEMAP, geodesic_m2
from test_survey_export import E0, N0, survey_file  # noqa: F401 - survey_file is a fixture
from zonemap import pgstore
from zonemap.cli.main import main

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
    if isinstance(data, list) and data and "by" in data[0]:  # history rows
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


def invoke(zone: str, *args) -> str:
    """The CLI in this process (the commands above run it as a subprocess): its stdout, the zone's own name put back to ZONE."""
    result = CliRunner().invoke(main, [zone if a == "ZONE" else str(a) for a in args])
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.stdout.replace(str(zonemap.open(zone).path), "ZONE")


def svg_text(path: Path) -> list[str]:
    """The words of a print map (SVG keeps them as text), the data source line (which names the file or the zone) aside."""
    return [t for t in re.findall(r"<text[^>]*>([^<]*)", path.read_text(encoding="utf-8")) if not t.startswith("数据来源")]


def export_read_back(path: Path) -> object:
    """An exported file as a reader sees it: text as written, a workbook's cells, a layer's records with WKB."""
    if path.suffix in (".csv", ".geojson", ".kml"):
        return path.read_bytes()
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True)
        # The change log's times and editors differ by store (history --json is compared without them).
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook if sheet.title != "变更记录"}
    frame = pyogrio.read_dataframe(path)
    fields = frame.drop(columns="geometry").astype(object)
    return fields.where(fields.notna(), None).to_dict("records"), list(shapely.to_wkb(frame.geometry.values))


def test_the_other_commands_answer_the_same_on_both_stores(both, tmp_path):
    """prospect, hold, zone set, results import, corners, evaluate, print, report .docx and export to every format."""
    sheet = tmp_path / "2026.csv"
    sheet.write_text("企业名称,实缴税金（万元）,工业总产值（万元）\n厚翔服装厂,120,21000\n佳电机械厂,66,9000\n", encoding="utf-8")
    firm = "新 'x'; $$ 公司"
    edits = [
        ["prospect", "add", "ZONE", firm, "--need", "5", "--by", "王工"],
        ["hold", "ZONE", "A02", "--for", firm, "--until", "2030-06-30", "--by", "王工"],
        ["zone", "set", "ZONE", "--planned-mu", "301", "--by", "王工"],
        ["results", "import", "ZONE", sheet, "--year", "2026", "--by", "王工"],
    ]
    reads = [
        ["prospect", "list", "ZONE", "--all", "--json"],
        ["corners", "ZONE", "C03", "--json"],
        ["evaluate", "ZONE", "--year", "2026", "--json"],
        ["history", "ZONE", "--json"],
    ]
    formats = (".csv", ".geojson", ".kml", ".shp", ".gpkg", ".xlsx")
    answers = {}
    for kind, zone in both.items():
        out = tmp_path / kind
        out.mkdir()
        for step in edits:
            invoke(zone, *step)
        answers[kind] = [comparable(invoke(zone, *step)) for step in reads]
        invoke(zone, "print", "ZONE", "-o", out / "print.svg")
        invoke(zone, "report", "ZONE", "-o", out / "report.docx")
        answers[kind].append(svg_text(out / "print.svg"))
        answers[kind].append([p.text for p in docx.Document(out / "report.docx").paragraphs])
        for suffix in formats:
            invoke(zone, "export", "ZONE", out / f"parcels{suffix}")
            answers[kind].append(export_read_back(out / f"parcels{suffix}"))
    for got, expected in zip(answers["postgis"], answers["gpkg"]):
        assert got == expected
    prospects, _, evaluation, history = answers["postgis"][:4]
    assert any(p["name"] == firm and p["holds"] for p in prospects)
    assert {(row["action"], row["field"]) for row in history} == {
        ("create", "prospects"), ("create", "holds.prospect"), ("update", "boundary.planned_mu"), ("import", "results")}
    assert "佳电机械厂" in json.dumps(evaluation, ensure_ascii=False)


def test_init_makes_a_database_zone_as_it_makes_a_file(postgis, tmp_path, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", postgis.env()["PGPASSWORD"])
    boundary = tmp_path / "outline.geojson"
    zonemap.open(zonemap.sample_path()).boundary.to_file(boundary, driver="GeoJSON")
    zones = {"gpkg": str(tmp_path / "新区.gpkg"), "postgis": postgis.url(zone="新区")}
    answers = {}
    for kind, zone in zones.items():
        invoke(zone, "init", "ZONE", "--boundary", boundary, "--planned-mu", "300", "--by", "王工")
        answers[kind] = [comparable(invoke(zone, *step)) for step in (["areas", "ZONE", "--json"], ["history", "ZONE", "--json"])]
    assert answers["postgis"] == answers["gpkg"]
    assert answers["postgis"][0]["boundary"] == pytest.approx(300.0, abs=0.01)
    assert zonemap.open(zones["postgis"]).history["by"].tolist() == ["王工 (zonemap_admin)"]  # as an edit's history names it
    refusals = {  # one line each, exit 1
        "already has this zone": ["init", zones["postgis"], "--boundary", boundary],
        "not a source file": ["inspect", zones["postgis"]],
        "not a database zone": ["validate", zones["postgis"], "--engine", "dask"],
    }
    for phrase, args in refusals.items():
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
        assert phrase in result.output


def test_validation_finds_the_same_planted_problems_on_both_stores(postgis, grid_zone, monkeypatch):
    """Overlaps, a gap and land outside the boundary, planted: the same codes, ids and messages from either store."""
    planted = {"P3": (0, 137, 200, 237), "P2": (220, 0.5, 420, 140), "P4": (220, 160, 420, 303)}  # 23 m south; off the edge; over it

    def edit(rows):
        for row in rows:
            row["geometry"] = shapely.box(*planted.get(row["parcel_id"], row["geometry"].bounds))
        return rows

    monkeypatch.setenv("PGPASSWORD", postgis.env()["PGPASSWORD"])
    path, *_ = grid_zone(edit=edit)
    url = postgis.url(zone="planted")
    pgstore.push(path, url)
    found = {kind: [p.to_dict() for p in zonemap.open(zone).validate()] for kind, zone in (("gpkg", path), ("postgis", url))}
    assert found["postgis"] == found["gpkg"]
    assert sorted((p["code"], p["id"]) for p in found["postgis"]) == [
        ("gap", "P2,经一路"), ("outside_boundary", "P4"), ("overlap", "P1,P3"), ("overlap", "P3,纬一路")]


def test_a_survey_import_exports_back_in_the_institutes_schema_from_both_stores(postgis, make_zone, survey_file, tmp_path, monkeypatch):
    """The import records the survey's schema (survey_schema); export without --like writes it back, byte for byte alike."""
    monkeypatch.setenv("PGPASSWORD", postgis.env()["PGPASSWORD"])
    file_zone = make_zone(boundary=shapely.box(E0, N0, E0 + 180, N0 + 150), parcels=[])
    zones = {"gpkg": str(file_zone), "postgis": postgis.url(zone="survey")}
    pgstore.push(file_zone, zones["postgis"])
    written = {}
    for kind, zone in zones.items():
        invoke(zone, "import", "ZONE", survey_file, "--by", "测试")
        invoke(zone, "export", "ZONE", tmp_path / f"{kind}.shp")
        written[kind] = tmp_path.joinpath(f"{kind}.dbf").read_bytes()
    assert written["postgis"] == written["gpkg"]
    assert "DKBH".encode("gbk") in written["postgis"][:400]  # the institute's field names, not zonemap's
