"""What changed between two versions of a zone: parcels, statuses, tenants, investments, areas, the ledger.

Parcels are matched by ``parcel_id``. Splits and merges are found from the
geometry: an old parcel whose land now lies in two or more new parcels was
split; a new parcel made of the land of two or more old ones is a merge.
A piece counts when it is more than :data:`PIECE_SHARE` of the smaller
parcel, so redrawn edges do not look like splits.

Examples
--------
>>> import zonemap
>>> sample = zonemap.open(zonemap.sample_path())
>>> diff(sample, sample)["status_changed"]
[]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from zonemap.areas import NOISE_M2, metric_geometries
from zonemap.i18n import both
from zonemap.units import from_m2, to_m2

if TYPE_CHECKING:
    from zonemap.zone import Zone

#: An overlap counts as a piece of a split or merge above this share of the smaller parcel.
PIECE_SHARE = 0.01
#: Area changes below this (in mu) are not reported (SPEC: "over 0.01 mu").
AREA_CHANGE_MU = 0.01
#: Investment changes below this (in 万元) are not reported: 0.01 万元 is 100 yuan.
INVESTMENT_CHANGE_WAN = 0.01
#: Kinds of change a parcel of the new version can show, most telling first.
CHANGE_KINDS: tuple[str, ...] = ("added", "split", "merged", "status", "tenant", "area", "unchanged", "removed")
#: Their labels (zh/en), a view of :mod:`zonemap.i18n` (section ``change.``).
CHANGE_LABELS: dict[str, dict[str, str]] = {kind: both(f"change.{kind}") for kind in CHANGE_KINDS}
#: Ledger figures compared between versions.
LEDGER_KEYS = ("boundary", "developed", "vacant", "tenant", "roads", "unparcelled", "developed_total", "remaining", "ready", "raw")


def _text(value) -> str | None:
    return None if pd.isna(value) or str(value).strip() == "" else str(value)


def _table(zone: Zone, crs, method: str) -> pd.DataFrame:
    parcels = zone.parcels
    geoms = parcels.to_crs(crs).geometry.to_numpy() if crs is not None and parcels.crs not in (None, crs) else parcels.geometry.to_numpy()
    return pd.DataFrame(
        {
            "parcel_id": parcels["parcel_id"].map(_text).to_numpy(),
            "status": parcels["status"].map(_text).to_numpy(),
            "tenant": parcels["tenant"].map(_text).to_numpy(),
            "investment_wan": pd.to_numeric(parcels["investment_wan"], errors="coerce").to_numpy(dtype=float),
            "m2": zone.parcel_areas_m2(method=method),
            "geometry": metric_geometries(geoms, crs),
        }
    )


def _pieces(old: pd.DataFrame, new: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (old row, new row) whose overlap is a real piece of the smaller parcel."""
    old_geoms, new_geoms = old["geometry"].to_numpy(), new["geometry"].to_numpy()
    if len(old_geoms) == 0 or len(new_geoms) == 0:
        return np.array([], dtype=np.intp), np.array([], dtype=np.intp)
    i, j = shapely.STRtree(new_geoms).query(old_geoms, predicate="intersects")
    # Broken geometry cannot be intersected; `zonemap validate` names it.
    valid = shapely.is_valid(old_geoms[i]) & shapely.is_valid(new_geoms[j])
    i, j = i[valid], j[valid]
    shared = shapely.area(shapely.intersection(old_geoms[i], new_geoms[j]))
    smaller = np.minimum(shapely.area(old_geoms[i]), shapely.area(new_geoms[j]))
    piece = (shared > NOISE_M2) & (shared > PIECE_SHARE * smaller)
    return i[piece], j[piece]


def _parcel(row: pd.Series, unit: str) -> dict:
    return {"parcel_id": row["parcel_id"], "status": row["status"], "tenant": row["tenant"], "area": from_m2(row["m2"], unit)}


def diff(old: Zone, new: Zone, *, unit: str = "mu", method: str = "ellipsoidal") -> dict:
    """Changes from ``old`` to ``new`` as a plain dict (the ``diff --json`` shape)."""
    before, after = _table(old, old.crs, method), _table(new, old.crs, method)
    i, j = _pieces(before, after)
    pairs = pd.DataFrame({"old": before["parcel_id"].to_numpy()[i], "new": after["parcel_id"].to_numpy()[j]}).dropna()
    split = [
        {"from": old_id, "into": sorted(group["new"])}
        for old_id, group in pairs.groupby("old", sort=True)
        if group["new"].nunique() > 1
    ]
    merged = [
        {"from": sorted(group["old"]), "into": new_id}
        for new_id, group in pairs.groupby("new", sort=True)
        if group["old"].nunique() > 1
    ]
    explained = {s["from"] for s in split} | {m["into"] for m in merged}
    explained |= {p for s in split for p in s["into"]} | {p for m in merged for p in m["from"]}

    old_ids, new_ids = set(before["parcel_id"].dropna()), set(after["parcel_id"].dropna())
    added = after[after["parcel_id"].isin(new_ids - old_ids - explained)]
    removed = before[before["parcel_id"].isin(old_ids - new_ids - explained)]
    both = before.drop_duplicates("parcel_id").merge(
        after.drop_duplicates("parcel_id"), on="parcel_id", suffixes=("_old", "_new")
    ).sort_values("parcel_id")

    def changed(field: str) -> list[dict]:
        rows = both[both[f"{field}_old"].fillna("") != both[f"{field}_new"].fillna("")]
        return [{"parcel_id": r.parcel_id, "old": _text(getattr(r, f"{field}_old")), "new": _text(getattr(r, f"{field}_new"))} for r in rows.itertuples()]

    def money(value: float) -> float | None:
        return None if np.isnan(value) else float(value)

    invested = both[~np.isclose(both["investment_wan_old"], both["investment_wan_new"], rtol=0, atol=INVESTMENT_CHANGE_WAN / 2, equal_nan=True)]
    grown = both[np.abs(both["m2_new"] - both["m2_old"]) > to_m2(AREA_CHANGE_MU, "mu")]
    ledgers = {"old": old.areas(unit=unit, method=method), "new": new.areas(unit=unit, method=method)}
    flat = {
        name: {key: (ledger["by_status"][key]["area"] if key in ledger["by_status"] else ledger[key]) for key in LEDGER_KEYS}
        for name, ledger in ledgers.items()
    }
    return {
        "old": str(old.path),
        "new": str(new.path),
        "unit": unit,
        "method": method,
        "added": [_parcel(row, unit) for _, row in added.sort_values("parcel_id").iterrows()],
        "removed": [_parcel(row, unit) for _, row in removed.sort_values("parcel_id").iterrows()],
        "split": split,
        "merged": merged,
        "status_changed": changed("status"),
        "tenant_changed": changed("tenant"),
        "investment_changed": [
            {
                "parcel_id": r.parcel_id,
                "old": money(r.investment_wan_old),
                "new": money(r.investment_wan_new),
                "change": float(np.nan_to_num(r.investment_wan_new) - np.nan_to_num(r.investment_wan_old)),
            }
            for r in invested.itertuples()
        ],
        "area_changed": [
            {"parcel_id": r.parcel_id, "old": from_m2(r.m2_old, unit), "new": from_m2(r.m2_new, unit), "change": from_m2(r.m2_new - r.m2_old, unit)}
            for r in grown.itertuples()
        ],
        "ledger": {
            "old": flat["old"],
            "new": flat["new"],
            "change": {key: flat["new"][key] - flat["old"][key] for key in LEDGER_KEYS},
        },
    }


def changed_parcels(report: dict) -> dict[str, str]:
    """Parcel id (in the new version) → its most telling kind of change (see :data:`CHANGE_LABELS`).

    Parcels not listed did not change.
    """
    kinds: dict[str, str] = {}
    for kind, rows in (("area", report["area_changed"]), ("tenant", report["tenant_changed"]), ("status", report["status_changed"])):
        kinds.update({row["parcel_id"]: kind for row in rows})
    kinds.update({event["into"]: "merged" for event in report["merged"]})
    kinds.update({pid: "split" for event in report["split"] for pid in event["into"]})
    kinds.update({row["parcel_id"]: "added" for row in report["added"]})
    return kinds
