"""`zonemap corners`: the 界址点坐标表 against coordinates written out by hand."""

from __future__ import annotations

import csv
import json

import openpyxl
import pypdf
import pytest
import shapely

E0, N0 = 40525000.123, 3706000.456  # easting (GIS x), northing (GIS y) of the local origin, EPSG:4528


def _at(points):
    return [(E0 + x, N0 + y) for x, y in points]


# A pentagon given counter-clockwise from its south-west corner, with a square hole, plus a second part.
OUTER = _at([(0, 0), (100, 0), (100, 60), (70, 80), (0, 80)])
HOLE = _at([(20, 20), (20, 40), (40, 40), (40, 20)])
PART2 = _at([(200, 0), (230, 0), (230, 10), (200, 10)])
# By hand: clockwise from each ring's north-west vertex; X = northing, Y = easting.
EXPECTED = [
    ("J1", 3706080.456, 40525000.123, 70.00),
    ("J2", 3706080.456, 40525070.123, 36.06),  # √(30² + 20²)
    ("J3", 3706060.456, 40525100.123, 60.00),
    ("J4", 3706000.456, 40525100.123, 100.00),
    ("J5", 3706000.456, 40525000.123, 80.00),
    ("J6", 3706040.456, 40525020.123, 20.00),  # the hole, from its own north-west corner
    ("J7", 3706040.456, 40525040.123, 20.00),
    ("J8", 3706020.456, 40525040.123, 20.00),
    ("J9", 3706020.456, 40525020.123, 20.00),
    ("J10", 3706010.456, 40525200.123, 30.00),  # the second part
    ("J11", 3706010.456, 40525230.123, 10.00),
    ("J12", 3706000.456, 40525230.123, 30.00),
    ("J13", 3706000.456, 40525200.123, 10.00),
]
AREA_M2 = 100 * 80 - 30 * 20 / 2 - 20 * 20 + 30 * 10  # 7600


@pytest.fixture
def corner_zone(make_zone):
    parcel = shapely.MultiPolygon([shapely.Polygon(OUTER, [HOLE]), shapely.Polygon(PART2)])
    parcels = [
        {"geometry": parcel, "parcel_id": "T1", "status": "tenant", "tenant": "测试厂"},
        {"geometry": shapely.box(E0 + 100, N0, E0 + 150, N0 + 60), "parcel_id": "N1", "status": "vacant"},
        {"geometry": shapely.box(E0 + 400, N0, E0 + 450, N0 + 50), "parcel_id": "F1", "status": "vacant"},
    ]
    return make_zone(boundary=shapely.box(E0 - 10, N0 - 10, E0 + 460, N0 + 100), parcels=parcels)


def test_corners_numbered_clockwise_from_north_west_with_surveying_x_y(cli, corner_zone):
    result = cli("corners", corner_zone, "T1", "--json")
    assert result.returncode == 0, result.stderr
    table = json.loads(result.stdout)
    points = [p for ring in table["rings"] for p in ring["points"]]
    got = [(p["name"], p["x"], p["y"], p["edge_m"]) for p in points]
    assert [g[0] for g in got] == [e[0] for e in EXPECTED]
    for (_, x, y, edge), (_, ex, ey, eedge) in zip(got, EXPECTED):
        assert (x, y, edge) == (pytest.approx(ex, abs=5e-4), pytest.approx(ey, abs=5e-4), pytest.approx(eedge, abs=5e-3))
    assert [(r["part"], r["hole"]) for r in table["rings"]] == [(1, False), (1, True), (2, False)]
    assert table["area_m2"] == pytest.approx(AREA_M2, abs=0.01)
    assert table["area_mu"] == pytest.approx(AREA_M2 * 15 / 10000)
    assert table["neighbours"] == ["N1"]

    text = cli("corners", corner_zone, "T1").stdout
    assert "J2\t3706080.456\t40525070.123\t36.06" in text
    assert "7,600.00 平方米（11.40 亩）" in text


def test_corners_files_read_back(cli, corner_zone, tmp_path):
    xlsx, csv_path, pdf = tmp_path / "界址点.xlsx", tmp_path / "界址点.csv", tmp_path / "界址点.pdf"
    for out in (xlsx, csv_path, pdf):
        result = cli("corners", corner_zone, "T1", "-o", out)
        assert result.returncode == 0, result.stderr

    sheet = openpyxl.load_workbook(xlsx).active
    body = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] and str(row[1]).startswith("J")]
    assert [row[1] for row in body][:6] == ["J1", "J2", "J3", "J4", "J5", "J1"]  # each ring closes on its first point
    assert body[1][2:5] == (pytest.approx(3706080.456, abs=5e-4), pytest.approx(40525070.123, abs=5e-4), pytest.approx(36.06))
    assert sheet["C2"].number_format == "0.000" and sheet["E2"].number_format == "0.00"

    rows = list(csv.reader(csv_path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1] == ["环", "点号", "X（北，米）", "Y（东，米）", "边长（米）"]
    assert rows[3] == ["外边界1", "J2", "3706080.456", "40525070.123", "36.06"]

    reader = pypdf.PdfReader(pdf)
    text = reader.pages[0].extract_text()
    for expected in ("界址点坐标表", "宗地编号：T1", "J13", "3706080.456", "40525070.123", "N1", "7,600.00"):
        assert expected in text
    assert "F1" not in text  # not a neighbour
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any("/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts if "/DescendantFonts" in f)


def test_unknown_parcel_is_one_line_naming_the_closest(cli, corner_zone, tmp_path):
    result = cli("corners", corner_zone, "T2", "-o", tmp_path / "x.pdf")
    assert result.returncode == 1
    assert "no parcel 'T2'; did you mean T1" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()
