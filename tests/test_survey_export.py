"""`export ZONE 地块.shp --like 原始地块.shp`: import a survey file, export it back, compare the .dbf's raw bytes."""

from __future__ import annotations

import struct

import pyogrio
import pytest
import shapefile
import shapely
from conftest import MU, geodesic_m2
from pyproj import CRS

E0, N0 = 40525000.0, 3706000.0
FIELDS = [("DKBH", "C", 16, 0), ("ZT", "C", 12, 0), ("QYMC", "C", 60, 0), ("TZE", "N", 12, 2), ("YDXZ", "C", 6, 0), ("XZQDM", "C", 12, 0)]
PARCELS = [
    ("K01", "已入驻", "淮安精工有限公司", 1500.5, "1001", (0, 0, 100, 80)),
    ("K02", "已开发", None, None, "1001", (100, 0, 180, 80)),
    ("K03", "未开发", None, None, "1001", (0, 80, 180, 150)),
]


def _descriptors(dbf: bytes) -> list[tuple[bytes, bytes, int, int]]:
    """Field descriptors straight from the .dbf header: raw name bytes, type, width, decimals."""
    out, offset = [], 32
    while dbf[offset] != 0x0D:
        block = dbf[offset : offset + 32]
        out.append((block[:11].rstrip(b"\x00"), block[11:12], block[16], block[17]))
        offset += 32
    return out


def _records(dbf: bytes) -> list[list[bytes]]:
    count, header, length = struct.unpack("<IHH", dbf[4:12])
    widths = [d[2] for d in _descriptors(dbf)]
    rows = []
    for i in range(count):
        record, position, row = dbf[header + i * length : header + (i + 1) * length], 1, []
        for width in widths:
            row.append(record[position : position + width].strip())
            position += width
        rows.append(row)
    return rows


@pytest.fixture
def survey_file(tmp_path):
    path = tmp_path / "原始地块.shp"
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON, encoding="gbk") as writer:
        for name, kind, width, decimals in FIELDS:
            writer.field(name, kind, size=width, decimal=decimals)
        for pid, status, tenant, investment, use, (x0, y0, x1, y1) in PARCELS:
            writer.poly([[(E0 + x0, N0 + y1), (E0 + x1, N0 + y1), (E0 + x1, N0 + y0), (E0 + x0, N0 + y0), (E0 + x0, N0 + y1)]])
            writer.record(pid, status, tenant or "", investment, use, "320803")
    path.with_suffix(".cpg").write_bytes(b"GBK")
    path.with_suffix(".prj").write_text(CRS.from_epsg(4528).to_wkt("WKT1_ESRI"), encoding="ascii")
    return path


def test_round_trip_keeps_the_institutes_fields_words_encoding_and_geometry(cli, make_zone, survey_file, tmp_path):
    zone = make_zone(boundary=shapely.box(E0, N0, E0 + 180, N0 + 150), parcels=[])
    imported = cli("import", zone, survey_file, "--by", "测试")
    assert imported.returncode == 0, imported.stderr
    out = tmp_path / "回传" / "地块.shp"
    out.parent.mkdir()
    result = cli("export", zone, out, "--like", survey_file)
    assert result.returncode == 0, result.stderr

    source, written = survey_file.with_suffix(".dbf").read_bytes(), out.with_suffix(".dbf").read_bytes()
    assert _descriptors(written)[: len(FIELDS)] == _descriptors(source)  # same names, types, widths, decimals
    assert [d[0] for d in _descriptors(written)[len(FIELDS) :]] == ["面积_亩".encode("gbk"), "面积平方米".encode("gbk")]
    assert out.with_suffix(".cpg").read_bytes() == b"GBK"
    assert out.with_suffix(".prj").read_bytes() == survey_file.with_suffix(".prj").read_bytes()

    by_id = {row[0]: row for row in _records(written)}
    for old in _records(source):
        row = by_id[old[0]]
        assert row[1] == old[1]  # 已入驻 / 已开发 / 未开发 in GBK, as the institute wrote them
        assert row[2] == old[2]
        assert row[3] == old[3]  # the investment, written as the institute did (blank as ****)
        assert row[5] == b""  # a field the zone does not keep is left empty
    assert by_id[b"K02"][1] == "已开发".encode("gbk")

    before = pyogrio.read_dataframe(survey_file).set_index("DKBH")
    after = pyogrio.read_dataframe(out, encoding="gbk").set_index("DKBH")
    for pid, geometry in before.geometry.items():
        assert shapely.hausdorff_distance(geometry, after.geometry[pid]) < 0.001
        m2 = geodesic_m2(after.geometry[pid], "EPSG:4528")
        assert after.loc[pid, "面积平方米"] == pytest.approx(m2, abs=0.01)
        assert after.loc[pid, "面积_亩"] == pytest.approx(m2 / MU, abs=0.005)


def test_export_reuses_the_schema_the_import_recorded(cli, make_zone, survey_file, tmp_path):
    zone = make_zone(boundary=shapely.box(E0, N0, E0 + 180, N0 + 150), parcels=[])
    assert cli("import", zone, survey_file, "--by", "测试").returncode == 0
    again = tmp_path / "again.shp"
    assert cli("export", zone, again).returncode == 0  # no --like: the import's record
    source = survey_file.with_suffix(".dbf").read_bytes()
    assert _descriptors(again.with_suffix(".dbf").read_bytes())[: len(FIELDS)] == _descriptors(source)
    ours = tmp_path / "ours.shp"
    assert cli("export", zone, ours, "--schema", "zonemap").returncode == 0
    names = [d[0] for d in _descriptors(ours.with_suffix(".dbf").read_bytes())]
    assert names[:3] == [b"parcel_id", b"status", b"tenant"]


def test_text_wider_than_the_institutes_field_is_refused(cli, make_zone, survey_file, tmp_path):
    long_name = "一个名字很长的企业" * 4  # 72 bytes in GBK, the field holds 60
    zone = make_zone(
        boundary=shapely.box(E0, N0, E0 + 180, N0 + 150),
        parcels=[{"geometry": shapely.box(E0, N0, E0 + 100, N0 + 80), "parcel_id": "K01", "status": "tenant", "tenant": long_name}],
    )
    out = tmp_path / "地块.shp"
    result = cli("export", zone, out, "--like", survey_file)
    assert result.returncode == 1
    assert "parcels K01: QYMC takes 60 bytes" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
