"""Each validation code fires on a zone made to trigger it, and stays silent on a clean one."""

from __future__ import annotations

import pytest
import shapely

import zonemap
from conftest import MU, ORIGINS


def codes(path) -> list[tuple[str, str, str]]:
    return [(p.severity, p.code, p.id) for p in zonemap.open(path).validate()]


def replace(target: str, **changes):
    """An ``edit`` for the grid zone that changes the fields of parcel ``target``."""

    def edit(rows):
        for row in rows:
            if row["parcel_id"] == target:
                row.update(changes)
        return rows

    return edit


@pytest.mark.parametrize("crs", ["EPSG:4528", "EPSG:4549"])
@pytest.mark.parametrize("angle", [0.0, 31.0])
def test_clean_zone_has_no_problems(grid_zone, crs, angle):
    # The grid zone leaves a 40 m strip unparcelled: land, not a gap.
    path, *_ = grid_zone(crs=crs, angle=angle)
    assert codes(path) == []


def test_sample_zone_is_clean():
    assert zonemap.open(zonemap.sample_path()).validate() == []


@pytest.mark.parametrize(
    "edit, expected",
    [
        (replace("P2", geometry=shapely.Polygon([(220, 0), (420, 140), (420, 0), (220, 140)])), ("invalid_geometry", "P2")),
        (replace("P2", geometry=shapely.Polygon()), ("empty_geometry", "P2")),
        (replace("P2", geometry=None), ("empty_geometry", "P2")),
        (replace("P2", geometry=shapely.LineString([(220, 0), (420, 140)])), ("invalid_geometry", "P2")),
        (replace("P3", parcel_id="P1"), ("duplicate_id", "P1")),
        (replace("P3", parcel_id=None), ("missing_id", "#3")),
        (replace("P3", parcel_id="  "), ("missing_id", "#3")),
        (replace("P3", status="sold"), ("unknown_status", "P3")),
        (replace("P3", status="已入驻"), ("unknown_status", "P3")),  # stored values are canonical
        (replace("P1", tenant=None), ("tenant_missing", "P1")),
        (replace("P1", investment_wan=-5.0), ("negative_investment", "P1")),
    ],
)
def test_attribute_and_geometry_codes(grid_zone, edit, expected):
    path, *_ = grid_zone(edit=edit)
    found = codes(path)
    assert ("error", *expected) in found
    assert all(severity == "error" for severity, *_ in found)


def test_overlap_between_parcels_reports_area_and_place(grid_zone):
    # P3 moved 23 m south: 200 × 3 m on P1's land, 200 × 20 m on the road.
    path, *_ = grid_zone(edit=replace("P3", geometry=shapely.box(0, 137, 200, 237)))
    problems = {p.id: p for p in zonemap.open(path).validate() if p.code == "overlap"}
    assert set(problems) == {"P1,P3", "P3,纬一路"}
    assert {p.layer for p in problems.values()} == {"parcels"}  # a parcel on a road is the parcel's to redraw
    assert "600.00 m²" in problems["P1,P3"].message
    assert f"{600 / MU:.2f} mu" in problems["P1,P3"].message
    assert "4000.00 m²" in problems["P3,纬一路"].message
    gaps = [p for p in zonemap.open(path).validate() if p.code == "gap"]
    assert gaps == []  # the 23 m strip left behind is unparcelled land, not a sliver


def test_overlap_below_tolerance_is_noise(grid_zone):
    # 0.001 m × 200 m = 0.2 m² would count; 0.00004 m × 200 m = 0.008 m² does not.
    path, *_ = grid_zone(edit=replace("P2", geometry=shapely.box(219.99996, 0, 420, 140)))
    assert codes(path) == []
    path, *_ = grid_zone(edit=replace("P2", geometry=shapely.box(219.999, 0, 420, 140)))
    assert [c for _, c, _ in codes(path)] == ["overlap"]


def test_sliver_gap_is_found_but_unparcelled_land_is_not(grid_zone):
    path, *_ = grid_zone(edit=replace("P2", geometry=shapely.box(220.4, 0, 420, 140)))
    problems = [p for p in zonemap.open(path).validate()]
    assert [(p.code, p.id) for p in problems] == [("gap", "P2,纬一路,经一路")]  # the sliver's four sides
    assert "56.00 m²" in problems[0].message  # 0.4 m × 140 m


def test_gap_against_the_boundary(grid_zone):
    path, *_ = grid_zone(edit=replace("P2", geometry=shapely.box(220, 0.5, 420, 140)))
    assert [(c, i) for _, c, i in codes(path)] == [("gap", "P2,经一路")]


def test_outside_boundary(grid_zone):
    path, *_ = grid_zone(edit=replace("P4", geometry=shapely.box(220, 160, 420, 303)))
    problems = [p for p in zonemap.open(path).validate()]
    assert [(p.code, p.layer, p.id) for p in problems] == [("outside_boundary", "parcels", "P4")]
    assert "600.00 m²" in problems[0].message


def test_planned_mismatch_is_a_warning(grid_zone):
    # The boundary measures ~189 mu; declaring 200 mu is 5.8% off, 189.5 is within 0.5%.
    path, *_ = grid_zone(planned_mu=200.0)
    assert codes(path) == [("warning", "planned_mismatch", "")]
    path, *_ = grid_zone(planned_mu=189.5)
    assert codes(path) == []


def test_geometry_and_id_problems_read_wholly_in_the_chosen_language(cli, grid_zone):
    def edit(rows):
        rows[0]["geometry"] = shapely.LineString([(0, 0), (200, 140)])
        rows[1]["parcel_id"] = "p3"  # reads as P3
        rows[3]["parcel_id"] = "P\u200b4"
        return rows

    path, *_ = grid_zone(edit=edit)
    zh, en = cli("validate", path).stdout, cli("validate", path, "--lang", "en").stdout
    assert "错误：[invalid_geometry] parcels P1：是 LineString（类型 1），不是多边形；请闭合成多边形\n" in zh
    assert "错误：[duplicate_id] parcels 'P3' 与 'p3'：这些编号只差大小写、空格或全半角，读来是同一个；请给每个地块不同的编号\n" in zh
    assert "错误：[invalid_id] parcels 'P\\u200b4'：编号含有不可见字符或控制字符（\\u200b）；请去掉该字符重新输入\n" in zh
    assert "error: [invalid_geometry] parcels P1: is a LineString, not a polygon (type 1); close it into a polygon\n" in en
    assert "error: [duplicate_id] parcels 'P3' and 'p3': these ids differ only in case, spaces or width, so they read as one; " \
           "give each parcel a distinct id\n" in en
    assert "error: [invalid_id] parcels 'P\\u200b4': the id holds an invisible or control character (\\u200b); retype it without it\n" in en


def test_missing_crs(make_zone):
    square = shapely.box(523_000, 3_707_000, 523_300, 3_707_300)
    path = make_zone(boundary=square, parcels=[{"parcel_id": "A", "status": "vacant", "geometry": square}], crs=None)
    assert ("error", "crs_missing", "") in codes(path)


def test_geographic_crs_and_degrees_labelled_as_metres(make_zone):
    square = shapely.box(119.25, 33.5, 119.252, 33.502)
    lonlat = make_zone(boundary=square, parcels=[{"parcel_id": "A", "status": "vacant", "geometry": square}], crs="EPSG:4490")
    assert ("error", "crs_geographic", "") in codes(lonlat)
    mislabelled = make_zone(boundary=square, parcels=[{"parcel_id": "A", "status": "vacant", "geometry": square}], crs="EPSG:4528")
    problems = [p for p in zonemap.open(mislabelled).validate() if p.code == "crs_mismatch"]
    assert problems and "look like degrees" in problems[0].message and "EPSG:4490" in problems[0].message


def test_missing_gauss_kruger_zone_prefix(make_zone):
    # Zone-40 coordinates with the "40" stripped, labelled EPSG:4528: the fix is EPSG:4549.
    square = shapely.box(523_000, 3_707_000, 523_300, 3_707_300)
    path = make_zone(boundary=square, parcels=[{"parcel_id": "A", "status": "vacant", "geometry": square}], crs="EPSG:4528")
    messages = [p.message for p in zonemap.open(path).validate() if p.code == "crs_mismatch"]
    assert messages and "EPSG:4549" in messages[0]


def test_crs_mismatch_reads_wholly_in_the_chosen_language(cli, make_zone):
    square = shapely.box(523_000, 3_707_000, 523_300, 3_707_300)  # zone-40 x values without their "40"
    path = make_zone(boundary=square, parcels=[{"parcel_id": "A", "status": "vacant", "geometry": square}], crs="EPSG:4528")
    zh, en = cli("validate", path).stdout, cli("validate", path, "--lang", "en").stdout
    assert "错误：[crs_mismatch] parcels：x 坐标缺少 EPSG:4528 应有的高斯-克吕格带号；请声明 --crs EPSG:4549（同一中央经线，不带带号）\n" in zh
    assert "error: [crs_mismatch] parcels: x values lack the Gauss-Krüger zone prefix that EPSG:4528 expects; " \
           "declare --crs EPSG:4549 (the same central meridian, no zone prefix)\n" in en


def test_every_problem_is_reported_at_once(grid_zone):
    def edit(rows):
        rows[0]["tenant"] = None
        rows[2]["status"] = "sold"
        rows[3]["investment_wan"] = -1.0
        return rows

    path, *_ = grid_zone(edit=edit)
    # rows[3] is not a tenant's: its investment is also unexpected (a warning).
    assert {c for _, c, _ in codes(path)} == {"tenant_missing", "unknown_status", "negative_investment", "investment_unexpected"}


def test_investment_on_land_no_tenant_holds_is_a_warning(make_zone):
    square, east = shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)
    parcels = [
        {"parcel_id": "V1", "status": "vacant", "investment_wan": 4000.0, "geometry": square},
        {"parcel_id": "T1", "status": "tenant", "tenant": "甲厂", "investment_wan": 4000.0, "geometry": east},
    ]
    problems = zonemap.open(make_zone(boundary=shapely.box(0, 0, 200, 100), parcels=parcels)).validate()
    unexpected = [p for p in problems if p.code == "investment_unexpected"]
    assert [(p.severity, p.id) for p in unexpected] == [("warning", "V1")]
    assert "zonemap set ZONE V1 --status vacant" in unexpected[0].message


def test_a_notch_in_one_parcels_own_outline_is_not_a_gap(grid_zone):
    # P3 with a 0.4 m wide, 12.5 m deep notch from its top edge (which faces unparcelled land):
    # 25.0 m of the notch's 25.4 m outline runs along P3 itself.
    notch = shapely.box(100, 247.5, 100.4, 260)
    path, *_ = grid_zone(edit=replace("P3", geometry=shapely.box(0, 160, 200, 260).difference(notch)))
    assert [p for p in zonemap.open(path).validate() if p.code == "gap"] == []

    # The same slot between two different parcels is land lost between them: a gap.
    def split(rows):
        rows = [r for r in rows if r["parcel_id"] != "P3"]
        return rows + [{"parcel_id": "P3a", "status": "vacant", "tenant": None, "geometry": shapely.box(0, 160, 100, 260)},
                       {"parcel_id": "P3b", "status": "vacant", "tenant": None, "geometry": shapely.box(100.4, 160, 200, 260)}]

    path, *_ = grid_zone(edit=split)
    gaps = [p for p in zonemap.open(path).validate() if p.code == "gap"]
    assert gaps and {"P3a", "P3b"} <= set(gaps[0].id.split(","))


def test_attribute_id_and_reference_problems_written_out(make_zone):
    # Eighteen 100 m squares in a row, each made to carry one attribute, id or reference case;
    # the expected list is written out by hand, in the order validate reports (layer, then check).
    x0, y0 = ORIGINS["EPSG:4528"]

    def box(*corners):
        return shapely.affinity.translate(shapely.box(*corners), x0, y0)

    rows = [
        ("T1", "tenant", "甲厂", -5.0),  # negative investment (on a tenant's land: no other warning)
        ("T2", "tenant", "  ", None),  # a blank tenant is no tenant
        ("V1", "vacant", "乙厂(意向)", None),  # a name on land not let
        ("D1", "developed", None, 0.0),  # zero investment is no investment: silent
        ("D2", "developed", None, 12.5),  # left over from a tenant who left
        ("X1", "sold", None, None),
        ("C04", "vacant", None, None),  # C04, ' c04', Ｃ０４ read as one id
        (" c04", "vacant", None, None),
        ("Ｃ０４", "vacant", None, None),
        ("T1", "vacant", None, None),  # T1 twice
        ("D3", "developed", "丁厂", None),  # a name on land not let, developed
        (None, "vacant", None, None),  # no id: named by its place, #12
        ("  ", "vacant", None, None),  # blank ids are missing, not one id used twice
        ("  ", "vacant", None, None),
        ("b7", "vacant", None, None),  # two more pairs alike, listed by their common reading (a7 before b7 before c04)
        ("B7", "vacant", None, None),
        ("a7", "vacant", None, None),
        ("A7", "vacant", None, None),
    ]
    parcels = [{"parcel_id": pid, "status": status, "tenant": tenant, "investment_wan": money, "geometry": box(100 * i, 0, 100 * i + 100, 100)}
               for i, (pid, status, tenant, money) in enumerate(rows)]
    buildings = [
        {"building_id": "B1", "parcel_id": "P9", "geometry": box(10, 10, 20, 20)},  # names no parcel
        {"building_id": "B2", "parcel_id": " D1 ", "geometry": box(310, 10, 320, 20)},  # spaces around a real id
        {"building_id": "B3", "parcel_id": None, "geometry": box(410, 10, 420, 20)},  # on no parcel: fine
        {"building_id": "B4", "parcel_id": "", "geometry": box(510, 10, 520, 20)},
    ]
    prospects = [{"name": "丙公司", "parcel_id": "Q7"}, {"name": "丁公司", "parcel_id": "V1"}, {"name": "戊公司", "parcel_id": None}]
    path = make_zone(boundary=box(0, 0, 1800, 100), parcels=parcels, buildings=buildings, prospects=prospects)
    problems = zonemap.open(path).validate()
    assert [(p.severity, p.code, p.layer, p.id) for p in problems] == [
        ("error", "missing_id", "parcels", "#12"),
        ("error", "missing_id", "parcels", "#13"),
        ("error", "missing_id", "parcels", "#14"),
        ("error", "unknown_status", "parcels", "X1"),
        ("error", "tenant_missing", "parcels", "T2"),
        ("warning", "tenant_unexpected", "parcels", "V1"),
        ("warning", "tenant_unexpected", "parcels", "D3"),
        ("error", "negative_investment", "parcels", "T1"),
        ("warning", "investment_unexpected", "parcels", "D2"),
        ("error", "duplicate_id", "parcels", "T1"),
        ("error", "duplicate_id", "parcels", "A7,a7"),
        ("error", "duplicate_id", "parcels", "B7,b7"),
        ("error", "duplicate_id", "parcels", " c04,C04,Ｃ０４"),
        ("warning", "dangling_parcel_ref", "buildings", "B1"),
        ("warning", "dangling_parcel_ref", "prospects", "丙公司"),
    ]
    # The fields each line names (the count, the investment as written, the status, the reference):
    assert [p.text("en") for p in problems] == [
        "parcels #12: has no parcel_id; give every parcel a unique id",
        "parcels #13: has no parcel_id; give every parcel a unique id",
        "parcels #14: has no parcel_id; give every parcel a unique id",
        "parcels X1: status 'sold' is not one of developed, vacant, tenant; set it with `zonemap set`",
        "parcels T2: status is tenant but no tenant is named; fill in the tenant field",
        "parcels V1: status is vacant but tenant '乙厂(意向)' is named; the ledger counts it as vacant; if the firm is interested, "
        "record it with `zonemap prospect add ZONE NAME --parcel V1` and clear the tenant, or set status to tenant if it is let",
        "parcels D3: status is developed but tenant '丁厂' is named; the ledger counts it as developed; if the firm is interested, "
        "record it with `zonemap prospect add ZONE NAME --parcel D3` and clear the tenant, or set status to tenant if it is let",
        "parcels T1: investment_wan is -5; investment cannot be negative",
        "parcels D2: status is developed but investment_wan is 12.5; clear it (`zonemap set ZONE D2 --status developed` clears "
        "the investment of land left by its tenant) or set status to tenant",
        "parcels T1: the id is used by 2 parcels; give each a unique parcel_id",
        "parcels 'A7' and 'a7': these ids differ only in case, spaces or width, so they read as one; give each parcel a distinct id",
        "parcels 'B7' and 'b7': these ids differ only in case, spaces or width, so they read as one; give each parcel a distinct id",
        "parcels ' c04' and 'C04' and 'Ｃ０４': these ids differ only in case, spaces or width, so they read as one; give each parcel a distinct id",
        "buildings B1: parcel_id 'P9' names no parcel of the zone; point it at an existing parcel or clear it",
        "prospects 丙公司: parcel_id 'Q7' names no parcel of the zone; point it at an existing parcel or clear it",
    ]
