"""Real office files: imports that never lose a parcel, CAD drawings, odd encodings (issue 9)."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from conftest import MU
from intake_helpers import file_bytes, geodesic_areas_m2, survey_frame, write_shapefile
from zonemap import store


def _refused(result, *words):
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    for expected in words:
        assert expected in last, last
    return last


def test_a_filter_that_matches_nothing_never_empties_the_layer(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "survey.shp", encoding="UTF-8")
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, path, "--mode", "replace", "--where", "ZT = '已出让'")
    _refused(result, "survey.shp", "yields no parcels", "matched 0 of 15", "nothing was written")
    assert "读取 survey.shp 图层 survey：0 个要素" in result.stderr  # the summary comes first
    assert file_bytes(sample_copy) == before


def test_every_import_says_what_it_read_before_writing(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "survey.shp", encoding="UTF-8")
    result = cli("import", sample_copy, path, "--where", "ZT <> '未开发'")
    assert result.returncode == 0, result.stderr
    kept = int((survey_frame(sample_copy)["ZT"] != "未开发").sum())
    assert f"读取 survey.shp 图层 survey：{kept} 个要素（Polygon ×{kept}）；--where 筛选出 {kept} 个（共 15 个）" in result.stderr
    assert result.stderr.index("读取 survey.shp") < result.stderr.index("字段：")
    english = cli("import", sample_copy, path, "--where", "ZT <> '未开发'", "--lang", "en").stderr
    assert f"read survey.shp layer survey: {kept} features (Polygon ×{kept}); --where matched {kept} of 15" in english


# --- DXF: one reader (ezdxf) for inspect and import -------------------------------------------

def _drawing(version: str = "R2010"):
    ezdxf = pytest.importorskip("ezdxf")
    doc = ezdxf.new(version)
    return doc, doc.modelspace()


def _save(doc, path, *, codepage: str | None = None, encoding: str | None = None):
    """Save as CAD does: ``encoding`` for the bytes, ``codepage`` written into $DWGCODEPAGE."""
    if encoding:
        doc.encoding = encoding
    doc.saveas(path)
    if codepage:  # ezdxf writes its own code page; a Chinese or Korean AutoCAD writes theirs
        data = path.read_bytes().replace(b"$DWGCODEPAGE\n  3\nANSI_1252", b"$DWGCODEPAGE\n  3\n" + codepage.encode())
        path.write_bytes(data)
    return path


def _parcels_as_polylines(space, parcels, *, label=True):
    for pid, geom in zip(parcels["parcel_id"], parcels.geometry):
        add = space.add_lwpolyline if space.doc.dxfversion >= "AC1015" else space.add_polyline2d  # R12 has no LWPOLYLINE
        add(list(geom.exterior.coords)[:-1], close=True, dxfattribs={"layer": "地块"})
        if label:
            point = geom.representative_point()
            space.add_text(pid, dxfattribs={"layer": "注记", "insert": (point.x, point.y)})


@pytest.mark.parametrize(
    "version, codepage, encoding, text",
    [
        ("R2000", "ANSI_936", "cp936", "已入驻地块A1"),   # Chinese AutoCAD before 2007: GBK bytes
        ("R2018", "ANSI_949", None, "도로_아스콘"),        # AutoCAD 2007+: UTF-8 whatever the header says
        ("R2018", "ANSI_936", None, "已入驻地块A1"),
        ("R12", "ANSI_949", "cp949", "도로_아스콘"),
    ],
)
def test_dxf_text_is_decoded_by_version_and_code_page(cli, sample_copy, tmp_path, version, codepage, encoding, text):
    parcels = store.read_layer(sample_copy, "parcels").iloc[:1]
    doc, space = _drawing(version)
    _parcels_as_polylines(space, parcels.assign(parcel_id=[text]))
    path = _save(doc, tmp_path / "plan.dxf", codepage=codepage, encoding=encoding)

    shown = cli("inspect", path, "--json")
    assert shown.returncode == 0, shown.stderr
    info = json.loads(shown.stdout)
    assert info["encoding"] == ("utf-8" if encoding is None else encoding.replace("cp936", "gbk"))
    assert codepage in info["encoding_reason"]
    fields = {f["name"]: f for f in info["layers"][0]["fields"]}
    assert fields["label"]["samples"] == [text]

    result = cli("import", sample_copy, path, "--crs", "EPSG:4528", "--mode", "replace", "--default-status", "vacant")
    assert result.returncode == 0, result.stderr
    assert store.read_layer(sample_copy, "parcels")["parcel_id"].tolist() == [text]


def test_dxf_encoding_flag_is_honoured_by_inspect_and_import_alike(cli, sample_copy, tmp_path):
    parcels = store.read_layer(sample_copy, "parcels").iloc[:1]
    doc, space = _drawing("R2000")
    _parcels_as_polylines(space, parcels.assign(parcel_id=["厚翔服装厂"]))
    path = _save(doc, tmp_path / "plan.dxf", encoding="cp936")  # GBK bytes, header left at ANSI_1252
    shown = cli("inspect", path, "--encoding", "GBK", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["layers"][0]["fields"][3]["samples"] == ["厚翔服装厂"]
    result = cli("import", sample_copy, path, "--encoding", "GBK", "--crs", "EPSG:4528", "--mode", "replace", "--default-status", "vacant")
    assert result.returncode == 0, result.stderr
    assert store.read_layer(sample_copy, "parcels")["parcel_id"].tolist() == ["厚翔服装厂"]


def test_dxf_hatches_become_parcels_with_their_holes(cli, sample_copy, tmp_path):
    parcels = store.read_layer(sample_copy, "parcels")
    doc, space = _drawing()
    expected = {}
    for pid, geom in zip(parcels["parcel_id"], parcels.geometry):
        hatch = space.add_hatch(dxfattribs={"layer": "用地"})
        hatch.paths.add_polyline_path(list(geom.exterior.coords)[:-1], is_closed=True)
        shape = geom
        if pid == "A01":  # a courtyard not part of the parcel
            hole = shapely.box(*geom.centroid.buffer(5).bounds)
            hatch.paths.add_polyline_path(list(hole.exterior.coords)[:-1], is_closed=True)
            shape = geom.difference(hole)
        corner = shapely.get_coordinates(shape.exterior)[0]
        point = shapely.Point(corner).buffer(2).intersection(shape).representative_point()  # inside, off the hole
        space.add_text(pid, dxfattribs={"layer": "注记", "insert": (point.x, point.y)})
        expected[pid] = shape.area
    path = _save(doc, tmp_path / "hatches.dxf")

    result = cli("import", sample_copy, path, "--crs", "EPSG:4528", "--mode", "replace", "--default-status", "vacant", "--by", "王工")
    assert result.returncode == 0, result.stderr
    assert "HATCH ×15" in result.stderr and "15 texts (parcel labels)" in result.stderr
    got = store.read_layer(sample_copy, "parcels").set_index("parcel_id")
    assert set(got.index) == set(expected)
    assert got.loc["A01"].geometry.interiors and len(got.loc["A01"].geometry.interiors) == 1
    for pid, area in expected.items():
        assert got.loc[pid].geometry.area == pytest.approx(area, abs=1e-4)


def test_dxf_of_text_only_is_refused_and_the_zone_kept(cli, sample_copy, tmp_path):
    doc, space = _drawing()
    for i in range(3):
        space.add_text(f"A{i}", dxfattribs={"insert": (40430000 + i, 3708300)})
    space.add_point((40430000, 3708300))
    path = _save(doc, tmp_path / "notes.dxf")
    before = file_bytes(sample_copy)
    _refused(cli("import", sample_copy, path, "--crs", "EPSG:4528", "--mode", "replace"),
             "notes.dxf", "yields no parcels", "3 TEXT, 1 POINT", "0 polygons")
    line = _refused(cli("import", sample_copy, path, "--crs", "EPSG:4528", "--mode", "replace", "--where", "Layer = '地块'"),
                    "matched 0 of 4")
    assert "notes.dxf" in line
    assert file_bytes(sample_copy) == before


def test_dxf_near_closed_outlines_and_line_arc_loops_become_parcels(cli, make_zone, tmp_path):
    x0, y0 = 40525000.0, 3706000.0
    boundary = shapely.box(x0, y0 - 50, x0 + 400, y0 + 250)  # not tangent to P2's arc: no sliver of land
    zone = make_zone(boundary=boundary, parcels=[])
    doc, space = _drawing()
    # P1: a polyline whose ends are 1.7e-6 m apart, not flagged closed
    space.add_lwpolyline([(x0, y0), (x0 + 100, y0), (x0 + 100, y0 + 200), (x0, y0 + 200), (x0, y0 + 1.7e-6)], dxfattribs={"layer": "地块"})
    space.add_text("P1", dxfattribs={"layer": "地块", "insert": (x0 + 50, y0 + 100)})
    # P2: two LINEs and a half-circle ARC (a rounded east end), their ends 0.4 mm apart
    space.add_line((x0 + 100, y0), (x0 + 200, y0), dxfattribs={"layer": "地块"})
    space.add_arc((x0 + 200, y0 + 100), 100, 270, 90, dxfattribs={"layer": "地块"})
    space.add_line((x0 + 200, y0 + 200.0004), (x0 + 100, y0 + 200), dxfattribs={"layer": "地块"})
    space.add_line((x0 + 100, y0 + 200), (x0 + 100, y0), dxfattribs={"layer": "地块"})
    space.add_text("P2", dxfattribs={"layer": "地块", "insert": (x0 + 150, y0 + 100)})
    path = _save(doc, tmp_path / "lines.dxf")

    result = cli("import", zone, path, "--crs", "EPSG:4528", "--default-status", "vacant")
    assert result.returncode == 0, result.stderr
    got = store.read_layer(zone, "parcels").set_index("parcel_id")
    assert got.loc["P1"].geometry.area == pytest.approx(100 * 200, abs=1e-3)
    half_disc = math.pi * 100**2 / 2
    assert got.loc["P2"].geometry.area == pytest.approx(100 * 200 + half_disc, abs=0.5)  # arcs as 1 mm chords
    assert "1 open outline(s) closed" in result.stderr and "1 outline(s) polygonised" in result.stderr

    zone2 = make_zone(boundary=boundary, parcels=[])
    before = file_bytes(zone2)
    line = _refused(cli("import", zone2, path, "--crs", "EPSG:4528", "--default-status", "vacant", "--snap", "0"), "lines.dxf", "entit", "CAD layer 地块")
    assert "not polygons" in line or "not a polygon" in line
    assert file_bytes(zone2) == before


# --- attributes: every problem at once; what is not a problem of the land only warns -----------

def test_every_unknown_status_is_listed_at_once_with_the_closest_known(cli, sample_copy, tmp_path):
    frame = survey_frame(sample_copy)
    frame.loc[[1, 4], "ZT"] = "已入住"
    frame.loc[[9], "ZT"] = "已开发完成"
    path = write_shapefile(frame, tmp_path / "status.shp", encoding="GBK")
    before = file_bytes(sample_copy)
    line = _refused(cli("import", sample_copy, path), "status.shp", "2 unknown status values in field ZT")
    assert "'已入住' ×2 (features 2, 5; did you mean 已入驻?)" in line
    assert "'已开发完成' ×1 (feature 10; did you mean 已开发?)" in line
    assert file_bytes(sample_copy) == before


def test_a_name_on_vacant_land_warns_and_imports(cli, sample_copy, tmp_path):
    frame = survey_frame(sample_copy)
    vacant = frame.index[frame["ZT"] == "未开发"][0]
    frame["QYMC"] = frame["QYMC"].astype(object)
    frame.loc[vacant, "QYMC"] = "惠实业有限公司(意向)"
    path = write_shapefile(frame, tmp_path / "intent.shp", encoding="GBK")
    result = cli("import", sample_copy, path)
    assert result.returncode == 0, result.stderr
    pid = frame.loc[vacant, "DKBH"]
    warning = next(line for line in result.stderr.splitlines() if "tenant_unexpected" in line)
    assert warning.startswith("警告：") and f"prospect add ZONE NAME --parcel {pid}" in warning
    parcels = store.read_layer(sample_copy, "parcels").set_index("parcel_id")
    assert parcels.loc[pid, "status"] == "vacant" and parcels.loc[pid, "tenant"] == "惠实业有限公司(意向)"
    checked = cli("validate", sample_copy, "--json")
    assert checked.returncode == 0 and json.loads(checked.stdout)["warnings"] >= 1


def test_trailing_bytes_after_the_last_shapefile_record_are_ignored(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "padded.shp", encoding="GBK")
    whole = path.read_bytes()
    path.write_bytes(whole + b"\x00" * 7)  # as some writers leave it; GDAL reads it
    result = cli("import", sample_copy, path, "--mode", "replace")
    assert result.returncode == 0, result.stderr
    assert len(store.read_layer(sample_copy, "parcels")) == 15
    path.write_bytes(whole[:-40])  # shorter than its header says: still refused
    before = file_bytes(sample_copy)
    _refused(cli("import", sample_copy, path, "--lang", "en"), "padded.shp", "truncated")
    assert file_bytes(sample_copy) == before


# --- every layer's vocabulary ------------------------------------------------------------------

def _buildings_file(sample_copy, path, *, use=True):
    buildings = store.read_layer(sample_copy, "buildings")
    columns = {"JZBH": buildings["building_id"], "建筑名称": buildings["name"], "层数": buildings["floors"].astype(float),
               "建筑面积": buildings["floor_area_m2"], "结构": ["钢结构"] * len(buildings)}
    if use:
        columns["使用状态"] = buildings["use"].map({"in_use": "在用", "idle": "闲置"})
    frame = gpd.GeoDataFrame(columns, geometry=buildings.geometry.to_numpy(), crs=buildings.crs)
    return write_shapefile(frame, path, encoding="GBK"), buildings


def test_buildings_keep_name_and_use_in_chinese(cli, sample_copy, tmp_path):
    path, expected = _buildings_file(sample_copy, tmp_path / "建筑.shp")
    result = cli("import", sample_copy, path, "--layer", "buildings")
    assert result.returncode == 0, result.stderr
    assert "未导入的字段：结构；用 --map FIELD=SRCFIELD 保留" in result.stderr
    english = cli("import", sample_copy, path, "--layer", "buildings", "--lang", "en").stderr
    assert "not imported: 结构; keep one with --map FIELD=SRCFIELD" in english
    got = store.read_layer(sample_copy, "buildings").set_index("building_id")
    want = expected.set_index("building_id")
    assert got["name"].to_dict() == want["name"].to_dict() and got["use"].to_dict() == want["use"].to_dict()
    figures = json.loads(cli("indicators", sample_copy, "--json").stdout)["indicators"]
    assert figures["reused_buildings"]["value"] == int((want["use"] == "in_use").sum())
    assert figures["built_up_rate"]["value"] > 0


def test_buildings_without_a_use_give_n_a_not_zero(cli, sample_copy, tmp_path):
    path, _ = _buildings_file(sample_copy, tmp_path / "建筑.shp", use=False)
    assert cli("import", sample_copy, path, "--layer", "buildings").returncode == 0
    figures = json.loads(cli("indicators", sample_copy, "--json").stdout)["indicators"]
    for key in ("built_up_rate", "reused_buildings", "idle_buildings"):
        assert figures[key]["value"] is None and figures[key]["reason"] == "no_use", figures[key]  # n/a with its reason, not 0


def test_unknown_building_use_is_refused_with_the_closest(cli, sample_copy, tmp_path):
    path, _ = _buildings_file(sample_copy, tmp_path / "建筑.shp")
    frame = pyogrio.read_dataframe(path, encoding="GBK")
    frame["使用状态"] = ["在用中", "闲置", "闲置"]
    write_shapefile(frame, path, encoding="GBK")
    before = file_bytes(sample_copy)
    line = _refused(cli("import", sample_copy, path, "--layer", "buildings"), "unknown use in field 使用状态", "'在用中' ×1")
    assert "did you mean" in line
    assert file_bytes(sample_copy) == before


# --- encodings, both ways ------------------------------------------------------------------------

def _one_text_shapefile(sample_copy, path, values, encoding, *, cpg=False):
    frame = survey_frame(sample_copy).iloc[: len(values)].copy()
    frame["QYMC"] = list(values)
    frame["ZT"] = "vacant"
    return write_shapefile(frame, path, encoding=encoding, cpg=cpg)


def test_latin1_without_cpg_is_read_as_latin_not_as_gbk(sample_copy, tmp_path):
    from zonemap.intake.sources import read_source

    values = ["México Industrial", "Société Générale", "Müller GmbH"]
    path = _one_text_shapefile(sample_copy, tmp_path / "latin.shp", values, "cp1252")
    source = read_source(path)
    assert source.frame["QYMC"].tolist() == values
    assert source.encoding.startswith("CP1252") and "nor plausible GB18030" in source.encoding


def test_gbk_declared_as_big5_is_refused_naming_gbk(cli, sample_copy, tmp_path):
    values = ["厚翔服装厂", "佳电机械厂", "惠实业有限公司"]
    path = _one_text_shapefile(sample_copy, tmp_path / "big5.shp", values, "GBK")
    before = file_bytes(sample_copy)
    line = _refused(cli("import", sample_copy, path, "--encoding", "BIG5"), "big5.dbf", "but is GBK Chinese", "--encoding GBK")
    assert "厚翔服装厂" in line
    assert file_bytes(sample_copy) == before
    real_big5 = _one_text_shapefile(sample_copy, tmp_path / "tw.shp", ["臺北鐵路局", "開發區管理委員會", "張三"], "big5")
    shown = cli("inspect", real_big5, "--json")  # no .cpg: BIG5 is found, not GBK soup
    assert shown.returncode == 0, shown.stderr
    info = json.loads(shown.stdout)
    assert info["encoding"] == "big5"
    assert "臺北鐵路局" in {f["name"]: f for f in info["layers"][0]["fields"]}["QYMC"]["samples"]


def test_kml_declaring_gb2312_is_read_as_declared(cli, sample_copy, tmp_path):
    parcels = store.read_layer(sample_copy, "parcels").iloc[:2].to_crs("EPSG:4326")
    rings = [" ".join(f"{x:.9f},{y:.9f}" for x, y in g.exterior.coords) for g in parcels.geometry]
    marks = "".join(f"<Placemark><name>{pid}</name><description>已开发</description><Polygon><outerBoundaryIs><LinearRing>"
                    f"<coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
                    for pid, ring in zip(["地块甲", "地块乙"], rings))
    kml = f'<?xml version="1.0" encoding="gb2312"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{marks}</Document></kml>'
    path = tmp_path / "奥维.kml"
    path.write_bytes(kml.encode("gb2312"))
    shown = cli("inspect", path)
    assert shown.returncode == 0, shown.stderr
    assert "declared in the XML: gb2312" in shown.stdout and "地块甲" in shown.stdout
    result = cli("import", sample_copy, path, "--mode", "replace", "--default-status", "developed")
    assert result.returncode == 0, result.stderr
    assert sorted(store.read_layer(sample_copy, "parcels")["parcel_id"]) == ["地块乙", "地块甲"]


def test_broken_cpg_and_prj_are_named_present_but_unreadable_in_60_characters(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "web.shp", encoding="UTF-8")
    page = "<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>" + "x" * 2000 + "</body></html>"
    path.with_suffix(".cpg").write_text(page, encoding="utf-8")
    shown = cli("inspect", path)
    assert shown.returncode == 0, shown.stderr
    assert "web.cpg is present but unreadable: '<!DOCTYPE html>" in shown.stdout and "x" * 60 not in shown.stdout
    path.with_suffix(".prj").write_text(page, encoding="utf-8")
    before = file_bytes(sample_copy)
    line = _refused(cli("import", sample_copy, path), "web.shp", "：有 .prj 文件但读不出坐标系（", "坐标无法定位；请用 --crs 声明坐标系")
    assert "'<!DOCTYPE html>" in line and "x" * 60 not in line
    assert file_bytes(sample_copy) == before


def test_dxf_text_that_reads_implausibly_is_refused_naming_the_encoding(cli, sample_copy, tmp_path):
    parcels = store.read_layer(sample_copy, "parcels").iloc[:2]
    doc, space = _drawing("R2000")
    _parcels_as_polylines(space, parcels.assign(parcel_id=["厚翔服装厂", "佳电机械厂"]))
    path = _save(doc, tmp_path / "plan.dxf", encoding="cp936")  # GBK bytes, header left at ANSI_1252
    before = file_bytes(sample_copy)
    _refused(cli("import", sample_copy, path, "--crs", "EPSG:4528"), "plan.dxf", "reads implausibly as CP1252", "--encoding GBK")
    assert file_bytes(sample_copy) == before
    assert cli("inspect", path).returncode == 1


# --- declared against measured ---------------------------------------------------------------------

def _declared(parcels, factor, *, off=None):
    """Each parcel's area (independent: pyproj's geodesic) in ``factor`` units; ``off`` {index: +share} altered."""
    areas = geodesic_areas_m2(parcels.geometry, "EPSG:4528") / factor
    for i, share in (off or {}).items():
        areas[i] *= 1 + share
    return np.round(areas, 2)


@pytest.mark.parametrize("name, factor", [("亩数", MU), ("宗地面积", 1.0), ("MJ", MU), ("面积", 1.0)])
def test_declared_area_is_compared_with_the_measured_one(cli, sample_copy, tmp_path, name, factor):
    frame = survey_frame(sample_copy)
    frame[name] = _declared(frame, factor, off={3: 0.02, 7: 0.003})  # 2% off (warned), 0.3% off (within, if under 0.1 亩)
    path = write_shapefile(frame, tmp_path / "declared.shp", encoding="GBK")
    result = cli("import", sample_copy, path)
    assert result.returncode == 0, result.stderr
    mismatches = [line for line in result.stderr.splitlines() if "[area_mismatch]" in line]
    unit = "亩" if factor == MU else "m²"
    pid = frame.loc[3, "DKBH"]
    line = next(line for line in mismatches if line.startswith(f"警告：[area_mismatch] {pid}: declared {name}"))
    assert unit in line
    assert float(line.split("(")[1].split("%")[0]) == pytest.approx(2.0, abs=0.1)  # declared values are rounded to 0.01
    measured_mu = geodesic_areas_m2(frame.geometry, "EPSG:4528")[7] / MU
    expect_7 = 0.003 * measured_mu > 0.1
    assert any(frame.loc[7, "DKBH"] + ":" in line for line in mismatches) == expect_7
    assert len(mismatches) == 1 + expect_7
    assert name not in result.stderr.split("未导入的字段")[-1] if "未导入的字段" in result.stderr else True


# --- hints -------------------------------------------------------------------------------------------

def test_overlaps_from_a_redrawn_parcel_suggest_prune(cli, sample_copy, tmp_path):
    frame = survey_frame(sample_copy)
    row = frame.index[frame["DKBH"] == "C03"][0]
    geom = frame.geometry[row]
    x0, _, x1, _ = geom.bounds
    halves = [geom.intersection(shapely.box(x0 - 1, -1e9, (x0 + x1) / 2, 1e9)), geom.intersection(shapely.box((x0 + x1) / 2, -1e9, x1 + 1, 1e9))]
    redrawn = pd.concat([frame.drop(index=row), gpd.GeoDataFrame(
        {"DKBH": ["C03A", "C03B"], "ZT": ["未开发", "未开发"], "QYMC": [None, None], "TZE": [None, None]}, geometry=halves, crs=frame.crs)],
        ignore_index=True)
    path = write_shapefile(gpd.GeoDataFrame(redrawn, crs=frame.crs), tmp_path / "redrawn.shp", encoding="GBK")
    before = file_bytes(sample_copy)
    line = _refused(cli("import", sample_copy, path), "[overlap]", "hint: C03 is not in the source", "C03A, C03B", "--prune")
    assert "datum" not in line
    assert file_bytes(sample_copy) == before
    result = cli("import", sample_copy, path, "--prune")
    assert result.returncode == 0, result.stderr
    assert {"C03A", "C03B"} <= set(store.read_layer(sample_copy, "parcels")["parcel_id"])


def test_a_layer_shifted_by_a_datum_is_named_with_the_crs_to_declare(cli, sample_copy, tmp_path):
    # CGCS2000 coordinates in a file that says Xi'an-80 (same zone 40): PROJ shifts them ~1.7 m on import.
    frame = survey_frame(sample_copy).set_crs("EPSG:2364", allow_override=True)
    path = write_shapefile(frame, tmp_path / "xian80.shp", encoding="GBK")
    from pyproj import Transformer

    x, y = shapely.get_coordinates(frame.geometry.centroid).mean(axis=0)
    moved = Transformer.from_crs("EPSG:2364", "EPSG:4528", always_xy=True).transform(x, y)
    expected = math.hypot(moved[0] - x, moved[1] - y)  # independent: pyproj on one point
    before = file_bytes(sample_copy)
    line = _refused(cli("import", sample_copy, path), "[overlap]", "15 of 15 incoming parcels sit", "one constant shift",
                    "correct its CRS to", "4528")
    assert f"{expected:.2f} m" in line or f"{expected - 0.01:.2f} m" in line or f"{expected + 0.01:.2f} m" in line, line
    assert "--prune" not in line
    assert file_bytes(sample_copy) == before


@pytest.mark.parametrize("content, words", [(b"AC1032\x00\x00\x00binary", "is a DWG drawing (AC1032)"), (b"", "is empty"),
                                            (bytes(range(256)) * 8, "not a DXF file")])
def test_a_dwg_or_non_dxf_is_one_line(cli, sample_copy, tmp_path, content, words):
    path = tmp_path / "总图.dxf"
    path.write_bytes(content)
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, path, "--crs", "EPSG:4528")
    _refused(result, "总图.dxf", words)
    assert len(result.stderr.strip().splitlines()) == 1
    assert file_bytes(sample_copy) == before
