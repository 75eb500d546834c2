"""``zonemap map --compare OLD``: parcels coloured by what changed, opened offline."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

import zonemap
from zonemap.diff import changed_parcels, diff

X0, Y0 = 40525000.0, 3706000.0  # EPSG:4528


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def parcel(pid, geom, status="vacant", tenant=None):
    return {"parcel_id": pid, "status": status, "tenant": tenant, "geometry": geom}


@pytest.fixture
def versions(make_zone):
    outline = box(0, 0, 300, 200)
    old = [
        parcel("A", box(0, 0, 100, 200)),
        parcel("B", box(100, 0, 200, 200)),
        parcel("C", box(200, 0, 300, 200), "developed"),
    ]
    new = [
        parcel("A1", box(0, 0, 100, 100)),
        parcel("A2", box(0, 100, 100, 200)),
        parcel("B", box(100, 0, 200, 200), "tenant", "惠实业"),
        parcel("C", box(200, 0, 300, 200), "developed"),
    ]
    return make_zone(boundary=outline, parcels=old), make_zone(boundary=outline, parcels=new)


def test_each_new_parcel_gets_its_most_telling_change(versions):
    old, new = (zonemap.open(p) for p in versions)
    assert changed_parcels(diff(old, new)) == {"A1": "split", "A2": "split", "B": "status"}


def lonlat_inside(path, parcel_id):
    parcels = zonemap.open(path).parcels
    geometry = parcels.loc[parcels["parcel_id"] == parcel_id, "geometry"]
    point = gpd.GeoSeries(shapely.point_on_surface(geometry.to_numpy()), crs=parcels.crs).to_crs("EPSG:4326").iloc[0]
    return point.x, point.y


def test_compare_map_colours_changes_offline(versions, cli, offline_page, tmp_path):
    old, new = versions
    out = tmp_path / "compare.html"
    result = cli("map", new, "--compare", old, "--basemap", "none", "-o", out)
    assert result.returncode == 0, result.stderr
    page = offline_page
    page.goto(out.as_uri())
    page.wait_for_function("window.zonemap && zonemap.current && zonemap.current.ready")
    assert page.blocked == [] and page.errors == []
    assert "用地变化对比图" in page.title()

    def legend_count(key):
        return page.locator(f'.zm-legend tr[data-key="{key}"] .zm-count').inner_text()

    assert legend_count("change_split") == "2"
    assert legend_count("change_status") == "1"
    assert legend_count("change_unchanged") == "1"
    assert page.locator('.zm-legend tr[data-key="change_added"]').count() == 0  # nothing added

    def colour_at(parcel_id):
        lon, lat = lonlat_inside(new, parcel_id)
        return page.evaluate(
            """([lat, lon]) => { var l = zonemap.current.layers.parcels, m = zonemap.current.map;
                var p = m.latLngToLayerPoint([lat, lon]).subtract(l._bounds.min);
                return Array.from(l._ctx.getImageData(p.x, p.y, 1, 1).data); }""",
            [lat, lon],
        )

    r, g, b, a = colour_at("A1")  # split: reddish purple
    assert a > 0 and r > g + 20 and b > g + 10
    r, g, b, a = colour_at("B")  # status changed: orange
    assert r > b + 60
    r, g, b, a = colour_at("C")  # unchanged: grey
    assert max(r, g, b) - min(r, g, b) < 12


def test_compare_with_a_missing_old_file_is_one_line(versions, cli, tmp_path):
    _, new = versions
    result = cli("map", new, "--compare", tmp_path / "nope.gpkg", "-o", tmp_path / "m.html", "--lang", "en")
    assert result.returncode == 1 and "nope.gpkg: no such file" in result.stderr
    assert not (tmp_path / "m.html").exists()


def test_compare_page_names_both_versions_and_their_dates(versions):
    from datetime import date

    from zonemap.render.page import build_page

    old, new = (zonemap.open(p) for p in versions)
    today = date.today().isoformat()  # neither version records `updated`: the files' dates
    page = build_page(new, compare=diff(old, new))
    assert page.title == f"测试园区 用地变化对比图：{versions[0].name}（{today}）→ {versions[1].name}（{today}）"
    assert build_page(new, lang="en", compare=diff(old, new)).title == (
        f"测试园区: what changed · {versions[0].name} ({today}) → {versions[1].name} ({today})"
    )
