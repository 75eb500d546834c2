"""Where a project fits: zones built so that the answer is known by construction."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import zonemap
from zonemap import store
from zonemap.fit import find_sites, prospect_fits

from conftest import geodesic_m2

X0, Y0 = 40525000.0, 3706000.0  # EPSG:4528, Huai'an
MU = 10000 / 15
#: A box of 10 mu: 100 m by 66.67 m.
W, H = 100.0, 10 * MU / 100.0


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def geodesic_mu(*geoms) -> float:
    """Ellipsoidal area by pyproj's geodesic polygon area, independent of zonemap."""
    return sum(geodesic_m2(geom, "EPSG:4528") for geom in geoms) / MU


def parcel(pid, geom, status="vacant", tenant=None):
    return {"parcel_id": pid, "status": status, "tenant": tenant, "geometry": geom}


def zone_of(make_zone, parcels, **layers):
    outline = shapely.box(*shapely.total_bounds([p["geometry"] for p in parcels] + [r["geometry"] for r in layers.get("roads", [])]))
    return zonemap.open(make_zone(boundary=outline, parcels=parcels, **layers))


def test_two_adjacent_parcels_fit_where_neither_does_alone(make_zone):
    a, b = box(0, 0, W, H), box(W, 0, 2 * W, H)
    zone = zone_of(make_zone, [parcel("V1", a), parcel("V2", b)])
    sites = find_sites(zone, 15.0)
    assert [s["parcels"] for s in sites] == [["V1", "V2"]]
    assert sites[0]["area"] == pytest.approx(geodesic_mu(a, b), abs=0.01 / MU)
    assert sites[0]["statuses"] == ["vacant"] and sites[0]["serviced"] is False
    # The union is a 200 m by 66.67 m rectangle: Polsby–Popper 4πA/P² (the shared
    # edge is measured with a 1 cm snap, hence the tolerance).
    assert sites[0]["compactness"] == pytest.approx(4 * math.pi * (2 * W * H) / (2 * (2 * W + H)) ** 2, rel=1e-3)


def test_corner_touching_parcels_are_not_adjacent(make_zone):
    zone = zone_of(make_zone, [parcel("V1", box(0, 0, W, H)), parcel("V2", box(W, H, 2 * W, 2 * H))])
    assert find_sites(zone, 15.0) == []
    assert sorted(s["parcels"] for s in find_sites(zone, 9.0)) == [["V1"], ["V2"]]


def test_a_tenant_parcel_between_breaks_the_group(make_zone):
    parcels = [
        parcel("V1", box(0, 0, W, H)),
        parcel("T1", box(W, 0, 2 * W, H), "tenant", "某机械厂"),
        parcel("V2", box(2 * W, 0, 3 * W, H)),
    ]
    assert find_sites(zone_of(make_zone, parcels), 15.0) == []


def test_a_road_between_breaks_the_group(make_zone):
    road = {"name": "经一路", "axis": "NS", "width_m": 16.0, "geometry": box(W, 0, W + 16, H)}
    parcels = [parcel("V1", box(0, 0, W, H)), parcel("V2", box(W + 16, 0, 2 * W + 16, H))]
    assert find_sites(zone_of(make_zone, parcels, roads=[road]), 15.0) == []


def test_survey_noise_between_neighbours_does_not_separate_them(make_zone):
    parcels = [parcel("V1", box(0, 0, W, H)), parcel("V2", box(W + 0.004, 0, 2 * W, H))]
    assert [s["parcels"] for s in find_sites(zone_of(make_zone, parcels), 15.0)] == [["V1", "V2"]]


def test_groups_grow_past_two_and_keep_only_needed_parcels(make_zone):
    # Four 10-mu parcels in a row: 25 mu needs three neighbours in a row, never all four.
    row = [parcel(f"V{k}", box(k * W, 0, (k + 1) * W, H)) for k in range(4)]
    sites = find_sites(zone_of(make_zone, row), 25.0)
    assert sorted(s["parcels"] for s in sites) == [["V0", "V1", "V2"], ["V1", "V2", "V3"]]
    for site in sites:
        assert site["area"] == pytest.approx(geodesic_mu(*[p["geometry"] for p in row if p["parcel_id"] in site["parcels"]]), abs=0.01 / MU)


def test_best_first_serviced_single_then_vacant_single_then_groups(make_zone):
    parcels = [
        # Block 1: a 20-mu developed parcel, a 30-mu vacant one (apart).
        parcel("D20", box(0, 0, 2 * W, H), "developed"),
        parcel("V30", box(0, 3 * H, 3 * W, 4 * H)),
        # Block 2: pairs of 10-mu parcels: developed+developed, vacant+vacant, developed+vacant.
        parcel("DA", box(1000, 0, 1000 + W, H), "developed"),
        parcel("DB", box(1000 + W, 0, 1000 + 2 * W, H), "developed"),
        parcel("VA", box(1000, 3 * H, 1000 + W, 4 * H)),
        parcel("VB", box(1000 + W, 3 * H, 1000 + 2 * W, 4 * H)),
        parcel("MD", box(1000, 6 * H, 1000 + W, 7 * H), "developed"),
        parcel("MV", box(1000 + W, 6 * H, 1000 + 2 * W, 7 * H)),
    ]
    sites = find_sites(zone_of(make_zone, parcels), 15.0)
    assert [s["parcels"] for s in sites] == [["D20"], ["V30"], ["DA", "DB"], ["VA", "VB"], ["MD", "MV"]]
    assert [s["serviced"] for s in sites] == [True, False, True, False, False]
    assert sites[-1]["statuses"] == ["developed", "vacant"]
    # A square scores π/4 on Polsby–Popper, a 3:0.67 strip less.
    square = find_sites(zone_of(make_zone, [parcel("SQ", box(0, 0, 100, 100))]), 1.0)[0]
    assert square["compactness"] == pytest.approx(math.pi / 4, rel=1e-6)


def test_tighter_fit_ranks_first_among_equals(make_zone):
    parcels = [parcel("BIG", box(0, 0, 4 * W, H)), parcel("SNUG", box(0, 3 * H, 2 * W, 4 * H))]
    assert [s["parcels"] for s in find_sites(zone_of(make_zone, parcels), 15.0)] == [["SNUG"], ["BIG"]]


def test_prospects_need_from_need_mu_or_investment_over_intensity(make_zone):
    parcels = [parcel("V1", box(0, 0, W, H)), parcel("V2", box(W, 0, 2 * W, H)), parcel("V3", box(0, 3 * H, W, 4 * H))]
    prospects = [
        {"name": "铝制品厂", "investment_wan": 2000.0, "need_mu": 15.0, "stage": "intent"},
        {"name": "五金工具", "investment_wan": 1200.0, "stage": "negotiating"},
        {"name": "吴江投资人", "stage": "intent", "parcel_id": "V3"},
    ]
    zone = zone_of(make_zone, parcels, prospects=prospects)
    without = prospect_fits(zone)
    assert [p["need"] for p in without] == [15.0, None, None]
    assert [c["parcels"] for c in without[0]["candidates"]] == [["V1", "V2"]]
    assert [p["reason"] for p in without] == [None, "no_need_give_intensity", "no_need_parcel_only"]  # codes; words per language
    assert without[1]["reason_text"] == {
        "zh": "未填需地面积；用 --intensity 万元/亩 由投资额推算", "en": "no need_mu; give --intensity (×10⁴ yuan/mu) to derive it from investment_wan"
    }
    assert without[2]["parcel"]["id"] == "V3" and without[2]["parcel"]["status"] == "vacant"
    assert without[2]["parcel"]["area"] == pytest.approx(geodesic_mu(parcels[2]["geometry"]), abs=0.01 / MU)

    with_intensity = prospect_fits(zone, intensity=100.0)  # 1200 万元 at 100 万元/亩 needs 12 mu
    assert with_intensity[1]["need"] == pytest.approx(12.0)
    assert (with_intensity[1]["need_from"], with_intensity[1]["intensity"]) == ("investment_wan", 100.0)
    assert [c["parcels"] for c in with_intensity[1]["candidates"]] == [["V1", "V2"]]


def test_broken_parcels_are_left_out_not_fatal(make_zone):
    bowtie = shapely.Polygon([(X0, Y0 + H), (X0 + W, Y0 + H), (X0, Y0 + 2 * H), (X0 + W, Y0 + 2 * H)])
    parcels = [parcel("V1", box(0, 0, W, H)), parcel("V2", box(W, 0, 2 * W, H)), parcel("BAD", bowtie)]
    assert [s["parcels"] for s in find_sites(zone_of(make_zone, parcels), 15.0)] == [["V1", "V2"]]


def test_cli_remaining_prospects_text(make_zone, cli):
    path = make_zone(
        boundary=box(0, 0, 2 * W, H),
        parcels=[parcel("V1", box(0, 0, W, H)), parcel("V2", box(W, 0, 2 * W, H))],
        prospects=[{"name": "五金工具厂", "investment_wan": 1500.0, "stage": "negotiating"}],
    )
    without = cli("remaining", path, "--prospects")
    assert without.returncode == 0 and "- 五金工具厂（—，洽谈）：需地 —\n    未填需地面积；用 --intensity 万元/亩 由投资额推算\n" in without.stdout
    english = cli("remaining", path, "--prospects", "--lang", "en").stdout
    assert "- 五金工具厂 (—, negotiating): needs —\n    no need_mu; give --intensity (×10⁴ yuan/mu) to derive it from investment_wan\n" in english
    with_intensity = cli("remaining", path, "--prospects", "--intensity", "100")  # 1500 万元 ÷ 100 万元/亩 = 15 亩
    assert "需地 15.00 亩" in with_intensity.stdout and "V1+V2" in with_intensity.stdout
    assert "--intensity" not in with_intensity.stderr
    alone = cli("remaining", path, "--intensity", "100")
    assert alone.returncode == 2 and "--intensity 需与 --prospects 同用" in alone.stderr and alone.stdout == ""


def test_cli_remaining_notes_an_intensity_no_prospect_used(make_zone, cli):
    path = make_zone(
        boundary=box(0, 0, 2 * W, H),
        parcels=[parcel("V1", box(0, 0, W, H)), parcel("V2", box(W, 0, 2 * W, H))],
        prospects=[{"name": "铝制品厂", "investment_wan": 2000.0, "need_mu": 15.0, "stage": "intent"}],
    )
    result = cli("remaining", path, "--prospects", "--intensity", "100")
    assert result.returncode == 0 and "需地 15.00 亩" in result.stdout
    notes = [line for line in result.stderr.splitlines() if "--intensity" in line]
    assert notes == ["提示：--intensity 100 未用到：没有项目需要它（均已填需地面积或未填投资额）"]
    english = cli("remaining", path, "--prospects", "--intensity", "100", "--lang", "en")
    assert "needs 15.00 mu" in english.stdout and "note: --intensity 100 was not used" in english.stderr


def test_cli_remaining_need_json_and_table(make_zone, cli):
    path = make_zone(
        boundary=box(0, 0, 2 * W, H),
        parcels=[parcel("V1", box(0, 0, W, H)), parcel("V2", box(W, 0, 2 * W, H))],
    )
    result = cli("remaining", path, "--need", "15", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["need"] == 15.0 and data["unit"] == "mu"
    assert [c["parcels"] for c in data["candidates"]] == [["V1", "V2"]]
    table = cli("remaining", path, "--need", "15")
    assert "V1+V2" in table.stdout
    too_big = cli("remaining", path, "--need", "25")
    assert too_big.returncode == 0 and "\n没有足够大的可用地块或相邻地块组\n" in too_big.stdout
    assert "\nno available parcel or group of adjacent parcels is large enough\n" in cli("remaining", path, "--need", "25", "--lang", "en").stdout
    wrong = cli("remaining", path, "--need", "zero")
    assert wrong.returncode == 2 and "--need" in wrong.stderr


def test_sample_zone_aluminium_project_goes_to_serviced_land_first():
    zone = zonemap.open(zonemap.sample_path())
    sites = find_sites(zone, 20.0)
    assert sites[0]["serviced"]
    parcels = zone.parcels.set_index("parcel_id")
    for site in sites:
        assert set(parcels.loc[site["parcels"], "status"]) <= {"developed", "vacant"}
        assert site["area"] >= 20.0


# Property: on any grid of rectangular parcels, every site is sound, and no
# single parcel or adjacent pair that fits is missed.


@st.composite
def grids(draw):
    widths = draw(st.lists(st.integers(20, 120), min_size=1, max_size=5))
    heights = draw(st.lists(st.integers(20, 120), min_size=1, max_size=5))
    statuses = draw(st.lists(st.sampled_from(["developed", "vacant", "tenant"]), min_size=len(widths) * len(heights), max_size=len(widths) * len(heights)))
    need_m2 = draw(st.integers(500, 30000)) + 0.5  # never exactly a parcel's area
    return widths, heights, statuses, need_m2


@settings(max_examples=60, deadline=None)
@given(grids())
def test_sites_on_any_grid_are_sound_and_complete(grid):
    widths, heights, statuses, need_m2 = grid
    xs, ys = np.concatenate([[0], np.cumsum(widths)]), np.concatenate([[0], np.cumsum(heights)])
    cells = [(i, j) for i in range(len(widths)) for j in range(len(heights))]
    ids = [f"P{i}{j}" for i, j in cells]
    frame = gpd.GeoDataFrame(
        {"parcel_id": ids, "status": statuses},
        geometry=[box(xs[i], ys[j], xs[i + 1], ys[j + 1]) for i, j in cells],
        crs="EPSG:4528",
    )
    area = {pid: float(widths[i] * heights[j]) for pid, (i, j) in zip(ids, cells)}
    cell = dict(zip(ids, cells))
    status = dict(zip(ids, statuses))
    available = [pid for pid in ids if status[pid] != "tenant"]
    need = need_m2 / MU

    zone = SimpleNamespace(parcels=frame, holds=store.empty_layer("holds"), parcel_areas_m2=lambda method: shapely.area(frame.geometry.to_numpy()))
    sites = find_sites(zone, need, method="planar")
    found = {tuple(site["parcels"]) for site in sites}
    for site in sites:
        members = site["parcels"]
        assert all(status[m] in ("developed", "vacant") for m in members)
        assert site["area"] == pytest.approx(sum(area[m] for m in members) / MU)
        assert site["area"] >= need - 1e-9
        assert site["serviced"] == all(status[m] == "developed" for m in members)
        if len(members) > 1:
            assert all(area[m] < need_m2 for m in members)
            # Connected through shared edges (grid neighbours), never corners.
            reached, stack = {members[0]}, [members[0]]
            while stack:
                i, j = cell[stack.pop()]
                for m in members:
                    if m not in reached and abs(cell[m][0] - i) + abs(cell[m][1] - j) == 1:
                        reached.add(m)
                        stack.append(m)
            assert reached == set(members)
    assert [len(s["parcels"]) > 1 for s in sites] == sorted(len(s["parcels"]) > 1 for s in sites)
    for pid in available:
        if area[pid] >= need_m2:
            assert (pid,) in found
    for a in available:
        for b in available:
            (ia, ja), (ib, jb) = cell[a], cell[b]
            if a < b and abs(ia - ib) + abs(ja - jb) == 1 and area[a] < need_m2 and area[b] < need_m2 <= area[a] + area[b]:
                assert tuple(sorted((a, b))) in found


def test_a_site_short_of_the_need_by_survey_noise_still_fits_alone(make_zone):
    # A parcel carved to 20 mu measures a hair under it (19.999999987 mu, 9e-6 m² short):
    # within zonemap.areas.NOISE_M2 (0.01 m²) it hosts a 20-mu project alone; 0.02 m² short does not.
    from zonemap.areas import NOISE_M2

    need_m2 = 20 * MU
    hair = box(0, 0, W, (need_m2 - NOISE_M2 / 2) / W)
    short = box(0, 2 * H, W, 2 * H + (need_m2 - 2 * NOISE_M2) / W)
    zone = zone_of(make_zone, [parcel("HAIR", hair), parcel("SHORT", short)])
    assert [s["parcels"] for s in find_sites(zone, 20.0, method="planar")] == [["HAIR"]]
    # Groups use the same tolerance: two halves short of 20 mu by noise together reach it.
    halves = [box(0, 0, W / 2, (need_m2 - NOISE_M2 / 2) / W), box(W / 2, 0, W, (need_m2 - NOISE_M2 / 2) / W)]
    zone = zone_of(make_zone, [parcel("L", halves[0]), parcel("R", halves[1])])
    assert [s["parcels"] for s in find_sites(zone, 20.0, method="planar")] == [["L", "R"]]


def test_cli_remaining_when_nothing_fits_names_the_largest_site_group_and_all_land(make_zone, cli):
    a, b, c = box(0, 0, W, H), box(W, 0, 2 * W, H), box(0, 3 * H, W, 4.5 * H)  # c: 15 mu, apart from a+b (20 mu)
    path = make_zone(boundary=box(0, 0, 2 * W, 4.5 * H), parcels=[parcel("V1", a), parcel("V2", b, "developed"), parcel("V3", c)])
    remaining_mu = json.loads(cli("areas", path, "--json").stdout)["remaining"]
    data = json.loads(cli("remaining", path, "--need", "25", "--json").stdout)
    assert data["candidates"] == []
    largest = data["largest"]
    assert largest["parcel"]["parcels"] == ["V3"] and largest["parcel"]["area"] == pytest.approx(geodesic_mu(c), abs=1e-5)
    assert largest["group"]["parcels"] == ["V1", "V2"] and largest["group"]["area"] == pytest.approx(geodesic_mu(a, b), abs=1e-5)
    assert largest["remaining"] == pytest.approx(remaining_mu) and largest["exceeds_remaining"] is False
    text = cli("remaining", path, "--need", "25").stdout
    assert f"最大可用地块：V3，{geodesic_mu(c):.2f} 亩\n最大相邻地块组：V1+V2，{geodesic_mu(a, b):.2f} 亩\n全部剩余用地 {remaining_mu:,.2f} 亩\n" in text
    text = cli("remaining", path, "--need", "25", "--lang", "en").stdout
    assert f"largest available site: V3, {geodesic_mu(c):.2f} mu" in text
    assert f"largest adjacent group: V1+V2, {geodesic_mu(a, b):.2f} mu" in text
    assert f"all remaining land {remaining_mu:,.2f} mu" in text
    huge = cli("remaining", path, "--need", "500", "--lang", "en")
    assert f"500.00 mu exceeds all remaining land ({remaining_mu:,.2f} mu)" in huge.stdout
    assert f"500.00 亩 超过全部剩余用地 {remaining_mu:,.2f} 亩" in cli("remaining", path, "--need", "500").stdout
    assert json.loads(cli("remaining", path, "--need", "500", "--json").stdout)["largest"]["exceeds_remaining"] is True


def test_held_land_is_offered_only_when_asked_for_or_held_for_this_prospect(make_zone):
    import pandas as pd

    a, b = box(0, 0, 2 * W, H), box(2 * W, 0, 4 * W, H)  # 20 mu each: each fits alone
    path = make_zone(boundary=shapely.box(*shapely.total_bounds([a, b])), parcels=[parcel("V1", a), parcel("V2", b)])
    with store.transaction(path) as txn:
        holds = pd.DataFrame({"parcel_id": ["V1"], "prospect": ["新材料项目"]}).reindex(columns=list(store.SCHEMA["holds"]))
        txn.write("holds", holds.astype(store.SCHEMA["holds"]))
    zone = zonemap.open(path)
    assert [s["parcels"] for s in find_sites(zone, 15.0)] == [["V2"]]
    assert [s["parcels"] for s in find_sites(zone, 15.0, prospect="别的项目")] == [["V2"]]
    assert sorted(s["parcels"] for s in find_sites(zone, 15.0, include_held=True)) == [["V1"], ["V2"]]
    assert sorted(s["parcels"] for s in find_sites(zone, 15.0, prospect="新材料项目")) == [["V1"], ["V2"]]
