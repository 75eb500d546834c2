"""`zonemap import --layer boundary`: a new outline replaces the zone's, and the ledger measures it."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

import zonemap
from conftest import MU, geodesic_m2
from intake_helpers import file_bytes


def test_import_boundary_replaces_the_outline_and_the_ledger_follows(cli, sample_copy, tmp_path):
    zone = zonemap.open(sample_copy)
    bigger = zone.boundary.geometry.iloc[0].buffer(20, join_style="mitre")  # the zone extended 20 m all round
    source = tmp_path / "扩区.geojson"
    gpd.GeoDataFrame({"name": ["扩区后"]}, geometry=[bigger], crs=zone.crs).to_file(source, driver="GeoJSON")
    result = cli("import", sample_copy, source, "--layer", "boundary")
    assert result.returncode == 0, result.stderr
    ledger = json.loads(cli("areas", sample_copy, "--json").stdout)
    expected = geodesic_m2(bigger, "EPSG:4528") / MU
    assert ledger["boundary"] == pytest.approx(expected, abs=0.005)
    assert ledger["zone"] == "扩区后"
    # The parcels did not move: the new land is unparcelled.
    assert ledger["unparcelled"] == pytest.approx(expected - 300.0, abs=0.01)
    assert list(zonemap.open(sample_copy).boundary["name"]) == ["扩区后"]
    # The zone's own figures, which the drawing does not carry, stay: the sample's plan is 300 亩, 50 万元 of infrastructure.
    assert ledger["planned"] == 300.0
    assert json.loads(cli("info", sample_copy, "--json").stdout)["figures"]["infrastructure_wan"] == 50.0


def test_import_boundary_that_is_not_a_polygon_is_refused(cli, sample_copy, tmp_path):
    zone = zonemap.open(sample_copy)
    source = tmp_path / "line.geojson"
    gpd.GeoDataFrame(geometry=[zone.boundary.geometry.iloc[0].exterior], crs=zone.crs).to_file(source, driver="GeoJSON")
    before = file_bytes(sample_copy)
    result = cli("import", sample_copy, source, "--layer", "boundary")
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]  # after what the import read
    assert result.returncode == 1 and len(errors) == 1 and "Traceback" not in result.stderr
    assert "line.geojson feature 1: is a LineString, not a polygon" in errors[0]
    assert file_bytes(sample_copy) == before
