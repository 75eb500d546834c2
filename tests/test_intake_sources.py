"""Reading planners' files: encodings, CRS checks, broken and nasty sources (zonemap inspect / import)."""

from __future__ import annotations

import json

import geopandas as gpd
import pyogrio
import pytest
import shapely

from intake_helpers import STATUS_ZH, file_bytes, survey_frame, write_shapefile
from zonemap import store


@pytest.fixture
def gbk_no_cpg(sample_copy, tmp_path):
    """A GBK shapefile without .cpg, as survey institutes often deliver."""
    return write_shapefile(survey_frame(sample_copy), tmp_path / "survey.shp", encoding="GBK", cpg=False)


def test_gbk_shapefile_without_cpg_reads_as_chinese_not_mojibake(cli, sample_copy, gbk_no_cpg):
    # Both GDAL engines would give Latin-1 mojibake here: the trap this guards against.
    assert "ÒÑÈë×¤" in pyogrio.read_dataframe(gbk_no_cpg)["ZT"].tolist()

    shown = cli("inspect", gbk_no_cpg)
    assert shown.returncode == 0, shown.stderr
    assert "GB18030" in shown.stdout and "not UTF-8" in shown.stdout
    assert "已入驻" in shown.stdout and "厚翔服装厂" in shown.stdout
    assert "→ parcel_id" in shown.stdout and "→ status" in shown.stdout

    store.read_layer(sample_copy, "parcels")
    result = cli("import", sample_copy, gbk_no_cpg, "--mode", "replace", "--by", "王工")
    assert result.returncode == 0, result.stderr
    assert "GB18030" in result.stderr
    parcels = store.read_layer(sample_copy, "parcels").set_index("parcel_id")
    assert parcels.loc["A01", "tenant"] == "厚翔服装厂" and parcels.loc["A01", "status"] == "tenant"
    assert parcels.loc["A03", "tenant"] == "佳电机械厂"


def test_encoding_from_cpg_and_from_the_dbf_language_id(sample_copy, tmp_path):
    from zonemap.intake.sources import read_source

    with_cpg = write_shapefile(survey_frame(sample_copy), tmp_path / "cpg.shp", encoding="GBK")
    source = read_source(with_cpg)
    assert "from cpg.cpg: GBK" in source.encoding and "厚翔服装厂" in source.frame["QYMC"].tolist()

    ldid = write_shapefile(survey_frame(sample_copy), tmp_path / "ldid.shp", encoding="GBK", cpg=False)
    dbf = bytearray(ldid.with_suffix(".dbf").read_bytes())
    dbf[29] = 0x4D  # language driver id of code page 936 (GBK), as ArcGIS writes it
    ldid.with_suffix(".dbf").write_bytes(bytes(dbf))
    source = read_source(ldid)
    assert "language id 0x4D" in source.encoding and "佳电机械厂" in source.frame["QYMC"].tolist()

    utf8 = write_shapefile(survey_frame(sample_copy), tmp_path / "utf8.shp", encoding="UTF-8", cpg=False)
    source = read_source(utf8)
    assert source.encoding.startswith("UTF-8") and "已入驻" in source.frame["ZT"].tolist()


def test_wrong_encoding_is_refused_never_garbled(cli, sample_copy, gbk_no_cpg):
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, gbk_no_cpg, "--encoding", "UTF-8")
    assert result.returncode == 1
    line = result.stderr.strip()
    assert "\n" not in line and "survey.dbf" in line and "feature 1 field ZT" in line and "--encoding" in line
    assert file_bytes(sample_copy) == before

    assert cli("import", sample_copy, gbk_no_cpg, "--encoding", "klingon").returncode == 2  # a usage error
    assert file_bytes(sample_copy) == before


def test_cpg_that_contradicts_utf8_text_is_refused(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "mislabelled.shp", encoding="UTF-8")
    path.with_suffix(".cpg").write_text("GBK")
    before = file_bytes(sample_copy)
    _refused(cli("import", sample_copy, path), "mislabelled.dbf", "valid UTF-8", "--encoding UTF-8")
    assert file_bytes(sample_copy) == before
    assert cli("import", sample_copy, path, "--encoding", "UTF-8").returncode == 0


def _refused(result, *words):
    assert result.returncode == 1, result.stdout + result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in last, last
    return last


@pytest.mark.parametrize("damage", ["random_bytes", "truncated_shp", "truncated_dbf", "no_dbf", "no_shx", "no_prj"])
def test_broken_shapefile_is_refused_in_one_line_zone_untouched(cli, sample_copy, tmp_path, damage):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "broken.shp", encoding="UTF-8")
    if damage == "random_bytes":
        for suffix in (".shp", ".shx", ".dbf"):
            path.with_suffix(suffix).write_bytes(bytes(range(256)) * 7)
    elif damage.startswith("truncated"):
        part = path.with_suffix("." + damage.split("_")[1])
        part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])
    else:
        path.with_suffix("." + damage.split("_")[1]).unlink()
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, path)
    words = {"no_prj": ("--crs",), "no_dbf": ("缺少 .dbf 文件（属性表）",), "no_shx": (".shx", "缺少")}.get(damage, ("broken.",))
    line = _refused(result, *words)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert damage != "truncated_shp" or f"{path}：文件不完整（" in line
    if damage == "no_prj":
        assert line == (f"Error: {path}：没有 .prj 文件，坐标无法定位；请用 --crs 声明坐标系"
                        "（如带 40 带号的 CGCS2000 高斯-克吕格第 40 带用 --crs EPSG:4528，不带带号用 EPSG:4549）")
        english = cli("import", sample_copy, path, "--lang", "en").stderr.strip().splitlines()[-1]
        assert english == (f"Error: {path}: has no .prj file, so its coordinates cannot be placed; declare the CRS with --crs "
                           "(e.g. --crs EPSG:4528 for CGCS2000 Gauss-Krüger zone 40 with the 40 prefix, EPSG:4549 without it)")
    if damage == "no_shx":
        complete = "请从交付的资料中复制完整的 shapefile（broken.shp、.shx、.dbf、.prj、.cpg）"
        assert line == f"Error: {path}：缺少 .shx 文件（索引）；{complete}"
        english = cli("import", sample_copy, path, "--lang", "en").stderr
        assert english == f"Error: {path}: the .shx file (index) is missing; copy the complete shapefile (broken.shp, .shx, .dbf, .prj, .cpg) from the delivery\n"
    assert file_bytes(sample_copy) == before
    assert cli("inspect", path).returncode == (0 if damage == "no_prj" else 1)


@pytest.mark.parametrize("name, content", [("noise.geojson", bytes(range(256)) * 4), ("half.gpkg", None), ("empty.kml", b"")])
def test_unreadable_other_formats_are_refused_in_one_line(cli, sample_copy, tmp_path, name, content):
    path = tmp_path / name
    if content is None:  # a GeoPackage cut in half in transfer
        whole = sample_copy.read_bytes()
        content = whole[: len(whole) // 2]
    path.write_bytes(content)
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, path)
    _refused(result, name, "：无法读取（", "）；请确认文件完整、未损坏")
    assert len(result.stderr.strip().splitlines()) == 1
    assert file_bytes(sample_copy) == before


def test_source_refusals_read_wholly_in_the_chosen_language(cli, sample_copy, tmp_path):
    two = tmp_path / "two.gpkg"
    square = gpd.GeoDataFrame({"NO": ["P2"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4528")
    for layer in ("a", "b"):
        pyogrio.write_dataframe(square, two, layer=layer)
    formats = ".dxf, .geojson, .gml, .gpkg, .json, .kml, .shp"
    cases = [
        ([tmp_path / "nope.shp"], f"{tmp_path / 'nope.shp'}：没有这个文件；请检查路径", f"{tmp_path / 'nope.shp'}: no such file; check the path"),
        ([tmp_path / "x.txt"], f"{tmp_path / 'x.txt'}：未知的文件类型 .txt；请给出 {formats} 文件",
         f"{tmp_path / 'x.txt'}: unknown file type .txt; give a {formats} file"),
        ([two], f"{two}：有多个图层 a, b；请用 --from-layer NAME 选一个", f"{two}: has layers a, b; choose one with --from-layer NAME"),
        ([two, "--from-layer", "c"], f"{two}：没有图层 'c'；其图层为 a, b", f"{two}: has no layer 'c'; its layers are a, b"),
    ]
    before = file_bytes(sample_copy)
    for args, zh, en in cases:
        assert cli("import", sample_copy, *args).stderr == f"Error: {zh}\n"
        assert cli("import", sample_copy, *args, "--lang", "en").stderr == f"Error: {en}\n"
    assert file_bytes(sample_copy) == before


def test_no_prj_imports_with_crs(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "noprj.shp", encoding="UTF-8", prj=False)
    result = cli("import", sample_copy, path, "--crs", "EPSG:4528")
    assert result.returncode == 0, result.stderr
    assert "未变 15" in result.stdout


@pytest.mark.parametrize(
    "shift, fix",
    [("degrees", "--crs EPSG:4490（CGCS2000 经纬度）"), ("no_prefix", "--crs EPSG:4549（同一中央经线"), ("absurd", "超出 EPSG:4528 的适用范围")],
)
def test_coordinates_that_cannot_be_in_the_crs_are_refused_with_the_fix(cli, sample_copy, tmp_path, shift, fix):
    frame = survey_frame(sample_copy)
    if shift == "degrees":  # lon/lat values in a file labelled Gauss-Krüger metres
        moved = frame.to_crs("EPSG:4490").geometry.to_numpy()
    elif shift == "no_prefix":  # the zone-40 prefix stripped from x
        moved = shapely.transform(frame.geometry.to_numpy(), lambda xy: xy - [40_000_000, 0])
    else:  # a unit slip in the survey software: millimetres
        moved = shapely.transform(frame.geometry.to_numpy(), lambda xy: xy * 1000)
    frame = frame.set_geometry(moved, crs="EPSG:4528")
    path = write_shapefile(frame, tmp_path / f"{shift}.shp", encoding="UTF-8")
    before = file_bytes(sample_copy)
    _refused(cli("import", sample_copy, path), f"{shift}.shp", fix)
    assert file_bytes(sample_copy) == before


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_nan_coordinates_are_refused(cli, sample_copy, tmp_path):
    frame = survey_frame(sample_copy)
    frame.loc[2, "geometry"] = shapely.Polygon([(40429900, 3708300), (float("nan"), 3708300), (40429900, 3708400)])
    path = tmp_path / "nan.gpkg"
    pyogrio.write_dataframe(frame, path)
    before = file_bytes(sample_copy)
    _refused(cli("import", sample_copy, path), "nan.gpkg", "feature 3", "NaN")
    assert file_bytes(sample_copy) == before


def test_mixed_and_empty_geometries_name_each_feature(cli, sample_copy, tmp_path):
    frame = survey_frame(sample_copy)
    geoms = frame.geometry.to_numpy().copy()
    geoms[1] = shapely.LineString(shapely.get_coordinates(geoms[1]))  # drawn as a line
    geoms[4] = shapely.Point(geoms[4].centroid)
    geoms[6] = shapely.Polygon()
    path = tmp_path / "mixed.geojson"
    pyogrio.write_dataframe(frame.set_geometry(geoms), path)
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, path, "--lang", "en")  # the per-feature lines read in English
    _refused(result, "mixed.geojson", "and 2 more")
    lines = result.stderr.splitlines()
    assert any("feature 2 (A02)" in line and "LineString" in line and "close it into a polygon" in line for line in lines)
    assert any("feature 5 (A05)" in line and "Point" in line for line in lines)
    assert any("feature 7 (B02)" in line and "no geometry" in line for line in lines)
    assert file_bytes(sample_copy) == before


def test_text_cut_mid_character_at_254_bytes_is_refused(cli, sample_copy, tmp_path):
    frame = survey_frame(sample_copy)
    frame["QYMC"] = frame["QYMC"].astype(object)
    frame.loc[0, "QYMC"] = "厂" * 84 + "ab"  # 254 bytes in UTF-8, the .dbf's limit
    path = write_shapefile(frame, tmp_path / "long.shp", encoding="UTF-8")
    dbf = bytearray(path.with_suffix(".dbf").read_bytes())
    start = bytes(dbf).index("厂".encode() * 84 + b"ab")
    dbf[start + 252 : start + 254] = "厂".encode()[:2]  # as older software writes 85 characters: the last cut in half
    path.with_suffix(".dbf").write_bytes(bytes(dbf))
    before = file_bytes(sample_copy)
    _refused(cli("import", sample_copy, path), "long.dbf", "feature 1 field QYMC", "cut mid-character", "254")
    assert file_bytes(sample_copy) == before


def test_unknown_status_names_the_value_and_features(cli, sample_copy, tmp_path):
    frame = survey_frame(sample_copy)
    frame.loc[[3, 8], "ZT"] = "待定"
    path = write_shapefile(frame, tmp_path / "status.shp", encoding="GBK", cpg=False)
    before = file_bytes(sample_copy)
    _refused(cli("import", sample_copy, path), "'待定'", "features 4, 9", "已入驻")
    assert file_bytes(sample_copy) == before


def test_inspect_reports_layers_fields_crs_count_bounds_as_json(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "look.shp", encoding="GBK")
    result = cli("inspect", path, "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    (layer,) = info["layers"]
    assert info["encoding"] == "gbk" and layer["crs"] == "EPSG:4528" and layer["features"] == 15
    assert layer["geometry_types"] == {"Polygon": 15}
    expected = store.read_layer(sample_copy, "parcels").total_bounds
    assert layer["bounds"] == pytest.approx(list(expected), abs=1e-6)
    fields = {f["name"]: f for f in layer["fields"]}
    assert fields["ZT"]["parcels_field"] == "status" and set(fields["ZT"]["samples"]) <= set(STATUS_ZH.values())


def test_dxf_closed_polylines_become_parcels_labelled_by_their_text(cli, sample_copy, tmp_path):
    ezdxf = pytest.importorskip("ezdxf")
    parcels = store.read_layer(sample_copy, "parcels")
    doc = ezdxf.new("R2010")
    space = doc.modelspace()
    for pid, geom in zip(parcels["parcel_id"], parcels.geometry):
        space.add_lwpolyline(list(geom.exterior.coords)[:-1], close=True, dxfattribs={"layer": "地块"})
        point = geom.representative_point()
        space.add_text(pid, dxfattribs={"layer": "注记", "insert": (point.x, point.y)})
    path = tmp_path / "survey.dxf"
    doc.saveas(path)

    assert cli("inspect", path).returncode == 0
    result = cli("import", sample_copy, path, "--crs", "EPSG:4528", "--mode", "update")
    assert result.returncode == 0, result.stderr
    assert "未变 15" in result.stdout  # same geometry, matched on the labels

    space.add_lwpolyline([(40429850, 3708250), (40429860, 3708250), (40429860, 3708260)], close=False)
    doc.saveas(path)
    before = file_bytes(sample_copy)
    _refused(cli("import", sample_copy, path, "--crs", "EPSG:4528"), "survey.dxf", "LineString", "close it into a polygon")
    assert file_bytes(sample_copy) == before


def test_kml_in_lonlat_is_reprojected_into_the_zone(cli, sample_copy, tmp_path):
    frame = survey_frame(sample_copy).to_crs("EPSG:4326")
    frame.loc[0, "QYMC"] = "新厚翔"
    path = tmp_path / "from_google_earth.kml"
    pyogrio.write_dataframe(frame, path, driver="KML")
    result = cli("import", sample_copy, path)
    assert result.returncode == 0, result.stderr
    assert "修改 1，" in result.stdout and "未变 14" in result.stdout
    parcels = store.read_layer(sample_copy, "parcels")
    assert parcels.crs.to_epsg() == 4528 and parcels.set_index("parcel_id").loc["A01", "tenant"] == "新厚翔"


def test_geopackage_with_several_layers_asks_which(cli, sample_copy, tmp_path):
    path = tmp_path / "many.gpkg"
    frame = survey_frame(sample_copy)
    pyogrio.write_dataframe(frame, path, layer="a")
    pyogrio.write_dataframe(frame, path, layer="b")
    _refused(cli("import", sample_copy, path), "--from-layer")
    assert cli("import", sample_copy, path, "--from-layer", "b").returncode == 0
    assert isinstance(gpd.read_file(path, layer="b"), gpd.GeoDataFrame)


def test_crs_overrides_a_prj_the_coordinates_contradict(cli, sample_copy, tmp_path):
    frame = survey_frame(sample_copy)
    lonlat = frame.to_crs("EPSG:4490").geometry.to_numpy()
    path = write_shapefile(frame.set_geometry(lonlat, crs="EPSG:4528"), tmp_path / "mislabelled.shp", encoding="UTF-8")
    before = file_bytes(sample_copy)
    advice = _refused(cli("import", sample_copy, path), "--crs EPSG:4490")
    assert "EPSG:4528" in advice
    # Fitting neither the .prj nor --crs: still refused, nothing written.
    _refused(cli("import", sample_copy, path, "--crs", "EPSG:4549"), "mislabelled.shp")
    assert file_bytes(sample_copy) == before

    followed = cli("import", sample_copy, path, "--crs", "EPSG:4490")
    assert followed.returncode == 0, followed.stderr
    assert "overriding the .prj's EPSG:4528" in followed.stderr
    assert "未变 15" in followed.stdout  # the lon/lat parcels land where they were


def test_crs_does_not_override_a_prj_the_coordinates_fit(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "right.shp", encoding="UTF-8")
    before = file_bytes(sample_copy)
    _refused(cli("import", sample_copy, path, "--crs", "EPSG:4490"), "carries EPSG:4528", "drop --crs")
    assert file_bytes(sample_copy) == before


@pytest.mark.parametrize(
    "cpg, ldid, flag",
    [("1252", None, None), ("ISO-8859-1", None, None), (None, 0x03, None), (None, None, "latin1"), ("GBK", None, "cp1252")],
)
def test_gbk_read_as_a_western_code_page_is_refused(cli, sample_copy, tmp_path, cpg, ldid, flag):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "western.shp", encoding="GBK", cpg=False)
    if cpg:
        path.with_suffix(".cpg").write_text(cpg)
    if ldid:
        dbf = bytearray(path.with_suffix(".dbf").read_bytes())
        dbf[29] = ldid
        path.with_suffix(".dbf").write_bytes(bytes(dbf))
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, path, *(["--encoding", flag] if flag else []))
    line = _refused(result, "western.dbf", "feature 1 field ZT", "--encoding GBK", "已入驻")
    assert "ÒÑÈë×¤" in line and len(result.stderr.strip().splitlines()) == 1
    assert file_bytes(sample_copy) == before
    assert cli("inspect", path, *(["--encoding", flag] if flag else [])).returncode == 1


def test_latin_text_in_a_western_code_page_is_read_as_declared(sample_copy, tmp_path):
    from zonemap.intake.sources import read_source

    frame = survey_frame(sample_copy)
    frame["QYMC"] = frame["QYMC"].astype(object)
    frame.loc[0, "QYMC"], frame.loc[2, "QYMC"] = "Müller Maschinenbau", "Informação Têxtil"
    frame["ZT"] = frame["ZT"].map({"已入驻": "tenant", "已开发": "developed", "未开发": "vacant"})
    path = write_shapefile(frame, tmp_path / "latin.shp", encoding="cp1252", cpg=False)
    path.with_suffix(".cpg").write_text("1252")
    source = read_source(path)
    assert source.encoding.startswith("CP1252") and {"Müller Maschinenbau", "Informação Têxtil"} <= set(source.frame["QYMC"])


@pytest.mark.parametrize("cpg, expected", [("ANSI 936", "GBK"), ("CP936", "GBK"), ("936", "GBK"), ("System", "GB18030")])
def test_windows_cpg_names(sample_copy, tmp_path, cpg, expected):
    from zonemap.intake.sources import read_source

    path = write_shapefile(survey_frame(sample_copy), tmp_path / "win.shp", encoding="GBK", cpg=False)
    path.with_suffix(".cpg").write_text(cpg)
    source = read_source(path)
    assert source.encoding.startswith(expected) and "厚翔服装厂" in source.frame["QYMC"].tolist()
    if cpg == "System":
        assert "win.cpg is present but unreadable: 'System' names no encoding" in source.encoding


def test_unknown_encoding_names_the_file_and_suggests_gbk(sample_copy, tmp_path):
    from zonemap.intake.sources import read_source

    path = write_shapefile(survey_frame(sample_copy), tmp_path / "odd.shp", encoding="GBK", cpg=False)
    with pytest.raises(Exception, match=r"odd\.shp.*'klingon'.*--encoding GBK"):
        read_source(path, encoding="klingon")


def test_inspect_lists_tables_without_geometry(cli, sample_copy):
    result = cli("inspect", sample_copy, "--json")
    assert result.returncode == 0, result.stderr
    layers = {layer["name"]: layer for layer in json.loads(result.stdout)["layers"]}
    prospects = store.read_layer(sample_copy, "prospects")
    assert layers["prospects"]["features"] == len(prospects) and layers["prospects"]["bounds"] is None
    assert layers["prospects"]["crs"] is None and layers["prospects"]["spatial"] is False
    assert {f["name"] for f in layers["prospects"]["fields"]} >= {"name", "need_mu", "parcel_id"}
    assert layers["parcels"]["crs"] == "EPSG:4528" and layers["parcels"]["bounds"]
    shown = cli("inspect", sample_copy)
    assert "\n图层 prospects：3 行（无几何的属性表）\n" in shown.stdout and "吴江投资人" in shown.stdout
    assert "\nlayer prospects: 3 rows (a table without geometry)\n" in cli("inspect", sample_copy, "--lang", "en").stdout


def test_inspect_warns_when_coordinates_do_not_fit_the_crs(cli, sample_copy, tmp_path):
    frame = survey_frame(sample_copy)
    frame = frame.set_geometry(frame.to_crs("EPSG:4490").geometry.to_numpy(), crs="EPSG:4528")
    path = write_shapefile(frame, tmp_path / "degrees.shp", encoding="UTF-8")
    result = cli("inspect", path)
    assert result.returncode == 0, result.stderr
    assert "警告：" in result.stderr and "degrees.shp" in result.stderr and "EPSG:4490" in result.stderr
    assert "警告" not in cli("inspect", write_shapefile(survey_frame(sample_copy), tmp_path / "ok.shp", encoding="UTF-8")).stderr


@pytest.mark.parametrize("kind", ["points", "lines"])
def test_a_file_of_points_or_lines_is_one_line(cli, sample_copy, tmp_path, kind):
    frame = survey_frame(sample_copy)
    geoms = frame.geometry.to_numpy()
    shapes = shapely.centroid(geoms) if kind == "points" else shapely.get_exterior_ring(geoms)
    path = tmp_path / f"{kind}.geojson"
    pyogrio.write_dataframe(frame.set_geometry(shapes), path)
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, path)
    _refused(result, f"{kind}.geojson", f"15 features are {kind}, not polygons; a parcels layer needs polygons")
    assert len(result.stderr.strip().splitlines()) == 3, result.stderr  # encoding, what was read, the refusal
    assert file_bytes(sample_copy) == before


def test_more_odd_sources_give_one_line_not_a_traceback(cli, sample_copy, tmp_path):
    null = tmp_path / "null.geojson"
    null.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"DKBH": "Q1"}, "geometry": null}]}')
    shown = cli("inspect", null)
    assert shown.returncode == 0, shown.stderr
    assert "1 个要素（None ×1）" in shown.stdout

    huge = tmp_path / "huge.geojson"
    huge.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"DKBH": "Q1"}, '
                    '"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1e300, 0], [1, 1], [0, 0]]]}}]}')
    line = _refused(cli("import", sample_copy, huge, "--lang", "en"), "huge.geojson", "1e+300", "outside the area")
    assert len(line) < 300

    _refused(cli("import", sample_copy, null, "--where", "bogus sql"), "Error: --where bogus sql：GDAL 无法理解这个筛选条件（", "）；如 --where \"ZT = '已入驻'\"")
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    _refused(cli("init", tmp_path / "new.gpkg", "--boundary", empty, "--lang", "en"), "empty.geojson: has no features")


def test_utf8_read_as_a_western_code_page_suggests_utf8(cli, sample_copy, tmp_path):
    path = write_shapefile(survey_frame(sample_copy), tmp_path / "u.shp", encoding="UTF-8", cpg=False)
    line = _refused(cli("import", sample_copy, path, "--encoding", "latin1"), "u.dbf", "is UTF-8 Chinese", "--encoding UTF-8")
    assert "--encoding GBK" not in line
