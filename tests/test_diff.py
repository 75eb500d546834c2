"""Changes between two versions of a zone built so that every change is known."""

from __future__ import annotations

import json

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zonemap
from zonemap.diff import changed_parcels, diff

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
    # What the compare map colours each parcel of the new version by (C let: its status tells most).
    assert changed_parcels(report) == {"A1": "split", "A2": "split", "B": "merged", "C": "status", "D": "tenant", "E": "area", "F": "added"}


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
    lines = cli("diff", old.path, new.path, "--lang", "en").stdout.splitlines()
    old_name, new_name = old.path.name, new.path.name
    assert lines[0].startswith(f"{old_name} (") and f") → {new_name} (" in lines[0]
    assert lines[1:8] == [
        "÷ split A (Vacant, 15.00 mu) → A1 (7.50 mu), A2 (7.50 mu)",
        "∪ merged B1 (Vacant, 7.50 mu), B2 (Vacant, 7.50 mu) → B (15.00 mu)",
        "+ added F (Developed, not let, 15.00 mu)",
        "- removed G (Vacant, 15.00 mu)",
        "~ C: status Vacant → Tenant; tenant — → 惠实业",
        "~ D: tenant 甲厂 → 乙厂",
        "~ E: area 15.00 mu → 13.50 mu (-1.50)",
    ]
    zh = cli("diff", old.path, new.path).stdout.splitlines()
    assert zh[1] == "÷ 分割 A（未开发，15.00 亩） → A1（7.50 亩）、A2（7.50 亩）"
    assert zh[5] == "~ C：状态 未开发 → 已入驻；入驻企业 — → 惠实业"
    assert not any(w in "\n".join(zh) for w in ("split", "Vacant", "mu", "ledger"))  # wholly Chinese
    missing = cli("diff", old.path, old.path.with_name("nope.gpkg"), "--lang", "en")
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
    text = cli("diff", before, after, "--lang", "en").stdout.splitlines()
    assert "~ A: investment (10⁴ yuan) 1,000.00 → 1,200.00" in text
    assert "~ C: status Vacant → Tenant; tenant — → 丙厂; investment (10⁴ yuan) — → 800.00" in text
    assert not any(line.startswith("~ B") for line in text)
    assert diff(zonemap.open(after), zonemap.open(after))["investment_changed"] == []


def _by_status_sum(report: dict) -> dict[str, float]:
    totals: dict[str, float] = {}
    for event in report["changes"]:
        for status, area in event["by_status"].items():
            totals[status] = totals.get(status, 0.0) + area
    return totals


def test_a_split_piece_let_to_a_new_tenant_is_listed_with_its_tenant_and_investment(make_zone, cli):
    """The issue's case: split DK-02, give DK-02-1 to a new tenant with 2000 万元; the ledger's change is all explained."""
    outline = box(0, 0, 200, 100)
    old = [parcel("DK-01", box(0, 0, 100, 100), "developed"), parcel("DK-02", box(100, 0, 200, 100), "developed")]
    new = [
        old[0],
        {**parcel("DK-02-1", box(100, 0, 160, 100), "tenant", "新材料公司"), "investment_wan": 2000.0},
        parcel("DK-02-2", box(160, 0, 200, 100), "developed"),
    ]
    before, after = make_zone(boundary=outline, parcels=old), make_zone(boundary=outline, parcels=new)
    report = diff(zonemap.open(before), zonemap.open(after), method="planar")
    (event,) = report["changes"]
    assert event["kind"] == "split" and [p["parcel_id"] for p in event["old"]] == ["DK-02"]
    piece = event["new"][0]
    assert (piece["parcel_id"], piece["tenant"], piece["investment_wan"], piece["differs"]) == (
        "DK-02-1", "新材料公司", 2000.0, ["status", "tenant", "investment_wan"],
    )
    assert event["new"][1]["differs"] == []
    assert event["by_status"] == pytest.approx({"developed": -6000.0 / MU, "tenant": 6000.0 / MU})
    assert report["ledger"]["change"]["tenant"] == pytest.approx(6000.0 / MU)  # 9.00 mu, all of it explained
    assert changed_parcels(report) == {"DK-02-1": "tenant", "DK-02-2": "split"}
    text = cli("diff", before, after, "--lang", "en", "--method", "planar").stdout.splitlines()
    assert text[1] == "÷ split DK-02 (Developed, not let, 15.00 mu) → DK-02-1 (9.00 mu, status Tenant, tenant 新材料公司, investment (10⁴ yuan) 2,000.00), DK-02-2 (6.00 mu)"
    assert json.loads(cli("diff", before, after, "--json").stdout)["changes"][0]["new"][0]["tenant"] == "新材料公司"


def test_diff_between_zones_in_different_crss(make_zone):
    """The same parcels stored in zone-40 Gauss-Krüger and in lon/lat: nothing changed; a split still shows."""
    import geopandas as gpd

    outline = box(0, 0, 200, 100)
    rows = [parcel("A", box(0, 0, 100, 100)), parcel("B", box(100, 0, 200, 100), "tenant", "甲厂")]

    def lonlat(rows):
        geoms = gpd.GeoSeries([r["geometry"] for r in rows], crs="EPSG:4528").to_crs("EPSG:4490")
        return [{**r, "geometry": g} for r, g in zip(rows, geoms)]

    outline_ll = gpd.GeoSeries([outline], crs="EPSG:4528").to_crs("EPSG:4490").iloc[0]
    projected = zonemap.open(make_zone(boundary=outline, parcels=rows))
    geographic = zonemap.open(make_zone(boundary=outline_ll, parcels=lonlat(rows), crs="EPSG:4490"))
    report = diff(projected, geographic)
    assert report["changes"] == [] and report["area_changed"] == [] and report["split"] == []
    assert all(abs(v) < 0.01 for v in report["ledger"]["change"].values())
    split_rows = [rows[0], parcel("B1", box(100, 0, 150, 100), "tenant", "甲厂"), parcel("B2", box(150, 0, 200, 100), "tenant", "甲厂")]
    split = zonemap.open(make_zone(boundary=outline_ll, parcels=lonlat(split_rows), crs="EPSG:4490"))
    assert diff(projected, split)["split"] == [{"from": "B", "into": ["B1", "B2"]}]
    assert diff(split, projected)["merged"] == [{"from": ["B1", "B2"], "into": "B"}]


EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.integers(0, 9), st.sampled_from(["developed", "vacant", "tenant"]), st.sampled_from(["甲厂", "乙厂"])),
        st.tuples(st.just("split"), st.integers(0, 9), st.floats(1.0, 10.0), st.sampled_from(["north", "south", "east", "west"])),
        st.tuples(st.just("merge"), st.integers(0, 9), st.integers(0, 9), st.just(None)),
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_listed_changes_add_up_to_the_ledger_change_per_status(make_zone, edits):
    """On random edit sequences (set / split / merge), the sum of the listed area changes per status
    equals the ledger's change per status, and both equal an independent geodesic measurement."""
    import shutil

    from tests.conftest import geodesic_m2
    from zonemap.errors import ZonemapError
    from zonemap.intake.edits import merge_parcels, set_parcel, split_parcel

    outline = box(0, 0, 200, 200)
    start = make_zone(boundary=outline, parcels=[parcel(f"P{k}", box(100 * (k % 2), 100 * (k // 2), 100 * (k % 2) + 100, 100 * (k // 2) + 100)) for k in range(4)])
    path = start.with_name(f"edited-{start.stem}.gpkg")
    shutil.copy(start, path)
    for op, a, b, c in edits:
        ids = sorted(zonemap.open(path).parcels["parcel_id"])
        try:
            if op == "set":
                set_parcel(path, ids[a % len(ids)], status=b, tenant=c if b == "tenant" else None, investment=100.0 if b == "tenant" else None)
            elif op == "split":
                split_parcel(path, ids[a % len(ids)], mu=b, side=c)
            elif ids[a % len(ids)] != ids[b % len(ids)]:
                merge_parcels(path, [ids[a % len(ids)], ids[b % len(ids)]], new_id=f"M{len(ids)}")
        except ZonemapError:
            pass  # refused (not adjacent, differing tenants, too small): the zone is as it was
    report = diff(zonemap.open(start), zonemap.open(path))
    listed = _by_status_sum(report)

    def measured(p) -> dict[str, float]:
        parcels = zonemap.open(p).parcels
        return {s: sum(geodesic_m2(g, "EPSG:4528") for g in parcels.geometry[parcels["status"] == s]) / MU for s in ("developed", "vacant", "tenant")}

    independent = {s: measured(path)[s] - measured(start)[s] for s in ("developed", "vacant", "tenant")}
    for status in ("developed", "vacant", "tenant"):
        assert listed.get(status, 0.0) == pytest.approx(report["ledger"]["change"][status], abs=0.01), (status, edits)
        assert listed.get(status, 0.0) == pytest.approx(independent[status], abs=0.01), (status, edits)


def test_diff_against_an_empty_version_and_blank_tenants(make_zone):
    """Killing two mutation survivors: a version with no parcels, and a tenant of spaces (no tenant)."""
    outline = box(0, 0, 200, 100)
    rows = [parcel("A", box(0, 0, 100, 100)), {**parcel("B", box(100, 0, 200, 100)), "tenant": "   "}]
    full = zonemap.open(make_zone(boundary=outline, parcels=rows))
    empty = zonemap.open(make_zone(boundary=outline, parcels=[]))
    report = diff(empty, full, method="planar")
    assert [e["kind"] for e in report["changes"]] == ["added", "added"] and report["split"] == []
    assert report["changes"][1]["new"][0]["tenant"] is None  # spaces are no tenant
    assert [r["parcel_id"] for r in diff(full, empty, method="planar")["removed"]] == ["A", "B"]
