"""The report: offline in headless Chromium, figures equal to the CLI's JSON, everything escaped."""

from __future__ import annotations

import base64
import html
import json

import pytest
import shapely
from markdown_it import MarkdownIt

import zonemap
from conftest import make_zone_file
from zonemap.render.report import charts, report_data

X0, Y0 = 40525000.0, 3706000.0  # EPSG:4528
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


@pytest.fixture
def hostile_zone(tmp_path):
    """A zone whose tenant, prospect and zone names are markup."""
    parcels = [
        {"parcel_id": "T1", "status": "tenant", "tenant": SCRIPT, "investment_wan": 500.0, "geometry": box(0, 0, 100, 100)},
        {"parcel_id": "V|1", "status": "vacant", "geometry": box(100, 0, 200, 100)},
    ]
    prospects = [{"name": IMG, "industry": "五金 | 工具", "need_mu": 5.0, "stage": "intent"}]
    return make_zone_file(tmp_path / "hostile.gpkg", boundary=box(0, 0, 200, 100), parcels=parcels, prospects=prospects, name=f"园区{SCRIPT}")


def json_of(cli, *args):
    result = cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_html_report_offline_shows_charts_and_the_clis_figures(sample_copy, cli, offline_page, tmp_path):
    out = tmp_path / "report.html"
    result = cli("report", sample_copy, "-o", out)
    assert result.returncode == 0, result.stderr
    page = offline_page
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert page.blocked == [] and page.errors == []
    for chart in ("land", "intensity"):
        width = page.eval_on_selector(f"#chart-{chart}", "img => img.complete ? img.naturalWidth : 0")
        assert width > 300, chart
    # The zone map, framed in the report, draws every parcel with no network.
    zone_map = page.query_selector("#zone-map").content_frame()
    zone_map.wait_for_function("window.zonemap && zonemap.current && zonemap.current.ready")
    assert zone_map.evaluate("zonemap.current.layers.parcels.drawn") == len(zonemap.open(sample_copy).parcels)
    assert page.query_selector("#zone-map").bounding_box()["height"] > 300
    page.wait_for_timeout(300)  # time for any late request to show up
    assert page.blocked == [] and page.errors == []

    # On paper: the print map (legend beside its frame, no buttons) replaces the live map; tables stay whole.
    page.emulate_media(media="print")
    assert not page.is_visible("#zone-map")
    assert page.eval_on_selector("#print-map img", "img => img.complete ? img.naturalWidth : 0") > 300
    assert page.eval_on_selector("table", "t => getComputedStyle(t).breakInside") == "avoid"
    html = out.read_text(encoding="utf-8")
    src = html.split('<figure id="print-map" class="print-only"><img src="data:image/svg+xml;base64,')[1].split('"')[0]
    svg = base64.b64decode(src).decode("utf-8")
    assert "图例" in svg and "比例尺 1:" in svg and "<text" in svg  # text the browser draws, legend beside the frame

    ledger = json_of(cli, "areas", sample_copy)
    for key in ("planned", "boundary", "roads", "unparcelled", "developed_total", "remaining", "ready", "raw"):
        assert page.inner_text(f'[data-ledger="{key}"]') == f"{ledger[key]:,.2f}", key
    for status, group in ledger["by_status"].items():
        assert page.inner_text(f'[data-ledger="{status}"]') == f"{group['area']:,.2f}", status
    indicators = json_of(cli, "indicators", sample_copy)
    # Written out by hand (the sample: 100 亩 developed of 300 − 36.45 roads, 2 × 1000 万元 on 32.16 亩 let).
    shown = {
        "land_development_rate": "37.94%", "supply_rate": "32.16%", "built_up_rate": "100.00%", "floor_area_ratio": "0.54",
        "building_coverage": "40.11%", "investment_intensity_mu": "62.19 万元/亩", "investment_intensity_ha": "932.86 万元/公顷",
        "infrastructure_per_developed_mu": "0.50 万元/亩", "reused_buildings": "2 栋", "reused_floor_area": "11,600.00 m²",
        "idle_buildings": "1 栋",
    }
    for key in indicators["indicators"]:
        assert page.inner_text(f'[data-indicator="{key}"]') == shown[key], key
    assert indicators["indicators"]["land_development_rate"]["value"] is not None

    embedded = json.loads(page.inner_text("#zonemap-data"))
    report = json_of(cli, "report", sample_copy)
    assert embedded["ledger"] == ledger == report["ledger"]
    assert embedded["indicators"] == indicators
    remaining = json_of(cli, "remaining", sample_copy, "--prospects")
    assert embedded["prospects"] == remaining["prospects"]
    assert "A05" in page.inner_text("#prospects + .wide table")


def test_every_string_is_escaped_in_html(hostile_zone, offline_page, tmp_path, cli):
    out = tmp_path / "report.html"
    assert cli("report", hostile_zone, "-o", out).returncode == 0
    html = out.read_text(encoding="utf-8")
    assert SCRIPT not in html and "<img src=x" not in html  # also inside the framed map's srcdoc
    dialogs = []
    offline_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    offline_page.goto(out.as_uri())
    offline_page.wait_for_load_state("load")
    assert dialogs == []
    assert offline_page.inner_text("[data-tenant]") == SCRIPT
    assert IMG in offline_page.inner_text("#prospects + .wide table")
    assert offline_page.title().endswith("用地报告") and SCRIPT in offline_page.title()


def test_markdown_report_escapes_and_writes_charts_beside_it(hostile_zone, tmp_path, cli):
    out = tmp_path / "report.md"
    result = cli("report", hostile_zone, "-o", out, "--lang", "en")
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "## Area ledger" in text and "## Indicators" in text
    rendered = MarkdownIt("commonmark").enable("table").render(text)  # as a Markdown viewer shows it
    assert "<script>" not in rendered and rendered.count("<img") == 2  # the two charts only
    assert html.escape(SCRIPT) in rendered and html.escape(IMG) in rendered
    assert "<td>五金 | 工具</td>" in rendered and "V|1" in rendered
    for name in ("land", "intensity"):
        svg = tmp_path / f"report-{name}.svg"
        assert b"<svg" in svg.read_bytes()[:1000]
        assert f"]({svg.name})" in text
    assert "](report-map.html)" in text
    assert SCRIPT not in (tmp_path / "report-map.html").read_text(encoding="utf-8")


def test_charts_are_svg_with_text_as_text_and_need_no_chinese_font(monkeypatch):
    from zonemap.render import fonts

    monkeypatch.setattr(fonts, "cjk_font", lambda: None)  # a fresh machine: no font with Chinese glyphs
    data = report_data(zonemap.open(zonemap.sample_path()))
    svgs = charts(data, "zh")
    for svg in svgs.values():
        assert svg.lstrip().startswith(b"<?xml") and b"<text" in svg
    land = svgs["land"].decode("utf-8")
    assert "已入驻" in land and "用地" in land  # the labels are text the browser draws, not glyph paths
    assert "厚翔服装厂" in svgs["intensity"].decode("utf-8")


def test_report_refuses_to_clobber_and_wrong_formats(sample_copy, tmp_path, cli):
    out = tmp_path / "report.html"
    out.write_text("keep me")
    refused = cli("report", sample_copy, "-o", out)
    assert refused.returncode == 1 and "--overwrite" in refused.stderr and out.read_text() == "keep me"
    assert cli("report", sample_copy, "-o", out, "--overwrite").returncode == 0
    pdf = cli("report", sample_copy, "-o", tmp_path / "r.pdf")
    assert pdf.returncode == 1 and ".html, .md or .docx" in pdf.stderr
    missing = cli("report", sample_copy)
    assert missing.returncode == 2 and "-o report.html" in missing.stderr
    english = tmp_path / "en.html"
    assert cli("report", sample_copy, "-o", english, "--lang", "en").returncode == 0
    assert "Land report" in english.read_text(encoding="utf-8")


def test_tenants_table_heads_its_parcel_ids_with_parcel_not_count():
    # The tenants table lists parcel ids (A01, ...): 地块, not 地块数 (a count), in HTML and Markdown.
    zone = zonemap.open(zonemap.sample_path())
    data = report_data(zone)
    from zonemap.render.report import render_html, render_markdown

    md = render_markdown(data, {"land": "l.png", "intensity": "i.png", "map": "m.html"}).split("\n")
    tenants_header = md[md.index("## 入驻企业") + 2]
    assert tenants_header.split("|")[2].strip() == "地块"
    html = render_html(data, {})
    tenants = html[html.index('id="tenants"') :]
    assert "<th>地块</th>" in tenants[: tenants.index("</tr>")]
    let = zone.parcels.loc[zone.parcels["status"] == "tenant", "parcel_id"].tolist()
    assert let and all(f"<td>{pid}" in tenants for pid in let)


def test_report_on_a_phone_scrolls_wide_tables_in_their_own_box(browser, sample_copy, cli, tmp_path):
    out = tmp_path / "report.html"
    assert cli("report", sample_copy, "-o", out).returncode == 0
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    try:
        # The page itself never scrolls sideways; each table scrolls in a box of its own.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        boxes = page.evaluate("[...document.querySelectorAll('table')].map(t => getComputedStyle(t.parentElement).overflowX)")
        assert boxes and set(boxes) == {"auto"}
        # No column squeezed to two characters a line: every cell at least three CJK characters wide.
        font = page.evaluate("parseFloat(getComputedStyle(document.querySelector('td')).fontSize)")
        narrowest = page.evaluate("Math.min(...[...document.querySelectorAll('td, th')].map(c => c.getBoundingClientRect().width))")
        assert narrowest >= 3 * font, (narrowest, font)
        page.screenshot(path=str(tmp_path / "report-phone.png"), full_page=True)
    finally:
        context.close()


def test_the_english_report_is_wholly_english_and_the_chinese_one_wholly_chinese(make_zone, cli, tmp_path):
    """Reasons, input names and n/a in the report's language (a zone without buildings or investment)."""
    import re

    square = shapely.box(40525000, 3706000, 40525100, 3706100)
    zone = make_zone(boundary=square, parcels=[{"parcel_id": "T1", "status": "tenant", "tenant": "甲厂", "geometry": square}], planned_mu=20)
    english, chinese = tmp_path / "en.md", tmp_path / "zh.md"
    assert cli("report", zone, "-o", english, "--lang", "en").returncode == 0
    assert cli("report", zone, "-o", chinese, "--lang", "zh").returncode == 0
    # Markdown escapes (, ) and _ with a backslash; read the text as a planner's viewer shows it.
    en, zh = (path.read_text(encoding="utf-8").replace("\\", "") for path in (english, chinese))
    assert "no buildings recorded in the buildings layer" in en and "tenant parcel(s) T1 have no investment_wan" in en
    assert "developed total (mu) = 15.00" in en
    # Chinese only in the zone's own name and data (测试园区, 甲厂) and the 三调 method note.
    assert set(re.findall(r"[\u4e00-\u9fff]+", en)) <= {"测试园区", "甲厂", "三调"}
    assert "buildings 图层未登记建筑" in zh and "已入驻地块 T1 缺投资额" in zh and "已开发面积（亩） = 15.00" in zh
    assert "developed_total_mu" not in zh and "n/a" not in zh and "no buildings" not in zh
    # The data checks too (the boundary measures 15 mu, the plan says 20).
    assert "- warning [planned_mismatch] boundary: measures 15.00 mu but the plan declares 20.00 mu (over 0.5% apart); " \
           "check the boundary or correct planned_mu\n" in en
    assert "- 警告 [planned_mismatch] boundary：实测 15.00 亩，规划面积为 20.00 亩（相差超过 0.5%）；请检查边界或修正 planned_mu\n" in zh
