"""Indicators against inputs computed by hand from the shapes a test builds."""

from __future__ import annotations

import json
import re

import pytest
import shapely

import zonemap
from conftest import geodesic_m2

X0, Y0 = 40525000.0, 3706000.0  # EPSG:4528
MU = 10000 / 15


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def tenant(pid, geom, name, investment):
    return {"parcel_id": pid, "status": "tenant", "tenant": name, "investment_wan": investment, "geometry": geom}


# A 400 m × 300 m zone: one 20 m road, three tenant parcels (甲厂 holds two),
# one developed, one vacant, 9500 m² unparcelled; three buildings.
PARCELS = [
    tenant("T1", box(0, 0, 190, 150), "甲厂", 3000.0),  # 28 500 m²
    tenant("T2", box(0, 150, 190, 300), "乙厂", 1500.0),  # 28 500 m²
    tenant("T3", box(210, 0, 300, 100), "甲厂", 600.0),  # 9 000 m², no building
    {"parcel_id": "D1", "status": "developed", "geometry": box(300, 0, 400, 100)},  # 10 000 m²
    {"parcel_id": "V1", "status": "vacant", "geometry": box(210, 100, 400, 250)},  # 28 500 m²
]
ROADS = [{"name": "经一路", "axis": "NS", "width_m": 20.0, "geometry": box(190, 0, 210, 300)}]  # 6 000 m²
BUILDINGS = [
    {"building_id": "B1", "floors": 2, "floor_area_m2": 10000.0, "use": "in_use", "parcel_id": "T1", "geometry": box(10, 10, 110, 60)},
    # No parcel_id: it lies in T2; no floor area: 2 400 m² footprint × 3 floors.
    {"building_id": "B2", "floors": 3, "use": "in_use", "geometry": box(10, 160, 70, 200)},
    {"building_id": "B3", "floors": 1, "floor_area_m2": 1200.0, "use": "idle", "parcel_id": "V1", "geometry": box(220, 110, 260, 140)},
]


@pytest.fixture
def zone(make_zone):
    return zonemap.open(
        make_zone(boundary=box(0, 0, 400, 300), parcels=PARCELS, roads=ROADS, buildings=BUILDINGS, infrastructure_wan=900.0)
    )


def test_every_indicator_against_hand_computed_inputs(zone):
    tenant_m2, developed_total_m2, usable_m2 = 66000.0, 76000.0, 120000.0 - 6000.0
    expected = {
        "land_development_rate": developed_total_m2 / usable_m2,
        "supply_rate": tenant_m2 / developed_total_m2,
        "built_up_rate": (28500.0 + 28500.0) / tenant_m2,
        "floor_area_ratio": (10000.0 + 2400.0 * 3) / tenant_m2,
        "building_coverage": (5000.0 + 2400.0) / tenant_m2,
        "investment_intensity_mu": 5100.0 / (tenant_m2 / MU),
        "investment_intensity_ha": 5100.0 / (tenant_m2 / 10000.0),
        "infrastructure_per_developed_mu": 900.0 / (developed_total_m2 / MU),
        "reused_buildings": 2,
        "reused_floor_area": 10000.0 + 7200.0,
        "idle_buildings": 1,
    }
    figures = zone.indicators(method="planar")["indicators"]
    assert list(figures) == list(expected)
    for key, value in expected.items():
        assert figures[key]["value"] == pytest.approx(value, rel=1e-9), key
        assert figures[key]["reason"] is None
        assert figures[key]["formula"]["zh"] and figures[key]["formula"]["en"]
    assert figures["built_up_rate"]["inputs"]["built_parcels"] == ["T1", "T2"]
    assert figures["land_development_rate"]["inputs"]["roads_mu"] == pytest.approx(6000.0 / MU)


def test_per_tenant_figures(zone):
    tenants = {row["tenant"]: row for row in zone.indicators(method="planar")["tenants"]}
    assert set(tenants) == {"甲厂", "乙厂"}
    jia = tenants["甲厂"]
    assert jia["parcels"] == ["T1", "T3"]
    assert jia["area_mu"] == pytest.approx(37500.0 / MU)
    assert jia["investment_wan"] == pytest.approx(3600.0)
    assert jia["intensity_wan_per_mu"] == pytest.approx(3600.0 / (37500.0 / MU))
    assert jia["intensity_wan_per_ha"] == pytest.approx(3600.0 / 3.75)
    assert tenants["乙厂"]["floor_area_m2"] == pytest.approx(7200.0)


def test_ellipsoidal_inputs_agree_with_geodesic_areas(zone):
    tenant_m2 = sum(geodesic_m2(p["geometry"], "EPSG:4528") for p in PARCELS if p["status"] == "tenant")
    figures = zone.indicators()["indicators"]
    assert figures["floor_area_ratio"]["inputs"]["tenant_m2"] == pytest.approx(tenant_m2, abs=0.03)
    assert figures["investment_intensity_mu"]["value"] == pytest.approx(5100.0 / (tenant_m2 / MU), rel=1e-7)


def test_missing_inputs_give_na_with_a_reason_never_zero(make_zone):
    parcels = [
        tenant("T1", box(0, 0, 100, 100), "甲厂", None),
        {"parcel_id": "V1", "status": "vacant", "geometry": box(100, 0, 200, 100)},
    ]
    figures = zonemap.open(make_zone(boundary=box(0, 0, 200, 100), parcels=parcels)).indicators()["indicators"]
    for key in ("built_up_rate", "floor_area_ratio", "building_coverage", "reused_buildings"):
        assert figures[key]["value"] is None and figures[key]["reason"] == "no_buildings", key
        assert figures[key]["reason_text"] == {"zh": "buildings 图层未登记建筑", "en": "no buildings recorded in the buildings layer"}
    for key in ("investment_intensity_mu", "investment_intensity_ha"):
        assert figures[key]["value"] is None and figures[key]["reason"] == "no_investment"
        assert figures[key]["reason_text"] == {"zh": "已入驻地块 T1 缺投资额", "en": "tenant parcel(s) T1 have no investment_wan"}
    assert figures["infrastructure_per_developed_mu"]["value"] is None
    assert figures["infrastructure_per_developed_mu"]["reason_text"]["en"] == "the boundary has no infrastructure_wan"
    # A building with neither floor area nor floors leaves the floor-area ratio unknown.
    buildings = [{"building_id": "B9", "use": "in_use", "parcel_id": "T1", "geometry": box(10, 10, 20, 20)}]
    figures = zonemap.open(make_zone(boundary=box(0, 0, 200, 100), parcels=parcels, buildings=buildings)).indicators()["indicators"]
    assert figures["floor_area_ratio"]["value"] is None and figures["floor_area_ratio"]["reason"] == "no_floor_area"
    assert figures["floor_area_ratio"]["reason_text"]["zh"] == "建筑 B9 缺建筑面积和层数"
    assert figures["building_coverage"]["value"] == pytest.approx(100.0 / 10000.0, rel=1e-6)


def test_no_tenants_means_na_for_tenant_land_ratios(make_zone, cli):
    parcels = [{"parcel_id": "V1", "status": "vacant", "geometry": box(0, 0, 100, 100)}]
    path = make_zone(boundary=box(0, 0, 100, 100), parcels=parcels, infrastructure_wan=10.0)
    figures = zonemap.open(path).indicators()["indicators"]
    # The command line says why, wholly in its language.
    assert "\n    = 已入驻地块固定资产投资 ÷ 已入驻面积（亩）\n    无法计算：无已入驻地块\n" in cli("indicators", path).stdout
    english = cli("indicators", path, "--lang", "en").stdout
    assert "\n    = fixed-asset investment on tenant land ÷ tenant land (mu)\n    n/a: no tenant parcels\n" in english
    assert figures["supply_rate"]["reason_text"] == {"zh": "无已开发用地", "en": "no developed land"}
    assert figures["investment_intensity_mu"]["reason_text"] == {"zh": "无已入驻地块", "en": "no tenant parcels"}
    assert figures["land_development_rate"]["value"] == 0.0  # measured: nothing developed yet


def test_cli_indicators_json_matches_the_library(zone, cli):
    result = cli("indicators", zone.path, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(json.dumps(zone.indicators(), default=str))
    table = cli("indicators", zone.path).stdout
    assert "\n土地开发率 " in table and "\n    = 已开发面积 ÷ (边界面积 − 道路面积)\n" in table and "developed" not in table
    english = cli("indicators", zone.path, "--lang", "en").stdout
    assert "\nLand development rate " in english and "\n    = developed total ÷ (boundary − roads)\n" in english
    data = ("测试园区", "甲厂", "乙厂")  # names from the zone file are shown as written
    assert not re.search(r"[\u4e00-\u9fff]", re.sub("|".join(data), "", english)), english
