"""zonemap export, and the round trips zone → file → import that must lose nothing."""

from __future__ import annotations

import json

import pandas as pd
import pyogrio
import pytest

from intake_helpers import file_bytes, geodesic_areas_m2
from zonemap import store

ATTRIBUTES = ["parcel_id", "status", "tenant", "investment_wan", "land_use", "note"]


def _comparable(zone) -> pd.DataFrame:
    parcels = store.read_layer(zone, "parcels").sort_values("parcel_id").reset_index(drop=True)
    table = parcels[ATTRIBUTES].astype(object).where(parcels[ATTRIBUTES].notna(), None)
    table["area_m2"] = geodesic_areas_m2(parcels.geometry, parcels.crs)
    return table


@pytest.mark.parametrize("dest, options", [("survey.shp", ["--encoding", "GB18030"]), ("share.geojson", []), ("earth.kml", [])])
def test_round_trip_keeps_ids_attributes_and_areas(cli, sample_copy, tmp_path, dest, options):
    sample_parcels = store.read_layer(sample_copy, "parcels")
    # A long Chinese note and an id that looks like a number, the kinds of values formats mangle.
    with_text = cli("set", sample_copy, "B05", "--note", "包圩奶牛厂旧址，吴江投资人意向租用；" * 4)
    assert with_text.returncode == 0, with_text.stderr
    exported = cli("export", sample_copy, tmp_path / dest, *options)
    assert exported.returncode == 0, exported.stderr

    fresh = tmp_path / "fresh.gpkg"
    boundary = tmp_path / "boundary.gpkg"
    assert cli("export", sample_copy, boundary, "--layer", "boundary").returncode == 0
    assert cli("init", fresh, "--boundary", boundary, "--name", "回读").returncode == 0
    imported = cli("import", fresh, tmp_path / dest)
    assert imported.returncode == 0, imported.stderr
    assert f"新增 {len(sample_parcels)}，" in imported.stdout

    original, back = _comparable(sample_copy), _comparable(fresh)
    pd.testing.assert_frame_equal(original[ATTRIBUTES], back[ATTRIBUTES])
    assert back["area_m2"].to_numpy() == pytest.approx(original["area_m2"].to_numpy(), abs=0.01)

    # Brought back into the zone it came from, nothing has changed.
    again = cli("import", sample_copy, tmp_path / dest)
    assert f"修改 0，删除 0，未变 {len(sample_parcels)}" in again.stdout, again.stdout + again.stderr


def test_shapefile_has_cpg_prj_and_short_field_names(cli, sample_copy, tmp_path):
    dest = tmp_path / "gb.shp"
    assert cli("export", sample_copy, dest, "--encoding", "GB18030").returncode == 0
    assert dest.with_suffix(".cpg").read_text().strip().upper() == "GB18030"
    assert "CGCS2000" in dest.with_suffix(".prj").read_text()
    fields = pyogrio.read_info(dest)["fields"]
    assert "invest_wan" in fields and all(len(name.encode()) <= 10 for name in fields)
    raw = dest.with_suffix(".dbf").read_bytes()
    assert "厚翔服装厂".encode("gb18030") in raw


def test_text_too_long_for_a_shapefile_is_refused_not_cut(cli, sample_copy, tmp_path):
    long_name = "江苏省淮安市某某精密机械制造有限公司" * 5  # 90 characters, 270 bytes in UTF-8
    assert cli("set", sample_copy, "A01", "--tenant", long_name).returncode == 0
    dest = tmp_path / "long.shp"
    result = cli("export", sample_copy, dest)
    assert result.returncode == 1
    assert "parcels A01" in result.stderr and "tenant" in result.stderr and "270 bytes" in result.stderr and ".gpkg" in result.stderr
    assert not dest.exists()
    assert cli("export", sample_copy, tmp_path / "long.geojson").returncode == 0


def test_geojson_is_lonlat_and_csv_has_areas(cli, sample_copy, tmp_path):
    geojson = tmp_path / "p.geojson"
    assert cli("export", sample_copy, geojson).returncode == 0
    data = json.loads(geojson.read_text(encoding="utf-8"))
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0]
    assert 119 < lon < 120 and 33 < lat < 34

    csv = tmp_path / "p.csv"
    assert cli("export", sample_copy, csv).returncode == 0
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese right
    table = pd.read_csv(csv, encoding="utf-8-sig", dtype={"parcel_id": str})
    parcels = store.read_layer(sample_copy, "parcels")
    expected = geodesic_areas_m2(parcels.geometry, parcels.crs)
    assert table["area_m2"].to_numpy() == pytest.approx(expected, abs=0.05)
    assert table["area_mu"].to_numpy() == pytest.approx(expected / (10000 / 15), abs=0.005)


def test_refuses_to_overwrite_without_the_flag(cli, sample_copy, tmp_path):
    dest = tmp_path / "out.gpkg"
    assert cli("export", sample_copy, dest).returncode == 0
    before = file_bytes(dest)
    result = cli("export", sample_copy, dest)
    assert result.returncode == 1 and "--overwrite" in result.stderr
    assert file_bytes(dest) == before
    assert cli("export", sample_copy, dest, "--overwrite").returncode == 0
    assert cli("export", sample_copy, tmp_path / "out.xyz").returncode == 1


def test_export_without_zone_uses_the_sample(cli, tmp_path):
    result = cli("export", tmp_path / "sample.geojson")
    assert result.returncode == 0, result.stderr
    assert len(json.loads((tmp_path / "sample.geojson").read_text())["features"]) == 15


def test_export_never_overwrites_a_zone(cli, sample_copy, tmp_path):
    other = tmp_path / "other_zone.gpkg"
    other.write_bytes(sample_copy.read_bytes())
    before, other_before = file_bytes(sample_copy), file_bytes(other)

    dest_missing = cli("export", sample_copy)  # DEST forgotten: the zone must not be taken for it
    assert dest_missing.returncode == 2
    assert f"是不是要 `zonemap export {sample_copy} OUT.shp`？" in dest_missing.stderr
    assert cli("export", sample_copy, "--overwrite").returncode == 2

    itself = cli("export", sample_copy, sample_copy, "--overwrite")
    assert itself.returncode == 1 and "is the zone being exported" in itself.stderr
    onto_zone = cli("export", sample_copy, other, "--overwrite")
    assert onto_zone.returncode == 1 and "never overwrites" in onto_zone.stderr
    assert len(onto_zone.stderr.strip().splitlines()) == 1
    assert file_bytes(sample_copy) == before and file_bytes(other) == other_before
    assert set(store.list_layers(other)) >= {"boundary", "parcels", "history"}
