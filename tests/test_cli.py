"""The real ``zonemap`` command line, run as a subprocess."""

from __future__ import annotations

import json

import pyogrio
import pytest
import shapely

import zonemap
from conftest import MU, geodesic_m2


def test_info_counts_every_layer(cli):
    result = cli("info", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["zone"] == "示例工业集中区" and info["crs"] == "EPSG:4528"
    for name, layer in info["layers"].items():
        assert layer["features"] == len(pyogrio.read_dataframe(zonemap.sample_path(), layer=name, read_geometry=False))
    table = cli("info").stdout
    assert "parcels" in table and "EPSG:4528" in table


def test_areas_json_is_the_spec_shape_and_matches_the_api(cli):
    result = cli("areas", "--json")
    assert result.returncode == 0, result.stderr
    ledger = json.loads(result.stdout)
    assert set(ledger) == {
        "zone", "method", "unit", "planned", "boundary", "by_status", "roads", "unparcelled",
        "developed_total", "remaining", "ready", "raw", "held",
    }
    assert (ledger["method"], ledger["unit"]) == ("ellipsoidal", "mu")
    assert list(ledger["by_status"]) == ["developed", "vacant", "tenant"]
    assert all(isinstance(g["area"], float) and isinstance(g["share"], float) for g in ledger["by_status"].values())
    api = zonemap.open(zonemap.sample_path()).areas()
    assert ledger == api


@pytest.mark.parametrize("unit, per_mu", [("m2", MU), ("ha", MU / 10000)])
def test_areas_in_other_units(cli, unit, per_mu):
    mu = json.loads(cli("areas", "--json").stdout)
    other = json.loads(cli("areas", "--json", "--unit", unit).stdout)
    assert other["unit"] == unit
    for key in ("boundary", "roads", "remaining", "ready", "raw", "developed_total", "held"):
        assert other[key] == pytest.approx(mu[key] * per_mu, rel=1e-12)


def independent_ledger(path) -> dict[str, float]:
    """The sample's ledger in 亩, measured here with pyproj's Geod from the layers as pyogrio reads them."""
    parcels = pyogrio.read_dataframe(path, layer="parcels")
    crs = parcels.crs.to_string()

    def mu(geoms) -> float:
        return sum(geodesic_m2(g, crs) for g in geoms) / MU

    status = {s: mu(parcels.geometry[parcels["status"] == s]) for s in ("developed", "vacant", "tenant")}
    boundary = mu(pyogrio.read_dataframe(path, layer="boundary").geometry)
    roads = mu([shapely.union_all(pyogrio.read_dataframe(path, layer="roads").geometry.to_numpy())])
    unparcelled = boundary - sum(status.values()) - roads
    return {
        **status, "boundary": boundary, "roads": roads, "developed_total": status["developed"] + status["tenant"],
        "remaining": boundary - status["tenant"] - roads, "ready": status["developed"], "raw": status["vacant"] + unparcelled,
    }


def row(table: str, label: str) -> str:
    (line,) = [line for line in table.splitlines() if line.strip().startswith(label)]
    return line


#: The ledger's row labels, written out by hand per language.
LEDGER_LABELS = {
    "zh": {"developed_total": "已开发合计", "remaining": "剩余用地", "roads": "道路", "developed": "已开发待入驻", "vacant": "未开发",
           "tenant": "已入驻", "ready": "可即供地", "raw": "待开发"},
    "en": {"developed_total": "Developed total", "remaining": "Remaining", "roads": "Roads", "developed": "Developed, not let",
           "vacant": "Vacant", "tenant": "Tenant", "ready": "Ready (serviced)", "raw": "Raw (vacant + unparcelled)"},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_areas_table_shows_independently_measured_figures(cli, lang):
    out = cli("areas", "--lang", lang).stdout
    truth = independent_ledger(zonemap.sample_path())
    assert truth["developed_total"] != pytest.approx(300.0) and truth["remaining"] != pytest.approx(100.0)  # not the plan's figures
    for key, label in LEDGER_LABELS[lang].items():
        line = row(out, label)
        assert f"{truth[key]:,.2f}" in line, (label, line)
        assert f"{truth[key] / truth['boundary']:.2%}" in line, (label, line)
    assert "佳电机械厂" in cli("areas", "--by", "tenant", "--lang", lang).stdout


def test_planar_method_on_a_zone_in_degrees_is_one_clear_line(cli, make_zone):
    square = shapely.box(119.25, 33.5, 119.252, 33.502)
    path = make_zone(boundary=square, parcels=[{"parcel_id": "A", "status": "vacant", "geometry": square}], crs="EPSG:4490")
    before = path.read_bytes()
    result = cli("areas", path, "--method", "planar")
    assert result.returncode == 1
    assert result.stderr == "Error: parcels：EPSG:4490 是经纬度坐标系（单位为度），没有平面面积；请用 --method ellipsoidal，或把园区存为投影坐标系（如 EPSG:4528）\n"
    result = cli("areas", path, "--method", "planar", "--lang", "en")
    assert result.stderr == ("Error: parcels: EPSG:4490 is geographic (degrees), so there is no planar area; "
                             "use --method ellipsoidal or store the zone in a projected CRS such as EPSG:4528\n")
    assert path.read_bytes() == before
    # Ellipsoidal areas of lon/lat data are fine; the zone's CRS problem is a warning line.
    result = cli("areas", path, "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["boundary"] == pytest.approx(geodesic_m2(square, "EPSG:4490") / MU, abs=1e-5)
    assert "crs_geographic" in result.stderr


def test_remaining(cli):
    summary = json.loads(cli("remaining", "--json").stdout)
    truth = independent_ledger(zonemap.sample_path())
    assert summary["remaining"]["area"] == pytest.approx(truth["remaining"], abs=0.005)
    assert summary["ready"]["area"] == pytest.approx(truth["ready"], abs=0.005)
    assert summary["raw"]["area"] == pytest.approx(truth["raw"], abs=0.005)
    assert summary["ready"]["share_of_remaining"] == pytest.approx(truth["ready"] / truth["remaining"], abs=1e-4)
    assert f"{truth['remaining']:,.2f}" in row(cli("remaining").stdout, "剩余用地")
    assert f"{truth['ready']:,.2f}" in row(cli("remaining", "--lang", "en").stdout, "Ready (serviced)")


def test_validate_exit_codes(cli, grid_zone):
    ok = cli("validate", "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout) == {"ok": True, "errors": 0, "warnings": 0, "problems": []}

    def break_it(rows):
        rows[0]["tenant"] = None
        rows[1]["geometry"] = shapely.box(219.9, 0, 420, 140)  # 14 m² onto the road
        return rows

    path, *_ = grid_zone(edit=break_it, planned_mu=200.0)
    result = cli("validate", path, "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["ok"], report["errors"], report["warnings"]) == (False, 2, 1)
    assert {p["code"] for p in report["problems"]} == {"tenant_missing", "overlap", "planned_mismatch"}
    assert set(report["problems"][0]) == {"severity", "code", "layer", "id", "message"}
    text = cli("validate", path)
    assert text.returncode == 1 and "错误：[overlap]" in text.stdout and "2 个错误，1 个警告" in text.stderr
    assert "：状态为已入驻但未填入驻企业；请填写 tenant 字段\n" in text.stdout
    assert "，规划面积为 200.00 亩（相差超过 0.5%）；请检查边界或修正 planned_mu\n" in text.stdout
    text = cli("validate", path, "--lang", "en")
    assert text.returncode == 1 and "error: [overlap]" in text.stdout and "2 error(s), 1 warning(s)" in text.stderr
    assert ": status is tenant but no tenant is named; fill in the tenant field\n" in text.stdout
    assert " mu but the plan declares 200.00 mu (over 0.5% apart); check the boundary or correct planned_mu\n" in text.stdout
    # The ledger still prints, with a warning line.
    areas = cli("areas", path)
    assert areas.returncode == 0 and "边界实测" in areas.stdout
    assert f"警告：{path}：2 个数据错误（overlap, tenant_missing），数字可能有误；请运行 `zonemap validate {path}`" in areas.stderr
    english = cli("areas", path, "--lang", "en").stderr
    assert f"warning: {path}: 2 data error(s) (overlap, tenant_missing); figures may be off; run `zonemap validate {path}`" in english


@pytest.mark.parametrize("command", ["info", "areas", "remaining", "validate"])
def test_bad_zone_files_give_one_line_and_exit_1(cli, tmp_path, command):
    text = tmp_path / "parcels.gpkg"
    text.write_text("not a database", encoding="utf-8")
    roads_only = tmp_path / "roads_only.gpkg"
    pyogrio.write_dataframe(
        __import__("geopandas").GeoDataFrame({"name": ["经一路"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4528"),
        roads_only,
        layer="roads",
    )
    missing = tmp_path / "missing.gpkg"
    cases = {
        missing: f"{missing}：没有这个文件；请检查路径，或用 `zonemap init` 新建园区",
        text: f"{text}：不是 GeoPackage 园区文件；请给出由 `zonemap init` 生成的 .gpkg（导入 shapefile 或 GeoJSON 请用 `zonemap import`）",
        roads_only: f"{roads_only}：没有 'boundary' 图层；园区需要 boundary 和 parcels 两个图层"
                    f"（用 `zonemap import {roads_only} SOURCE --layer boundary` 导入）",
    }
    for path, line in cases.items():
        before = path.read_bytes() if path.exists() else None
        result = cli(command, path)
        assert result.returncode == 1, (command, path)
        assert result.stderr == f"Error: {line}\n"
        assert (path.read_bytes() if path.exists() else None) == before


def test_bad_zone_files_read_in_english_with_lang_en(cli, tmp_path):
    text = tmp_path / "parcels.gpkg"
    text.write_text("not a database", encoding="utf-8")
    missing, folder = tmp_path / "missing.gpkg", tmp_path / "survey"
    folder.mkdir()
    cases = {
        missing: f"{missing}: no such file; check the path, or create a zone with `zonemap init`",
        text: f"{text}: not a GeoPackage zone file; give a .gpkg made by `zonemap init` "
              "(to bring in a shapefile or GeoJSON, use `zonemap import`)",
        folder: f"{folder}: is a folder, not a zone file; give the zone's .gpkg file (e.g. {folder / 'zone.gpkg'})",
    }
    for path, line in cases.items():
        assert cli("info", path, "--lang", "en").stderr == f"Error: {line}\n"
    assert cli("info", folder).stderr == f"Error: {folder}：是文件夹，不是园区文件；请给出园区的 .gpkg 文件（如 {folder / 'zone.gpkg'}）\n"


def test_usage_errors_exit_2(cli):
    assert cli("areas", "--unit", "acre").returncode == 2
    assert cli("frobnicate").returncode == 2
    assert "--method" in cli("areas", "--help").stdout


def _one_line(result) -> str:
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr.strip()


@pytest.mark.parametrize(
    "args, words",
    [
        (["import", "ZONE", "SRC", "--encoding", "bogus"], "'bogus' 不是文字编码；请给出如 GBK、GB18030、UTF-8 或 BIG5"),
        (["inspect", "SRC", "--encoding", "bogus"], "'bogus' 不是文字编码"),
        (["import", "ZONE", "SRC", "--crs", "EPSG:99999"], "'EPSG:99999' 不是 pyproj 认识的坐标系；请写成 EPSG:NNNN"),
        (["init", "new.gpkg", "--boundary", "SRC", "--crs", "EPSG:99999"], "'EPSG:99999' 不是 pyproj 认识的坐标系"),
        (["import", "ZONE", "SRC", "--map", "foo=DKBH"], "parcels 没有字段 'foo'"),
        (["import", "ZONE", "SRC", "--layer", "roads", "--map", "tenant=QYMC"], "roads 没有字段 'tenant'"),
        (["set", "ZONE", "B03", "--status", "已转让"], "'已转让' 不是地块状态"),
        (["set", "ZONE", "B03", "--status", "已转让", "--lang", "en"], "'已转让' is not a status; use one of developed, vacant, tenant"),
        (["set", "ZONE", "B03", "--lang", "en", "--status", "已转让"], "'已转让' is not a status"),  # --lang is read first wherever it stands
    ],
)
def test_bad_option_values_are_usage_errors(cli, sample_copy, tmp_path, args, words):
    source = tmp_path / "src.geojson"
    source.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    before = sample_copy.read_bytes()
    result = cli(*[{"ZONE": sample_copy, "SRC": source}.get(a, a) for a in args])
    assert result.returncode == 2 and words in result.stderr and "Invalid value" in result.stderr
    assert sample_copy.read_bytes() == before


@pytest.mark.parametrize("command", [["info", "DIR"], ["set", "DIR", "B03", "--note", "x"], ["import", "ZONE", "DIR"], ["inspect", "DIR"]])
def test_a_folder_is_refused_like_a_missing_file(cli, sample_copy, tmp_path, command):
    folder = tmp_path / "survey"
    folder.mkdir()
    result = cli(*[{"ZONE": sample_copy, "DIR": folder}.get(a, a) for a in command], "--lang", "en")
    assert result.returncode == 1 and f"{folder}: is a folder" in _one_line(result)
    missing = cli(*[{"ZONE": sample_copy, "DIR": tmp_path / "gone.gpkg"}.get(a, a) for a in command], "--lang", "en")
    assert missing.returncode == 1 and "no such file" in _one_line(missing)


def test_init_refuses_a_name_that_is_not_gpkg(cli, sample_copy, tmp_path):
    result = cli("init", tmp_path / "zone.txt", "--boundary", sample_copy, "--lang", "en")
    assert result.returncode == 1 and "must end in .gpkg" in _one_line(result) and "RuntimeWarning" not in result.stderr
    result = cli("init", tmp_path / "zone.txt", "--boundary", sample_copy)
    assert f"{tmp_path / 'zone.txt'}：园区文件是 GeoPackage，文件名须以 .gpkg 结尾；如 `zonemap init {tmp_path / 'zone.gpkg'} --boundary …`" in _one_line(result)
    assert not (tmp_path / "zone.txt").exists()
