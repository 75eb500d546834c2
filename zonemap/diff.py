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

import os
from datetime import date
from pathlib import Path
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


def _groups(before: pd.DataFrame, after: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> list[tuple[list[int], list[int]]]:
    """Rows of old and new parcels linked by a shared piece of land or a shared id: (old rows, new rows) per group."""
    n_old = len(before)
    root = list(range(n_old + len(after)))

    def find(a: int) -> int:
        while root[a] != a:
            root[a] = root[root[a]]
            a = root[a]
        return a

    links = list(zip(i.tolist(), (n_old + j).tolist()))
    new_row = {pid: n_old + k for k, pid in enumerate(after["parcel_id"]) if pid is not None}
    links += [(k, new_row[pid]) for k, pid in enumerate(before["parcel_id"]) if pid is not None and pid in new_row]
    for a, b in links:
        root[find(a)] = find(b)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for node in range(len(root)):
        old_rows, new_rows = groups.setdefault(find(node), ([], []))
        if node < n_old:
            old_rows.append(node)
        else:
            new_rows.append(node - n_old)
    return list(groups.values())


def _same_money(a: float | None, b: float | None, pieces: int = 1) -> bool:
    """Whether two investments are the same; a share among several ``pieces`` was rounded to 0.01 万元, so may be off by one step."""
    tolerance = INVESTMENT_CHANGE_WAN if pieces > 1 else INVESTMENT_CHANGE_WAN / 2
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) < tolerance)


def _events(before: pd.DataFrame, after: pd.DataFrame, i: np.ndarray, j: np.ndarray, unit: str) -> list[dict]:
    """Every change of the ledger as an event: old parcels and the new ones that hold their land now.

    Each group of linked parcels (see :func:`_groups`) that changed is one
    event: ``split`` (one old into several new), ``merged`` (several into
    one), ``reshaped`` (several into several), ``added``, ``removed``, or
    ``changed`` (one parcel's status, tenant, investment or area). It lists
    the parcels ``old`` and ``new``; each new parcel names in ``differs`` the
    fields in which it differs from what it came from (a split piece from its
    parent, a merged parcel from its parents; investment from its share by
    area of what its old parcels held, summed); and
    ``by_status`` holds the area it moved into (+) and out of (−) each status.
    Groups that did not change are left out, so the ``by_status`` of all
    events add up to the ledger's change per status.
    """

    def parcel(row: pd.Series) -> dict:
        money = float(row["investment_wan"])
        return {
            "parcel_id": _text(row["parcel_id"]),
            "status": _text(row["status"]),
            "tenant": _text(row["tenant"]),
            "investment_wan": None if np.isnan(money) else money,
            "area": from_m2(float(row["m2"]), unit),
        }

    events = []
    for old_rows, new_rows in _groups(before, after, i, j):
        olds = [parcel(before.iloc[k]) for k in sorted(old_rows, key=lambda k: str(before["parcel_id"].iloc[k]))]
        news = [parcel(after.iloc[k]) for k in sorted(new_rows, key=lambda k: str(after["parcel_id"].iloc[k]))]
        if olds:
            moneys = [p["investment_wan"] for p in olds if p["investment_wan"] is not None]
            money = sum(moneys) if moneys else None
            land = sum(p["area"] for p in news)
            came_from = {"status": {p["status"] for p in olds}, "tenant": {p["tenant"] for p in olds}}
            for p in news:
                # What the piece should carry: its share by area of the investment it came from (as a split shares it).
                share = None if money is None else money * p["area"] / land if land > 0 else money / len(news)
                p["differs"] = [
                    field
                    for field, same in (
                        ("status", came_from["status"] == {p["status"]}),
                        ("tenant", came_from["tenant"] == {p["tenant"]}),
                        ("investment_wan", _same_money(share, p["investment_wan"], len(news))),
                    )
                    if not same
                ]
        if len(olds) == 1 and len(news) == 1 and olds[0]["parcel_id"] == news[0]["parcel_id"]:
            if not news[0]["differs"] and abs(news[0]["area"] - olds[0]["area"]) <= from_m2(to_m2(AREA_CHANGE_MU, "mu"), unit):
                continue
            kind = "changed"
        elif not olds:
            kind = "added"
        elif not news:
            kind = "removed"
        elif len(olds) == 1:
            kind = "split"
        elif len(news) == 1:
            kind = "merged"
        else:
            kind = "reshaped"
        statuses = sorted({str(p["status"]) for p in olds + news})
        by_status = {
            s: sum(p["area"] for p in news if str(p["status"]) == s) - sum(p["area"] for p in olds if str(p["status"]) == s) for s in statuses
        }
        events.append({"kind": kind, "old": olds, "new": news, "by_status": by_status})
    order = {kind: k for k, kind in enumerate(("split", "merged", "reshaped", "added", "removed", "changed"))}
    return sorted(events, key=lambda e: (order[e["kind"]], str((e["old"] or e["new"])[0]["parcel_id"])))


def data_date(zone: Zone) -> str | None:
    """When the zone's data last changed (ISO date): its newest parcel ``updated``, else the file's date
    (a database zone: its newest history entry); None when nothing tells."""
    updated = pd.to_datetime(zone.parcels["updated"], errors="coerce").max() if len(zone.parcels) else pd.NaT
    if pd.notna(updated):
        return updated.date().isoformat()
    if isinstance(zone.path, Path):
        return date.fromtimestamp(os.path.getmtime(zone.path)).isoformat()
    logged = pd.to_datetime(zone.history["at"], errors="coerce").max() if len(zone.history) else pd.NaT
    return logged.date().isoformat() if pd.notna(logged) else None


def _version(zone: Zone) -> dict:
    """Which version a report compares: where it is, its short name (file name, or database zone name) and date."""
    name = zone.path.name if isinstance(zone.path, Path) else getattr(zone.path, "zone", str(zone.path))
    return {"path": str(zone.path), "name": name, "date": data_date(zone)}


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
        "versions": {"old": _version(old), "new": _version(new)},
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
        "changes": _events(before, after, i, j, unit),
        "ledger": {
            "old": flat["old"],
            "new": flat["new"],
            "change": {key: flat["new"][key] - flat["old"][key] for key in LEDGER_KEYS},
        },
    }


def changed_parcels(report: dict) -> dict[str, str]:
    """Parcel id (in the new version) → its most telling kind of change (see :data:`CHANGE_LABELS`).

    A piece of a split or a merged parcel that changed status or tenant from
    what it came from shows that change (a new tenant on a split-off piece
    is a new tenant first). Parcels not listed did not change.
    """
    kinds: dict[str, str] = {}
    for kind, rows in (("area", report["area_changed"]), ("tenant", report["tenant_changed"]), ("status", report["status_changed"])):
        kinds.update({row["parcel_id"]: kind for row in rows})
    kinds.update({event["into"]: "merged" for event in report["merged"]})
    kinds.update({pid: "split" for event in report["split"] for pid in event["into"]})
    for event in report["changes"]:
        if event["kind"] in ("split", "merged", "reshaped"):
            for piece in event["new"]:
                telling = [field for field in ("tenant", "status") if field in piece["differs"]]
                if telling:
                    kinds[piece["parcel_id"]] = telling[0]
    kinds.update({row["parcel_id"]: "added" for row in report["added"]})
    return kinds
