"""The report as a Word/WPS document (``zonemap report -o 报告.docx``).

The same sections as the HTML report, from the same rows
(:func:`zonemap.render.report.rows`): real Word tables, the print map
(:mod:`zonemap.render.printmap`) as the figure and the two charts as
pictures. python-docx escapes every string it writes, so names from the
data are text. The map and charts are drawn here, so a Chinese report needs
a font with Chinese glyphs on this machine (:mod:`zonemap.render.fonts`).

Examples
--------
>>> import io, zonemap, docx
>>> from zonemap.render.report import report_data
>>> zone = zonemap.open(zonemap.sample_path())
>>> document = docx.Document(io.BytesIO(render_docx(zone, report_data(zone), lang="en")))
>>> document.paragraphs[0].text
'示例工业集中区 — Land report'
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from zonemap.i18n import word
from zonemap.render.printmap import PrintError, render_print
from zonemap.render.report import TEXT, charts, evaluation_chart, rows

if TYPE_CHECKING:
    from zonemap.zone import Zone

#: Width of the figures on an A4 page with Word's default margins.
_FIGURE_CM = 16.0
#: The East Asian font Word and WPS use for Chinese text in the body (they substitute their own when absent).
_EAST_ASIAN_FONT = "宋体"


def _table(document, header: list[str], body: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in body:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = str(text)


def render_docx(zone: Zone, data: dict, *, lang: str = "zh") -> bytes:
    """The report of ``zone`` (``data`` from :func:`~zonemap.render.report.report_data`) as .docx bytes."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Cm

    t, table = TEXT[lang], rows(data, lang)
    document = docx.Document()
    document.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _EAST_ASIAN_FONT)
    document.add_heading(f"{data['zone']} — {t['title']}", level=0)
    document.add_paragraph(f"{t['generated']}: {data['generated']} · {t['method']}: {word('method.' + data['method'], lang)}")

    try:
        png = render_print(zone, "png", dpi=150, lang=lang, landscape=True)[0]
    except PrintError:  # no projected CRS: no map to scale
        png = None
    if png is not None:
        document.add_heading(t["map"], level=1)
        document.add_picture(io.BytesIO(png), width=Cm(_FIGURE_CM))

    document.add_heading(t["ledger"], level=1)
    _table(document, [t["item"], t["area"], t["share"], t["parcels"]], [[r["label"], r["area"], r["share"], r["parcels"]] for r in table["ledger"]])
    document.add_heading(t["indicators"], level=1)
    _table(document, [t["indicator"], t["value"], t["formula"], t["inputs"]], [[r["label"], r["value"], r["formula"], r["inputs"]] for r in table["indicators"]])
    document.add_heading(t["tenants"], level=1)
    _table(
        document,
        [t["tenant"], t["parcel_ids"], t["area"], t["investment"], t["intensity_mu"], t["intensity_ha"]],
        [[r["tenant"], r["parcels"], r["area"], r["investment"], r["intensity_mu"], r["intensity_ha"]] for r in table["tenants"]],
    )
    document.add_heading(t["prospects"], level=1)
    _table(
        document,
        [t["prospect"], t["industry"], t["stage"], t["investment"], t["need"], t["fits"]],
        [[r["name"], r["industry"], r["stage"], r["investment"], r["need"], "\n".join(r["fits"])] for r in table["prospects"]],
    )
    if data.get("evaluation"):
        document.add_heading(word("evaluation_title", lang, zone=data["zone"], year=data["evaluation"]["year"]), level=1)
        _table(
            document,
            [t["tenant"], t["area"], word("tax_per_mu", lang), word("output_per_mu", lang), word("class", lang)],
            [[r["tenant"], r["area"], r["tax_per_mu"], r["output_per_mu"], r["class"]] for r in table["evaluation"]],
        )
        document.add_picture(io.BytesIO(evaluation_chart(data["evaluation"], lang, fmt="png")), width=Cm(_FIGURE_CM))

    validation = data["validation"]
    document.add_heading(t["checks"], level=1)
    if validation["problems"]:
        document.add_paragraph(f"{validation['errors']} {t['errors']}, {validation['warnings']} {t['warnings']}")
        for problem in table["checks"]:
            document.add_paragraph(f"{problem['label']} [{problem['code']}] {problem['text']}", style="List Bullet")
    else:
        document.add_paragraph(t["checks_ok"])

    document.add_heading(t["charts"], level=1)
    for png in charts(data, lang, fmt="png").values():
        document.add_picture(io.BytesIO(png), width=Cm(_FIGURE_CM))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
