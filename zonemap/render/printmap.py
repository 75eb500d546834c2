"""The print map (用地现状图): the zone's page on A4/A3 paper at a ratio scale, as vector PDF or PNG.

Drawn with matplotlib from the zone's :class:`~zonemap.render.page.Page`
(the same layers, colours, legend rows and words as the HTML map) in the
zone's own projected CRS, so 1 mm on paper is ``scale`` mm on the ground.
The sheet carries what a Chinese planning map must: 图名, the map frame,
图例 with counts and 亩, 指北针, 比例尺 (ratio and bar), 坐标系 (from the
CRS), 制图单位, 制图日期 and 数据来源. Parcel labels (id, tenant, 亩) are
placed only where they fit inside their parcel and clear of every other
label; road names run along their roads. Text is TrueType embedded in the
PDF (:mod:`zonemap.render.fonts`), so it stays searchable text.

The page is laid out in millimetres from the sheet's lower-left corner;
:class:`PrintLayout` reports where each element landed, measured from the
renderer, so tests can check that nothing overlaps.

Examples
--------
>>> import zonemap
>>> figure, layout = print_map(zonemap.open(zonemap.sample_path()), paper="A3", landscape=True)
>>> layout.scale, layout.paper_mm
(2000, (420.0, 297.0))
"""

from __future__ import annotations

import itertools
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely

from zonemap.errors import ZonemapError
from zonemap.i18n import word
from zonemap.render import write_page
from zonemap.render.page import Page, build_page
from zonemap.units import DECIMALS

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from pyproj import CRS

    from zonemap.zone import Zone

PAPERS_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
#: The ratio scales of Chinese planning and survey maps, largest first.
SCALES: tuple[int, ...] = (500, 1000, 2000, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000)
FORMATS = (".pdf", ".png", ".svg")
MARGIN_MM, TITLE_MM, GAP_MM = 10.0, 20.0, 4.0
#: The panel of legend, scale and notes: below the frame (portrait) or beside it (landscape).
PANEL_MM = {"portrait": 52.0, "landscape": 72.0}
_MM_PER_INCH = 25.4
_PARCEL_EDGE = "#555555"
#: Font size of parcel labels (points).
_LABEL_POINTS = 6.5
_CRS_DATUMS = {"China 2000": "crs_cgcs2000", "Xian 1980": "crs_xian80", "Beijing 1954": "crs_beijing54", "World Geodetic System 1984": "crs_wgs84"}


class PrintError(ZonemapError):
    """The map cannot be printed as asked (the zone does not fit the paper at that scale, no projected CRS)."""


@dataclass
class PrintLayout:
    """Where things landed on the sheet, in mm from its lower-left corner (x0, y0, x1, y1), as rendered."""

    paper_mm: tuple[float, float]
    scale: int
    extent: tuple[float, float, float, float]
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    labels: list[tuple[float, float, float, float]] = field(default_factory=list)
    label_ids: list[str] = field(default_factory=list)


def crs_description(crs: CRS, lang: str = "zh") -> str:
    """The CRS as a map's 坐标系 line, e.g. ``2000国家大地坐标系 3°带 第40带``.

    >>> from pyproj import CRS
    >>> crs_description(CRS.from_epsg(4528))
    '2000国家大地坐标系 3°带 第40带'
    >>> crs_description(CRS.from_epsg(4549), "en")
    'CGCS2000, 3° zone, central meridian 120°'
    """
    datum = next((word(code, lang) for name, code in _CRS_DATUMS.items() if name in (crs.datum.name if crs.datum else "")), None)
    zone = re.search(r"(\d)-degree Gauss-Kruger zone (\d+)", crs.name)
    if datum is None:
        return crs.name
    separator = " " if lang == "zh" else ", "
    if zone:
        return f"{datum}{separator}{word('crs_gk_zone', lang, degrees=zone.group(1), zone=zone.group(2))}"
    operation = crs.coordinate_operation
    central = next((p.value for p in operation.params if str(p.code) == "8802"), None) if operation else None
    if central is not None:
        band = re.search(r"(\d)-degree", crs.name)
        band = f"{word('crs_band', lang, degrees=band.group(1))} " if band else ""
        return f"{datum}{separator}{band}{word('crs_central_meridian', lang, lon=f'{central:g}')}"
    return datum


def choose_scale(extent_m: tuple[float, float], frame_mm: tuple[float, float], scale: int | None = None) -> int:
    """The largest standard scale at which ``extent_m`` (width, height) fits the frame, or check a given one.

    >>> choose_scale((600, 330), (190, 195))
    5000
    >>> choose_scale((600, 330), (380, 250))
    2000
    """
    needed = max(extent_m[0] * 1000 / frame_mm[0], extent_m[1] * 1000 / frame_mm[1])
    if scale is not None:
        if scale < needed:
            fits = next((s for s in SCALES if s >= needed), None)
            raise PrintError(
                f"the zone ({extent_m[0]:,.0f} × {extent_m[1]:,.0f} m) does not fit the map frame "
                f"({frame_mm[0]:.0f} × {frame_mm[1]:.0f} mm) at 1:{scale}; use --scale {fits or math.ceil(needed)}, "
                "--paper A3 or --landscape"
            )
        return scale
    return next((s for s in SCALES if s >= needed), math.ceil(needed / 1000) * 1000)


def _frame_and_panel(paper_mm: tuple[float, float], landscape: bool) -> tuple[tuple, tuple, tuple]:
    """Boxes (x0, y0, x1, y1 in mm) of the title band, the map frame and the panel."""
    width, height = paper_mm
    title = (MARGIN_MM, height - MARGIN_MM - TITLE_MM, width - MARGIN_MM, height - MARGIN_MM)
    top = title[1] - GAP_MM
    if landscape:
        panel = (width - MARGIN_MM - PANEL_MM["landscape"], MARGIN_MM, width - MARGIN_MM, top)
        frame = (MARGIN_MM, MARGIN_MM, panel[0] - GAP_MM, top)
    else:
        panel = (MARGIN_MM, MARGIN_MM, width - MARGIN_MM, MARGIN_MM + PANEL_MM["portrait"])
        frame = (MARGIN_MM, panel[3] + GAP_MM, width - MARGIN_MM, top)
    return title, frame, panel


def _rgb(colour: str | None, opacity: float = 1.0) -> tuple | str:
    """A style colour over white paper, opaque (print has no transparency to rely on)."""
    if colour is None:
        return "none"
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    return tuple(1 - opacity * (1 - rgb))


def _linestyle(style: dict):
    dash = style.get("dash")
    return (0, tuple(d * 0.5 for d in dash)) if dash else "solid"


def _path(geometry):
    """A (multi)polygon as one matplotlib Path, holes included."""
    from matplotlib.path import Path as MplPath

    vertices, codes = [], []
    for polygon in shapely.get_parts(geometry):
        if polygon.is_empty or polygon.geom_type != "Polygon":
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            xy = np.asarray(ring.coords)[:, :2]
            vertices.append(xy)
            codes += [MplPath.MOVETO, *[MplPath.LINETO] * (len(xy) - 2), MplPath.CLOSEPOLY]
    return MplPath(np.concatenate(vertices), codes) if vertices else None


def _hatch(style: dict) -> str | None:
    """Diagonal hatching for a style that asks for it (land held for a prospect), drawn in its stroke colour."""
    return "////" if style.get("hatch") else None


def _draw_layer(axes, layer, *, edge: str | None = None) -> None:
    from matplotlib.patches import PathPatch

    class_of = layer.class_of or [0] * len(layer.frame)
    for geometry, cls in zip(layer.frame.geometry, class_of):
        path = _path(geometry) if geometry is not None else None
        if path is None:
            continue
        style = layer.styles[cls]
        axes.add_patch(
            PathPatch(
                path,
                facecolor=_rgb(style["fill"], style.get("fillOpacity", 1.0)),
                edgecolor=edge or style["stroke"],
                linewidth=style["weight"] * 0.5,
                linestyle=_linestyle(style),
                hatch=_hatch(style),
            )
        )


def _mm_box(bbox, dpi: float) -> tuple[float, float, float, float]:
    """A display bbox (pixels) in mm."""
    k = _MM_PER_INCH / dpi
    return (bbox.x0 * k, bbox.y0 * k, bbox.x1 * k, bbox.y1 * k)


def _fit_text(text, renderer, max_width_px: float, smallest: float = 5.0) -> None:
    """Shrink a text's font until it is at most ``max_width_px`` wide; past ``smallest``, cut it short with "…"."""
    while text.get_window_extent(renderer).width > max_width_px and text.get_fontsize() > smallest:
        text.set_fontsize(text.get_fontsize() - 0.5)
    while text.get_window_extent(renderer).width > max_width_px and len(text.get_text()) > 1:
        text.set_text(text.get_text()[:-2] + "…")


def _place_labels(axes, page: Page, renderer, taken: list) -> tuple[list, list[str]]:
    """Parcel labels where they fit: id, tenant and 亩, else id and 亩, else id; largest parcels first.

    A label goes on the parcel's open ground when it fits there, else anywhere
    on the parcel on a pale patch (dark buildings would swallow black text);
    never over another label.
    """
    frame = page.layers["parcels"].frame
    buildings = page.layers.get("buildings")
    built = shapely.union_all(buildings.frame.geometry.values) if buildings is not None else None
    to_display = axes.transData.transform
    # Parcels too small on paper for even their id are passed over before any text is laid out.
    bounds = shapely.bounds(frame.geometry.values)
    corners = to_display(np.nan_to_num(bounds).reshape(-1, 2)).reshape(-1, 4)
    points = _LABEL_POINTS * axes.figure.dpi / 72
    ids_len = frame["parcel_id"].astype(str).str.len().to_numpy()
    roomy = (corners[:, 2] - corners[:, 0] >= 0.5 * points * ids_len) & (corners[:, 3] - corners[:, 1] >= points)
    placed, ids = [], []
    for i in np.argsort(-frame["area_m2"].to_numpy(), kind="stable"):
        if not roomy[i]:
            continue
        row = frame.iloc[i]
        geometry = row.geometry
        if geometry is None or geometry.is_empty:
            continue
        grounds = [geometry.difference(built), geometry] if built is not None and geometry.intersects(built) else [geometry]
        mu = f"{row['area_mu']:,.{DECIMALS['mu']}f}{page.mu}"
        tenant = row["tenant"] if isinstance(row["tenant"], str) and row["tenant"] else None
        variants = [[row["parcel_id"], tenant, mu], [row["parcel_id"], mu], [row["parcel_id"]]]
        for lines, ground in itertools.product(variants, grounds):
            if ground.is_empty:
                continue
            anchor = shapely.point_on_surface(ground)
            lines = [str(line) for line in lines if line]
            text = axes.text(anchor.x, anchor.y, "\n".join(lines), ha="center", va="center", fontsize=_LABEL_POINTS, linespacing=1.15, color="#111111")
            extent = text.get_window_extent(renderer)
            box = shapely.box(extent.x0, extent.y0, extent.x1, extent.y1)
            if shapely.transform(ground, to_display).contains(box) and not any(box.intersects(other) for other in taken):
                if len(grounds) > 1 and ground is geometry:
                    text.set_bbox({"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 0.6})
                taken.append(box)
                placed.append(extent)
                ids.append(str(row["parcel_id"]))
                break
            text.remove()
    return placed, ids


def _road_names(axes, page: Page, renderer, taken: list) -> None:
    """Each road's name along it, inside the frame; near-vertical roads read top to bottom, a character a line."""
    roads = page.layers.get("roads")
    if roads is None:
        return
    x0, x1 = axes.get_xlim()
    y0, y1 = axes.get_ylim()
    window = shapely.box(x0, y0, x1, y1)
    to_display = axes.transData.transform
    for geometry, name in zip(roads.frame.geometry, roads.frame["name"]):
        if not isinstance(name, str) or not name or geometry is None:
            continue
        inside = geometry.intersection(window)
        if inside.is_empty:
            continue
        rectangle = np.asarray(shapely.minimum_rotated_rectangle(inside).exterior.coords)
        sides = np.diff(rectangle[:3], axis=0)
        longest = sides[np.argmax(np.hypot(*sides.T))]
        angle = math.degrees(math.atan2(longest[1], longest[0]))
        angle = (angle + 90) % 180 - 90  # readable: never upside down
        anchor = shapely.point_on_surface(inside)
        vertical = abs(angle) > 60
        text = axes.text(
            anchor.x, anchor.y, "\n".join(name) if vertical else name, rotation=0 if vertical else angle,
            rotation_mode="anchor", ha="center", va="center", fontsize=7, color="#333333", linespacing=1.0,
        )
        extent = text.get_window_extent(renderer)
        box = shapely.box(extent.x0, extent.y0, extent.x1, extent.y1)
        if not shapely.transform(inside, to_display).buffer(2).contains(box) or any(box.intersects(o) for o in taken):
            text.remove()
            continue
        taken.append(box)


def _data_date(zone: Zone) -> str:
    """When the zone's data last changed (:func:`zonemap.diff.data_date`), else today."""
    from zonemap.diff import data_date

    return data_date(zone) or date.today().isoformat()


def _nice_length(max_m: float) -> float:
    """The longest 1, 2 or 5 × 10^k metres not over ``max_m``."""
    exponent = math.floor(math.log10(max_m))
    return max(m * 10**exponent for m in (1, 2, 5) if m * 10**exponent <= max_m)


def print_map(
    zone: Zone,
    *,
    lang: str = "zh",
    paper: str = "A4",
    landscape: bool = False,
    scale: int | None = None,
    by: str | None = None,
    title: str | None = None,
    compare_with: Zone | None = None,
    today: str | None = None,
    font_required: bool = True,
) -> tuple[Figure, PrintLayout]:
    """The print map of ``zone`` as a matplotlib Figure (A4/A3) and where its parts landed.

    Parameters
    ----------
    zone : the zone to print
    lang : ``zh`` or ``en``
    paper, landscape : the sheet: ``A4`` or ``A3``, portrait unless ``landscape``
    scale : the ratio's denominator (2000 for 1:2000); by default the largest of :data:`SCALES` that fits
    by : 制图单位, the office that made the map
    title : 图名; by default the page's (zone name and 用地现状图)
    compare_with : an older version of the zone: parcels coloured by what changed, both dates named
    today : 制图日期 (ISO date); by default today
    font_required : False for SVG, whose text the browser draws: then no CJK font is needed to lay it out
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon, Rectangle

    from zonemap.render.fonts import print_rc

    if paper not in PAPERS_MM:
        raise PrintError(f"unknown paper {paper!r}; use one of {', '.join(PAPERS_MM)}")
    crs = zone.crs
    if crs is None or not crs.is_projected:
        raise PrintError(f"{zone.path}: parcels are in {crs.name if crs else 'no CRS'}; a ratio-scale map needs a projected CRS in metres (re-import with --crs EPSG:4528 or the like)")
    compare = None
    if compare_with is not None:
        from zonemap.diff import diff

        compare = diff(compare_with, zone)
    page = build_page(zone, lang=lang, title=title, compare=compare)
    width, height = PAPERS_MM[paper]
    paper_mm = (height, width) if landscape else (width, height)
    title_box, frame_box, panel = _frame_and_panel(paper_mm, landscape)
    frame_mm = (frame_box[2] - frame_box[0], frame_box[3] - frame_box[1])
    outline = zone.boundary if len(zone.boundary) else zone.parcels
    bounds = shapely.total_bounds(np.concatenate([outline.geometry.values, zone.parcels.geometry.values]))
    extent_m = (bounds[2] - bounds[0], bounds[3] - bounds[1])
    # 2 % clear of the frame line on every side, so no parcel touches it.
    ratio = choose_scale((extent_m[0] * 1.04, extent_m[1] * 1.04), frame_mm, scale)
    centre = ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    half = (frame_mm[0] / 2000 * ratio, frame_mm[1] / 2000 * ratio)
    extent = (centre[0] - half[0], centre[1] - half[1], centre[0] + half[0], centre[1] + half[1])

    words = [page.title, *(row["label"] for row in page.legend), *page.layers["parcels"].frame["tenant"].dropna().astype(str)]
    rc = print_rc(lang, what="the print map", texts=words, required=font_required)
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        if not font_required:
            warnings.filterwarnings("ignore", message=".*missing from font")
        figure = Figure(figsize=(paper_mm[0] / _MM_PER_INCH, paper_mm[1] / _MM_PER_INCH), dpi=100)
        canvas = FigureCanvasAgg(figure)
        renderer = canvas.get_renderer()
        dpi = figure.dpi

        def axes_at(box, **kwargs):
            return figure.add_axes((box[0] / paper_mm[0], box[1] / paper_mm[1], (box[2] - box[0]) / paper_mm[0], (box[3] - box[1]) / paper_mm[1]), **kwargs)

        def mm_axes(box):
            """Axes over ``box`` whose data units are mm from the box's lower-left corner."""
            axes = axes_at(box)
            axes.set_xlim(0, box[2] - box[0])
            axes.set_ylim(0, box[3] - box[1])
            axes.set_axis_off()
            return axes

        # The map frame, to scale.
        axes = axes_at(frame_box)
        axes.set_xlim(extent[0], extent[2])
        axes.set_ylim(extent[1], extent[3])
        axes.set_xticks([])
        axes.set_yticks([])
        for spine in axes.spines.values():
            spine.set_linewidth(1.0)
        for key in ("roads", "parcels", "holds", "buildings", "boundary"):
            if key in page.layers:
                _draw_layer(axes, page.layers[key], edge=_PARCEL_EDGE if key == "parcels" else None)
        taken: list = []
        _road_names(axes, page, renderer, taken)
        labels, label_ids = _place_labels(axes, page, renderer, taken)

        # Title band: 图名 centred, 指北针 at its right end.
        band = mm_axes(title_box)
        band_w, band_h = title_box[2] - title_box[0], title_box[3] - title_box[1]
        arrow_w = 12.0
        north = mm_axes((title_box[2] - arrow_w, title_box[1], title_box[2], title_box[3]))
        north.add_patch(Polygon([(arrow_w / 2, band_h - 1), (arrow_w / 2 - 3.5, 6), (arrow_w / 2, 8), (arrow_w / 2 + 3.5, 6)], closed=True, facecolor="black"))
        north.text(arrow_w / 2, 0.5, word("print_north", lang), ha="center", va="bottom", fontsize=10)
        heading = band.text(band_w / 2, band_h - 2, page.title, ha="center", va="top", fontsize=18)
        _fit_text(heading, renderer, (band_w - 2 * (arrow_w + 2)) / _MM_PER_INCH * dpi)
        subtitle = None
        if compare_with is not None:
            subtitle = band.text(band_w / 2, 1, word("print_compare", lang, old=_data_date(compare_with), new=_data_date(zone)), ha="center", va="bottom", fontsize=10)

        # The panel: legend on one side, scale and notes on the other.
        if landscape:
            split = panel[1] + (panel[3] - panel[1]) * 0.36
            legend_box, notes_box = (panel[0], split + GAP_MM / 2, panel[2], panel[3]), (panel[0], panel[1], panel[2], split - GAP_MM / 2)
        else:
            split = panel[0] + (panel[2] - panel[0]) * 0.5
            legend_box, notes_box = (panel[0], panel[1], split - GAP_MM / 2, panel[3]), (split + GAP_MM / 2, panel[1], panel[2], panel[3])
        legend = mm_axes(legend_box)
        lw, lh = legend_box[2] - legend_box[0], legend_box[3] - legend_box[1]
        legend.add_patch(Rectangle((0, 0), lw, lh, fill=False, linewidth=0.6, clip_on=False))
        legend_texts = [legend.text(2, lh - 2, word("print_legend", lang), ha="left", va="top", fontsize=10)]
        step = min(5.0, (lh - 10) / max(len(page.legend), 1))
        for i, row in enumerate(page.legend):
            y = lh - 9 - i * step
            style = row["style"]
            legend.add_patch(
                Rectangle((2, y - step * 0.35), 8, step * 0.7, facecolor=_rgb(style["fill"], style.get("fillOpacity", 1.0)), edgecolor=style["stroke"], linewidth=style["weight"] * 0.5, linestyle=_linestyle(style), hatch=_hatch(style))
            )
            if "parcels" in row:
                label = word("print_legend_row", lang, label=row["label"], parcels=row["parcels"], area=f"{row['area']:,.{DECIMALS['mu']}f}")
            elif "area" in row:
                label = word("print_legend_area", lang, label=row["label"], area=f"{row['area']:,.{DECIMALS['mu']}f}")
            else:
                label = row["label"]
            legend_texts.append(legend.text(12, y, label, ha="left", va="center", fontsize=min(7.5, step * 2.2)))
        for text in legend_texts[1:]:
            _fit_text(text, renderer, (lw - 13) / _MM_PER_INCH * dpi, smallest=4.0)
        # The area ledger under the legend, where the box has room for it (a landscape sheet).
        top = lh - 9 - len(page.legend) * step - 3
        if top - (len(page.summary) + 1) * 3.8 > 2:
            legend_texts.append(legend.text(2, top, page.words["summary"], ha="left", va="top", fontsize=9))
            for i, row in enumerate(page.summary):
                y = top - 6 - i * 3.8
                value = "—" if row["value"] is None else f"{row['value']:,.{row['decimals']}f} {row['unit']}"
                label = legend.text(4 + (3 if row["indent"] else 0), y, row["label"], ha="left", va="center", fontsize=7)
                figure_value = legend.text(lw - 2, y, value, ha="right", va="center", fontsize=7)
                _fit_text(label, renderer, (lw * 0.62 - 6) / _MM_PER_INCH * dpi, smallest=4.0)
                legend_texts += [label, figure_value]

        notes = mm_axes(notes_box)
        nw, nh = notes_box[2] - notes_box[0], notes_box[3] - notes_box[1]
        bar_m = _nice_length(min(60.0, nw - 16) * ratio / 1000)
        bar_mm = bar_m * 1000 / ratio
        notes_texts = [notes.text(2, nh - 2, word("print_scale", lang, ratio=f"{ratio:,}".replace(",", "")), ha="left", va="top", fontsize=9)]
        for i in range(4):
            notes.add_patch(Rectangle((2 + i * bar_mm / 4, nh - 12), bar_mm / 4, 1.6, facecolor="black" if i % 2 == 0 else "white", edgecolor="black", linewidth=0.5))
        notes_texts.append(notes.text(2, nh - 13, "0", ha="center", va="top", fontsize=6.5))
        notes_texts.append(notes.text(2 + bar_mm, nh - 13, f"{bar_m:g} {word('print_metre', lang)}", ha="center", va="top", fontsize=6.5))
        lines = [
            word("print_crs", lang, crs=crs_description(crs, lang)),
            word("print_by", lang, by=by or "—"),
            word("print_date", lang, date=today or date.today().isoformat()),
            word("print_source", lang, source=word("print_source_updated", lang, file=zone.path.name, date=_data_date(zone))),
        ]
        for i, line in enumerate(lines):
            text = notes.text(2, nh - 20 - i * 5, line, ha="left", va="top", fontsize=7.5)
            _fit_text(text, renderer, (nw - 3) / _MM_PER_INCH * dpi, smallest=4.0)
            notes_texts.append(text)

        def union(artists) -> tuple[float, float, float, float]:
            boxes = [_mm_box(a.get_window_extent(renderer), dpi) for a in artists]
            return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))

        layout = PrintLayout(
            paper_mm=paper_mm,
            scale=ratio,
            extent=extent,
            boxes={
                "frame": _mm_box(axes.get_window_extent(renderer), dpi),
                "title": union([heading] + ([subtitle] if subtitle is not None else [])),
                "north": union([north.patches[0], north.texts[0]]),
                "legend": union([legend.patches[0], *legend_texts]),
                "notes": union(notes_texts + list(notes.patches)),
            },
            labels=[_mm_box(box, dpi) for box in labels],
            label_ids=label_ids,
        )
    figure.set_canvas(canvas)
    figure.zonemap_rc = rc  # the fonts it was laid out with, for savefig
    return figure, layout


def render_print(zone: Zone, fmt: str = "pdf", *, dpi: int = 200, **options) -> tuple[bytes, PrintLayout]:
    """The print map as ``pdf`` (vector, fonts embedded), ``svg`` (text as text: no CJK font needed) or ``png`` bytes."""
    import io

    import matplotlib

    figure, layout = print_map(zone, font_required=fmt != "svg", **options)
    buffer = io.BytesIO()
    with matplotlib.rc_context(figure.zonemap_rc), warnings.catch_warnings():
        # SVG text is drawn by the reader's browser; here a missing glyph only approximates its width.
        warnings.filterwarnings("ignore", message=".*missing from font")
        metadata = {"pdf": {"Creator": "zonemap"}, "svg": {"Date": None}, "png": {"Software": None}}[fmt]
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue(), layout


def write_print(zone: Zone, path: str | os.PathLike, *, dpi: int = 200, **options) -> PrintLayout:
    """Write the print map to ``path`` (.pdf, .svg or .png at ``dpi``) whole or not at all; see :func:`print_map`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise PrintError(f"{path}: a print map is written as {' or '.join(FORMATS)}; end -o with one of them")
    data, layout = render_print(zone, suffix[1:], dpi=dpi, **options)
    write_page(data, path)
    return layout
