"""The shareable map: offline, every parcel drawn, figures as the ledger, safe with hostile text.

Browser tests open the real HTML in Debian's headless Chromium with every
request off the machine blocked (``offline_page``). Expected figures are
computed independently: areas with pyproj's ``Geod``, coordinates with
pyproj, the GCJ-02 shift with a separate implementation of the algorithm.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import math
import os
import re
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from pyproj import Geod

import zonemap
from zonemap.cli.main import main
from zonemap.render.web import web_geometries

from conftest import geodesic_m2

MU_M2 = 10000 / 15
SAMPLE_TENANTS = {"A01": "厚翔服装厂", "A03": "佳电机械厂"}

# ---------------------------------------------------------------- helpers


def page_data(html: str) -> dict:
    """The data block the page script reads, unpacked as the browser does (base64, gzip when marked so, JSON + binary),
    with each binary section's bytes in place of its reference."""
    match = re.search(r'<script type="application/octet-stream" id="[^"]+">(.*?)</script>', html, re.S)
    block = match.group(1)
    raw = base64.b64decode(block[1:]) if block.startswith("~") else gzip.decompress(base64.b64decode(block))
    length = int.from_bytes(raw[:4], "little")
    sections = raw[4 + length :]

    def resolve(value):
        if isinstance(value, dict):
            if set(value) == {"at", "bytes"}:
                return sections[value["at"] : value["at"] + value["bytes"]]
            return {key: resolve(item) for key, item in value.items()}
        return [resolve(item) for item in value] if isinstance(value, list) else value

    return resolve(json.loads(raw[4 : 4 + length].decode("utf-8")))


def decode_varints(data: bytes) -> list[int]:
    """LEB128 varints, byte by byte: a decoder independent of zonemap's numpy encoder."""
    values, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            values.append(value)
            value, shift = 0, 0
    return values


def decode_coordinates(data: bytes, quantum: float) -> list[tuple[float, float]]:
    """(lon, lat) pairs, undoing zig-zag and deltas one value at a time."""
    raw = decode_varints(data)
    signed = [(v >> 1) if v % 2 == 0 else -((v + 1) >> 1) for v in raw]
    points, x, y = [], 0, 0
    for dx, dy in zip(signed[0::2], signed[1::2]):
        x, y = x + dx, y + dy
        points.append((x * quantum, y * quantum))
    return points


def decode_polygons(blob: dict) -> list[list[list[tuple[float, float]]]]:
    """Features → rings → (lon, lat)."""
    ring_counts = decode_varints(blob["ring_counts"])
    ring_sizes = decode_varints(blob["ring_sizes"])
    points = decode_coordinates(blob["coordinates"], blob["quantum"])
    features, ring, at = [], 0, 0
    for count in ring_counts:
        rings = []
        for _ in range(count):
            rings.append(points[at : at + ring_sizes[ring]])
            at += ring_sizes[ring]
            ring += 1
        features.append(rings)
    return features


def geodesic_mu(geometry, crs) -> float:
    """Ellipsoidal area in mu by pyproj's geodesic polygon area on CGCS2000 lon/lat."""
    return geodesic_m2(geometry, crs) / MU_M2


def open_map(page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function("window.zonemap && zonemap.current && zonemap.current.ready")


def click_parcel(page, lon: float, lat: float) -> None:
    """Click the map at (lon, lat), once any earlier popup and its pan have finished."""
    page.evaluate("zonemap.current.map.closePopup(); zonemap.current.map.stop()")
    page.wait_for_selector(".zm-popup", state="detached")
    # A control or the title over the point (an earlier popup's pan can put it there): centre it, as a user would.
    x, y = page.evaluate(
        """([lat, lon]) => { var m = zonemap.current.map, p = m.latLngToContainerPoint([lat, lon]),
             r = m.getContainer().getBoundingClientRect(), hit = document.elementFromPoint(r.left + p.x, r.top + p.y);
           if (!hit || hit.closest('.leaflet-control, .zm-title')) { m.setView([lat, lon], m.getZoom(), { animate: false });
             p = m.latLngToContainerPoint([lat, lon]); }
           return [p.x, p.y]; }""",
        [lat, lon],
    )
    box = page.locator(".zm-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector(".zm-popup")


def inside_points(path: Path) -> dict[str, tuple[float, float]]:
    """A lon/lat point inside each parcel, away from its buildings (so the click lands on the parcel)."""
    zone = zonemap.open(path)
    free = zone.parcels.geometry.difference(shapely.union_all(zone.buildings.geometry.values).buffer(2))
    points = gpd.GeoSeries(shapely.point_on_surface(free.values), crs=zone.crs).to_crs("EPSG:4326")
    return {pid: (pt.x, pt.y) for pid, pt in zip(zone.parcels["parcel_id"], points)}


# ---------------------------------------------------------------- the sample map, built by the real CLI


@pytest.fixture(scope="module")
def sample_map(tmp_path_factory) -> Path:
    from conftest import run_zonemap

    out = tmp_path_factory.mktemp("map") / "sample.html"
    result = run_zonemap("map", "--basemap", "none", "-o", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    return out


@pytest.fixture(scope="module")
def ledger() -> dict:
    from conftest import run_zonemap

    result = run_zonemap("areas", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sample_map_draws_every_parcel_offline_with_no_requests(offline_page, sample_map):
    page = offline_page
    open_map(page, sample_map)
    drawn = page.evaluate(
        "(() => { var l = zonemap.current.layers; return {parcels: l.parcels.drawn, labels: l.labels.drawn, roads: l.roads.drawn, buildings: l.buildings.drawn, boundary: l.boundary.drawn}; })()"
    )
    zone = zonemap.open(zonemap.sample_path())
    assert drawn == {
        "parcels": len(zone.parcels),
        "labels": len(zone.parcels),
        "roads": len(zone.roads),
        "buildings": len(zone.buildings),
        "boundary": 1,
    }
    page.wait_for_timeout(500)  # time for any late request (tiles, fonts) to show up
    assert page.blocked == []
    assert page.errors == []
    # The canvas really holds colour where a parcel is: the developed blue at A02.
    lon, lat = inside_points(zonemap.sample_path())["A02"]
    colour = page.evaluate(
        """([lat, lon]) => { var l = zonemap.current.layers.parcels, m = zonemap.current.map;
            var p = m.latLngToLayerPoint([lat, lon]).subtract(l._bounds.min);
            return Array.from(l._ctx.getImageData(p.x, p.y, 1, 1).data); }""",
        [lat, lon],
    )
    assert colour[2] > colour[0] and colour[3] > 0  # blue over red, not empty


def test_clicking_a_parcel_shows_its_area_in_mu(offline_page, sample_map):
    page = offline_page
    open_map(page, sample_map)
    zone = zonemap.open(zonemap.sample_path())
    points = inside_points(zonemap.sample_path())
    for pid in ("A01", "A02", "B05", "C03"):
        lon, lat = points[pid]
        click_parcel(page, lon, lat)
        section = page.locator(".zm-popup-section").first
        assert section.locator('tr[data-key="parcel_id"] td').inner_text() == pid
        shown = float(section.locator('tr[data-key="area_mu"] td').inner_text().split()[0].replace(",", ""))
        expected = geodesic_mu(zone.parcels.set_index("parcel_id").geometry[pid], zone.crs)
        assert abs(shown - expected) <= 0.005 + 1e-9, (pid, shown, expected)
        m2 = float(section.locator('tr[data-key="area_m2"] td').inner_text().split()[0].replace(",", ""))
        assert abs(m2 - expected * MU_M2) <= 0.05 + 1e-9
        if pid in SAMPLE_TENANTS:
            assert section.locator('tr[data-key="tenant"] td').inner_text() == SAMPLE_TENANTS[pid]
            assert section.locator('tr[data-key="status"] td').inner_text() == "已入驻"
            intensity = float(section.locator('tr[data-key="intensity"] td').inner_text().split()[0].replace(",", ""))
            assert abs(intensity - 1000.0 / expected) < 0.01
    assert page.errors == []


def test_legend_and_summary_equal_areas_json(offline_page, sample_map, ledger):
    page = offline_page
    open_map(page, sample_map)

    def cell(table: str, key: str, css: str) -> str:
        return page.locator(f'{table} tr[data-key="{key}"] {css}').inner_text()

    for status, group in ledger["by_status"].items():
        assert cell(".zm-legend", status, ".zm-value") == f"{group['area']:,.2f}"
        assert cell(".zm-legend", status, ".zm-count") == str(group["parcels"])
    assert cell(".zm-legend", "roads", ".zm-value") == f"{ledger['roads']:,.2f}"
    expected = {
        "planned": ledger["planned"],
        "boundary": ledger["boundary"],
        "developed_total": ledger["developed_total"],
        "tenant": ledger["by_status"]["tenant"]["area"],
        "remaining": ledger["remaining"],
        "ready": ledger["ready"],
        "raw": ledger["raw"],
        "roads": ledger["roads"],
    }
    for key, value in expected.items():
        assert cell(".zm-summary", key, ".zm-value") == f"{value:,.2f}", key
    share = 100 * ledger["developed_total"] / ledger["boundary"]
    assert cell(".zm-summary", "developed_share", ".zm-value") == f"{share:.1f}"
    # Developed ÷ boundary is not the report's 土地开发率 (developed ÷ (boundary − roads)): its label says so.
    label = cell(".zm-summary", "developed_share", "th")
    assert "边界" in label and "开发率" not in label, label
    # The plan's own figures, as a second, independent check of the sample.
    assert cell(".zm-summary", "boundary", ".zm-value") == "300.00"
    assert cell(".zm-summary", "developed_total", ".zm-value") == "100.00"


def test_search_finds_a_tenant_and_opens_its_parcel(offline_page, sample_map):
    page = offline_page
    open_map(page, sample_map)
    page.fill(".zm-search-input", "佳电")
    items = page.locator(".zm-search-item")
    assert items.count() == 1
    assert items.first.inner_text() == "A03 · 佳电机械厂"
    page.press(".zm-search-input", "Enter")
    popup = page.locator(".zm-popup-section").first
    assert popup.locator('tr[data-key="parcel_id"] td').inner_text() == "A03"
    page.fill(".zm-search-input", "no such tenant")
    assert page.locator(".zm-search-empty").inner_text() == "无结果"


def test_labels_layer_switches_off_and_on(offline_page, sample_map):
    page = offline_page
    open_map(page, sample_map)
    toggle = page.get_by_label("地块标注")
    assert page.evaluate("zonemap.current.layers.labels.drawn") == 15
    assert page.locator(".leaflet-zm-labels-pane canvas").count() == 1
    toggle.uncheck()
    assert page.evaluate("zonemap.current.map.hasLayer(zonemap.current.layers.labels)") is False
    assert page.locator(".leaflet-zm-labels-pane canvas").count() == 0
    assert page.evaluate("zonemap.current.map.hasLayer(zonemap.current.layers.parcels)") is True
    toggle.check()
    assert page.locator(".leaflet-zm-labels-pane canvas").count() == 1
    assert page.evaluate("zonemap.current.layers.labels.drawn") == 15


def _screen(page) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(page.locator(".zm-map").screenshot())).convert("RGB"), dtype=int)


def test_panning_shows_what_a_full_redraw_shows(offline_page, tmp_path):
    """Pans keep the drawn pixels (shifted) and draw only the strips coming into view: the picture
    must be the one a redraw from scratch gives, bar anti-aliasing along the strips' seams."""
    from benchmarks.generate import generate
    from conftest import run_zonemap

    page_path = tmp_path / "zone.html"
    result = run_zonemap("map", generate(2000, tmp_path / "zone.gpkg"), "--basemap", "none", "-o", page_path)
    assert result.returncode == 0, result.stderr
    page = offline_page
    open_map(page, page_path)
    assert page.evaluate("zonemap.current.layers.parcels.layer.geom.xy.length / 2") >= 20000  # pans shift its pixels
    page.evaluate("zonemap.current.map.setZoom(zonemap.current.map.getZoom() + 1, {animate: false})")
    for step in ([150, 90], [-330, 200], [420, -250], [-120, -260], [40, 420]):
        page.evaluate(f"zonemap.current.map.panBy({step}, {{animate: false}})")
        panned = _screen(page)
        page.evaluate("Object.values(zonemap.current.layers).forEach(layer => layer.repaint())")
        redrawn = _screen(page)
        off = np.abs(panned - redrawn).max(axis=2) > 48
        assert off.mean() < 0.002, f"after panning by {step}, {off.sum()} pixels differ from a full redraw"


def test_parcels_a_few_pixels_wide_are_drawn_as_boxes(offline_page, sample_map):
    page = offline_page
    open_map(page, sample_map)
    page.evaluate(
        """() => { const c = zonemap.current, map = c.map;
             ['roads', 'buildings', 'boundary', 'labels'].forEach(key => map.removeLayer(c.layers[key]));
             map.setZoom(map.getZoom() - 6, {animate: false}); }"""
    )
    sizes = page.evaluate(
        """() => { const layer = zonemap.current.layers.parcels, g = layer.layer.geom, s = zonemap.current.map.getZoomScale(layer._zoom, 0);
             return Array.from({length: g.n}, (_, i) => Math.max(g.box[4 * i + 2] - g.box[4 * i], g.box[4 * i + 3] - g.box[4 * i + 1]) * s); }"""
    )
    assert max(sizes) < 5  # all of them below TINY_PX
    assert page.evaluate("zonemap.current.layers.parcels.drawn") == 15
    # Each parcel's middle shows a status colour at the parcels' opacity over the background (#eef0ec), unblurred.
    background = np.array([0xEE, 0xF0, 0xEC])
    fills = [np.array([int(c[1:][k : k + 2], 16) for k in (0, 2, 4)]) for c in ("#0072B2", "#F0E442", "#D55E00")]
    shown = [0.62 * fill + 0.38 * background for fill in fills]
    zone = zonemap.open(zonemap.sample_path())
    centres = gpd.GeoSeries(zone.parcels.geometry.envelope.centroid, crs=zone.crs).to_crs("EPSG:4326")
    picture = _screen(page)
    for point in centres:
        x, y = page.evaluate(
            "([lat, lon]) => { const p = zonemap.current.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }", [point.y, point.x]
        )
        around = picture[int(y) - 1 : int(y) + 2, int(x) - 1 : int(x) + 2].reshape(-1, 3)  # boxes are 2–4 px
        assert any(np.abs(colour - expected).max() <= 3 for colour in around for expected in shown), f"no parcel's colour at {point}"


def test_hover_shows_tooltip_and_highlight(offline_page, sample_map):
    page = offline_page
    open_map(page, sample_map)
    lon, lat = inside_points(zonemap.sample_path())["A03"]
    x, y = page.evaluate(
        "([lat, lon]) => { var p = zonemap.current.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [lat, lon],
    )
    page.mouse.move(x, y)
    page.wait_for_selector(".zm-tooltip")
    assert "A03 · 佳电机械厂" in page.locator(".zm-tooltip").inner_text()
    assert page.evaluate("zonemap.current.highlight.drawn") == 1


def test_screenshot_of_the_sample_map(offline_page, sample_map, tmp_path):
    """The README's picture (set ZONEMAP_SCREENSHOT=docs/map.png to keep it) shows what it should: each
    parcel in its status colour at the parcels' opacity over the bare background, and the title, with
    a popup open, not covered by anything."""
    from PIL import Image

    page = offline_page
    page.set_viewport_size({"width": 1400, "height": 860})
    open_map(page, sample_map)
    # One point per parcel well inside it, away from its buildings, its label and its white outline.
    zone = zonemap.open(zonemap.sample_path())
    clear = shapely.union_all(zone.buildings.geometry.values).buffer(8)
    labels = shapely.union_all(np.concatenate([shapely.centroid(zone.parcels.geometry.values),
                                               shapely.point_on_surface(zone.parcels.geometry.values)])).buffer(30)
    free = zone.parcels.geometry.buffer(-6).difference(clear).difference(labels)
    points = gpd.GeoSeries(shapely.point_on_surface(free.values), crs=zone.crs).to_crs("EPSG:4326")
    # Colours written out by hand (Okabe–Ito, the README's legend), blended as the page's canvas does.
    background = np.array([0xEE, 0xF0, 0xEC])
    fills = {"developed": (0x00, 0x72, 0xB2), "vacant": (0xF0, 0xE4, 0x42), "tenant": (0xD5, 0x5E, 0x00)}
    picture = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), dtype=int)
    for pid, status, point in zip(zone.parcels["parcel_id"], zone.parcels["status"], points):
        x, y = page.evaluate(
            """([lat, lon]) => { const m = zonemap.current.map, p = m.latLngToContainerPoint([lat, lon]),
                 r = m.getContainer().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""",
            [point.y, point.x],
        )
        expected = 0.62 * np.array(fills[status]) + 0.38 * background
        shown = np.median(picture[int(y) - 1 : int(y) + 2, int(x) - 1 : int(x) + 2].reshape(-1, 3), axis=0)
        assert np.abs(shown - expected).max() <= 4, f"{pid} ({status}) shows {shown}, expected {expected.round()}"
    lon, lat = inside_points(zonemap.sample_path())["A01"]
    click_parcel(page, lon, lat)
    page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    target = tmp_path / "map.png"
    page.screenshot(path=str(target))
    # The title is on the screen and nothing (popup, controls, panels) overlaps it.
    title = page.locator(".zm-title").bounding_box()
    assert title["width"] > 0 and title["y"] >= 0 and title["x"] >= 0 and title["x"] + title["width"] <= 1400
    for other in page.locator(".leaflet-popup, .leaflet-control").all():
        box = other.bounding_box()
        apart = (box["x"] >= title["x"] + title["width"] or box["x"] + box["width"] <= title["x"]
                 or box["y"] >= title["y"] + title["height"] or box["y"] + box["height"] <= title["y"])
        assert apart, f"{other.get_attribute('class')} covers the title"
    if os.environ.get("ZONEMAP_SCREENSHOT"):
        shutil.copy(target, os.environ["ZONEMAP_SCREENSHOT"])


def test_popup_pans_clear_of_the_search_control(offline_page, sample_map):
    page = offline_page
    page.set_viewport_size({"width": 1400, "height": 860})
    open_map(page, sample_map)
    lon, lat = inside_points(zonemap.sample_path())["A03"]
    # Bring A03 up under the search box, where a popup opening upwards would cover it.
    page.evaluate(
        "([lat, lon]) => { var m = zonemap.current.map, p = m.latLngToContainerPoint([lat, lon]);"
        " m.panBy([p.x - 130, p.y - 260], { animate: false }); }",
        [lat, lon],
    )
    click_parcel(page, lon, lat)
    page.wait_for_function("getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    page.wait_for_timeout(600)  # the auto-pan animation
    popup = page.locator(".leaflet-popup").bounding_box()
    for control in (".zm-search", ".zm-summary-panel"):
        other = page.locator(control).bounding_box()
        overlap_x = min(popup["x"] + popup["width"], other["x"] + other["width"]) - max(popup["x"], other["x"])
        overlap_y = min(popup["y"] + popup["height"], other["y"] + other["height"]) - max(popup["y"], other["y"])
        assert overlap_x <= 0 or overlap_y <= 0, (control, popup, other)


# ---------------------------------------------------------------- hostile text

PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    '"><svg onload="window.__xss=1">',
    "</script><script>window.__xss=1</script>",
    "${window.__xss=1}",
    "`;window.__xss=1;`",
    "{{ 7*7 }}{% if true %}jinja{% endif %}",
    "';window.__xss=1;//",
    "<!--<script>",
]


@pytest.fixture
def hostile_zone(tmp_path) -> Path:
    from conftest import make_zone_file

    cells = [shapely.box(40525000 + 60 * i, 3706000, 40525060 + 60 * i, 3706060) for i in range(len(PAYLOADS))]
    parcels = [
        {
            "geometry": cell,
            "parcel_id": f"X{i}",
            "status": "tenant",
            "tenant": payload,
            "note": payload,
            "land_use": payload,
            "investment_wan": 10.0,
        }
        for i, (cell, payload) in enumerate(zip(cells, PAYLOADS))
    ]
    # An unknown status reaches the legend as a label of its own.
    parcels[0]["status"] = PAYLOADS[0]
    roads = [
        {
            "geometry": shapely.box(40525000, 3706060, 40525000 + 60 * len(PAYLOADS), 3706070),
            "name": PAYLOADS[2],
            "axis": PAYLOADS[3],
            "width_m": 10.0,
        }
    ]
    buildings = [
        {
            "geometry": shapely.box(40525005, 3706005, 40525015, 3706015),
            "name": PAYLOADS[1],
            "building_id": PAYLOADS[4],
            "use": PAYLOADS[6],
        }
    ]
    return make_zone_file(
        tmp_path / "hostile.gpkg",
        boundary=shapely.box(40525000, 3706000, 40525000 + 60 * len(PAYLOADS), 3706070),
        parcels=parcels,
        roads=roads,
        buildings=buildings,
        name=PAYLOADS[3],
    )


def test_hostile_text_shows_as_text_and_runs_nothing(offline_page, hostile_zone, tmp_path):
    out = tmp_path / "hostile.html"
    title = PAYLOADS[0] + PAYLOADS[6]
    result = CliRunner().invoke(main, ["map", str(hostile_zone), "-o", str(out), "--basemap", "none", "--title", title])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in html  # never verbatim: escaped wherever it is
    assert "49jinja" not in html and "{{ 7*7 }}" in html

    page = offline_page
    open_map(page, out)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.title() == title
    assert page.locator(".zm-title").inner_text() == title
    legend = page.locator(".zm-legend").inner_text()
    assert PAYLOADS[0] in legend  # the unknown status, as text
    assert PAYLOADS[6] in page.locator(".zm-legend").inner_text()  # building use class

    zone = zonemap.open(hostile_zone)
    points = gpd.GeoSeries(zone.parcels.geometry.values, crs=zone.crs).centroid.to_crs("EPSG:4326")
    for i, payload in enumerate(PAYLOADS):
        point = points.iloc[i]
        if i == 0:
            point = gpd.GeoSeries([shapely.Point(40525040, 3706040)], crs=zone.crs).to_crs("EPSG:4326").iloc[0]
        click_parcel(page, point.x, point.y)
        section = page.locator(".zm-popup-section").first
        assert section.locator('tr[data-key="tenant"] td').inner_text() == payload
        assert section.locator('tr[data-key="note"] td').inner_text() == payload
        assert section.locator('tr[data-key="land_use"] td').inner_text() == payload
    page.fill(".zm-search-input", "svg onload")
    assert page.locator(".zm-search-item").first.inner_text() == f"X2 · {PAYLOADS[2]}"
    page.press(".zm-search-input", "Enter")
    # Hover over the building (name) and the road (name) tooltips.
    for lon_lat, payload in (((40525010, 3706010), PAYLOADS[1]), ((40525100, 3706065), PAYLOADS[2])):
        point = gpd.GeoSeries([shapely.Point(*lon_lat)], crs=zone.crs).to_crs("EPSG:4326").iloc[0]
        # The search's fly and the last popup's pan must be over, or the point moves under the mouse.
        x, y = page.evaluate(
            """([lat, lon]) => { var m = zonemap.current.map; m.closePopup(); m.stop();
                 var p = m.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""",
            [point.y, point.x],
        )
        box = page.locator(".zm-map").bounding_box()
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.wait_for_selector(".zm-tooltip")
        assert payload in page.locator(".zm-tooltip").inner_text()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert (
        page.evaluate(
            "document.querySelectorAll('.leaflet-container img[src=x], .leaflet-container svg[onload], .zm-popup script').length"
        )
        == 0
    )
    assert page.errors == []

    # Without --title the zone's own (hostile) name makes the title.
    default = tmp_path / "default-title.html"
    zone.map(basemap="none").save(str(default))
    open_map(page, default)
    assert page.locator(".zm-title").inner_text() == f"{PAYLOADS[3]} 用地现状图"
    assert page.title() == f"{PAYLOADS[3]} 用地现状图"
    assert page.evaluate("typeof window.__xss") == "undefined"


# ---------------------------------------------------------------- the page's data


def test_page_embeds_only_the_columns_it_shows(sample_copy):
    html = zonemap.open(sample_copy).map(basemap="none").get_root().render()
    data = page_data(html)
    assert set(data["layers"]["parcels"]["columns"]) == {
        "parcel_id",
        "tenant",
        "investment_wan",
        "land_use",
        "note",
        "area_m2",
        "intensity",
    }
    assert set(data["layers"]["buildings"]["columns"]) == {"name", "building_id", "floors", "floor_area_m2"}
    assert "2026-11-01" not in html  # parcels' `updated` is not shown, so not sent


def test_numbers_travel_rounded_and_missing_ones_stay_missing(sample_copy):
    zone = zonemap.open(sample_copy)
    columns = page_data(zone.map(basemap="none").get_root().render())["layers"]["parcels"]["columns"]

    def numbers(column: dict) -> list[float | None]:
        raw = decode_varints(column["scaled"])
        assert len(raw) == column["count"]
        return [None if v == 0 else ((v - 1) >> 1 if (v - 1) % 2 == 0 else -(v >> 1)) / 10 ** column["decimals"] for v in raw]

    investment = zone.parcels["investment_wan"].tolist()
    assert numbers(columns["investment_wan"]) == [None if v != v else round(v, 2) for v in investment]
    expected_m2 = [geodesic_m2(g, zone.crs) for g in zone.parcels.geometry]
    assert all(abs(got - want) <= 0.005 + 1e-6 for got, want in zip(numbers(columns["area_m2"]), expected_m2))


def wgs84(geoms, crs) -> np.ndarray:
    """``geoms`` to WGS84 lon/lat with pyproj's Transformer directly: independent of the library's (and geopandas') path."""
    from pyproj import Transformer

    to_wgs84 = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1])))


def test_embedded_coordinates_are_the_parcels_in_wgs84(sample_copy):
    zone = zonemap.open(sample_copy)
    blob = page_data(zone.map(basemap="osm").get_root().render())["layers"]["parcels"]["geometry"]
    features = decode_polygons(blob)
    expected = wgs84(zone.parcels.geometry.values, zone.crs)
    assert len(features) == len(expected)
    for rings, geometry in zip(features, expected):
        assert len(rings) == 1
        exterior = np.asarray(geometry.exterior.coords)[:-1]
        assert np.abs(np.asarray(rings[0]) - exterior).max() <= blob["quantum"] / 2 + 1e-12


def test_encoding_keeps_holes_and_multipolygons(make_zone, tmp_path):
    outer = shapely.box(40525000, 3706000, 40525100, 3706100)
    holed = outer.difference(shapely.box(40525040, 3706040, 40525060, 3706060))
    multi = shapely.MultiPolygon(
        [shapely.box(40525100, 3706000, 40525150, 3706050), shapely.box(40525160, 3706000, 40525200, 3706050)]
    )
    path = make_zone(
        boundary=shapely.box(40525000, 3706000, 40525200, 3706100),
        parcels=[
            {"geometry": holed, "parcel_id": "H", "status": "vacant"},
            {"geometry": multi, "parcel_id": "M", "status": "vacant"},
        ],
    )
    zone = zonemap.open(path)
    features = decode_polygons(page_data(zone.map(basemap="none").get_root().render())["layers"]["parcels"]["geometry"])
    assert [len(rings) for rings in features] == [2, 2]
    rebuilt = [
        shapely.Polygon(rings[0], rings[1:]) if i == 0 else shapely.MultiPolygon([shapely.Polygon(r) for r in rings])
        for i, rings in enumerate(features)
    ]
    expected = wgs84(zone.parcels.geometry.values, zone.crs)
    quantum = page_data(zone.map(basemap="none").get_root().render())["layers"]["parcels"]["geometry"]["quantum"]
    for got, want in zip(rebuilt, expected):
        # Vertices move by at most half a quantum: the difference is a thin band along the outline.
        assert shapely.symmetric_difference(got, want).area < want.length * quantum


@given(st.lists(st.integers(min_value=0, max_value=2**63 - 1), max_size=200))
def test_varints_round_trip(values):
    from zonemap.render.encode import varint_bytes

    assert decode_varints(varint_bytes(values)) == values


@given(st.lists(st.tuples(st.floats(-180, 180), st.floats(-85, 85)), min_size=1, max_size=100))
def test_coordinates_round_trip_within_half_a_quantum(points):
    from zonemap.render.encode import QUANTUM_DEG, encode_coordinates

    decoded = np.array(decode_coordinates(encode_coordinates(np.array(points)), QUANTUM_DEG))
    assert np.abs(decoded - np.array(points)).max() <= QUANTUM_DEG / 2 + 1e-9


# ---------------------------------------------------------------- GCJ-02


def _gcj02_reference(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → GCJ-02 as published (Krasovsky ellipsoid offsets), scalar, in plain math."""
    a, ee = 6378245.0, 0.00669342162296594323
    if not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return lon, lat
    x, y = lon - 105.0, lat - 35.0
    p = math.pi
    common = (20 * math.sin(6 * x * p) + 20 * math.sin(2 * x * p)) * 2 / 3
    shift_lat = -100 + 2 * x + 3 * y + 0.2 * y**2 + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + common
    shift_lat += (20 * math.sin(y * p) + 40 * math.sin(y / 3 * p)) * 2 / 3
    shift_lat += (160 * math.sin(y / 12 * p) + 320 * math.sin(y * p / 30)) * 2 / 3
    shift_lon = 300 + x + 2 * y + 0.1 * x**2 + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + common
    shift_lon += (20 * math.sin(x * p) + 40 * math.sin(x / 3 * p)) * 2 / 3
    shift_lon += (150 * math.sin(x / 12 * p) + 300 * math.sin(x / 30 * p)) * 2 / 3
    phi = lat / 180 * p
    w = 1 - ee * math.sin(phi) ** 2
    lat_out = lat + shift_lat * 180 / ((a * (1 - ee)) / (w * math.sqrt(w)) * p)
    lon_out = lon + shift_lon * 180 / (a / math.sqrt(w) * math.cos(phi) * p)
    return lon_out, lat_out


def test_gcj02_shift_matches_the_published_algorithm(sample_copy):
    zone = zonemap.open(sample_copy)
    shifted = web_geometries(zone.parcels.geometry, basemap="gaode")
    before, after = shapely.get_coordinates(wgs84(zone.parcels.geometry.values, zone.crs)), shapely.get_coordinates(shifted)
    expected = np.array([_gcj02_reference(lon, lat) for lon, lat in before])
    assert np.abs(after - expected).max() < 1e-7
    # A few hundred metres, as the algorithm gives in Jiangsu.
    metres = Geod(ellps="WGS84").inv(before[:, 0], before[:, 1], after[:, 0], after[:, 1])[2]
    assert 200 < metres.min() <= metres.max() < 1000


@pytest.mark.parametrize("basemap", ["osm", "satellite", "none", "tianditu"])
def test_other_basemaps_are_not_shifted(sample_copy, basemap, monkeypatch):
    monkeypatch.setenv("TIANDITU_KEY", "0123456789abcdef0123456789abcdef")
    zone = zonemap.open(sample_copy)
    got = shapely.get_coordinates(web_geometries(zone.parcels.geometry, basemap=basemap))
    assert np.array_equal(got, shapely.get_coordinates(zone.parcels.to_crs("EPSG:4326").geometry.values))
    data = page_data(zone.map(basemap=basemap).get_root().render())
    assert data["note"] is None


def test_outside_china_is_not_shifted():
    from zonemap.render.gcj02 import wgs84_to_gcj02

    lon, lat = wgs84_to_gcj02([2.35, 139.0], [48.85, 60.0])
    assert lon.tolist() == [2.35, 139.0] and lat.tolist() == [48.85, 60.0]
    assert _gcj02_reference(2.35, 48.85) == (2.35, 48.85)


def test_gaode_page_says_it_is_shifted(offline_page, sample_copy, tmp_path):
    out = tmp_path / "gaode.html"
    zonemap.open(sample_copy).map(basemap="gaode").save(str(out))
    page = offline_page
    open_map(page, out)
    assert "GCJ-02" in page.locator(".zm-note").inner_text()
    assert page.evaluate("zonemap.current.layers.parcels.drawn") == 15  # tiles blocked, parcels still there
    page.wait_for_function("document.querySelectorAll('.leaflet-tile').length > 0")
    page.wait_for_timeout(300)
    assert page.blocked and all("autonavi.com" in url for url in page.blocked)


# ---------------------------------------------------------------- command line and variants


def test_cli_help_and_bad_arguments(cli, tmp_path):
    result = cli("map", "--help")
    assert result.returncode == 0 and "--basemap" in result.stdout and "--tianditu-key" in result.stdout
    assert "Replace the output file if it exists" in " ".join(result.stdout.split()) and "DEST" not in result.stdout
    result = cli("map", "--basemap", "google", "-o", tmp_path / "x.html")
    assert result.returncode == 2 and "google" in result.stderr


def test_tianditu_needs_a_key(tmp_path, monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    out = tmp_path / "t.html"
    result = CliRunner().invoke(main, ["map", "--basemap", "tianditu", "-o", str(out)])
    assert result.exit_code == 2 and "--tianditu-key" in result.output and "TIANDITU_KEY" in result.output
    assert not out.exists()
    result = CliRunner().invoke(
        main, ["map", "--basemap", "tianditu", "--tianditu-key", 'abc"><script>', "-o", str(out)]
    )
    assert result.exit_code == 2 and not out.exists() and "not all letters and digits" in result.output
    # Letters and digits, but too short: the message gives the rule that was broken, the length.
    result = CliRunner().invoke(main, ["map", "--basemap", "tianditu", "--tianditu-key", "abc123", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists()
    assert "8 to 64 letters and digits" in result.output and "has 6 characters;" in result.output
    result = CliRunner().invoke(
        main, ["map", "--basemap", "tianditu", "-o", str(out)], env={"TIANDITU_KEY": "0123456789abcdef0123456789abcdef"}
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "tianditu.gov.cn/DataServer?T=vec_w" in html and "tk=0123456789abcdef0123456789abcdef" in html


def test_exactly_one_basemap_is_active(offline_page, sample_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("TIANDITU_KEY", "0123456789abcdef0123456789abcdef")
    for basemap, expected in (("osm", 1), ("satellite", 1), ("tianditu", 1), ("gaode", 1), ("none", 0)):
        out = tmp_path / f"{basemap}.html"
        zonemap.open(sample_copy).map(basemap=basemap).save(str(out))
        offline_page.goto(out.as_uri())
        assert offline_page.locator(".leaflet-control-layers-base input:checked").count() == expected, basemap
        assert offline_page.locator(".leaflet-control-layers-base input").count() == expected, basemap


def test_refuses_to_overwrite_without_the_flag(sample_copy, tmp_path):
    out = tmp_path / "map.html"
    out.write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(main, ["map", str(sample_copy), "-o", str(out)])
    assert result.exit_code == 1 and "--overwrite" in result.output
    assert out.read_text(encoding="utf-8") == "keep me"
    result = CliRunner().invoke(main, ["map", str(sample_copy), "-o", str(out), "--overwrite"])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_written_size_is_in_kb_below_a_megabyte(sample_copy, tmp_path):
    for flags in (["--cdn"], []):
        out = tmp_path / f"map{len(flags)}.html"
        result = CliRunner().invoke(main, ["map", str(sample_copy), "-o", str(out), "--basemap", "none", "--lang", "en", *flags])
        assert result.exit_code == 0, result.output
        size = out.stat().st_size
        assert 10_000 < size < 1_000_000, size  # the sample's page is below a megabyte: the kB branch is the one tested
        assert f"({round(size / 1e3)} kB," in result.output and "MB" not in result.output


def test_refuses_an_output_that_is_not_html(sample_copy, tmp_path):
    out = tmp_path / "x.txt"
    result = CliRunner().invoke(main, ["map", str(sample_copy), "-o", str(out)])
    assert result.exit_code == 1 and "-o x.html" in result.output and not out.exists()


def test_cdn_variant_links_leaflet_and_is_small(sample_copy):
    zone = zonemap.open(sample_copy)
    inline = zone.map(basemap="none").get_root().render()
    linked = zone.map(basemap="none", cdn=True).get_root().render()
    assert re.search(r'<script src="https://[^"]+/leaflet\.js"', linked)
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?:", inline)
    assert len(linked) < len(inline) - 100_000


def test_english_labels(offline_page, sample_copy, tmp_path):
    out = tmp_path / "en.html"
    zonemap.open(sample_copy).map(basemap="none", lang="en").save(str(out))
    open_map(offline_page, out)
    legend = offline_page.locator(".zm-legend").inner_text()
    assert "Tenant" in legend and "Vacant" in legend and "已入驻" not in legend
    assert offline_page.locator('.zm-summary tr[data-key="remaining"] th').inner_text() == "Remaining"
    assert offline_page.get_by_label("Parcel labels").is_checked()


def test_measure_tool_gives_lengths_and_areas_in_mu(offline_page, sample_map):
    page = offline_page
    open_map(page, sample_map)
    zone = zonemap.open(zonemap.sample_path())
    a02 = zone.parcels.set_index("parcel_id").geometry["A02"]
    corners = np.asarray(gpd.GeoSeries([a02], crs=zone.crs).to_crs("EPSG:4326").iloc[0].exterior.coords)[:-1]
    page.click(".zm-measure-button")
    for lon, lat in corners:  # the map's own click handler, at exact corners
        page.evaluate("([lat, lon]) => zonemap.current.map.fire('click', {latlng: L.latLng(lat, lon)})", [lat, lon])
    area_text = page.locator(".zm-measure-area").inner_text()
    shown_mu = float(re.search(r"([\d,.]+) 亩", area_text).group(1).replace(",", ""))
    assert abs(shown_mu - geodesic_mu(a02, zone.crs)) <= 0.01
    geod = Geod(ellps="GRS80")
    open_path = geod.line_length(corners[:, 0], corners[:, 1])
    shown_m = float(
        re.search(r"([\d,.]+) m", page.locator(".zm-measure-length").inner_text()).group(1).replace(",", "")
    )
    assert abs(shown_m - open_path) <= 0.1
    assert page.locator(".zm-popup").count() == 0  # measuring clicks open no popups
    page.click(".zm-measure-button")
    assert page.locator(".zm-measure-area").count() == 0


def test_phone_layout_folds_panels_and_still_draws_everything(browser, sample_map):
    context = browser.new_context(viewport={"width": 390, "height": 780}, is_mobile=True)
    page = context.new_page()
    try:
        open_map(page, sample_map)
        assert page.evaluate("zonemap.current.layers.parcels.drawn") == 15
        assert page.locator(".zm-summary").is_hidden() and page.locator(".zm-legend").is_hidden()
        assert page.locator(".leaflet-control-layers-expanded").count() == 0
        page.click(".zm-summary-panel .zm-toggle")
        assert page.locator(".zm-summary").is_visible()
        # The zone sits between the folded panels, not squeezed beside them.
        width = page.evaluate(
            "(() => { var m = zonemap.current.map, b = L.latLngBounds(zonemap.current.data.bounds);"
            " return m.latLngToContainerPoint(b.getNorthEast()).x - m.latLngToContainerPoint(b.getSouthWest()).x; })()"
        )
        assert width > 0.6 * 390
    finally:
        context.close()


def test_a_zone_draws_in_a_browser_without_decompression_streams(offline_page, sample_map):
    """Older iPhones' WeChat (iOS Safari before 16.4) has no DecompressionStream: a township's zone still draws."""
    page = offline_page
    page.add_init_script("delete window.DecompressionStream; delete window.CompressionStream;")
    open_map(page, sample_map)
    assert page.evaluate("typeof DecompressionStream") == "undefined"
    assert page.evaluate("zonemap.current.layers.parcels.drawn") == 15
    assert not page.errors


def test_only_large_blocks_are_gzipped():
    from zonemap.render.encode import GZIP_FROM_BYTES, RAW_MARK, pack, unpack

    small = {"layers": {"a": {"bytes": b"\x01\x02"}}}
    large = {"layers": {"a": {"bytes": bytes(range(256)) * (GZIP_FROM_BYTES // 256 + 1)}}}
    small_block, large_block = pack(small), pack(large)
    assert small_block.startswith(RAW_MARK)
    assert gzip.decompress(base64.b64decode(large_block))[:4]  # a real gzip stream, no mark
    assert unpack(small_block)[1] == b"\x01\x02"
    assert unpack(large_block)[1] == large["layers"]["a"]["bytes"]
