"""zonemap init, set, split, merge and history: edits by hand, each logged with its lineage."""

from __future__ import annotations

import json
import shutil

import geopandas as gpd
import pyogrio
import pytest
import shapely

from intake_helpers import file_bytes, geodesic_areas_m2
import zonemap
from zonemap import store
from zonemap.diff import diff

MU_M2 = 10000 / 15


def _parcels(zone):
    return store.read_layer(zone, "parcels").set_index("parcel_id")


def test_init_from_a_lonlat_boundary_picks_the_gauss_kruger_zone(cli, tmp_path):
    outline = shapely.box(119.245, 33.498, 119.2515, 33.5010)
    source = tmp_path / "boundary.kml"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"Name": ["园区"]}, geometry=[outline], crs="EPSG:4326"), source, driver="KML")
    zone = tmp_path / "new.gpkg"
    result = cli("init", zone, "--boundary", source, "--name", "新区", "--planned-mu", "250")
    assert result.returncode == 0, result.stderr
    boundary = store.read_layer(zone, "boundary")
    assert boundary.crs.to_epsg() == 4528  # CGCS2000 3-degree GK zone 40 (central meridian 120°E)
    assert boundary["name"].tolist() == ["新区"] and boundary["planned_mu"].tolist() == [250.0]
    expected_mu = geodesic_areas_m2([outline], "EPSG:4326")[0] / MU_M2
    assert f"，边界 {expected_mu:.2f} 亩\n" in result.stdout
    assert "planned_mismatch" in result.stderr  # 250 declared vs about 301 drawn
    assert set(store.list_layers(zone)) >= {"boundary", "parcels", "roads", "buildings", "prospects", "history", "layer_styles"}
    assert cli("validate", zone).returncode == 0

    again = cli("init", zone, "--boundary", source)
    assert again.returncode == 1 and again.stderr == f"Error: {zone}：已存在；请换个名字，或先删除它\n"
    again = cli("init", zone, "--boundary", source, "--lang", "en")
    assert again.stderr == f"Error: {zone}: already exists; choose another name or delete it first\n"


def test_set_accepts_chinese_status_and_logs_who_and_what(cli, sample_copy):
    result = cli("set", sample_copy, "B03", "--status", "已入驻", "--tenant", "惠实业有限公司", "--investment", "2000", "--by", "李主任")
    assert result.returncode == 0, result.stderr
    b03 = _parcels(sample_copy).loc["B03"]
    assert (b03["status"], b03["tenant"], b03["investment_wan"]) == ("tenant", "惠实业有限公司", 2000.0)
    log = json.loads(cli("history", sample_copy, "B03", "--json").stdout)
    assert {(r["field"], r["old"], r["new"], r["by"]) for r in log} == {
        ("status", "vacant", "tenant", "李主任"),
        ("tenant", None, "惠实业有限公司", "李主任"),
        ("investment_wan", None, "2000", "李主任"),
    }

    moved_out = cli("set", sample_copy, "A01", "--status", "developed", "--lang", "en")
    assert moved_out.returncode == 0, moved_out.stderr
    assert moved_out.stdout.splitlines() == [
        "A01 status: Tenant → Developed, not let",
        "A01 tenant: 厚翔服装厂 → ",
        "A01 investment (10⁴ yuan): 1000 → ",
    ]
    assert _parcels(sample_copy).loc["A01"].isna()[["tenant", "investment_wan"]].all()


def test_set_and_history_speak_chinese_with_lang_zh(cli, sample_copy):
    result = cli("set", sample_copy, "B03", "--status", "已入驻", "--tenant", "惠实业有限公司", "--investment", "2000", "--lang", "zh")
    assert result.stdout.splitlines() == [
        "B03 状态：未开发 → 已入驻",
        "B03 入驻企业： → 惠实业有限公司",
        "B03 投资额（万元）： → 2000",
    ]
    table = cli("history", sample_copy, "B03", "--lang", "zh").stdout
    assert "未开发" in table and "已入驻" in table and "修改" in table and "操作人" in table
    assert "tenant" not in table and "update" not in table and "vacant" not in table


def test_leaving_tenant_status_clears_the_investment_unless_given(cli, sample_copy):
    kept = cli("set", sample_copy, "A01", "--status", "vacant", "--investment", "500")
    assert kept.returncode == 0, kept.stderr
    assert _parcels(sample_copy).loc["A01", "investment_wan"] == 500.0
    assert kept.stderr == (  # landed, with the warning, in the planner's language
        "警告：[investment_unexpected] parcels A01：状态为未开发，却有投资额 500 万元；"
        "请清除（`zonemap set ZONE A01 --status vacant` 会清除企业迁出后留下的投资额）或把状态改为已入驻\n"
    )


def test_history_of_an_unknown_parcel_is_an_error_with_suggestions(cli, sample_copy):
    result = cli("history", sample_copy, "B3")
    assert result.returncode == 1 and result.stderr == f"Error: {sample_copy} 中没有地块 'B3'（共 15 个地块：A01…C05）；是不是 'B03'？\n"
    english = cli("history", sample_copy, "B3", "--lang", "en").stderr
    assert english == f"Error: no parcel 'B3' in {sample_copy} (15 parcels: A01…C05); did you mean 'B03'?\n"
    cli("split", sample_copy, "C03", "--mu", "5")
    assert cli("history", sample_copy, "C03").returncode == 0  # gone from the parcels, still in the history


def test_set_that_breaks_the_zone_is_refused(cli, sample_copy):
    before = file_bytes(sample_copy)
    result = cli("set", sample_copy, "B03", "--status", "tenant")
    assert result.returncode == 1 and "tenant_missing" in result.stderr and "nothing was written" in result.stderr
    unknown = cli("set", sample_copy, "B3", "--note", "x")
    assert unknown.returncode == 1 and "是不是 'B03'" in unknown.stderr
    assert cli("set", sample_copy, "B03", "--status", "sold").returncode == 2  # a usage error
    assert cli("set", sample_copy, "B03").returncode == 2
    assert file_bytes(sample_copy) == before


@pytest.mark.parametrize("side", ["north", "south", "east", "west"])
def test_split_carves_exactly_x_mu_off_the_side(cli, sample_copy, side):
    parent = _parcels(sample_copy).loc["C03"]
    result = cli("split", sample_copy, "C03", "--mu", "12.5", "--side", side, "--by", "张工")
    assert result.returncode == 0, result.stderr
    parcels = _parcels(sample_copy)
    carved, rest = parcels.loc["C03-1"], parcels.loc["C03-2"]
    carved_m2, rest_m2, parent_m2 = geodesic_areas_m2([carved.geometry, rest.geometry, parent.geometry], parcels.crs)
    assert carved_m2 / MU_M2 == pytest.approx(12.5, abs=0.01)
    assert carved_m2 + rest_m2 == pytest.approx(parent_m2, abs=0.01)
    axis, sign = {"north": (1, 1), "south": (1, -1), "east": (0, 1), "west": (0, -1)}[side]
    assert sign * (carved.geometry.centroid.coords[0][axis] - rest.geometry.centroid.coords[0][axis]) > 0
    assert carved["status"] == parent["status"] and "C03" not in parcels.index
    assert cli("validate", sample_copy).returncode == 0
    lineage = json.loads(cli("history", sample_copy, "C03-1", "--json").stdout)
    assert {r["parcel_id"] for r in lineage} == {"C03", "C03-1"}
    assert any(r["field"] == "children" and r["new"] == "C03-1,C03-2" for r in lineage)


def test_split_by_line_and_bad_requests(cli, sample_copy):
    c03 = _parcels(sample_copy).loc["C03"].geometry
    x = (c03.bounds[0] + c03.bounds[2]) / 2
    line = f"LINESTRING ({x} {c03.bounds[1] - 5}, {x} {c03.bounds[3] + 5})"
    before = file_bytes(sample_copy)
    assert cli("split", sample_copy, "C03", "--mu", "500").returncode == 1
    assert cli("split", sample_copy, "C03", "--line", "LINESTRING (0 0, 1 1)").returncode == 1
    assert cli("split", sample_copy, "C03", "--line", "not wkt").returncode == 1
    assert file_bytes(sample_copy) == before
    result = cli("split", sample_copy, "C03", "--line", line, "--ids", "C03W,C03E")
    assert result.returncode == 0, result.stderr
    parcels = _parcels(sample_copy)
    assert parcels.loc["C03W"].geometry.area == pytest.approx(c03.area / 2, rel=1e-9)


def test_merge_adjacent_parcels_and_refuse_corner_or_mixed(cli, sample_copy):
    parcels = _parcels(sample_copy)
    expected = geodesic_areas_m2([parcels.loc["B03"].geometry, parcels.loc["B04"].geometry], parcels.crs).sum()
    before = file_bytes(sample_copy)
    corner = cli("merge", sample_copy, "C01", "C03", "--id", "X")  # across a road: no shared edge
    assert corner.returncode == 1 and corner.stderr == f"Error: {sample_copy}：C03 与 C01 没有共用边（只在角点相接不算）；只能合并相邻地块\n"
    mixed = cli("merge", sample_copy, "A01", "A02", "--id", "X")
    assert mixed.returncode == 1 and "：无法合并 status 不同的地块（A01 为 已入驻，A02 为 已开发待入驻）；请先用 `zonemap set` 使其相同\n" in mixed.stderr
    mixed = cli("merge", sample_copy, "A01", "A02", "--id", "X", "--lang", "en")
    assert ": cannot merge parcels whose status differs (A01 is tenant, A02 is developed); make them the same with `zonemap set` first\n" in mixed.stderr
    assert file_bytes(sample_copy) == before

    result = cli("merge", sample_copy, "B03", "B04", "--id", "B34", "--by", "王工")
    assert result.returncode == 0, result.stderr
    merged = _parcels(sample_copy).loc["B34"]
    assert merged.geometry.geom_type == "Polygon"
    assert geodesic_areas_m2([merged.geometry], parcels.crs)[0] == pytest.approx(expected, abs=0.01)
    lineage = json.loads(cli("history", sample_copy, "B34", "--json").stdout)
    assert {r["parcel_id"] for r in lineage} == {"B03", "B04", "B34"}


def test_merge_refuses_parcels_touching_only_at_a_corner(cli, make_zone):
    x0, y0 = 40525000.0, 3706000.0
    zone = make_zone(
        boundary=shapely.box(x0, y0, x0 + 200, y0 + 200),
        parcels=[
            {"parcel_id": "SW", "status": "vacant", "geometry": shapely.box(x0, y0, x0 + 100, y0 + 100)},
            {"parcel_id": "NE", "status": "vacant", "geometry": shapely.box(x0 + 100, y0 + 100, x0 + 200, y0 + 200)},
        ],
    )
    result = cli("merge", zone, "SW", "NE", "--id", "X", "--lang", "en")
    assert result.returncode == 1 and "corner" in result.stderr


def test_history_of_the_whole_zone(cli, sample_copy):
    assert "no changes" in cli("history", sample_copy, "--lang", "en").stdout
    assert cli("history", sample_copy).stdout.strip() == "无变更记录"
    cli("set", sample_copy, "C01", "--note", "规划调整")
    table = cli("history", sample_copy, "--lang", "en").stdout
    assert "C01" in table and "规划调整" in table and "update" in table


def test_split_and_merge_carry_buildings_and_prospects_along(cli, sample_copy):
    import numpy as np

    parcels = _parcels(sample_copy)
    barn = store.read_layer(sample_copy, "buildings").set_index("building_id").loc["BLD-03"]
    assert barn["parcel_id"] == "B05"
    b05 = parcels.loc["B05"].geometry
    y = b05.representative_point().y
    result = cli("split", sample_copy, "B05", "--line", f"LINESTRING ({b05.bounds[0] - 5} {y + 30}, {b05.bounds[2] + 5} {y + 30})", "--ids", "B05S,B05N")
    assert result.returncode == 0, result.stderr
    pieces = _parcels(sample_copy)
    home = next(pid for pid in ("B05S", "B05N") if pieces.loc[pid].geometry.contains(barn.geometry.representative_point()))
    buildings = store.read_layer(sample_copy, "buildings").set_index("building_id")
    prospects = store.read_layer(sample_copy, "prospects").set_index("name")
    assert buildings.loc["BLD-03", "parcel_id"] == home
    assert prospects.loc["吴江投资人", "parcel_id"] == home  # the investor wants the barn
    assert buildings.loc["BLD-01", "parcel_id"] == "A01"
    log = json.loads(cli("history", sample_copy, home, "--json").stdout)
    assert {(r["field"], r["old"], r["new"]) for r in log} >= {("buildings.parcel_id", "B05", home), ("prospects.parcel_id", "B05", home)}

    merged = cli("merge", sample_copy, "B05S", "B05N", "--id", "B05")
    assert merged.returncode == 0, merged.stderr
    assert store.read_layer(sample_copy, "buildings").set_index("building_id").loc["BLD-03", "parcel_id"] == "B05"
    assert store.read_layer(sample_copy, "prospects").set_index("name").loc["吴江投资人", "parcel_id"] == "B05"
    assert cli("validate", sample_copy, "--json").stdout.count("dangling_parcel_ref") == 0

    # A prospect on a parcel without buildings follows the largest piece.
    with store.transaction(sample_copy) as txn:
        table = txn.read("prospects")
        table.loc[table["name"] == "天有限公司", "parcel_id"] = "C03"
        txn.write("prospects", table)
    assert cli("split", sample_copy, "C03", "--mu", "5", "--side", "west").returncode == 0
    c03 = _parcels(sample_copy).loc[["C03-1", "C03-2"]]
    largest = c03.index[int(np.argmax(geodesic_areas_m2(c03.geometry, c03.crs)))]
    assert store.read_layer(sample_copy, "prospects").set_index("name").loc["天有限公司", "parcel_id"] == largest == "C03-2"


def test_validate_warns_about_references_to_missing_parcels(cli, sample_copy):
    with store.transaction(sample_copy) as txn:
        buildings = txn.read("buildings")
        buildings.loc[buildings["building_id"] == "BLD-02", "parcel_id"] = "Z99"
        txn.write("buildings", buildings)
    result = cli("validate", sample_copy, "--json")
    problems = json.loads(result.stdout)["problems"]
    assert result.returncode == 0  # a warning, not an error
    assert [(p["severity"], p["code"], p["layer"], p["id"]) for p in problems] == [("warning", "dangling_parcel_ref", "buildings", "BLD-02")]
    assert "'Z99'" in problems[0]["message"]
    assert cli("validate", sample_copy).stdout == "警告：[dangling_parcel_ref] buildings BLD-02：parcel_id 'Z99' 不是本园区的地块；请改为现有地块或清空\n"
    assert cli("validate", sample_copy, "--lang", "en").stdout == (
        "warning: [dangling_parcel_ref] buildings BLD-02: parcel_id 'Z99' names no parcel of the zone; point it at an existing parcel or clear it\n"
    )


@pytest.mark.parametrize("mu", ["100", "30"])
def test_split_refuses_to_carve_more_than_the_parcel(cli, sample_copy, mu):
    c03 = _parcels(sample_copy).loc["C03"]
    area_mu = geodesic_areas_m2([c03.geometry], _parcels(sample_copy).crs)[0] / MU_M2
    assert float(mu) >= area_mu  # the sample's C03 is 29.95 mu
    before = file_bytes(sample_copy)
    result = cli("split", sample_copy, "C03", "--mu", mu, "--lang", "en")
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert f"C03 measures {area_mu:.2f} mu; cannot carve {mu} mu from it" in result.stderr
    assert f"C03 面积 {area_mu:.2f} 亩，无法从中切出 {mu} 亩；请给出小于其面积的 --mu，或整块使用\n" in cli("split", sample_copy, "C03", "--mu", mu).stderr
    assert "leave a piece" not in result.stderr
    assert file_bytes(sample_copy) == before


@pytest.mark.parametrize("how", ["mu_rest", "mu_carved", "line"])
def test_split_refuses_slivers(cli, sample_copy, how):
    from zonemap.intake.edits import MIN_PIECE_MU

    c03 = _parcels(sample_copy).loc["C03"]
    area_m2 = geodesic_areas_m2([c03.geometry], _parcels(sample_copy).crs)[0]
    x0, y0, x1, y1 = c03.geometry.bounds
    args = {
        "mu_rest": ["--mu", f"{area_m2 / MU_M2 - 0.002:.4f}"],  # leaves about 1.3 m²
        "mu_carved": ["--mu", f"{MIN_PIECE_MU / 2}"],
        "line": ["--line", f"LINESTRING ({x0 + 0.05} {y0 - 5}, {x0 + 0.05} {y1 + 5})"],  # a 5 cm strip
    }[how]
    before = file_bytes(sample_copy)
    result = cli("split", sample_copy, "C03", *args, "--lang", "en")
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert f"measures {area_m2 / MU_M2:.4f} mu" in result.stderr and f"{MIN_PIECE_MU:g} mu" in result.stderr
    assert file_bytes(sample_copy) == before


@pytest.mark.parametrize(
    "line, words",
    [("POINT (1 1)", "is a Point"), ("LINESTRING EMPTY", "empty line"), ("MULTILINESTRING ((0 0, 1 1))", "is a MultiLineString"),
     ("LINESTRING (0 0, 1 1)", "does not reach parcel C03")],
)
def test_split_line_must_be_a_line_reaching_the_parcel(cli, sample_copy, line, words):
    before = file_bytes(sample_copy)
    result = cli("split", sample_copy, "C03", "--line", line, "--lang", "en")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
    assert "give e.g. 'LINESTRING (x1 y1, x2 y2)'" in result.stderr or "draw it across the parcel" in result.stderr
    chinese = cli("split", sample_copy, "C03", "--line", line).stderr
    assert "请按园区坐标系给出，如 'LINESTRING (x1 y1, x2 y2)'" in chinese or "；请画线穿过该地块" in chinese
    assert file_bytes(sample_copy) == before


@pytest.mark.parametrize("command", [["info"], ["validate"], ["history"], ["export", "OUT"], ["set", "C03", "--note", "x"], ["split", "C03", "--mu", "3"]])
def test_a_damaged_zone_is_one_line_not_a_traceback(cli, sample_copy, tmp_path, command):
    damaged = tmp_path / "damaged.gpkg"
    damaged.write_bytes(sample_copy.read_bytes()[:60_000])  # cut short in transfer
    args = [str(tmp_path / "out.shp") if a == "OUT" else a for a in command]
    result = cli(args[0], damaged, *args[1:])
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(f"Error: {damaged}：GeoPackage 无法读取（")
    assert result.stderr.endswith("）；文件可能已损坏或不完整：请从备份恢复\n")
    if command == ["info"]:
        english = cli("info", damaged, "--lang", "en").stderr
        assert english.startswith(f"Error: {damaged}: the GeoPackage cannot be read (")
        assert english.endswith("); it may be damaged or cut short: restore it from a copy\n")


def test_unknown_parcel_id_lists_the_zone_ids_and_the_nearest(cli, sample_copy):
    ids = sorted(_parcels(sample_copy).index)
    far = cli("set", sample_copy, "ZZ9", "--note", "x")
    assert far.returncode == 1
    assert far.stderr.strip() == f"Error: {sample_copy} 中没有地块 'ZZ9'（共 {len(ids)} 个地块：{ids[0]}…{ids[-1]}）"
    near = cli("split", sample_copy, "C5", "--mu", "3", "--lang", "en")
    assert near.returncode == 1 and "did you mean 'C05'" in near.stderr and "zonemap areas" not in near.stderr


def test_init_records_a_crs_override_in_the_history(cli, tmp_path):
    outline = shapely.box(119.245, 33.498, 119.2515, 33.5010)
    source = tmp_path / "boundary.shp"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"MC": ["园区"]}, geometry=[outline], crs="EPSG:4528"), source)  # lon/lat labelled GK
    zone = tmp_path / "z.gpkg"
    assert cli("init", zone, "--boundary", source).returncode == 1
    result = cli("init", zone, "--boundary", source, "--crs", "EPSG:4490")
    assert result.returncode == 0, result.stderr
    note = store.read_layer(zone, "history")["note"].iloc[0]
    assert "overriding the .prj's EPSG:4528" in note
    assert geodesic_areas_m2([store.read_layer(zone, "boundary").geometry.iloc[0]], "EPSG:4528")[0] == pytest.approx(
        geodesic_areas_m2([outline], "EPSG:4490")[0], abs=0.05)


def _tenant_zone(make_zone):
    """Two adjacent parcels of one tenant (300 and 450.5 万元), a third of another, 100 m squares in GK zone 40."""
    x0, y0 = 40525000.0, 3706000.0
    square = lambda i: shapely.box(x0 + 100 * i, y0, x0 + 100 * (i + 1), y0 + 100)  # noqa: E731
    rows = [
        {"parcel_id": "T1", "status": "tenant", "tenant": "甲厂", "investment_wan": 300.0, "geometry": square(0)},
        {"parcel_id": "T2", "status": "tenant", "tenant": "甲厂", "investment_wan": 450.5, "geometry": square(1)},
        {"parcel_id": "T3", "status": "tenant", "tenant": "乙厂", "investment_wan": 1000.0, "geometry": square(2)},
    ]
    return make_zone(boundary=shapely.box(x0, y0, x0 + 300, y0 + 100), parcels=rows), x0, y0


def test_split_pieces_share_the_investment_by_area_so_sums_do_not_change(cli, make_zone, tmp_path):
    path, x0, y0 = _tenant_zone(make_zone)
    before = shutil.copy(path, tmp_path / "before.gpkg")
    line = f"LINESTRING ({x0 + 230} {y0 - 5}, {x0 + 230} {y0 + 105})"  # T3 cut 30 : 70
    result = cli("split", path, "T3", "--line", line, "--ids", "T3W,T3E")
    assert result.returncode == 0, result.stderr
    parcels = _parcels(path)
    west, east = geodesic_areas_m2([parcels.loc["T3W"].geometry, parcels.loc["T3E"].geometry], parcels.crs)
    exact = [1000.0 * west / (west + east), 1000.0 * east / (west + east)]  # about 300 and 700
    shares = [parcels.loc["T3W", "investment_wan"], parcels.loc["T3E", "investment_wan"]]
    assert shares == pytest.approx(exact, abs=0.01) and sum(shares) == pytest.approx(1000.0, abs=1e-9)
    assert [round(s, 2) for s in shares] == shares  # 0.01 万元 steps
    assert result.stdout.splitlines() == [
        f"T3W：{west / MU_M2:.2f} 亩（{west:,.1f} 平方米），投资 {shares[0]:,.2f} 万元",
        f"T3E：{east / MU_M2:.2f} 亩（{east:,.1f} 平方米），投资 {shares[1]:,.2f} 万元",
    ]
    # The tenant's investment is counted once in the indicators, as before the split.
    tenants = {t["tenant"]: t for t in json.loads(cli("indicators", path, "--json").stdout)["tenants"]}
    assert tenants["乙厂"]["investment_wan"] == pytest.approx(1000.0, abs=1e-9)
    # diff does not call a fair share a change of investment.
    (event,) = diff(zonemap.open(before), zonemap.open(path))["changes"]
    assert event["kind"] == "split" and [p["differs"] for p in event["new"]] == [[], []]
    history = json.loads(cli("history", path, "T3W", "--json").stdout)
    assert [(r["field"], r["old"], r["new"]) for r in history if r["field"] == "investment_wan"] == [("investment_wan", "1000", f"{shares[0]:g}")]


def test_merge_sums_the_investment_of_one_tenants_parcels(cli, make_zone):
    path, *_ = _tenant_zone(make_zone)
    result = cli("merge", path, "T1", "T2", "--id", "T12", "--lang", "en")
    assert result.returncode == 0, result.stderr
    parcels = _parcels(path)
    assert parcels.loc["T12", "investment_wan"] == 750.5  # 300 + 450.5
    m2 = geodesic_areas_m2([parcels.loc["T12"].geometry], parcels.crs)[0]
    assert result.stdout == f"T12: {m2 / MU_M2:.2f} mu ({m2:,.1f} m²) from T1, T2, investment 750.50 ×10⁴ yuan\n"
    mixed = cli("merge", path, "T12", "T3", "--id", "X", "--lang", "en")  # another tenant: refused, nothing summed
    assert mixed.returncode == 1 and "tenant differs" in mixed.stderr


def test_edit_refusals_read_wholly_in_the_chosen_language(cli, sample_copy):
    """Each refusal in Chinese and in English (written out by hand); the zone untouched."""
    assert cli("prospect", "set", sample_copy, "天有限公司", "--stage", "dropped").returncode == 0
    before = file_bytes(sample_copy)
    zone = str(sample_copy)
    cases = [
        (["split", zone, "C03", "--mu", "5", "--ids", "A,B,C"],
         "--ids：分割得到 2 块，却给了 3 个编号", "--ids: the cut makes 2 pieces but 3 ids were given"),
        (["merge", zone, "C01", "C01", "--id", "X"], "请至少给出两个不同的地块编号来合并", "give at least two different parcel ids to merge"),
        (["zone", "set", zone, "--name="], "--name：园区需要名称；请给出，如 --name 示例工业集中区",
         "--name: a zone needs a name; give one, e.g. --name 示例工业集中区"),
        (["hold", zone, "C03", "--for", "天有限公司", "--until", "2099-01-01"],
         f"{zone}：意向项目 '天有限公司' 已放弃；只能为意向、洽谈中或已签约的项目预留土地",
         f"{zone}: prospect '天有限公司' is dropped; land is held only for a prospect at intent, negotiating or signed"),
        (["prospect", "land", zone, "天有限公司", "C03"], f"{zone}：意向项目 '天有限公司' 已放弃；只有意向、洽谈中或已签约的项目才能落地",
         f"{zone}: prospect '天有限公司' is dropped; only a prospect at intent, negotiating or signed can land"),
    ]
    for args, chinese, english in cases:
        for lang, expected in (("zh", chinese), ("en", english)):
            result = cli(*args, "--lang", lang)
            assert (result.returncode, result.stderr) == (1, f"Error: {expected}\n")
    assert file_bytes(sample_copy) == before
