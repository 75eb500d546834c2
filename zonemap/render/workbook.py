"""The Excel 台账: the zone's ledger, parcels, tenants, prospects, indicators and change log as one workbook.

Six sheets (面积台账, 地块清单, 入驻企业, 意向项目, 指标, 变更记录), and 亩均效益评价
(the latest year's evaluation) before the log when the zone has results; headers in
one language, numbers as numbers with formats (亩 and m² to 2 decimals,
shares as %), the header row frozen and columns as wide as their text. The
figures are those of :class:`~zonemap.render.page.Page` (the ledger is
``zonemap areas --json``) and :func:`zonemap.indicators.indicators`; nothing
is measured here. Text from the data is always stored as text: a tenant named
``=HYPERLINK(...)`` stays a name, never a formula
(:func:`zonemap.intake.exporter.formula_like`).

Examples
--------
>>> import zonemap
>>> book = build_workbook(zonemap.open(zonemap.sample_path()), lang="en")
>>> book.sheetnames
['Area ledger', 'Parcels', 'Tenants', 'Prospects', 'Indicators', 'Efficiency evaluation', 'Change log']
"""

from __future__ import annotations

import io
import math
import os
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from zonemap.areas import ledger_label
from zonemap.evaluate import latest_evaluation
from zonemap.i18n import word, word_or
from zonemap.intake.exporter import formula_like
from zonemap.render import write_page
from zonemap.render.page import build_page
from zonemap.render.report import LEDGER_ROWS, _format_inputs
from zonemap.status import STATUSES
from zonemap.units import M2_PER_UNIT

if TYPE_CHECKING:
    import openpyxl

    from zonemap.zone import Zone

#: Excel number formats, by kind of column.
FORMATS = {"area": "#,##0.00", "money": "#,##0.00", "share": "0.00%", "count": "0", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss", "text": "@", "number": "#,##0.00##", "coordinate": "0.000", "length": "0.00"}
#: How an indicator's unit is written beside its value (the value cell carries the format).
_INDICATOR_UNITS = {"share": "%", "ratio": "", "count": ""}
_MAX_WIDTH = 60


def _cell_value(value):
    """A value as a cell holds it: None for missing, plain numbers, naive datetimes, text as given."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value


def _text_width(value) -> int:
    """Columns a value needs: CJK characters are two wide."""
    if value is None:
        return 0
    if isinstance(value, float):
        value = f"{value:,.2f}"
    elif isinstance(value, (datetime, date)):
        value = "2026-01-01"
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def add_sheet(book: openpyxl.Workbook, title: str, header: list[str], kinds: list[str], rows: list[list]) -> None:
    """One sheet: a bold frozen header, then ``rows`` with each column's number format."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_cell_value(v) for v in row])
        for cell, kind in zip(sheet[sheet.max_row], kinds):
            if isinstance(cell.value, str):
                # openpyxl takes any text starting with "=" as a formula: data stays text.
                cell.data_type = "s"
            elif cell.value is not None:
                cell.number_format = FORMATS[kind]
    for i, column in enumerate(sheet.iter_cols(min_row=1, max_col=len(header)), start=1):
        width = max(_text_width(cell.value) for cell in column)
        sheet.column_dimensions[get_column_letter(i)].width = min(width + 2, _MAX_WIDTH)


def build_workbook(zone: Zone, *, lang: str = "zh") -> openpyxl.Workbook:
    """The 台账 workbook of ``zone`` with headers in ``lang``; ``.save(path)`` writes it."""
    import openpyxl

    def w(code: str) -> str:
        return word(code, lang)

    page = build_page(zone, lang=lang)
    ledger = page.ledger
    figures = zone.indicators()
    book = openpyxl.Workbook()
    book.remove(book.active)

    ledger_rows = []
    for key in LEDGER_ROWS:
        value = ledger["by_status"][key]["area"] if key in STATUSES else ledger[key]
        share = None if value is None or key == "planned" or not ledger["boundary"] else value / ledger["boundary"]
        count = ledger["by_status"][key]["parcels"] if key in STATUSES else None
        m2 = None if value is None else value * M2_PER_UNIT["mu"]
        ledger_rows.append([ledger_label(key, lang), value, m2, count, share])
    add_sheet(
        book,
        w("wb_sheet_ledger"),
        [w("wb_item"), w("wb_area_mu"), w("wb_area_m2"), w("wb_parcels"), w("wb_share")],
        ["text", "area", "area", "count", "share"],
        ledger_rows,
    )

    parcels = page.layers["parcels"].frame
    add_sheet(
        book,
        w("wb_sheet_parcels"),
        [w(c) for c in ("wb_parcel_id", "wb_status", "wb_tenant", "wb_land_use", "wb_area_mu", "wb_area_m2", "wb_investment", "wb_intensity_mu", "wb_updated", "wb_note")],
        ["text", "text", "text", "text", "area", "area", "money", "money", "date", "text"],
        parcels[["parcel_id", "status_label", "tenant", "land_use", "area_mu", "area_m2", "investment_wan", "intensity", "updated", "note"]].to_numpy().tolist(),
    )

    add_sheet(
        book,
        w("wb_sheet_tenants"),
        [w(c) for c in ("wb_tenant", "wb_parcel_ids", "wb_area_mu", "wb_investment", "wb_intensity_mu", "wb_intensity_ha", "wb_floor_area")],
        ["text", "text", "area", "money", "money", "money", "area"],
        [
            [t["tenant"], t["parcels"], t["area_mu"], t["investment_wan"], t["intensity_wan_per_mu"], t["intensity_wan_per_ha"], t["floor_area_m2"]]
            for t in figures["tenants"]
        ],
    )

    prospects = zone.prospects
    columns = ["name", "industry", "investment_wan", "need_mu", "stage", "parcel_id", "note"]
    add_sheet(
        book,
        w("wb_sheet_prospects"),
        [w(c) for c in ("wb_name", "wb_industry", "wb_investment", "wb_need_mu", "wb_stage", "wb_parcel_id", "wb_note")],
        ["text", "text", "money", "area", "text", "text", "text"],
        prospects.reindex(columns=columns).assign(stage=prospects["stage"].map(lambda s: word_or(f"stage.{s}", lang, s))).to_numpy().tolist(),
    )

    add_sheet(
        book,
        w("wb_sheet_indicators"),
        [w(c) for c in ("wb_indicator", "wb_value", "wb_unit", "wb_formula", "wb_inputs", "wb_reason")],
        ["text", "number", "text", "text", "text", "text"],
        [
            [ind["label"][lang], ind["value"], _INDICATOR_UNITS.get(ind["unit"], ind["unit"]), ind["formula"][lang], _format_inputs(ind["inputs"], lang), ind["reason"] and ind["reason_text"][lang]]
            for ind in figures["indicators"].values()
        ],
    )
    values = book[w("wb_sheet_indicators")]["B"][1:]
    for cell, indicator in zip(values, figures["indicators"].values()):
        if cell.value is not None:
            cell.number_format = {"share": FORMATS["share"], "count": FORMATS["count"]}.get(indicator["unit"], FORMATS["number"])

    evaluation = latest_evaluation(zone)
    if evaluation is not None:
        codes = ("tenant_name", "year", "land_mu", "tax", "output", "tax_per_mu", "output_per_mu", "tax_per_tce", "tax_per_employee", "class")
        add_sheet(
            book,
            w("wb_sheet_evaluation"),
            [w(c) for c in codes],
            ["text", "count", "area", "money", "money", "money", "money", "money", "money", "text"],
            [
                [t["tenant"], evaluation["year"], t["land_mu"], t["tax_wan"], t["output_wan"],
                 *(t["indicators"][k] for k in ("tax_per_mu", "output_per_mu", "tax_per_tce", "tax_per_employee")), t["class"]]
                for t in evaluation["tenants"]
            ],
        )

    history = zone.history
    columns = ["at", "parcel_id", "action", "field", "old", "new", "by", "note"]
    add_sheet(
        book,
        w("wb_sheet_history"),
        [w(c) for c in ("wb_at", "wb_parcel_id", "wb_action", "wb_field", "wb_old", "wb_new", "wb_by", "wb_note")],
        ["datetime", "text", "text", "text", "text", "text", "text", "text"],
        history.reindex(columns=columns).to_numpy().tolist(),
    )
    return book


def write_workbook(zone: Zone, path: str | os.PathLike, *, lang: str = "zh") -> Path:
    """Write the 台账 of ``zone`` to ``path`` (.xlsx) whole or not at all."""
    buffer = io.BytesIO()
    build_workbook(zone, lang=lang).save(buffer)
    return write_page(buffer.getvalue(), path)
