"""zonemap prospect, hold, release and zone set: investors, land held for them, the zone's own figures."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import MU, geodesic_m2
from intake_helpers import file_bytes
import zonemap
from zonemap import ZonemapError, store
from zonemap.intake.edits import set_parcel, set_zone
from zonemap.prospects import add_prospect, hold_parcels, land_prospect, release_parcels, set_prospect


def _json(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_prospect_moves_from_intent_to_landed(cli, grid_zone):
    zone, _, placed, _ = grid_zone()
    assert cli("prospect", "add", zone, "惠实业有限公司", "--industry", "铝制品", "--investment", "2000", "--need", "20", "--by", "李主任").returncode == 0
    moved = cli("prospect", "set", zone, "惠实业有限公司", "--stage", "洽谈", "--contact", "王经理 138", "--lang", "en")
    assert moved.stdout == "惠实业有限公司 stage: intent → negotiating\n惠实业有限公司 contact:  → 王经理 138\n"
    held = cli("hold", zone, "P2", "--for", "惠实业有限公司", "--until", "2099-06-30")
    assert held.returncode == 0 and "P2" in held.stdout
    listed = _json(cli("prospect", "list", zone, "--json"))
    assert [(p["name"], p["stage"], p["need_mu"], p["contact"], p["holds"]) for p in listed] == [
        ("惠实业有限公司", "negotiating", 20.0, "王经理 138", [{"parcel_id": "P2", "until": "2099-06-30"}])
    ]

    landed = cli("prospect", "land", zone, "惠实业有限公司", "P2", "P4")
    assert landed.returncode == 0, landed.stderr
    parcels = store.read_layer(zone, "parcels").set_index("parcel_id")
    assert parcels.loc[["P2", "P4"], "status"].tolist() == ["tenant", "tenant"]
    assert parcels.loc[["P2", "P4"], "tenant"].tolist() == ["惠实业有限公司"] * 2
    # The investment is shared by area: P2 and P4 measure the same here (200 × 140 m).
    p2, p4 = geodesic_m2(placed[1][1], "EPSG:4528"), geodesic_m2(placed[3][1], "EPSG:4528")
    shares = parcels.loc[["P2", "P4"], "investment_wan"].tolist()
    assert shares[0] == pytest.approx(2000 * p2 / (p2 + p4), abs=0.01) and sum(shares) == pytest.approx(2000.0, abs=1e-9)
    assert landed.stdout.splitlines()[:3] == ["P2 状态：已开发待入驻 → 已入驻", "P2 入驻企业： → 惠实业有限公司", f"P2 投资额（万元）： → {shares[0]:,.2f}"]
    assert len(store.read_layer(zone, "holds")) == 0  # its hold is used up
    assert _json(cli("prospect", "list", zone, "--json")) == []  # landed: no longer looking
    prospect = _json(cli("prospect", "list", zone, "--all", "--json"))[0]
    assert (prospect["stage"], prospect["parcel_id"]) == ("landed", "P2")

    log = _json(cli("history", zone, "--json"))
    link = [r for r in log if r["field"] == "prospects.parcels"]
    assert [(r["parcel_id"], r["new"]) for r in link] == [("P2", "P2,P4")]
    p4_log = _json(cli("history", zone, "P4", "--json"))
    assert {(r["field"], r["new"]) for r in p4_log} >= {("status", "tenant"), ("tenant", "惠实业有限公司")}
    assert all("prospect 惠实业有限公司 landed" in r["note"] for r in p4_log if r["field"] in ("status", "tenant"))
    stages = [(r["old"], r["new"], r["by"]) for r in log if r["field"] == "prospects.stage"]
    assert [s[:2] for s in stages] == [("intent", "negotiating"), ("negotiating", "landed")]
    assert log[0]["action"] == "create" and log[0]["by"] == "李主任"


def test_held_land_is_in_the_ledger_and_offered_only_to_its_prospect(cli, grid_zone):
    zone, _, placed, _ = grid_zone()
    for name in ("甲公司", "乙公司"):
        add_prospect(zone, name, need_mu=35)
    hold_parcels(zone, ["P2"], prospect="甲公司", until="2099-12-31")

    ledger = zonemap.open(zone).areas()
    p2_mu = geodesic_m2(placed[1][1], "EPSG:4528") / MU  # 200 × 140 m, developed
    assert ledger["held"] == pytest.approx(p2_mu, abs=1e-6)
    assert ledger["remaining"] == pytest.approx(ledger["ready"] + ledger["raw"], abs=1e-9)
    assert re.search(rf"\n  其中预留 +{p2_mu:.2f} ", cli("areas", zone).stdout)
    assert re.search(rf"\n  of which held for prospects +{p2_mu:.2f} ", cli("areas", zone, "--lang", "en").stdout)

    def sites(**options):
        return [c["parcels"] for c in zonemap.open(zone).find_sites(35, **options)]

    assert sites() == [["P4"]]  # P2 (developed, 42 亩) would come first, but it is held
    assert sites(include_held=True) == sites(prospect="甲公司") == [["P2"], ["P4"]]
    assert [c["parcels"] for c in _json(cli("remaining", zone, "--need", "35", "--json", "--include-held"))["candidates"]] == [["P2"], ["P4"]]
    answers = {a["name"]: [c["parcels"] for c in a["candidates"]] for a in _json(cli("remaining", zone, "--prospects", "--json"))["prospects"]}
    assert answers == {"甲公司": [["P2"], ["P4"]], "乙公司": [["P4"]]}

    released = cli("release", zone, "--for", "甲公司")
    assert released.returncode == 0 and "P2" in released.stdout
    assert zonemap.open(zone).areas()["held"] == 0.0


@pytest.fixture(scope="module")
def held_zone(tmp_path_factory):
    """The grid zone with prospects 甲公司 and 乙公司, P2 held for 甲公司 until 2099-12-31 (built once)."""
    from conftest import GRID_PARCELS, GRID_ROADS, ORIGINS, make_zone_file
    from shapely import affinity, box

    x0, y0 = ORIGINS["EPSG:4528"]

    def place(bounds):
        return affinity.translate(box(*bounds), x0, y0)

    zone = make_zone_file(
        tmp_path_factory.mktemp("held") / "zone.gpkg",
        boundary=place((0, 0, 420, 300)),
        parcels=[{"parcel_id": i, "status": s, "tenant": t, "geometry": place(b)} for i, s, t, b in GRID_PARCELS],
        roads=[{"name": n, "axis": a, "width_m": w, "geometry": place(b)} for n, a, w, b in GRID_ROADS],
    )
    for name in ("甲公司", "乙公司"):
        add_prospect(zone, name)
    hold_parcels(zone, ["P2"], prospect="甲公司", until="2099-12-31")
    return zone


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        (("hold", "{zone}", "P3", "--for", "丙公司", "--until", "2099-01-01"),
         "：没有意向项目 '丙公司'（共 2 个意向项目：甲公司, 乙公司）；是不是 '甲公司' 或 '乙公司'？\n",
         ": no prospect '丙公司' (2 prospects: 甲公司, 乙公司); did you mean '甲公司' or '乙公司'?\n"),
        (("hold", "{zone}", "P1", "--for", "甲公司", "--until", "2099-01-01"), "：地块 P1 已由 厚翔服装厂 入驻；只能预留可用土地\n",
         ": parcel P1 is let to 厚翔服装厂; only available land can be held\n"),
        (("hold", "{zone}", "P2", "--for", "乙公司", "--until", "2099-01-01"), "：地块 P2 已为 甲公司 预留至 2099-12-31；请先解除预留",
         ": parcel P2 is already held for 甲公司 until 2099-12-31; release it first"),
        (("prospect", "set", "{zone}", "乙公司", "--stage", "landed"), "--stage landed：请用 `zonemap prospect land ",
         "--stage landed: use `zonemap prospect land "),
        (("prospect", "land", "{zone}", "乙公司", "P2"), "：地块 P2 已为 甲公司 预留至 2099-12-31；请先解除预留",
         ": parcel P2 is held for 甲公司 until 2099-12-31; release it first"),
    ],
)
def test_refusals_are_one_line_and_leave_the_zone_byte_identical(cli, held_zone, tmp_path, args, chinese, english):
    zone = shutil.copy(held_zone, tmp_path / "zone.gpkg")
    before = file_bytes(zone)
    for lang, expected in (("zh", chinese), ("en", english)):
        result = cli(*(str(zone) if a == "{zone}" else a for a in args), "--lang", lang)
        assert result.returncode == 1, result.stdout + result.stderr
        assert expected in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert file_bytes(zone) == before


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda z: hold_parcels(z, ["P3"], prospect="甲公司", until="31/12/2099"), "--until 31/12/2099: not a date"),
        (lambda z: land_prospect(z, "乙公司", ["P1"]), "parcel P1 is already let to 厚翔服装厂"),
        (lambda z: land_prospect(z, "乙公司", ["P9"]), "no parcel 'P9'"),
        (lambda z: add_prospect(z, "甲公司"), "prospect '甲公司' is already recorded"),
        (lambda z: set_prospect(z, "甲公司", stage="sold"), "--stage sold: not a stage"),
        (lambda z: set_prospect(z, "甲公司", parcel_id="P9"), "no parcel 'P9'"),
        (lambda z: release_parcels(z, ["P3"]), "no hold on parcel 'P3'"),
        (lambda z: set_zone(z, approved_on="2020-13-01"), "--approved-on 2020-13-01: not a date"),
        (lambda z: set_zone(z, name=""), "--name: a zone needs a name"),
    ],
)
def test_library_refusals_name_the_fix_and_write_nothing(held_zone, tmp_path, call, expected):
    zone = shutil.copy(held_zone, tmp_path / "zone.gpkg")
    before = file_bytes(zone)
    with pytest.raises(ZonemapError, match=re.escape(expected)):
        call(zone)
    assert file_bytes(zone) == before


def test_validate_warns_on_expired_holds_and_holds_on_tenant_land(cli, grid_zone):
    zone, *_ = grid_zone()
    add_prospect(zone, "甲公司")
    hold_parcels(zone, ["P2"], prospect="甲公司", until="2020-01-01")
    hold_parcels(zone, ["P3"], prospect="甲公司", until="2099-01-01")
    set_parcel(zone, "P3", status="tenant", tenant="乙公司")
    report = _json(cli("validate", zone, "--json"))
    assert report["ok"] is True  # warnings, not errors
    assert {(p["code"], p["id"]) for p in report["problems"]} == {("hold_expired", "P2"), ("hold_on_tenant", "P3")}
    # Wholly in the planner's language (expected lines written out by hand).
    assert cli("validate", zone).stdout == (
        "警告：[hold_expired] holds P2：为 甲公司 预留至 2020-01-01，已过期；请解除预留，或用新的 --until 重新预留\n"
        "警告：[hold_on_tenant] holds P3：为 甲公司 预留，但已由 乙公司 入驻；请解除预留\n"
    )
    assert cli("validate", zone, "--lang", "en").stdout == (
        "warning: [hold_expired] holds P2: held for 甲公司 until 2020-01-01, which has passed; release it or hold it again with a new --until\n"
        "warning: [hold_on_tenant] holds P3: held for 甲公司 but let to 乙公司; release the hold\n"
    )


def test_zone_set_records_the_zone_figures_and_info_shows_them(cli, grid_zone):
    zone, *_ = grid_zone()
    result = cli("zone", "set", zone, "--name", "河西工业集中区", "--planned-mu", "189", "--infrastructure-wan", "50",
                 "--approved-by", "淮安市人民政府", "--approved-on", "2020/6/1", "--by", "李主任")
    assert result.returncode == 0, result.stderr
    boundary = store.read_layer(zone, "boundary").iloc[0]
    assert (boundary["name"], boundary["planned_mu"], boundary["infrastructure_wan"], boundary["approved_by"], boundary["approved_on"]) == (
        "河西工业集中区", 189.0, 50.0, "淮安市人民政府", "2020-06-01"
    )
    log = _json(cli("history", zone, "--json"))
    assert {(r["field"], r["new"], r["by"]) for r in log} == {
        ("boundary.name", "河西工业集中区", "李主任"), ("boundary.planned_mu", "189", "李主任"),
        ("boundary.infrastructure_wan", "50", "李主任"), ("boundary.approved_by", "淮安市人民政府", "李主任"),
        ("boundary.approved_on", "2020-06-01", "李主任"),
    }
    info = cli("info", zone)
    assert "河西工业集中区" in info.stdout and "\n批准机关：淮安市人民政府\n" in info.stdout and "2020-06-01" in info.stdout
    assert "\nApproved by: 淮安市人民政府\n" in cli("info", zone, "--lang", "en").stdout
    assert _json(cli("info", zone, "--json"))["figures"]["infrastructure_wan"] == 50.0
    assert cli("zone", "set", zone, "--planned-mu", "189").stdout == "无变化\n"
    assert cli("zone", "set", zone, "--planned-mu", "189", "--lang", "en").stdout == "nothing changed\n"


def test_the_map_hatches_held_land_and_colours_tenants_by_class(cli, sample_copy, offline_page, tmp_path, grid_zone):
    from test_map import click_parcel, inside_points, open_map

    hold_parcels(sample_copy, ["C03"], prospect="惠实业有限公司", until="2027-06-30")
    out = tmp_path / "classes.html"
    assert cli("map", sample_copy, "--basemap", "none", "--color-by", "class", "-o", out).returncode == 0
    page = offline_page
    open_map(page, out)
    assert page.locator(".zm-title").first.inner_text() == "示例工业集中区 亩均效益评价图（2025年）"
    held_row = page.locator('.zm-legend tr[data-key="holds"]')
    c03_mu = geodesic_m2(zonemap.open(sample_copy).parcels.set_index("parcel_id").geometry["C03"], "EPSG:4528") / MU
    assert held_row.locator(".zm-label").inner_text() == "预留用地" and held_row.locator(".zm-value").inner_text() == f"{c03_mu:.2f}"
    assert "repeating-linear-gradient" in held_row.locator(".zm-swatch").get_attribute("style")
    points = inside_points(sample_copy)
    click_parcel(page, *points["C03"])
    held = page.locator(".zm-popup-section").nth(1)
    assert held.locator('tr[data-key="held_for"] td').inner_text() == "惠实业有限公司"
    assert held.locator('tr[data-key="until"] td').inner_text() == "2027-06-30"
    click_parcel(page, *points["A03"])  # 佳电机械厂: 3.73 万元/亩 of tax in 2025, class D
    assert page.locator('.zm-popup-section').first.locator('tr[data-key="change"] td').inner_text() == "D类"
    assert page.evaluate("zonemap.current.errors || []") == [] and page.errors == []

    no_results = cli("map", grid_zone()[0], "--color-by", "class", "-o", tmp_path / "x.html")
    assert no_results.returncode == 1 and "--color-by class needs tenants' results" in no_results.stderr


def test_held_land_stays_held_through_split_and_merge(grid_zone):
    from zonemap.intake.edits import merge_parcels, split_parcel

    zone, *_ = grid_zone()
    add_prospect(zone, "甲公司")
    hold_parcels(zone, ["P3"], prospect="甲公司", until="2099-12-31")
    split_parcel(zone, "P3", mu=10, side="north")
    holds = store.read_layer(zone, "holds")
    assert sorted(holds["parcel_id"]) == ["P3-1", "P3-2"] and set(holds["until"]) == {"2099-12-31"}
    merge_parcels(zone, ["P3-1", "P3-2"], new_id="P3")
    assert store.read_layer(zone, "holds")[["parcel_id", "prospect"]].values.tolist() == [["P3", "甲公司"]]
    assert [p.code for p in zonemap.open(zone).validate()] == []


def test_the_print_map_hatches_held_land_and_lists_it(sample_copy):
    from zonemap.render.printmap import render_print

    svg = render_print(zonemap.open(sample_copy), "svg")[0].decode("utf-8")
    assert "预留用地" not in svg  # nothing held yet
    hold_parcels(sample_copy, ["C03"], prospect="惠实业有限公司", until="2027-06-30")
    svg = render_print(zonemap.open(sample_copy), "svg")[0].decode("utf-8")
    assert "预留用地" in svg and 'id="h' in svg  # the legend row, and matplotlib's hatch pattern
