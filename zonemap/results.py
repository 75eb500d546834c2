"""Tenants' yearly results (税收, 产值, 能耗, 用工 …) from the spreadsheet the zone keeps.

The sheet is read as it is kept: a title row or two may stand above the
header, headers are recognised in Chinese (企业名称, 税收（万元）, 产值,
营业收入, 综合能耗, 用工人数, 研发投入 …) or named with ``--map``, and
合计/小计 rows are passed over. Every row is checked before anything is
written; bad rows are named by their row number in the sheet and their
column. An import replaces that year's results, in one transaction.

Examples
--------
>>> header_key("税收（万元）"), header_key(" 用工 人数 ")
('税收', '用工人数')
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from zonemap import store
from zonemap.errors import ZonemapError
from zonemap.intake.changes import zone_change

#: Results fields → what the zone's spreadsheets call them (compared by :func:`header_key`).
HEADERS: dict[str, tuple[str, ...]] = {
    "tenant": ("tenant", "企业名称", "企业", "单位名称", "公司名称", "纳税人名称", "名称", "QYMC"),
    "tax_wan": ("tax_wan", "税收", "实缴税金", "实缴税收", "入库税收", "入库税金", "税收总额", "纳税额", "税收收入"),
    "output_wan": ("output_wan", "产值", "工业总产值", "工业产值", "总产值"),
    "revenue_wan": ("revenue_wan", "营业收入", "营收", "销售收入", "主营业务收入"),
    "energy_tce": ("energy_tce", "能耗", "综合能耗", "总能耗", "能源消费量"),
    "employees": ("employees", "用工", "用工人数", "从业人员", "职工人数", "员工人数", "年平均职工人数"),
    "rd_wan": ("rd_wan", "研发", "研发投入", "研发经费", "研发费用", "R&D"),
    "note": ("note", "备注"),
}
NUMBER_FIELDS: tuple[str, ...] = ("tax_wan", "output_wan", "revenue_wan", "energy_tce", "employees", "rd_wan")
#: Rows that sum the others, not a tenant.
TOTAL_ROWS: tuple[str, ...] = ("合计", "总计", "小计", "total")
#: Rows searched for the header (a sheet may carry a title and a unit line above it).
HEADER_SEARCH_ROWS = 10
#: Bad rows named in the one-line refusal.
NAMED_ROWS = 5


class ResultsError(ZonemapError):
    """A results sheet that cannot be imported as it is; nothing was written."""


def header_key(text: object) -> str:
    """A header as compared: no units in brackets, no spaces, case-folded."""
    text = re.sub(r"[（(][^）)]*[）)]", "", str(text))
    return re.sub(r"\s+", "", text).casefold()


def read_rows(path: Path) -> list[list[object]]:
    """The cells of the first sheet of an .xlsx, or of a .csv (UTF-8 or GB18030), row by row."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ResultsError(f"{path}: no such file; check the path")
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for files that are not workbooks
            raise ResultsError(f"{path}: cannot be read as an Excel workbook ({type(exc).__name__}); save it as .xlsx or .csv") from None
        try:
            return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
    if suffix == ".csv":
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ResultsError(f"{path}: is neither UTF-8 nor GBK text; save it again as CSV UTF-8")
        return [list(row) for row in csv.reader(text.splitlines())]
    raise ResultsError(f"{path}: not a results sheet; give an .xlsx or .csv file (an .xls: save it as .xlsx first)")


def _columns(rows: list[list[object]], explicit: dict[str, str], name: str) -> tuple[int, dict[str, int]]:
    """(header row index, field → column index): the first row naming the tenant column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [header_key(cell) if cell is not None else "" for cell in row]
        found = {}
        for field, header in explicit.items():
            if header_key(header) in keys:
                found[field] = keys.index(header_key(header))
        for field, aliases in HEADERS.items():
            wanted = [header_key(a) for a in aliases]
            match = next((i for i, key in enumerate(keys) if key in wanted and i not in found.values()), None)
            if field not in found and match is not None:
                found[field] = match
        if "tenant" in found:
            missing = [f"{field}={header}" for field, header in explicit.items() if field not in found]
            if missing:
                raise ResultsError(f"{name}: --map {missing[0]}: no such column in the header (row {index + 1}); its columns are {', '.join(str(c) for c in row if c is not None)}")
            if not any(field in found for field in NUMBER_FIELDS):
                raise ResultsError(f"{name}: the header (row {index + 1}) names no figure; name the columns 税收 / 产值 / 营业收入 / 能耗 / 用工, or use --map tax_wan=COLUMN")
            return index, found
    raise ResultsError(
        f"{name}: no header naming the enterprise in the first {HEADER_SEARCH_ROWS} rows; "
        "name that column 企业名称 or give --map tenant=COLUMN"
    )


def _number(value: object) -> float | None:
    """A cell as a number (None when empty); ValueError when it is text that is not one."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if np.isnan(value) else float(value)
    text = str(value).replace(",", "").replace("，", "").strip()
    return None if text in ("", "-", "—", "/") else float(text)


def parse_results(path: str | os.PathLike, *, tenants: set[str], explicit: dict[str, str] | None = None) -> pd.DataFrame:
    """The rows of a results sheet as a ``results`` frame (no year yet), every row checked.

    A row is bad when its figure is text, negative, its enterprise is not
    a tenant of the zone, or it repeats an enterprise; all bad rows are
    named in one :class:`ResultsError`.
    """
    path = Path(path)
    rows = read_rows(path)
    header, columns = _columns(rows, explicit or {}, path.name)
    titles = {field: str(rows[header][i]) for field, i in columns.items()}
    records, bad, seen = [], [], {}
    for number, row in enumerate(rows[header + 1 :], start=header + 2):  # sheet rows count from 1

        def cell(field: str):
            i = columns.get(field)
            return row[i] if i is not None and i < len(row) else None

        tenant = "" if cell("tenant") is None else str(cell("tenant")).strip()
        if not tenant and all(_blank(cell(f)) for f in NUMBER_FIELDS):
            continue
        if tenant.casefold() in TOTAL_ROWS or re.sub(r"\s", "", tenant) in TOTAL_ROWS:
            continue
        record = {"tenant": tenant, "note": None if _blank(cell("note")) else str(cell("note")).strip()}
        for field in NUMBER_FIELDS:
            try:
                record[field] = _number(cell(field))
            except ValueError:
                bad.append(f"row {number}, column {titles[field]}: {str(cell(field))!r} is not a number")
                continue
            if record[field] is not None and record[field] < 0:
                bad.append(f"row {number}, column {titles[field]}: {record[field]:g} is negative")
        if not tenant:
            bad.append(f"row {number}, column {titles['tenant']}: no enterprise named")
        elif tenant not in tenants:
            bad.append(f"row {number}, column {titles['tenant']}: {tenant!r} is not a tenant of the zone")
        elif tenant in seen:
            bad.append(f"row {number}, column {titles['tenant']}: {tenant!r} again (first in row {seen[tenant]})")
        seen.setdefault(tenant, number)
        records.append(record)
    if bad:
        more = f" (and {len(bad) - NAMED_ROWS} more)" if len(bad) > NAMED_ROWS else ""
        known = f"; the zone's tenants are {', '.join(sorted(tenants))}" if any("not a tenant" in b for b in bad) else ""
        raise ResultsError(f"{path.name}: {len(bad)} bad row(s): {'; '.join(bad[:NAMED_ROWS])}{more}{known}; correct the sheet and import it again, nothing was written")
    if not records:
        raise ResultsError(f"{path.name}: no enterprise rows below the header (row {header + 1}); nothing was written")
    return pd.DataFrame(records, columns=[f for f in store.SCHEMA["results"] if f != "year"])


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def import_results(
    zone: str | os.PathLike, source: str | os.PathLike, *, year: int, explicit: dict[str, str] | None = None, by: str | None = None
) -> dict:
    """Replace the zone's results for ``year`` with the rows of ``source`` (.xlsx or .csv).

    Returns ``{"year", "rows", "replaced", "fields"}``: rows imported, rows
    of that year there were before, and the results fields found.
    """
    with zone_change(zone, by=by) as change:
        parcels = change.read("parcels")
        tenants = set(parcels.loc[parcels["status"] == "tenant", "tenant"].dropna().astype(str).str.strip())
        imported = parse_results(source, tenants=tenants, explicit=explicit)
        imported.insert(1, "year", year)
        results = change.read("results")
        same_year = (results["year"] == year).fillna(False).to_numpy(dtype=bool)
        kept = results[~same_year]
        table = pd.concat([kept, imported], ignore_index=True) if len(kept) else imported
        change.write("results", table.astype(store.SCHEMA["results"]))
        change.record(None, "import", "results", int(same_year.sum()) or None, len(imported), f"{Path(source).name}: results for {year}")
    found = [f for f in store.SCHEMA["results"] if f not in ("year", "note") and imported[f].notna().any()]
    return {"year": year, "rows": len(imported), "replaced": int(same_year.sum()), "fields": found}
