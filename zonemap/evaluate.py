"""亩均效益评价: each tenant's yield per 亩 of its land, its A/B/C/D class, and the land that underperforms.

Per tenant, over the ellipsoidal area of the parcels let to it: 亩均税收
(tax per 亩), 亩均产值 (output per 亩) and 亩均营业收入, and where given, tax
and output per tonne of standard coal (单位能耗) and tax per employee
(人均税收). A tenant is in class A, B or C when every indicator of the
thresholds reaches that class's floor, else in D (整治提升类); the
indicators a tenant has no figure for are passed over. The default
thresholds (:data:`DEFAULT_THRESHOLDS`) are illustrative, in the range
Jiangsu and Zhejiang counties use; a zone gives its own in a TOML file.

Also listed: low-yield land (parcels of class-D tenants), developed parcels
not let for more than ``unlet_years`` (from the history), idle buildings.

Examples
--------
>>> grade({"tax_per_mu": 16.0, "output_per_mu": 650.0}, DEFAULT_THRESHOLDS)
'B'
>>> grade({"tax_per_mu": 2.0, "output_per_mu": None}, DEFAULT_THRESHOLDS)
'D'
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from zonemap.errors import ZonemapError
from zonemap.units import from_m2

if TYPE_CHECKING:
    from zonemap.zone import Zone

CLASSES: tuple[str, ...] = ("A", "B", "C", "D")
#: Indicator → (numerator field, denominator): what each 亩均 figure divides.
INDICATORS: dict[str, tuple[str, str]] = {
    "tax_per_mu": ("tax_wan", "land_mu"),
    "output_per_mu": ("output_wan", "land_mu"),
    "revenue_per_mu": ("revenue_wan", "land_mu"),
    "tax_per_tce": ("tax_wan", "energy_tce"),
    "output_per_tce": ("output_wan", "energy_tce"),
    "tax_per_employee": ("tax_wan", "employees"),
    "rd_share": ("rd_wan", "revenue_wan"),
}
#: Floors of classes A, B and C per indicator (万元/亩); below C is D. Illustrative, not an official scheme.
DEFAULT_THRESHOLDS: dict[str, dict[str, float]] = {
    "tax_per_mu": {"A": 30.0, "B": 15.0, "C": 5.0},
    "output_per_mu": {"A": 600.0, "B": 300.0, "C": 100.0},
}
#: Colours of the classes (Okabe–Ito, colour-blind safe): the report's chart and the map share them.
CLASS_COLOURS: dict[str, str] = {"A": "#009E73", "B": "#56B4E9", "C": "#E69F00", "D": "#CC79A7"}
#: Developed land not let for longer than this is listed as idle (闲置).
UNLET_YEARS = 2.0


class EvaluationError(ZonemapError):
    """The evaluation cannot be made as asked (no results for the year, bad thresholds)."""


def load_thresholds(path: str | os.PathLike) -> dict[str, dict[str, float]]:
    """Thresholds from a TOML file: a table per indicator with floors ``A``, ``B`` and ``C`` (A ≥ B ≥ C)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise EvaluationError(f"{path}: cannot be read ({exc.strerror}); check the path") from None
    except tomllib.TOMLDecodeError as exc:
        raise EvaluationError(f"{path}: not valid TOML ({exc}); see the README's thresholds example") from None
    thresholds = {}
    for indicator, floors in data.items():
        if indicator not in INDICATORS:
            raise EvaluationError(f"{path}: [{indicator}] is not an indicator; use {', '.join(INDICATORS)}")
        if not isinstance(floors, dict) or set(floors) != {"A", "B", "C"} or not all(isinstance(v, (int, float)) for v in floors.values()):
            raise EvaluationError(f"{path}: [{indicator}] needs numbers A, B and C (the floors of each class), e.g. A = 30, B = 15, C = 5")
        if not floors["A"] >= floors["B"] >= floors["C"]:
            raise EvaluationError(f"{path}: [{indicator}] floors must fall from A to C (A ≥ B ≥ C); they are {floors['A']}, {floors['B']}, {floors['C']}")
        thresholds[indicator] = {k: float(floors[k]) for k in ("A", "B", "C")}
    if not thresholds:
        raise EvaluationError(f"{path}: names no indicator; give at least [tax_per_mu] with A, B and C")
    return thresholds


def grade(figures: dict[str, float | None], thresholds: dict[str, dict[str, float]]) -> str | None:
    """The class the figures reach on every thresholded indicator they have; None when they have none."""
    classes = []
    for indicator, floors in thresholds.items():
        value = figures.get(indicator)
        if value is not None:
            classes.append(next((c for c in ("A", "B", "C") if value >= floors[c]), "D"))
    return max(classes, key=CLASSES.index) if classes else None


def _ratio(numerator, denominator) -> float | None:
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator) or denominator <= 0:
        return None
    return float(numerator) / float(denominator)


def _tenant_land(zone: Zone) -> dict[str, tuple[float, list[str]]]:
    """Tenant → (亩 of its parcels, their ids), ellipsoidal."""
    parcels = zone.parcels
    let = (parcels["status"] == "tenant").to_numpy() & parcels["tenant"].notna().to_numpy()
    areas = zone.parcel_areas_m2()
    land: dict[str, tuple[float, list[str]]] = {}
    for tenant, pid, m2 in zip(parcels["tenant"][let].astype(str).str.strip(), parcels["parcel_id"][let].astype(str), areas[let]):
        mu, ids = land.get(tenant, (0.0, []))
        land[tenant] = (mu + from_m2(float(m2), "mu"), [*ids, pid])
    return land


def _developed_since(zone: Zone) -> dict[str, datetime]:
    """Each developed parcel → when it last became developed: its latest status change to developed
    (or its creation, import, split or merge) in the history, else its ``updated`` stamp."""
    parcels = zone.parcels
    developed = parcels[parcels["status"] == "developed"]
    history = zone.history
    became = history[
        ((history["field"] == "status") & (history["new"] == "developed"))
        | history["action"].isin(("create", "import", "split", "merge")) & history["parcel_id"].notna()
    ]
    latest = became.groupby(became["parcel_id"].astype(str))["at"].max() if len(became) else pd.Series(dtype="datetime64[ms]")
    since = {}
    for pid, updated in zip(developed["parcel_id"].astype(str), developed["updated"]):
        stamp = latest.get(pid, updated)
        if not pd.isna(stamp):
            since[pid] = pd.Timestamp(stamp).to_pydatetime()
    return since


def evaluate(
    zone: Zone,
    year: int,
    *,
    thresholds: dict[str, dict[str, float]] | None = None,
    unlet_years: float = UNLET_YEARS,
    as_of: date | None = None,
) -> dict:
    """The 亩均效益 evaluation of ``year``: per-tenant figures and classes, and the underperforming land.

    Returns a dict: ``tenants`` (one per tenant with land or results: its
    land, figures, indicators and ``class``, or a ``reason`` it has none),
    ``classes`` (count per class), ``low_yield`` (parcels of class-D
    tenants), ``unlet`` (developed parcels not let for over
    ``unlet_years``), ``idle_buildings``, and the ``thresholds`` used.
    """
    thresholds = thresholds or DEFAULT_THRESHOLDS
    as_of = as_of or date.today()
    results = zone.results
    results = results[(results["year"] == year).fillna(False).to_numpy(dtype=bool)]
    if len(results) == 0:
        years = sorted({int(y) for y in zone.results["year"].dropna()})
        hint = f"it has results for {', '.join(map(str, years))}" if years else "it has no results yet"
        raise EvaluationError(f"{zone.path}: no results for {year} ({hint}); import them with `zonemap results import {zone.path} FILE.xlsx --year {year}`")
    land = _tenant_land(zone)
    by_tenant = {str(r["tenant"]).strip(): r for r in results.to_dict("records")}
    tenants = []
    for name in [*land, *(t for t in by_tenant if t not in land)]:
        mu, parcel_ids = land.get(name, (0.0, []))
        row = by_tenant.get(name, {})
        figures = {field: (None if pd.isna(row.get(field, np.nan)) else float(row[field])) for field in
                   ("tax_wan", "output_wan", "revenue_wan", "energy_tce", "employees", "rd_wan")}
        entry = {"tenant": name, "parcels": parcel_ids, "land_mu": mu if parcel_ids else None, **figures}
        entry["indicators"] = {key: _ratio(entry[num], entry[den]) for key, (num, den) in INDICATORS.items()}
        entry["class"] = grade(entry["indicators"], thresholds) if row and parcel_ids else None
        entry["reason"] = None if entry["class"] else ("no_land" if not parcel_ids else "no_results" if not row else "no_figures")
        tenants.append(entry)
    areas = dict(zip(zone.parcels["parcel_id"].astype(str), zone.parcel_areas_m2()))
    low_yield = [
        {"parcel_id": pid, "tenant": t["tenant"], "area_mu": from_m2(float(areas[pid]), "mu"), "class": t["class"]}
        for t in tenants if t["class"] == "D" for pid in t["parcels"]
    ]
    unlet = []
    for pid, since in sorted(_developed_since(zone).items()):
        years = (as_of - since.date()).days / 365.25
        if years > unlet_years:
            unlet.append({"parcel_id": pid, "since": since.date().isoformat(), "years": years, "area_mu": from_m2(float(areas[pid]), "mu")})
    buildings = zone.buildings
    idle = buildings[buildings["use"] == "idle"]
    idle_buildings = [
        {"building_id": b, "name": n, "floor_area_m2": None if pd.isna(f) else float(f), "parcel_id": None if pd.isna(p) else p}
        for b, n, f, p in zip(idle["building_id"], idle["name"], idle["floor_area_m2"], idle["parcel_id"])
    ]
    return {
        "zone": zone.name,
        "year": year,
        "as_of": as_of.isoformat(),
        "thresholds": thresholds,
        "tenants": tenants,
        "classes": {c: sum(t["class"] == c for t in tenants) for c in CLASSES},
        "low_yield": low_yield,
        "unlet_years": unlet_years,
        "unlet": unlet,
        "idle_buildings": idle_buildings,
    }


def latest_evaluation(zone: Zone, **options) -> dict | None:
    """The evaluation of the latest year the zone has results for; None without results."""
    years = zone.results["year"].dropna()
    return evaluate(zone, int(years.max()), **options) if len(years) else None


def parcel_classes(evaluation: dict) -> dict[str, str]:
    """Parcel id → the class of the tenant it is let to, for the tenants the evaluation classed."""
    return {pid: t["class"] for t in evaluation["tenants"] if t["class"] for pid in t["parcels"]}
