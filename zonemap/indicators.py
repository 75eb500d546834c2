"""The zone's land-use indicators, each with its formula and the inputs it used.

These are the figures of Jiangsu's development-zone land evaluations
(开发区土地集约利用评价, TD/T 1029) and the 亩均 evaluations. Every
indicator is a dict: ``value`` (None when it cannot be computed), ``unit``,
``formula`` (zh and en), ``inputs`` (the figures it used, named) and
``reason`` (why it is n/a). A missing input gives n/a, never a made-up zero.

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
from zonemap.units import M2_PER_UNIT, from_m2

if TYPE_CHECKING:
    from zonemap.zone import Zone

#: Labels of each indicator, in the order reports show them.
LABELS: dict[str, dict[str, str]] = {
    "land_development_rate": {"zh": "土地开发率", "en": "Land development rate"},
    "supply_rate": {"zh": "土地供应率", "en": "Land supply rate"},
    "built_up_rate": {"zh": "土地建成率", "en": "Built-up rate"},
    "floor_area_ratio": {"zh": "综合容积率", "en": "Floor-area ratio of tenant land"},
    "building_coverage": {"zh": "建筑密度", "en": "Building coverage of tenant land"},
    "investment_intensity_mu": {"zh": "固定资产投资强度（亩均）", "en": "Fixed-asset investment intensity (per mu)"},
    "investment_intensity_ha": {"zh": "固定资产投资强度（公顷）", "en": "Fixed-asset investment intensity (per ha)"},
    "infrastructure_per_developed_mu": {"zh": "亩均基础设施投入", "en": "Infrastructure investment per developed mu"},
    "reused_buildings": {"zh": "盘活存量厂房", "en": "Re-used stock buildings"},
    "reused_floor_area": {"zh": "盘活存量厂房建筑面积", "en": "Floor area of re-used stock buildings"},
    "idle_buildings": {"zh": "闲置存量厂房", "en": "Idle stock buildings"},
}


def _indicator(key: str, value: float | None, unit: str, zh: str, en: str, inputs: dict, reason: str | None = None) -> dict:
    if reason is not None:
        value = None
    return {
        "label": LABELS[key],
        "value": None if value is None else float(value),
        "unit": unit,
        "formula": {"zh": zh, "en": en},
        "inputs": inputs,
        "reason": reason,
    }


def _ratio(numerator: float, denominator: float, why_zero: str) -> tuple[float | None, str | None]:
    return (numerator / denominator, None) if denominator > 0 else (None, why_zero)


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
    no_tenants = "无已入驻地块 / no tenant parcels"
    figures: dict[str, dict] = {}

    usable = ledger["boundary"] - ledger["roads"]
    value, reason = _ratio(ledger["developed_total"], usable, "边界扣除道路后无面积 / boundary minus roads is empty")
    figures["land_development_rate"] = _indicator(
        "land_development_rate", value, "share",
        "已开发面积 ÷ (边界面积 − 道路面积)", "developed total ÷ (boundary − roads)",
        {"developed_total_mu": ledger["developed_total"], "boundary_mu": ledger["boundary"], "roads_mu": ledger["roads"]}, reason,
    )
    value, reason = _ratio(tenant_mu, ledger["developed_total"], "无已开发用地 / no developed land")
    figures["supply_rate"] = _indicator(
        "supply_rate", value, "share",
        "已入驻面积 ÷ 已开发面积", "tenant land ÷ developed total",
        {"tenant_mu": tenant_mu, "developed_total_mu": ledger["developed_total"]}, reason,
    )

    no_buildings = "buildings 图层未登记建筑 / no buildings recorded in the buildings layer" if len(buildings) == 0 else None
    # Buildings without any use recorded cannot say which are in use: n/a, not 0 (the import names the field to map).
    no_use = None if no_buildings or buildings["use"].notna().any() else (
        "建筑均未填使用状态 / no building has a use (in_use / idle); import it with --map use=FIELD")
    built_ids = set(on_tenant.loc[on_tenant["use"] == "in_use", "parcel_id"])
    built_mask = is_tenant & parcels["parcel_id"].map(_text).isin(built_ids).to_numpy()
    built_mu = from_m2(float(parcel_m2[built_mask].sum()), "mu")
    value, reason = _ratio(built_mu, tenant_mu, no_tenants)
    figures["built_up_rate"] = _indicator(
        "built_up_rate", value, "share",
        "有在用建筑的已入驻地块面积 ÷ 已入驻面积", "tenant parcels with an in-use building ÷ tenant land",
        {"built_tenant_mu": built_mu, "tenant_mu": tenant_mu, "built_parcels": sorted(built_ids)}, no_buildings or no_use or reason,
    )
    floor_m2, footprint_m2, tenant_m2 = float(on_tenant["floor_area_m2"].sum()), float(on_tenant["footprint_m2"].sum()), float(parcel_m2[is_tenant].sum())
    unknown_floor = sorted(on_tenant.loc[on_tenant["floor_area_m2"].isna(), "building_id"])
    value, reason = _ratio(floor_m2, tenant_m2, no_tenants)
    if unknown_floor:
        reason = f"建筑 {', '.join(unknown_floor)} 缺建筑面积和层数 / building(s) {', '.join(unknown_floor)} have neither floor_area_m2 nor floors"
    figures["floor_area_ratio"] = _indicator(
        "floor_area_ratio", value, "ratio",
        "已入驻地块总建筑面积 ÷ 已入驻面积", "floor area on tenant land ÷ tenant land",
        {"floor_area_m2": floor_m2, "tenant_m2": tenant_m2}, no_buildings or reason,
    )
    value, reason = _ratio(footprint_m2, tenant_m2, no_tenants)
    figures["building_coverage"] = _indicator(
        "building_coverage", value, "share",
        "已入驻地块建筑基底面积 ÷ 已入驻面积", "building footprints on tenant land ÷ tenant land",
        {"footprint_m2": footprint_m2, "tenant_m2": tenant_m2}, no_buildings or reason,
    )

    investment = pd.to_numeric(parcels["investment_wan"], errors="coerce")
    missing = sorted(parcels.loc[is_tenant & investment.isna().to_numpy(), "parcel_id"].map(str))
    invested = float(investment[is_tenant].sum())
    value, reason = _ratio(invested, tenant_mu, no_tenants)
    if missing:
        reason = f"已入驻地块 {', '.join(missing)} 缺投资额 / tenant parcel(s) {', '.join(missing)} have no investment_wan"
    for key, unit in (("investment_intensity_mu", "mu"), ("investment_intensity_ha", "ha")):
        scale = M2_PER_UNIT[unit] / M2_PER_UNIT["mu"]  # mu per unit
        figures[key] = _indicator(
            key, None if value is None else value * scale, f"万元/{'亩' if unit == 'mu' else '公顷'}",
            f"已入驻地块固定资产投资 ÷ 已入驻面积（{'亩' if unit == 'mu' else '公顷'}）",
            f"fixed-asset investment on tenant land ÷ tenant land ({unit})",
            {"investment_wan": invested, f"tenant_{unit}": tenant_mu / scale}, reason,
        )

    infrastructure = zone.infrastructure_wan
    value, reason = _ratio(float(infrastructure or 0.0), ledger["developed_total"], "无已开发用地 / no developed land")
    if infrastructure is None:
        reason = "边界未填基础设施投入 / the boundary has no infrastructure_wan"
    figures["infrastructure_per_developed_mu"] = _indicator(
        "infrastructure_per_developed_mu", value, "万元/亩",
        "基础设施投入 ÷ 已开发面积", "infrastructure investment ÷ developed total",
        {"infrastructure_wan": None if infrastructure is None else float(infrastructure), "developed_total_mu": ledger["developed_total"]}, reason,
    )

    in_use, idle = buildings[buildings["use"] == "in_use"], buildings[buildings["use"] == "idle"]
    figures["reused_buildings"] = _indicator(
        "reused_buildings", len(in_use), "count", "在用存量厂房栋数", "stock buildings in use",
        {"buildings": sorted(in_use["building_id"])}, no_buildings or no_use,
    )
    unknown_floor = sorted(in_use.loc[in_use["floor_area_m2"].isna(), "building_id"])
    figures["reused_floor_area"] = _indicator(
        "reused_floor_area", float(in_use["floor_area_m2"].sum()), "m²", "在用存量厂房建筑面积之和", "floor area of stock buildings in use",
        {"buildings": sorted(in_use["building_id"])},
        no_buildings or no_use or (f"建筑 {', '.join(unknown_floor)} 缺建筑面积和层数 / building(s) {', '.join(unknown_floor)} have neither floor_area_m2 nor floors" if unknown_floor else None),
    )
    figures["idle_buildings"] = _indicator(
        "idle_buildings", len(idle), "count", "闲置存量厂房栋数", "stock buildings standing idle",
        {"buildings": sorted(idle["building_id"]), "floor_area_m2": float(idle["floor_area_m2"].sum())}, no_buildings or no_use,
    )
    return {"zone": zone.name, "method": method, "indicators": figures, "tenants": tenant_figures(zone, method=method)}


def tenant_figures(zone: Zone, *, method: str = "ellipsoidal") -> list[dict]:
    """Per tenant: parcels, land (mu), investment (万元), intensity (万元/亩 and 万元/公顷), floor area."""
    parcels = zone.parcels
    is_tenant = (parcels["status"] == "tenant").to_numpy()
    frame = pd.DataFrame(
        {
            "tenant": parcels["tenant"].map(_text).fillna("(未填 none)"),
            "parcel_id": parcels["parcel_id"].map(_text),
            "m2": zone.parcel_areas_m2(method=method),
            "investment_wan": pd.to_numeric(parcels["investment_wan"], errors="coerce"),
        }
    )[is_tenant]
    buildings = building_table(zone, method=method)
    floor_by_parcel = buildings.groupby("parcel_id")["floor_area_m2"].sum(min_count=1)
    rows = []
    for tenant, group in frame.groupby("tenant", sort=True):
        land_mu = from_m2(float(group["m2"].sum()), "mu")
        known = group["investment_wan"].notna().all()
        investment = float(group["investment_wan"].sum()) if known else None
        intensity = investment / land_mu if investment is not None and land_mu > 0 else None
        floor = floor_by_parcel.reindex(group["parcel_id"]).dropna()
        rows.append(
            {
                "tenant": tenant,
                "parcels": sorted(group["parcel_id"].dropna()),
                "area_mu": land_mu,
                "investment_wan": investment,
                "intensity_wan_per_mu": intensity,
                "intensity_wan_per_ha": None if intensity is None else intensity * M2_PER_UNIT["ha"] / M2_PER_UNIT["mu"],
                "floor_area_m2": float(floor.sum()) if len(floor) else None,
                "reason": None if known else "no investment_wan",
            }
        )
    return rows


def format_indicator(indicator: dict, lang: str = "zh") -> str:
    """An indicator's value as a planner reads it; ``n/a`` when unknown."""
    value, unit = indicator["value"], indicator["unit"]
    if value is None:
        return "n/a"
    if unit == "share":
        return f"{value:.2%}"
    if unit == "ratio":
        return f"{value:.2f}"
    if unit == "count":
        return f"{value:.0f} 栋" if lang == "zh" else f"{value:.0f}"
    return f"{value:,.2f} {unit}"
