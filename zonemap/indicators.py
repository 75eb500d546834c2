"""The zone's land-use indicators, each with its formula and the inputs it used.

These are the figures of Jiangsu's development-zone land evaluations
(开发区土地集约利用评价, TD/T 1029) and the 亩均 evaluations. Every
indicator is a dict: ``value`` (None when it cannot be computed), ``unit``,
``formula`` (zh and en), ``inputs`` (the figures it used, named),
``reason`` (why it is n/a, a code such as ``no_tenants``) and ``reason_text``
(that reason in zh and en). A missing input gives n/a, never a made-up zero.
The words come from :mod:`zonemap.i18n`.

Buildings belong to the parcel named in their ``parcel_id``; those without
one belong to the parcel their footprint's representative point lies in.
A building's floor area is its ``floor_area_m2``, else its footprint times
its ``floors``. The ``buildings`` layer records the stock of existing
buildings: those ``in_use`` are re-used, those ``idle`` await a user.

Examples
--------
>>> import zonemap
>>> figures = indicators(zonemap.open(zonemap.sample_path()))
>>> round(figures["indicators"]["land_development_rate"]["value"], 4)
0.3794
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from zonemap.areas import areas_m2
from zonemap.i18n import both, sort_key, word
from zonemap.units import M2_PER_UNIT, from_m2

if TYPE_CHECKING:
    from zonemap.zone import Zone

#: The indicators, in the order reports show them (their words are in :mod:`zonemap.i18n`).
KEYS: tuple[str, ...] = (
    "land_development_rate", "supply_rate", "built_up_rate", "floor_area_ratio", "building_coverage",
    "investment_intensity_mu", "investment_intensity_ha", "infrastructure_per_developed_mu",
    "reused_buildings", "reused_floor_area", "idle_buildings",
)
#: Labels of each indicator (zh/en), a view of :mod:`zonemap.i18n`.
LABELS: dict[str, dict[str, str]] = {key: both(f"indicator.{key}") for key in KEYS}


def _indicator(key: str, value: float | None, unit: str, inputs: dict, reason: tuple[str, dict] | None = None) -> dict:
    """One indicator; ``reason`` is (code, fields) of why it is n/a."""
    if reason is not None:
        value = None
    return {
        "label": LABELS[key],
        "value": None if value is None else float(value),
        "unit": unit,
        "formula": both(f"formula.{key}"),
        "inputs": inputs,
        "reason": None if reason is None else reason[0],
        "reason_text": None if reason is None else both(f"reason.{reason[0]}", **reason[1]),
    }


def _ratio(numerator: float, denominator: float, why_zero: str) -> tuple[float | None, tuple[str, dict] | None]:
    return (numerator / denominator, None) if denominator > 0 else (None, (why_zero, {}))


def _text(value) -> str | None:
    return None if pd.isna(value) or str(value).strip() == "" else str(value).strip()


def building_table(zone: Zone, *, method: str = "ellipsoidal") -> pd.DataFrame:
    """One row per building: id, use, its parcel, footprint and floor area (m²)."""
    buildings, parcels = zone.buildings, zone.parcels
    ids = parcels["parcel_id"].map(_text)
    footprint = areas_m2(buildings.geometry.to_numpy(), buildings.crs, method=method, where="buildings") if len(buildings) else np.array([])
    named = buildings["parcel_id"].map(_text)
    # Buildings with no parcel_id go to the parcel their footprint lies in.
    points = shapely.point_on_surface(buildings.geometry.to_numpy())
    located = pd.Series([None] * len(buildings), index=buildings.index, dtype=object)
    if len(buildings) and len(parcels):
        inside, parcel_at = shapely.STRtree(parcels.geometry.to_numpy()).query(points, predicate="within")
        located.iloc[inside] = ids.to_numpy()[parcel_at]
    floors = pd.to_numeric(buildings["floors"], errors="coerce").astype(float)
    floor_area = pd.to_numeric(buildings["floor_area_m2"], errors="coerce").astype(float)
    return pd.DataFrame(
        {
            "building_id": buildings["building_id"].map(_text).fillna(pd.Series([f"#{i + 1}" for i in range(len(buildings))], index=buildings.index)),
            "use": buildings["use"].map(_text),
            "parcel_id": named.where(named.notna(), located),
            "footprint_m2": footprint,
            "floor_area_m2": floor_area.where(floor_area.notna(), footprint * floors),
        },
        index=buildings.index,
    )


def indicators(zone: Zone, *, method: str = "ellipsoidal") -> dict:
    """Every indicator of ``zone``, and the per-tenant figures.

    Returns ``{"zone", "method", "indicators": {key: indicator}, "tenants": [...]}``.
    """
    ledger = zone.areas(unit="mu", method=method)
    parcels = zone.parcels
    parcel_m2 = zone.parcel_areas_m2(method=method)
    is_tenant = (parcels["status"] == "tenant").to_numpy()
    tenant_ids = set(parcels.loc[is_tenant, "parcel_id"].map(_text).dropna())
    tenant_mu = from_m2(float(parcel_m2[is_tenant].sum()), "mu")
    buildings = building_table(zone, method=method)
    on_tenant = buildings[buildings["parcel_id"].isin(tenant_ids)]
    no_tenants = "no_tenants"
    figures: dict[str, dict] = {}

    usable = ledger["boundary"] - ledger["roads"]
    value, reason = _ratio(ledger["developed_total"], usable, "no_usable_land")
    figures["land_development_rate"] = _indicator(
        "land_development_rate", value, "share",
        {"developed_total_mu": ledger["developed_total"], "boundary_mu": ledger["boundary"], "roads_mu": ledger["roads"]}, reason,
    )
    value, reason = _ratio(tenant_mu, ledger["developed_total"], "no_developed_land")
    figures["supply_rate"] = _indicator(
        "supply_rate", value, "share",
        {"tenant_mu": tenant_mu, "developed_total_mu": ledger["developed_total"]}, reason,
    )

    no_buildings = ("no_buildings", {}) if len(buildings) == 0 else None
    # Buildings without any use recorded cannot say which are in use: n/a, not 0 (the import names the field to map).
    no_use = None if no_buildings or buildings["use"].notna().any() else ("no_use", {})
    built_ids = set(on_tenant.loc[on_tenant["use"] == "in_use", "parcel_id"])
    built_mask = is_tenant & parcels["parcel_id"].map(_text).isin(built_ids).to_numpy()
    built_mu = from_m2(float(parcel_m2[built_mask].sum()), "mu")
    value, reason = _ratio(built_mu, tenant_mu, no_tenants)
    figures["built_up_rate"] = _indicator(
        "built_up_rate", value, "share",
        {"built_tenant_mu": built_mu, "tenant_mu": tenant_mu, "built_parcels": sorted(built_ids)}, no_buildings or no_use or reason,
    )
    floor_m2, footprint_m2, tenant_m2 = float(on_tenant["floor_area_m2"].sum()), float(on_tenant["footprint_m2"].sum()), float(parcel_m2[is_tenant].sum())
    unknown_floor = sorted(on_tenant.loc[on_tenant["floor_area_m2"].isna(), "building_id"])
    value, reason = _ratio(floor_m2, tenant_m2, no_tenants)
    if unknown_floor:
        reason = ("no_floor_area", {"buildings": ", ".join(unknown_floor)})
    figures["floor_area_ratio"] = _indicator(
        "floor_area_ratio", value, "ratio",
        {"floor_area_m2": floor_m2, "tenant_m2": tenant_m2}, no_buildings or reason,
    )
    value, reason = _ratio(footprint_m2, tenant_m2, no_tenants)
    figures["building_coverage"] = _indicator(
        "building_coverage", value, "share",
        {"footprint_m2": footprint_m2, "tenant_m2": tenant_m2}, no_buildings or reason,
    )

    investment = pd.to_numeric(parcels["investment_wan"], errors="coerce")
    missing = sorted(parcels.loc[is_tenant & investment.isna().to_numpy(), "parcel_id"].map(str))
    invested = float(investment[is_tenant].sum())
    value, reason = _ratio(invested, tenant_mu, no_tenants)
    if missing:
        reason = ("no_investment", {"parcels": ", ".join(missing)})
    for key, unit in (("investment_intensity_mu", "mu"), ("investment_intensity_ha", "ha")):
        scale = M2_PER_UNIT[unit] / M2_PER_UNIT["mu"]  # mu per unit
        figures[key] = _indicator(
            key, None if value is None else value * scale, f"万元/{'亩' if unit == 'mu' else '公顷'}",
            {"investment_wan": invested, f"tenant_{unit}": tenant_mu / scale}, reason,
        )

    infrastructure = zone.infrastructure_wan
    value, reason = _ratio(float(infrastructure or 0.0), ledger["developed_total"], "no_developed_land")
    if infrastructure is None:
        reason = ("no_infrastructure", {})
    figures["infrastructure_per_developed_mu"] = _indicator(
        "infrastructure_per_developed_mu", value, "万元/亩",
        {"infrastructure_wan": None if infrastructure is None else float(infrastructure), "developed_total_mu": ledger["developed_total"]}, reason,
    )

    in_use, idle = buildings[buildings["use"] == "in_use"], buildings[buildings["use"] == "idle"]
    figures["reused_buildings"] = _indicator(
        "reused_buildings", len(in_use), "count",
        {"buildings": sorted(in_use["building_id"])}, no_buildings or no_use,
    )
    unknown_floor = sorted(in_use.loc[in_use["floor_area_m2"].isna(), "building_id"])
    figures["reused_floor_area"] = _indicator(
        "reused_floor_area", float(in_use["floor_area_m2"].sum()), "m²",
        {"buildings": sorted(in_use["building_id"])},
        no_buildings or no_use or (("no_floor_area", {"buildings": ", ".join(unknown_floor)}) if unknown_floor else None),
    )
    figures["idle_buildings"] = _indicator(
        "idle_buildings", len(idle), "count",
        {"buildings": sorted(idle["building_id"]), "floor_area_m2": float(idle["floor_area_m2"].sum())}, no_buildings or no_use,
    )
    return {"zone": zone.name, "method": method, "indicators": figures, "tenants": tenant_figures(zone, method=method)}


def tenant_figures(zone: Zone, *, method: str = "ellipsoidal") -> list[dict]:
    """Per tenant: parcels, land (mu), investment (万元), intensity (万元/亩 and 万元/公顷), floor area."""
    parcels = zone.parcels
    is_tenant = (parcels["status"] == "tenant").to_numpy()
    frame = pd.DataFrame(
        {
            "tenant": parcels["tenant"].map(_text),
            "parcel_id": parcels["parcel_id"].map(_text),
            "m2": zone.parcel_areas_m2(method=method),
            "investment_wan": pd.to_numeric(parcels["investment_wan"], errors="coerce"),
        }
    )[is_tenant]
    buildings = building_table(zone, method=method)
    floor_by_parcel = buildings.groupby("parcel_id")["floor_area_m2"].sum(min_count=1)
    rows = []
    groups = dict(list(frame.groupby(frame["tenant"].fillna(""), sort=False)))
    for tenant in sorted(groups, key=sort_key):  # pinyin order, as Chinese readers look names up
        group = groups[tenant]
        land_mu = from_m2(float(group["m2"].sum()), "mu")
        known = group["investment_wan"].notna().all()
        investment = float(group["investment_wan"].sum()) if known else None
        intensity = investment / land_mu if investment is not None and land_mu > 0 else None
        floor = floor_by_parcel.reindex(group["parcel_id"]).dropna()
        rows.append(
            {
                "tenant": tenant or None,
                "parcels": sorted(group["parcel_id"].dropna()),
                "area_mu": land_mu,
                "investment_wan": investment,
                "intensity_wan_per_mu": intensity,
                "intensity_wan_per_ha": None if intensity is None else intensity * M2_PER_UNIT["ha"] / M2_PER_UNIT["mu"],
                "floor_area_m2": float(floor.sum()) if len(floor) else None,
                "reason": None if known else "no_investment",
            }
        )
    return rows


#: Units of indicator values (as the JSON states them) → their word in :mod:`zonemap.i18n`.
_UNIT_WORDS = {"万元/亩": "wan_per_mu", "万元/公顷": "wan_per_ha"}


def format_indicator(indicator: dict, lang: str = "zh") -> str:
    """An indicator's value as a planner reads it, in ``lang``; 无法计算 / ``n/a`` when unknown."""
    value, unit = indicator["value"], indicator["unit"]
    if value is None:
        return word("na", lang)
    if unit == "share":
        return f"{value:.2%}"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "count":
        return word("count_buildings", lang, n=value)
    return f"{value:,.2f} {word(_UNIT_WORDS[unit], lang) if unit in _UNIT_WORDS else unit}"
