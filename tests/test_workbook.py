"""The Excel 台账 (`zonemap export ZONE 台账.xlsx`), read back with openpyxl."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pandas as pd
import pytest
import shapely
from conftest import MU, geodesic_m2

import zonemap

SHEETS_ZH = ["面积台账", "地块清单", "入驻企业", "意向项目", "指标", "亩均效益评价", "变更记录"]
HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+1", "-2+3", "@SUM(A1:A2)"]


def _rows(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_workbook_figures_equal_areas_json_and_an_independent_geodesic_area(cli, sample_copy, tmp_path):
    out = tmp_path / "台账.xlsx"
    result = cli("export", sample_copy, out)
    assert result.returncode == 0, result.stderr
    ledger = json.loads(cli("areas", sample_copy, "--json").stdout)
    figures = json.loads(cli("indicators", sample_copy, "--json").stdout)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == SHEETS_ZH
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])

    by_label = {row[0]: row for row in _rows(book["面积台账"])}
    assert [c.value for c in book["面积台账"][1]] == ["项目", "面积（亩）", "面积（平方米）", "地块数", "占边界"]
    assert by_label["边界实测"][1] == pytest.approx(ledger["boundary"], abs=1e-9)
    assert by_label["剩余用地"][1] == pytest.approx(ledger["remaining"], abs=1e-9)
    assert by_label["已入驻"][1:4] == pytest.approx((ledger["by_status"]["tenant"]["area"], ledger["by_status"]["tenant"]["area"] * MU, ledger["by_status"]["tenant"]["parcels"]))
    assert by_label["已入驻"][4] == pytest.approx(ledger["by_status"]["tenant"]["share"])
    assert book["面积台账"]["B3"].number_format == "#,##0.00" and book["面积台账"]["E3"].number_format == "0.00%"

    parcels = zonemap.open(sample_copy).parcels
    sheet = book["地块清单"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["地块编号", "状态", "入驻企业", "用地性质", "面积（亩）", "面积（平方米）"]
    rows = {row[0]: row for row in _rows(sheet)}
    assert set(rows) == set(parcels["parcel_id"])
    for _, parcel in parcels.iterrows():
        m2 = geodesic_m2(parcel.geometry, "EPSG:4528")
        row = rows[parcel["parcel_id"]]
        assert row[5] == pytest.approx(m2, abs=0.01)
        assert row[4] == pytest.approx(m2 / MU, abs=1e-5)
        assert row[1] == {"tenant": "已入驻", "developed": "已开发待入驻", "vacant": "未开发"}[parcel["status"]]
    assert sheet["E2"].number_format == "#,##0.00"
    # Widths fit the widest text (CJK counts two) in each column.
    assert sheet.column_dimensions["H"].width >= 2 * len("亩均投资（万元/亩）")

    tenants = {row[0]: row for row in _rows(book["入驻企业"])}
    for tenant in figures["tenants"]:
        assert tenants[tenant["tenant"]][2] == pytest.approx(tenant["area_mu"])
        assert tenants[tenant["tenant"]][4] == pytest.approx(tenant["intensity_wan_per_mu"])

    indicators = {row[0]: row for row in _rows(book["指标"])}
    for indicator in figures["indicators"].values():
        row = indicators[indicator["label"]["zh"]]
        assert row[1] == (pytest.approx(indicator["value"]) if indicator["value"] is not None else None)
        assert row[3] == indicator["formula"]["zh"]  # the formula as text

    english = tmp_path / "ledger.xlsx"
    assert cli("export", sample_copy, english, "--lang", "en").returncode == 0
    book = openpyxl.load_workbook(english)
    assert book.sheetnames == ["Area ledger", "Parcels", "Tenants", "Prospects", "Indicators", "Efficiency evaluation", "Change log"]
    assert [c.value for c in book["Parcels"][1]][:2] == ["Parcel", "Status"]


@pytest.fixture
def hostile_zone(make_zone):
    cells = [shapely.box(40525000 + 60 * i, 3706000, 40525060 + 60 * i, 3706060) for i in range(len(HOSTILE))]
    parcels = [
        {"geometry": cell, "parcel_id": f"H{i}", "status": "tenant", "tenant": text, "note": text, "investment_wan": 10.0}
        for i, (cell, text) in enumerate(zip(cells, HOSTILE))
    ]
    return make_zone(boundary=shapely.box(40525000, 3706000, 40525000 + 60 * len(HOSTILE), 3706060), parcels=parcels)


def _formula_cells(path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(archive.read(name).count(b"<f>") + archive.read(name).count(b"<f ") for name in archive.namelist() if name.startswith("xl/worksheets/"))


def test_text_that_looks_like_a_formula_stays_text(cli, hostile_zone, tmp_path):
    out = tmp_path / "台账.xlsx"
    assert cli("export", hostile_zone, out).returncode == 0
    assert _formula_cells(out) == 0
    tenants = [row[2] for row in _rows(openpyxl.load_workbook(out)["地块清单"])]
    assert tenants == HOSTILE  # kept exactly, as text

    # The same check sees formulas in a workbook written naively from the same text.
    naive = tmp_path / "naive.xlsx"
    book = openpyxl.Workbook()
    book.active.append(HOSTILE)
    book.save(naive)
    assert _formula_cells(naive) == 1  # openpyxl writes "=…" as a formula; + - @ are only dangerous in CSV

    csv = tmp_path / "p.csv"
    assert cli("export", hostile_zone, csv).returncode == 0
    table = pd.read_csv(csv, encoding="utf-8-sig")
    assert table["tenant"].tolist() == [f"'{text}" for text in HOSTILE]
