"""zonemap import: modes, field mapping, reprojection, validation of the result, --fix, history."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from intake_helpers import file_bytes, geodesic_areas_m2, write_shapefile
from zonemap import store

X0, Y0 = 40525000.0, 3706000.0


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


@pytest.fixture
def small_zone(make_zone):
    """400 m × 200 m; P1 and P2 parcelled, the east half unparcelled."""
    return make_zone(
        boundary=box(0, 0, 400, 200),
        parcels=[
            {"parcel_id": "P1", "status": "tenant", "tenant": "厚翔服装厂", "investment_wan": 1000.0, "geometry": box(0, 0, 100, 200)},
            {"parcel_id": "P2", "status": "vacant", "geometry": box(100, 0, 200, 200)},
        ],
    )


def survey(rows, crs="EPSG:4528"):
    return gpd.GeoDataFrame(
        {"DKBH": [r[0] for r in rows], "ZT": [r[1] for r in rows], "QYMC": [r[2] for r in rows]},
        geometry=[r[3] for r in rows],
        crs=crs,
    )


def test_update_changes_adds_and_keeps_and_logs_who(cli, small_zone, tmp_path):
    path = write_shapefile(
        survey([("P2", "已入驻", "惠实业有限公司", box(100, 0, 200, 200)), ("P3", "空地", None, box(200, 0, 300, 200))]),
        tmp_path / "week47.shp", encoding="GBK", cpg=False,
    )
    result = cli("import", small_zone, path, "--by", "王工")
    assert result.returncode == 0, result.stderr
    assert "：新增 1，修改 1，删除 0，未变 0，保留 1 个（源文件中没有；--prune 会删除）" in result.stdout
    parcels = store.read_layer(small_zone, "parcels").set_index("parcel_id")
    assert sorted(parcels.index) == ["P1", "P2", "P3"]  # P1, absent from the source, is kept
    assert parcels.loc["P2", "status"] == "tenant" and parcels.loc["P2", "tenant"] == "惠实业有限公司"
    assert parcels.loc["P3", "status"] == "vacant"
    assert parcels.loc["P1", "tenant"] == "厚翔服装厂"
    history = store.read_layer(small_zone, "history")
    assert set(history["by"]) == {"王工"} and set(history["action"]) == {"import"}
    status_change = history[(history["parcel_id"] == "P2") & (history["field"] == "status")].iloc[0]
    assert (status_change["old"], status_change["new"]) == ("vacant", "tenant")
    assert pd.notna(parcels.loc["P2", "updated"]) and parcels.loc["P2", "updated"] > pd.Timestamp("2026-01-01")

    again = cli("import", small_zone, path)
    assert "：新增 0，修改 0，删除 0，未变 2" in again.stdout


def test_prune_replace_and_append(cli, small_zone, tmp_path):
    path = tmp_path / "p3.geojson"
    pyogrio.write_dataframe(survey([("P3", "vacant", None, box(200, 0, 300, 200))]), path)
    before = file_bytes(small_zone)
    result = cli("import", small_zone, path, "--mode", "append")
    assert result.returncode == 0 and "新增 1，" in result.stdout
    refused = cli("import", small_zone, path, "--mode", "append")
    assert refused.returncode == 1 and refused.stderr.endswith(f"\nError: {path}：parcel_id P3 已在园区中；--mode append 只添加新编号，请用 --mode update\n")
    refused = cli("import", small_zone, path, "--mode", "append", "--lang", "en")
    assert refused.stderr.endswith(f"\nError: {path}: parcel_id P3 already in the zone; --mode append adds new ids only, use --mode update\n")

    pruned = cli("import", small_zone, path, "--mode", "update", "--prune")
    assert "删除 2，" in pruned.stdout
    assert store.read_layer(small_zone, "parcels")["parcel_id"].tolist() == ["P3"]
    assert file_bytes(small_zone) != before


def test_explicit_field_mapping_and_unknown_fields(cli, small_zone, tmp_path):
    frame = gpd.GeoDataFrame(
        {"NO": ["P2"], "STATE": ["developed"], "MONEY": ["1,200"]}, geometry=[box(100, 0, 200, 200)], crs="EPSG:4528"
    )
    path = tmp_path / "odd.geojson"
    pyogrio.write_dataframe(frame, path)
    result = cli("import", small_zone, path, "--map", "parcel_id=NO", "--map", "status=STATE", "--map", "investment_wan=MONEY")
    assert result.returncode == 0, result.stderr
    p2 = store.read_layer(small_zone, "parcels").set_index("parcel_id").loc["P2"]
    assert p2["status"] == "developed" and p2["investment_wan"] == 1200.0

    wrong = cli("import", small_zone, path, "--map", "parcel_id=NOPE")
    assert wrong.returncode == 1 and wrong.stderr.endswith(f"\nError: --map parcel_id=NOPE：{path} 没有字段 'NOPE'；其字段为 NO, STATE, MONEY\n")
    wrong = cli("import", small_zone, path, "--map", "parcel_id=NOPE", "--lang", "en")
    assert wrong.stderr.endswith(f"\nError: --map parcel_id=NOPE: {path} has no field 'NOPE'; its fields are NO, STATE, MONEY\n")
    assert cli("import", small_zone, path, "--map", "parcel_id").returncode == 2


def test_source_in_lonlat_is_reprojected_and_keeps_its_area(cli, small_zone, tmp_path):
    p3 = box(200, 0, 300, 200)
    frame = survey([("P3", "vacant", None, p3)]).to_crs("EPSG:4490")
    path = tmp_path / "lonlat.geojson"
    pyogrio.write_dataframe(frame, path, layer_options={"COORDINATE_PRECISION": 12})
    assert cli("import", small_zone, path).returncode == 0
    parcels = store.read_layer(small_zone, "parcels").set_index("parcel_id")
    assert parcels.crs.to_epsg() == 4528
    stored = parcels.loc[["P3"]].geometry.to_numpy()
    assert geodesic_areas_m2(stored, parcels.crs)[0] == pytest.approx(geodesic_areas_m2([p3], parcels.crs)[0], abs=0.01)


def test_result_with_errors_is_refused_listing_problems(cli, small_zone, tmp_path):
    path = tmp_path / "bad.geojson"
    rows = [
        ("P3", "vacant", None, box(150, 0, 300, 200)),  # overlaps P2
        ("P4", "tenant", None, box(300, 0, 400, 100)),  # tenant without a name
        ("P5", "vacant", None, box(300, 100, 500, 200)),  # half outside the boundary
    ]
    pyogrio.write_dataframe(survey(rows), path)
    before = file_bytes(small_zone)
    result = cli("import", small_zone, path)
    assert result.returncode == 1
    assert "nothing was written" in result.stderr.splitlines()[-1]
    for code in ("overlap", "tenant_missing", "outside_boundary"):
        assert code in result.stderr
    assert file_bytes(small_zone) == before


def test_fix_repairs_invalid_polygons_and_reports_the_area_change(cli, small_zone, tmp_path):
    bowtie = shapely.Polygon([(X0 + 200, Y0), (X0 + 300, Y0 + 200), (X0 + 300, Y0), (X0 + 200, Y0 + 200)])
    path = tmp_path / "bowtie.gpkg"
    pyogrio.write_dataframe(survey([("P3", "vacant", None, bowtie)]), path)
    before = file_bytes(small_zone)
    refused = cli("import", small_zone, path)
    assert refused.returncode == 1 and "Self-intersection" in refused.stderr and "--fix" in refused.stderr
    assert file_bytes(small_zone) == before

    fixed = cli("import", small_zone, path, "--fix")
    assert fixed.returncode == 0, fixed.stderr
    # The bow-tie is two triangles of 5000 m² (planar) each; as drawn, its ring's area cancels to 0.
    p3 = store.read_layer(small_zone, "parcels").set_index("parcel_id").loc["P3"]
    assert p3.geometry.is_valid and p3.geometry.area == pytest.approx(10000.0)
    triangles = [shapely.Polygon([(X0 + 200, Y0), (X0 + 250, Y0 + 100), (X0 + 200, Y0 + 200)]),
                 shapely.Polygon([(X0 + 300, Y0), (X0 + 300, Y0 + 200), (X0 + 250, Y0 + 100)])]
    expected = geodesic_areas_m2(triangles, "EPSG:4528").sum()
    assert f"feature 1 (P3, new): made valid, {expected:.2f} m²; as drawn its self-intersecting ring's shoelace area is 0.00 m²" in fixed.stderr

    # An existing parcel redrawn as a bow-tie: the change is measured against its area in the zone.
    p2_m2 = geodesic_areas_m2([box(100, 0, 200, 200)], "EPSG:4528")[0]
    shifted = shapely.transform(bowtie, lambda xy: xy - [100, 0])
    path = tmp_path / "p2.gpkg"
    pyogrio.write_dataframe(survey([("P2", "vacant", None, shifted)]), path)
    fixed = cli("import", small_zone, path, "--fix")
    assert fixed.returncode == 0, fixed.stderr
    made = geodesic_areas_m2([shapely.transform(t, lambda xy: xy - [100, 0]) for t in triangles], "EPSG:4528").sum()
    assert f"feature 1 (P2): made valid, {made:.2f} m²; P2 is {p2_m2:.2f} m² in the zone now ({made - p2_m2:+.2f} m²)" in fixed.stderr


def test_import_roads_replaces_the_layer(cli, small_zone, tmp_path):
    roads = gpd.GeoDataFrame({"DLMC": ["经一路"], "axis": ["NS"], "KD": [16.0]}, geometry=[box(380, 0, 400, 200)], crs="EPSG:4528")
    path = tmp_path / "roads.geojson"
    pyogrio.write_dataframe(roads, path)
    result = cli("import", small_zone, path, "--layer", "roads")
    assert result.returncode == 0, result.stderr
    stored = store.read_layer(small_zone, "roads")
    assert stored["name"].tolist() == ["经一路"] and stored["width_m"].tolist() == [16.0]


def test_cad_geometry_gets_a_default_status(cli, small_zone, tmp_path):
    frame = gpd.GeoDataFrame({"DKBH": ["P3"]}, geometry=[box(200, 0, 300, 200)], crs="EPSG:4528")
    path = tmp_path / "cad.geojson"
    pyogrio.write_dataframe(frame, path)
    before = file_bytes(small_zone)
    assert cli("import", small_zone, path).returncode == 1  # a new parcel without status
    assert file_bytes(small_zone) == before
    assert cli("import", small_zone, path, "--default-status", "vacant").returncode == 0
    assert store.read_layer(small_zone, "parcels").set_index("parcel_id").loc["P3", "status"] == "vacant"


def test_duplicate_or_blank_ids_are_reported_against_the_source(cli, sample_copy, tmp_path):
    from intake_helpers import survey_frame

    frame = survey_frame(sample_copy)
    frame["DKBH"] = frame["DKBH"].astype(object)
    frame.loc[[6, 7, 8], "DKBH"] = ["B03", "B02", "B03"]  # features 7 and 9 share an id; B04 is missing
    dup = write_shapefile(frame, tmp_path / "dup.shp", encoding="GBK")
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, dup, "--mode", "update")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[2:] == [  # after the encoding and what was read
        f"Error: {dup}: refused: [duplicate_id] dup.shp features 7 and 9: parcel_id B03 is used twice; "
        "give each a unique id; nothing was written"
    ]

    frame = survey_frame(sample_copy)
    frame["DKBH"] = frame["DKBH"].astype(object)
    frame.loc[3, "DKBH"] = None
    blank = write_shapefile(frame, tmp_path / "blank.shp", encoding="GBK")
    result = cli("import", sample_copy, blank, "--mode", "update")
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 3
    assert "blank.shp feature 4: has no parcel_id (field DKBH is empty)" in result.stderr
    assert file_bytes(sample_copy) == before


def test_zone_refusal_names_the_incoming_feature(cli, small_zone, tmp_path):
    path = tmp_path / "shifted.geojson"
    rows = [("P3", "vacant", None, box(300, 0, 400, 200)), ("P4", "vacant", None, box(150, 0, 250, 200))]  # P4 overlaps P2
    pyogrio.write_dataframe(survey(rows), path)
    result = cli("import", small_zone, path)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "[overlap]" in last and "P4: shifted.geojson feature 2" in last and "P3:" not in last


def test_removed_parcels_are_logged_as_deletions_with_what_they_were(cli, small_zone, tmp_path):
    path = tmp_path / "p3.geojson"
    pyogrio.write_dataframe(survey([("P3", "vacant", None, box(200, 0, 300, 200))]), path)
    assert cli("import", small_zone, path, "--mode", "update", "--prune", "--by", "王工").returncode == 0
    history = store.read_layer(small_zone, "history")
    deleted = history[history["action"] == "delete"].set_index("parcel_id")
    p1_mu, p2_mu = geodesic_areas_m2([box(0, 0, 100, 200), box(100, 0, 200, 200)], "EPSG:4528") / (10000 / 15)
    assert deleted.loc["P1", "old"] == f"status tenant; tenant 厚翔服装厂; {p1_mu:.2f} mu"
    assert deleted.loc["P2", "old"] == f"status vacant; tenant —; {p2_mu:.2f} mu"
    assert deleted["new"].isna().all() and set(deleted["by"]) == {"王工"} and "p3.geojson" in deleted.loc["P1", "note"]


def test_reimport_without_changes_leaves_the_zone_byte_identical(cli, small_zone, tmp_path):
    path = tmp_path / "same.geojson"
    pyogrio.write_dataframe(survey([("P1", "已入驻", "厚翔服装厂", box(0, 0, 100, 200)), ("P2", "未开发", None, box(100, 0, 200, 200))]), path)
    before = file_bytes(small_zone)
    result = cli("import", small_zone, path)
    assert result.returncode == 0 and "：新增 0，修改 0，删除 0，未变 2" in result.stdout
    assert file_bytes(small_zone) == before
    same = cli("set", small_zone, "P2", "--status", "vacant")
    assert same.returncode == 0 and same.stdout.strip() == "P2：无变化"
    same = cli("set", small_zone, "P2", "--status", "vacant", "--lang", "en")
    assert same.returncode == 0 and "nothing changed" in same.stdout
    assert file_bytes(small_zone) == before


def test_no_value_is_no_value_but_zero_is_a_value():
    from zonemap.intake.importer import _same_value

    assert _same_value(None, "") and _same_value(float("nan"), None) and _same_value(pd.NaT, "  ")
    assert not _same_value(0.0, float("nan")) and not _same_value(0.0, None) and _same_value(0.0, 0)
