"""The 界址点坐标表 written out: a text table, CSV, an Excel sheet, or a PDF page with the parcel's sketch.

Every output shows the same rows (:func:`rows`) from
:func:`zonemap.corners.corner_table`; the PDF adds a sketch of the parcel
with its point names and its neighbours' ids around it.

Examples
--------
>>> import zonemap
>>> from zonemap.corners import corner_table
>>> header, body = rows(corner_table(zonemap.open(zonemap.sample_path()), "A01"), "en")
>>> header[1], body[0][1], body[-1][1]
('Point', 'J1', 'J1')
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from zonemap.corners import AREA_DECIMALS, COORDINATE_DECIMALS, EDGE_DECIMALS
from zonemap.errors import ZonemapError
from zonemap.i18n import word
from zonemap.intake.exporter import spreadsheet_text
from zonemap.render import write_page
from zonemap.units import DECIMALS

FORMATS = (".csv", ".xlsx", ".pdf")
_A4_INCHES = (8.27, 11.69)


def _ring_name(ring: dict, lang: str) -> str:
    return word("corners_hole" if ring["hole"] else "corners_outer", lang, part=ring["part"])


def rows(table: dict, lang: str = "zh") -> tuple[list[str], list[list]]:
    """Header and rows: each point with the edge to the next, each ring closed by its first point again."""
    header = [word(code, lang) for code in ("corners_ring", "corners_point", "corners_x", "corners_y", "corners_edge")]
    body = []
    for ring in table["rings"]:
        name = _ring_name(ring, lang)
        for point in [*ring["points"], {**ring["points"][0], "edge_m": None}]:
            body.append([name, point["name"], point["x"], point["y"], point["edge_m"]])
    return header, body


def footer(table: dict, lang: str = "zh") -> list[str]:
    """The lines under the table: area, CRS, neighbours."""
    return [
        word("corners_area", lang, m2=f"{table['area_m2']:,.{AREA_DECIMALS}f}", mu=f"{table['area_mu']:,.{DECIMALS['mu']}f}"),
        word("corners_crs", lang, crs=table["crs"]),
        word("corners_neighbours", lang, ids=", ".join(table["neighbours"]) or word("corners_none", lang)),
    ]


def _cell_text(value, decimals: int) -> str:
    return "" if value is None else f"{value:.{decimals}f}"


def text_table(table: dict, lang: str = "zh") -> str:
    """The table as aligned plain text (what ``zonemap corners`` prints)."""
    header, body = rows(table, lang)
    lines = [[*row[:2], _cell_text(row[2], COORDINATE_DECIMALS), _cell_text(row[3], COORDINATE_DECIMALS), _cell_text(row[4], EDGE_DECIMALS)] for row in body]
    title = f"{word('corners_title', lang)}  {word('corners_parcel', lang, parcel=table['parcel_id'])}"
    return "\n".join([title, "\t".join(header), *("\t".join(line) for line in lines), *footer(table, lang)])


def _csv_bytes(table: dict, lang: str) -> bytes:
    header, body = rows(table, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([spreadsheet_text(f"{word('corners_title', lang)} {word('corners_parcel', lang, parcel=table['parcel_id'])}")])
    writer.writerow(header)
    for row in body:
        writer.writerow([row[0], row[1], _cell_text(row[2], COORDINATE_DECIMALS), _cell_text(row[3], COORDINATE_DECIMALS), _cell_text(row[4], EDGE_DECIMALS)])
    for line in footer(table, lang):
        writer.writerow([spreadsheet_text(line)])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8


def _xlsx_bytes(table: dict, lang: str) -> bytes:
    import openpyxl

    from zonemap.render.workbook import add_sheet

    header, body = rows(table, lang)
    book = openpyxl.Workbook()
    book.remove(book.active)
    add_sheet(book, word("corners_title", lang), header, ["text", "text", "coordinate", "coordinate", "length"], body)
    sheet = book.active
    sheet.append([])
    for line in [word("corners_parcel", lang, parcel=table["parcel_id"]), *footer(table, lang)]:
        sheet.append([line])
        sheet.cell(sheet.max_row, 1).data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def corners_figure(table: dict, geometries: dict, lang: str = "zh"):
    """The A4 page: title, sketch (parcel, point names, neighbours' ids) and the table, as a matplotlib Figure.

    ``geometries`` maps parcel id → shapely geometry for the parcel and its neighbours.
    """
    import shapely
    from matplotlib.figure import Figure

    figure = Figure(figsize=_A4_INCHES)
    figure.text(0.5, 0.965, word("corners_title", lang), ha="center", va="top", fontsize=16)
    figure.text(0.5, 0.935, word("corners_parcel", lang, parcel=table["parcel_id"]), ha="center", va="top", fontsize=11)
    sketch = figure.add_axes((0.1, 0.56, 0.8, 0.36))
    sketch.set_aspect("equal")
    sketch.set_axis_off()
    parcel = geometries[table["parcel_id"]]
    west, south, east, north = parcel.bounds
    pad = max(east - west, north - south) * 0.25
    sketch.set_xlim(west - pad, east + pad)
    sketch.set_ylim(south - pad, north + pad)
    for pid, geometry in geometries.items():
        mine = pid == table["parcel_id"]
        for polygon in shapely.get_parts(geometry):
            for ring in [polygon.exterior, *polygon.interiors]:
                x, y = ring.xy
                sketch.fill(x, y, facecolor="#FBE3D6" if mine else "none", edgecolor="#C00000" if mine else "#888888", linewidth=1.6 if mine else 0.8)
        if not mine:
            window = shapely.box(west - pad, south - pad, east + pad, north + pad)
            inside = geometry.intersection(window)
            if not inside.is_empty:
                point = inside.representative_point()
                sketch.text(point.x, point.y, pid, ha="center", va="center", fontsize=9, color="#555555")
    for ring in table["rings"]:
        for point in ring["points"]:
            sketch.plot(point["y"], point["x"], "o", color="#C00000", markersize=3)
            sketch.annotate(point["name"], (point["y"], point["x"]), textcoords="offset points", xytext=(4, 4), fontsize=8)
    sketch.annotate("N", xy=(0.97, 0.98), xytext=(0.97, 0.86), xycoords="axes fraction", ha="center", fontsize=10, arrowprops={"arrowstyle": "-|>", "color": "black"})

    header, body = rows(table, lang)
    cells = [[row[0], row[1], _cell_text(row[2], COORDINATE_DECIMALS), _cell_text(row[3], COORDINATE_DECIMALS), _cell_text(row[4], EDGE_DECIMALS)] for row in body]
    lines = footer(table, lang)
    height = min(0.44, 0.022 * (len(cells) + 1))
    grid = figure.add_axes((0.08, 0.50 - height, 0.84, height))
    grid.set_axis_off()
    shown = grid.table(cellText=cells, colLabels=header, loc="upper center", cellLoc="center", bbox=(0, 0, 1, 1))
    shown.auto_set_font_size(False)
    shown.set_fontsize(8 if len(cells) < 30 else 6)
    for i, line in enumerate(lines):
        figure.text(0.08, 0.50 - height - 0.03 - 0.022 * i, line, fontsize=9, va="top")
    return figure


def write_corners(table: dict, path: str | os.PathLike, *, lang: str = "zh", geometries: dict | None = None) -> Path:
    """Write the table to ``path`` (.csv, .xlsx or .pdf; the PDF needs ``geometries``) whole or not at all."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_page(_csv_bytes(table, lang), path)
    if suffix == ".xlsx":
        return write_page(_xlsx_bytes(table, lang), path)
    if suffix == ".pdf":
        import matplotlib

        from zonemap.render.fonts import print_rc

        with matplotlib.rc_context(print_rc(lang, what="the 界址点坐标表")):
            buffer = io.BytesIO()
            corners_figure(table, geometries or {}, lang).savefig(buffer, format="pdf", metadata={"Creator": "zonemap"})
        return write_page(buffer.getvalue(), path)
    raise ZonemapError(f"{path}: a 界址点坐标表 is written as {', '.join(FORMATS)}; end -o with one of them")
