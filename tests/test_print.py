"""`zonemap print`: the PDF read back with pypdf, a page rendered to PNG with pdfium and looked at."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pypdf
import pypdfium2
import pytest

import zonemap
from zonemap.render import fonts, printmap
from zonemap.status import STATUS_COLOURS

DPI = 100


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(inner, outer, tolerance=0.01) -> bool:
    return inner[0] >= outer[0] - tolerance and inner[1] >= outer[1] - tolerance and inner[2] <= outer[2] + tolerance and inner[3] <= outer[3] + tolerance


def test_pdf_has_the_map_elements_as_real_text_with_the_font_embedded(cli, tmp_path):
    out = tmp_path / "用地现状图.pdf"
    result = cli("print", "-o", out, "--by", "某镇规划办")
    assert result.returncode == 0, result.stderr
    assert "1:5000" in result.stderr
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    width_pt, height_pt = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (width_pt * 25.4 / 72, height_pt * 25.4 / 72) == (pytest.approx(210, abs=0.5), pytest.approx(297, abs=0.5))
    text = reader.pages[0].extract_text()
    for expected in (
        "示例工业集中区 用地现状图",
        "图例",
        "北",
        "比例尺 1:5000",
        "坐标系：2000国家大地坐标系 3°带 第40带",
        "制图单位：某镇规划办",
        f"制图日期：{date.today().isoformat()}",
        "数据来源：sample_zone.gpkg",
        "厚翔服装厂",  # a tenant's label
        "纬一路",  # a road's name
        "已入驻  2块 32.16亩",  # the legend with its 亩 total (= zonemap areas)
    ):
        assert expected in text, expected
    fonts_used = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert all(font["/Subtype"] != "/Type3" for font in fonts_used)  # TrueType, not glyphs drawn as shapes
    descriptors = [f["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts_used if "/DescendantFonts" in f]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # embedded


def _blend(colour: str, opacity: float = 0.62) -> np.ndarray:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    return 255 - opacity * (255 - rgb)


@pytest.mark.parametrize("landscape", [False, True])
def test_frame_holds_every_parcel_and_nothing_overlaps(tmp_path, landscape):
    zone = zonemap.open(zonemap.sample_path())
    out = tmp_path / "map.pdf"
    layout = printmap.write_print(zone, out, landscape=landscape, by="测试")
    boxes = layout.boxes
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        assert not _overlap(box_a, box_b), (a, b)
    for a, b in itertools.combinations(layout.labels, 2):
        assert not _overlap(a, b)
    assert all(_inside(label, boxes["frame"]) for label in layout.labels)
    assert len(layout.label_ids) == len(zone.parcels)  # at 1:5000 every sample parcel has room for its label
    if landscape:  # the panel has room for the area ledger under the legend (inside the legend's box, checked above)
        text = pypdf.PdfReader(out).pages[0].extract_text()
        assert "面积台账（亩）" in text and f"{zone.areas()['remaining']:,.2f} 亩" in text

    # To scale: the frame's width on paper times the ratio is its width on the ground.
    frame = boxes["frame"]
    assert (frame[2] - frame[0]) * layout.scale / 1000 == pytest.approx(layout.extent[2] - layout.extent[0], rel=1e-6)
    west, south, east, north = zone.parcels.total_bounds
    assert layout.extent[0] < west and east < layout.extent[2] and layout.extent[1] < south and north < layout.extent[3]

    # On the rendered page, every pixel of a parcel colour lies in the frame (or the legend's swatches).
    pixels = np.asarray(pypdfium2.PdfDocument(out)[0].render(scale=DPI / 72).to_pil().convert("RGB"), dtype=float)
    height_px = pixels.shape[0]

    def region(box):
        x0, y0, x1, y1 = (v * DPI / 25.4 for v in box)
        return slice(int(height_px - y1) - 1, int(height_px - y0) + 1), slice(int(x0) - 1, int(x1) + 1)

    allowed = np.zeros(pixels.shape[:2], dtype=bool)
    for name in ("frame", "legend"):
        allowed[region(boxes[name])] = True
    in_frame = np.zeros_like(allowed)
    in_frame[region(frame)] = True
    for status, colour in STATUS_COLOURS.items():
        match = np.all(np.abs(pixels - _blend(colour)) <= 3, axis=2)
        assert match[in_frame].sum() > 500, status  # drawn, inside the frame
        assert not match[~allowed].any(), status  # and nowhere else


def test_compare_names_both_dates(cli, sample_copy, tmp_path):
    import shutil

    old = shutil.copy(sample_copy, tmp_path / "old.gpkg")
    assert cli("set", sample_copy, "B03", "--status", "已入驻", "--tenant", "新企业", "--by", "测试").returncode == 0
    out = tmp_path / "compare.pdf"
    result = cli("print", sample_copy, "--compare", old, "-o", out)
    assert result.returncode == 0, result.stderr
    text = pypdf.PdfReader(out).pages[0].extract_text()
    assert "用地变化对比图" in text
    assert f"对比：2026-11-01 → {date.today().isoformat()}" in text


def test_scale_that_does_not_fit_is_refused_naming_one_that_does(cli, tmp_path):
    out = tmp_path / "map.pdf"
    result = cli("print", "-o", out, "--scale", "1000")
    assert result.returncode == 1
    assert "at 1:1000; use --scale 5000" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_no_chinese_font_says_what_to_install(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with pytest.raises(fonts.FontError, match="apt-get install fonts-wqy-microhei"):
        printmap.print_map(zonemap.open(zonemap.sample_path()), lang="zh")
    with pytest.raises(fonts.FontError):  # English words, but the zone's names are Chinese: no boxes for glyphs
        printmap.print_map(zonemap.open(zonemap.sample_path()), lang="en")


def test_long_names_never_overlap_the_frame_legend_or_north_arrow(make_zone, tmp_path):
    import shapely

    long = "某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某" * 2
    zone_path = make_zone(
        boundary=shapely.box(40525000, 3706000, 40525300, 3706200),
        parcels=[
            {"geometry": shapely.box(40525000, 3706000, 40525150, 3706200), "parcel_id": "L1", "status": long, "tenant": long},
            {"geometry": shapely.box(40525150, 3706000, 40525300, 3706200), "parcel_id": "L2", "status": "vacant"},
        ],
    )
    layout = printmap.write_print(zonemap.open(zone_path), tmp_path / "long.pdf", title=long, by=long)
    for (a, box_a), (b, box_b) in itertools.combinations(layout.boxes.items(), 2):
        assert not _overlap(box_a, box_b), (a, b)
    assert all(_inside(box, (0, 0, *layout.paper_mm)) for box in layout.boxes.values())
