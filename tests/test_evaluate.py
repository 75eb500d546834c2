"""zonemap results import and evaluate: tenants' yearly results, 亩均效益 classes, idle and low-yield land."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
import shapely
from openpyxl import Workbook

import zonemap
from conftest import MU, ORIGINS, geodesic_m2
from intake_helpers import file_bytes
from zonemap.evaluate import EvaluationError, load_thresholds
from zonemap.intake.edits import set_parcel
from zonemap.results import import_results

HEADER = ["序号", "企业名称", "实缴税金（万元）", "工业总产值（万元）", "综合能耗（吨标煤）", "年平均职工人数", "备注"]


def _two_tenants(rows):
    rows[2].update(status="tenant", tenant="佳电机械厂")  # P3, 200 × 100 m
    return rows


def _sheet(path, rows):
    """A results workbook as zones keep it: a title row, the header, the tenants, a 合计 row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2025年度工业企业亩均效益统计表（示意）"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    sheet.append([None, "合计", None, None, None, None, None])
    workbook.save(path)
    return path


def test_evaluation_figures_and_classes_from_an_imported_sheet(cli, grid_zone, tmp_path):
    zone, _, placed, _ = grid_zone(edit=_two_tenants)
    sheet = _sheet(tmp_path / "2025.xlsx", [[1, "厚翔服装厂", 1500, 20000, 600, 300, "示意"], [2, "佳电机械厂", "60", None, None, None, None]])
    imported = cli("results", "import", zone, sheet, "--year", "2025", "--by", "李主任")
    assert imported.returncode == 0, imported.stderr
    assert "导入 2 家企业" in imported.stdout

    data = json.loads(cli("evaluate", zone, "--year", "2025", "--json").stdout)
    tenants = {t["tenant"]: t for t in data["tenants"]}
    p1_mu, p3_mu = (geodesic_m2(placed[i][1], "EPSG:4528") / MU for i in (0, 2))
    houxiang, jiadian = tenants["厚翔服装厂"], tenants["佳电机械厂"]
    assert houxiang["land_mu"] == pytest.approx(p1_mu, rel=1e-9)
    assert houxiang["indicators"]["tax_per_mu"] == pytest.approx(1500 / p1_mu, rel=1e-9)
    assert houxiang["indicators"]["output_per_mu"] == pytest.approx(20000 / p1_mu, rel=1e-9)
    assert houxiang["indicators"]["tax_per_tce"] == pytest.approx(1500 / 600)
    assert houxiang["indicators"]["tax_per_employee"] == pytest.approx(1500 / 300)
    assert jiadian["indicators"]["tax_per_mu"] == pytest.approx(60 / p3_mu, rel=1e-9)
    assert jiadian["indicators"]["output_per_mu"] is None and jiadian["indicators"]["tax_per_tce"] is None
    # About 35.7 万元/亩 of tax (A) but 476 of output (B): B, the lower; about 2 of tax: D
    # (floors: tax A 30 / B 15 / C 5, output A 600 / B 300 / C 100).
    assert (houxiang["class"], jiadian["class"]) == ("B", "D")
    assert data["classes"] == {"A": 0, "B": 1, "C": 0, "D": 1}
    assert [(r["parcel_id"], r["tenant"]) for r in data["low_yield"]] == [("P3", "佳电机械厂")]
    assert data["low_yield"][0]["area_mu"] == pytest.approx(p3_mu, rel=1e-9)

    text = cli("evaluate", zone, "--year", "2025").stdout
    assert "亩均税收" in text and re.search(r"厚翔服装厂 .* B$", text, re.M) and "低效用地（C类以下）: P3 佳电机械厂" in text

    floors = tmp_path / "floors.toml"
    floors.write_text("[tax_per_mu]\nA = 40\nB = 30\nC = 1\n", encoding="utf-8")
    strict = json.loads(cli("evaluate", zone, "--year", "2025", "--thresholds", floors, "--json").stdout)
    assert {t["tenant"]: t["class"] for t in strict["tenants"]} == {"厚翔服装厂": "B", "佳电机械厂": "C"}

    missing = cli("evaluate", zone, "--year", "2024")
    assert missing.returncode == 1 and "no results for 2024 (it has results for 2025)" in missing.stderr


def test_a_text_in_a_number_column_is_refused_naming_row_and_column(cli, grid_zone, tmp_path):
    zone, *_ = grid_zone(edit=_two_tenants)
    good = _sheet(tmp_path / "2024.xlsx", [[1, "厚翔服装厂", 100, 2000, None, None, None]])
    assert cli("results", "import", zone, good, "--year", "2024").returncode == 0
    before = file_bytes(zone)
    bad = _sheet(tmp_path / "2025.xlsx", [[1, "厚翔服装厂", 1500, 30000, 600, 300, None], [2, "佳电机械厂", "约60", None, None, None, None]])
    result = cli("results", "import", zone, bad, "--year", "2025")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: 2025.xlsx: 1 bad row(s): row 4, column 实缴税金（万元）: '约60' is not a number; correct the sheet and import it again, nothing was written"
    ]
    assert file_bytes(zone) == before


def test_a_gbk_csv_with_mapped_headers_replaces_its_year(grid_zone, tmp_path):
    zone, *_ = grid_zone(edit=_two_tenants)
    source = tmp_path / "税收.csv"
    source.write_bytes("单位,入库税款,产值\n厚翔服装厂,\"1,200\",9000\n佳电机械厂,80,—\n".encode("gbk"))
    first = import_results(zone, source, year=2025, explicit={"tenant": "单位", "tax_wan": "入库税款"})
    assert first == {"year": 2025, "rows": 2, "replaced": 0, "fields": ["tenant", "tax_wan", "output_wan"]}
    source.write_bytes("单位,入库税款\n厚翔服装厂,1300\n".encode("gbk"))
    assert import_results(zone, source, year=2025, explicit={"tenant": "单位", "tax_wan": "入库税款"})["replaced"] == 2
    results = zonemap.open(zone).results
    assert results[["tenant", "year", "tax_wan"]].values.tolist() == [["厚翔服装厂", 2025, 1300.0]]
    history = zonemap.open(zone).history
    assert history.loc[history["field"] == "results", ["old", "new"]].fillna("").values.tolist() == [["", "2"], ["2", "1"]]


def test_developed_land_not_let_for_years_and_idle_buildings_are_listed(grid_zone, tmp_path):
    x0, y0 = ORIGINS["EPSG:4528"]
    barn = {"building_id": "BLD-9", "name": "旧牛舍", "use": "idle", "floor_area_m2": 800.0, "parcel_id": "P4",
            "geometry": shapely.box(x0 + 250, y0 + 200, x0 + 290, y0 + 220)}
    zone, *_ = grid_zone(buildings=[barn])
    set_parcel(zone, "P3", status="developed")  # P3 becomes developed today (history); P2 has no date at all
    import_results(zone, _sheet(tmp_path / "r.xlsx", [[1, "厚翔服装厂", 100, None, None, None, None]]), year=2025)
    opened = zonemap.open(zone)
    now = opened.evaluate(2025)
    later = opened.evaluate(2025, as_of=date.today() + timedelta(days=3 * 366))
    assert now["unlet"] == [] and [r["parcel_id"] for r in later["unlet"]] == ["P3"]
    assert later["unlet"][0]["since"] == date.today().isoformat()
    assert now["idle_buildings"] == [{"building_id": "BLD-9", "name": "旧牛舍", "floor_area_m2": 800.0, "parcel_id": "P4"}]
    assert opened.evaluate(2025, as_of=date.today() + timedelta(days=3 * 366), unlet_years=5)["unlet"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[tax_per_mu]\nA = 5\nB = 15\nC = 30\n", "floors must fall from A to C"),
        ("[tax_per_acre]\nA = 1\nB = 1\nC = 1\n", "[tax_per_acre] is not an indicator"),
        ("[tax_per_mu]\nA = 30\n", "needs numbers A, B and C"),
        ("tax_per_mu = [", "not valid TOML"),
    ],
)
def test_bad_thresholds_are_named(tmp_path, text, expected):
    path = tmp_path / "floors.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EvaluationError, match=re.escape(expected)):
        load_thresholds(path)


def test_the_report_carries_the_latest_evaluation_table_and_chart(tmp_path):
    from zonemap.render.report import write_report

    zone = zonemap.open(zonemap.sample_path())
    expected = {t["tenant"]: t["class"] for t in zone.evaluate(2025)["tenants"]}
    assert expected == {"厚翔服装厂": "C", "佳电机械厂": "D"}  # 7.33 and 3.73 万元/亩 of tax (sample results)
    written = write_report(zone, tmp_path / "r.md")
    assert [p.name for p in written] == ["r.md", "r-land.svg", "r-intensity.svg", "r-evaluation.svg", "r-map.html"]
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "## 示例工业集中区 2025年度亩均效益评价" in text and "| 佳电机械厂 | 17.16 | 3.73 | 122.38 | D |" in text
    assert "亩均税收（万元/亩） · 2025" in (tmp_path / "r-evaluation.svg").read_text(encoding="utf-8")


def test_the_workbook_has_the_evaluation_sheet():
    from zonemap.render.workbook import build_workbook

    zone = zonemap.open(zonemap.sample_path())
    sheet = build_workbook(zone)["亩均效益评价"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    a03_mu = geodesic_m2(zone.parcels.set_index("parcel_id").geometry["A03"], "EPSG:4528") / MU
    assert rows["佳电机械厂"][1] == 2025 and rows["佳电机械厂"][-1] == "D"
    assert rows["佳电机械厂"][5] == pytest.approx(64.0 / a03_mu, rel=1e-9)  # 亩均税收 of the sample's 2025 results


def test_the_docx_report_has_the_evaluation(tmp_path):
    import docx

    from zonemap.render.report import write_report

    write_report(zonemap.open(zonemap.sample_path()), tmp_path / "r.docx")
    document = docx.Document(tmp_path / "r.docx")
    assert "示例工业集中区 2025年度亩均效益评价" in [p.text for p in document.paragraphs]
    classes = {row.cells[0].text: row.cells[-1].text for table in document.tables for row in table.rows if row.cells[-1].text in ("A", "B", "C", "D")}
    assert classes == {"厚翔服装厂": "C", "佳电机械厂": "D"}
