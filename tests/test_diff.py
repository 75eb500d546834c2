"""Changes between two versions of a zone built so that every change is known."""

from __future__ import annotations

import json

import pytest
import shapely

import zonemap
from zonemap.diff import diff

X0, Y0 = 40525000.0, 3706000.0  # EPSG:4528
MU = 10000 / 15


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def parcel(pid, geom, status="vacant", tenant=None):
    return {"parcel_id": pid, "status": status, "tenant": tenant, "geometry": geom}


OLD = [
    parcel("A", box(0, 0, 100, 100)),  # split into A1, A2
    parcel("B1", box(100, 0, 200, 50)),  # merged with B2 into B
    parcel("B2", box(100, 50, 200, 100)),
    parcel("C", box(200, 0, 300, 100)),  # let to a tenant
    parcel("D", box(300, 0, 400, 100), "tenant", "甲厂"),  # new tenant
    parcel("E", box(0, 100, 100, 200), "developed"),  # edge moved: 10 000 → 9 000 m²
    parcel("G", box(100, 100, 200, 200)),  # removed
]
NEW = [
    parcel("A1", box(0, 0, 50, 100)),
    parcel("A2", box(50, 0, 100, 100)),
    parcel("B", box(100, 0, 200, 100)),
    parcel("C", box(200, 0, 300, 100), "tenant", "惠实业"),
    parcel("D", box(300, 0, 400, 100), "tenant", "乙厂"),
    parcel("E", box(0, 100, 90, 200), "developed"),
    parcel("F", box(300, 100, 400, 200), "developed"),  # added
]


@pytest.fixture
def versions(make_zone):
    outline = box(0, 0, 400, 200)
    return zonemap.open(make_zone(boundary=outline, parcels=OLD)), zonemap.open(make_zone(boundary=outline, parcels=NEW))


def test_every_kind_of_change(versions):
    report = diff(*versions, method="planar")
    assert [r["parcel_id"] for r in report["added"]] == ["F"]
    assert [r["parcel_id"] for r in report["removed"]] == ["G"]
    assert report["split"] == [{"from": "A", "into": ["A1", "A2"]}]
    assert report["merged"] == [{"from": ["B1", "B2"], "into": "B"}]
    assert report["status_changed"] == [{"parcel_id": "C", "old": "vacant", "new": "tenant"}]
    assert report["tenant_changed"] == [{"parcel_id": "C", "old": None, "new": "惠实业"}, {"parcel_id": "D", "old": "甲厂", "new": "乙厂"}]
    assert len(report["area_changed"]) == 1 and report["area_changed"][0]["parcel_id"] == "E"
    assert report["area_changed"][0]["change"] == pytest.approx(-1000.0 / MU)
    change = report["ledger"]["change"]
    assert change["tenant"] == pytest.approx(10000.0 / MU)  # C let
    assert change["developed"] == pytest.approx((10000.0 - 1000.0) / MU)  # F in, E shrank
    assert change["vacant"] == pytest.approx(-20000.0 / MU)  # C let, G removed
    assert change["unparcelled"] == pytest.approx((10000.0 + 1000.0 - 10000.0) / MU)
    assert change["boundary"] == pytest.approx(0.0, abs=1e-9)


def test_redrawn_edges_are_not_splits(make_zone):
    outline = box(0, 0, 200, 100)
    old = make_zone(boundary=outline, parcels=[parcel("A", box(0, 0, 100, 100)), parcel("B", box(100, 0, 200, 100))])
    # B's western edge moves 0.5 m into A: A and B each still overlap only themselves, bar a sliver.
    new = make_zone(boundary=outline, parcels=[parcel("A", box(0, 0, 99.5, 100)), parcel("B", box(99.5, 0, 200, 100))])
    report = diff(zonemap.open(old), zonemap.open(new), method="planar")
    assert report["split"] == [] and report["merged"] == []
    assert [r["parcel_id"] for r in report["area_changed"]] == ["A", "B"]


def test_cli_diff_json_and_text(versions, cli):
    old, new = versions
    result = cli("diff", old.path, new.path, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["split"] == [{"from": "A", "into": ["A1", "A2"]}]
    text = cli("diff", old.path, new.path).stdout
    assert "split A → A1, A2" in text and "merged B1, B2 → B" in text and "甲厂 → 乙厂" in text
    missing = cli("diff", old.path, old.path.with_name("nope.gpkg"))
    assert missing.returncode == 1 and "nope.gpkg: no such file" in missing.stderr


def test_text_never_shows_negative_zero(versions):
    from zonemap.cli.diff import diff_text

    old, _ = versions
    report = diff(old, old, method="planar")
    # Float noise as the ledger's subtractions leave it: tiny negatives round to zero.
    report["ledger"]["change"] = {key: -1e-9 for key in report["ledger"]["change"]}
    report["ledger"]["old"]["unparcelled"] = -1e-7
    text = diff_text(report)
    assert "-0.00" not in text and "+0.00" not in text and "0.00" in text
    report["ledger"]["change"]["vacant"] = -0.5
    assert "-0.50" in diff_text(report)


def test_investment_changes_library_json_and_text(make_zone, cli):
    outline = box(0, 0, 300, 100)
    old = [
        {**parcel("A", box(0, 0, 100, 100), "tenant", "甲厂"), "investment_wan": 1000.0},
        {**parcel("B", box(100, 0, 200, 100), "tenant", "乙厂"), "investment_wan": 500.0},
        {**parcel("C", box(200, 0, 300, 100)), "investment_wan": None},
    ]
    new = [
        {**old[0], "investment_wan": 1200.0},  # raised
        {**old[1], "investment_wan": 500.0},  # unchanged
        {**old[2], "status": "tenant", "tenant": "丙厂", "investment_wan": 800.0},  # first stated
    ]
    before, after = make_zone(boundary=outline, parcels=old), make_zone(boundary=outline, parcels=new)
    report = diff(zonemap.open(before), zonemap.open(after), method="planar")
    assert report["investment_changed"] == [
        {"parcel_id": "A", "old": 1000.0, "new": 1200.0, "change": 200.0},
        {"parcel_id": "C", "old": None, "new": 800.0, "change": 800.0},
    ]
    assert json.loads(cli("diff", before, after, "--json").stdout)["investment_changed"] == report["investment_changed"]
    text = cli("diff", before, after).stdout
    assert "investment A: 1,000.00 → 1,200.00 万元 (+200.00)" in text
    assert "investment C: — → 800.00 万元 (+800.00)" in text and "investment B" not in text
    assert diff(zonemap.open(after), zonemap.open(after))["investment_changed"] == []
