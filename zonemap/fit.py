"""Where a project fits: single available parcels, and adjacent groups of them.

Available land is a parcel that is ``developed`` (serviced, ready to let) or
``vacant``. A candidate site is one such parcel at least as large as the
need, or a group of available parcels that share edges (a corner is not an
edge; a tenant parcel or a road between two parcels separates them) whose
union reaches the need although none of its members does alone. An area
"reaches" the need when it falls short by no more than
:data:`zonemap.areas.NOISE_M2` (survey and carving noise): a parcel carved to
exactly 20 mu that measures 19.999999987 mu hosts a 20-mu project.

Groups of one status come first: all ``developed`` (serviced) groups, then
all ``vacant`` ones. A group mixing developed and vacant parcels is listed
after them, with ``serviced`` false: the project can go there once the
vacant part is serviced, which a planner wants to know but not ahead of land
that is ready.

Order, best first: single parcels before groups; serviced before vacant
before mixed; fewer parcels; the tightest fit (least area beyond the need);
the more compact site (Polsby–Popper 4πA/P² of the union, 1 for a circle,
0.785 for a square).

Examples
--------
>>> import zonemap
>>> sites = find_sites(zonemap.open(zonemap.sample_path()), need=20.0)
>>> sites[0]["serviced"], sites[0]["statuses"]
(True, ['developed'])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from zonemap.adjacency import shared_edges
from zonemap.i18n import both
from zonemap.areas import NOISE_M2, metric_geometries
from zonemap.prospects import OPEN_STAGES, held_parcels
from zonemap.units import from_m2, to_m2

if TYPE_CHECKING:
    from zonemap.zone import Zone

#: Statuses whose land can take a new project, best first.
AVAILABLE: tuple[str, ...] = ("developed", "vacant")
#: Best fits shown per prospect.
PROSPECT_TOP = 3


def _connected(members: set[int], neighbours: dict[int, dict[int, float]]) -> bool:
    start = next(iter(members))
    seen, stack = {start}, [start]
    while stack:
        for n in neighbours[stack.pop()]:
            if n in members and n not in seen:
                seen.add(n)
                stack.append(n)
    return seen == members


def _prune(members: set[int], area: np.ndarray, need: float, neighbours) -> frozenset[int]:
    """Drop members the group can do without, smallest first, keeping it connected."""
    for m in sorted(members, key=lambda k: area[k]):
        rest = members - {m}
        if rest and area[list(rest)].sum() >= need and _connected(rest, neighbours):
            members = rest
    return frozenset(members)


def _grow(seed: int, area: np.ndarray, need: float, neighbours) -> frozenset[int] | None:
    """From ``seed``, add the neighbour sharing the longest edge until the need is met.

    Adding along the longest shared edge keeps the site compact.
    """
    members, total = {seed}, float(area[seed])
    frontier: dict[int, float] = dict(neighbours[seed])
    while total < need:
        if not frontier:
            return None
        step = max(frontier, key=lambda n: (frontier[n], area[n], -n))
        del frontier[step]
        members.add(step)
        total += float(area[step])
        for n, length in neighbours[step].items():
            if n not in members:
                frontier[n] = frontier.get(n, 0.0) + length
    return _prune(members, area, need, neighbours)


def _groups(area: np.ndarray, need: float, left, right, length) -> set[frozenset[int]]:
    """Connected groups of parcels, none big enough alone, whose union reaches ``need``."""
    small = area < need
    keep = small[left] & small[right]
    left, right, length = left[keep], right[keep], length[keep]
    neighbours: dict[int, dict[int, float]] = {int(i): {} for i in np.flatnonzero(small)}
    for i, j, shared in zip(left.tolist(), right.tolist(), length.tolist()):
        neighbours[i][j] = neighbours[i].get(j, 0.0) + shared
        neighbours[j][i] = neighbours[j].get(i, 0.0) + shared
    # Every adjacent pair that suffices, exactly; larger groups grown from each seed.
    pairs = area[left] + area[right] >= need
    groups = {frozenset((int(i), int(j))) for i, j in zip(left[pairs], right[pairs])}
    for seed in neighbours:
        group = _grow(seed, area, need, neighbours)
        if group is not None and len(group) > 1:
            groups.add(group)
    return groups


def _site(members, ids, status, area_m2, planar_m2, perimeter, edges, unit: str) -> dict:
    members = sorted(members, key=lambda k: ids[k])
    inner = sum(edges.get((i, j), 0.0) for i in members for j in members if i < j)
    outer = float(perimeter[members].sum()) - 2 * inner
    statuses = [s for s in AVAILABLE if s in set(status[members])]
    return {
        "parcels": [ids[k] for k in members],
        "area": from_m2(float(area_m2[members].sum()), unit),
        "statuses": statuses,
        "serviced": statuses == ["developed"],
        "compactness": float(4 * np.pi * planar_m2[members].sum() / outer**2) if outer > 0 else 0.0,
    }


def _rank(site: dict, need: float) -> tuple:
    kind = AVAILABLE.index(site["statuses"][0]) if len(site["statuses"]) == 1 else len(AVAILABLE)
    return (len(site["parcels"]) > 1, kind, len(site["parcels"]), site["area"] - need, -site["compactness"], site["parcels"])


def _held(zone: Zone, include_held: bool, prospect: str | None) -> set[str]:
    """Parcels a search must pass over: those held for others (none with ``include_held``)."""
    return set() if include_held else held_parcels(zone, prospect=prospect)


def _available_land(zone: Zone, method: str, held: set[str]):
    """The measurable available parcels not ``held``: ids, statuses, areas, perimeters and shared edges; None if there are none."""
    parcels = zone.parcels
    all_m2 = zone.parcel_areas_m2(method=method)
    usable = (parcels["status"].isin(AVAILABLE) & ~parcels["parcel_id"].astype(str).isin(held)).to_numpy().copy()
    geoms = parcels.geometry.to_numpy()
    # Broken geometry cannot be measured; `zonemap validate` names it, the CLI warns.
    usable &= ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) & shapely.is_valid(geoms)
    usable &= np.isin(shapely.get_type_id(geoms), [3, 6])  # Polygon, MultiPolygon
    parcels, area_m2 = parcels[usable], all_m2[usable]
    if len(parcels) == 0:
        return None
    ids = parcels["parcel_id"].fillna("").astype(str).to_numpy(dtype=object)
    status = parcels["status"].to_numpy(dtype=object)
    metric = metric_geometries(parcels.geometry.to_numpy(), parcels.crs)
    left, right, length = shared_edges(metric)
    edges = {(int(i), int(j)): float(v) for i, j, v in zip(left, right, length)}
    return ids, status, area_m2, shapely.area(metric), shapely.length(metric), left, right, length, edges


def find_sites(
    zone: Zone, need: float, *, unit: str = "mu", method: str = "ellipsoidal", include_held: bool = False, prospect: str | None = None
) -> list[dict]:
    """Every site of available land that can host a project of ``need`` (in ``unit``), best first.

    Land held (预留) for a prospect is passed over unless ``include_held``
    or the hold is for ``prospect`` (the one the search is for). Each site is a dict: ``parcels`` (ids whose union is the site), ``area``
    (in ``unit``), ``statuses`` (the status mix), ``serviced`` (all of it
    developed) and ``compactness`` (Polsby–Popper of the union, 0–1).
    """
    if not need > 0:
        raise ValueError(f"need must be a positive area, got {need!r}")
    land = _available_land(zone, method, _held(zone, include_held, prospect))
    if land is None:
        return []
    ids, status, area_m2, planar_m2, perimeter, left, right, length, edges = land
    need_m2 = to_m2(need, unit) - NOISE_M2  # the area a site must reach, within the noise

    found: set[frozenset[int]] = {frozenset([int(k)]) for k in np.flatnonzero(area_m2 >= need_m2)}
    same = status[left] == status[right]
    for selection in (same, np.ones_like(same)):  # one status first, then any mix
        found |= _groups(area_m2, need_m2, left[selection], right[selection], length[selection])
    sites = [_site(members, ids, status, area_m2, planar_m2, perimeter, edges, unit) for members in found]
    return sorted(sites, key=lambda site: _rank(site, need))


def largest_sites(zone: Zone, *, unit: str = "mu", method: str = "ellipsoidal", include_held: bool = False) -> dict:
    """The largest available single parcel and the largest group of edge-adjacent available parcels.

    What a planner offers when nothing fits: ``parcel`` and ``group`` are
    sites as :func:`find_sites` gives them, None when there is none (a group
    has two parcels or more).
    """
    land = _available_land(zone, method, _held(zone, include_held, None))
    if land is None:
        return {"parcel": None, "group": None}
    ids, status, area_m2, planar_m2, perimeter, left, right, _, edges = land
    neighbours: dict[int, set[int]] = {k: set() for k in range(len(ids))}
    for i, j in zip(left.tolist(), right.tolist()):
        neighbours[i].add(j)
        neighbours[j].add(i)
    groups, seen = [], set()
    for start in range(len(ids)):
        if start in seen:
            continue
        group, stack = {start}, [start]
        while stack:
            for n in neighbours[stack.pop()] - group:
                group.add(n)
                stack.append(n)
        seen |= group
        if len(group) > 1:
            groups.append(group)

    def site(members):
        return _site(members, ids, status, area_m2, planar_m2, perimeter, edges, unit)

    biggest = max(groups, key=lambda g: float(area_m2[list(g)].sum()), default=None)
    return {"parcel": site([int(np.argmax(area_m2))]), "group": None if biggest is None else site(biggest)}


def _named_parcel(zone: Zone, parcel_id: str, *, unit: str, method: str) -> dict | None:
    """Status and area of the parcel a prospect asks for, None when there is no such parcel."""
    named = (zone.parcels["parcel_id"].astype(str) == parcel_id).to_numpy()
    if not named.any():
        return None
    area = float(zone.parcel_areas_m2(method=method)[named].sum())
    return {"id": parcel_id, "status": str(zone.parcels["status"][named].iloc[0]), "area": from_m2(area, unit)}


def prospect_fits(
    zone: Zone, *, intensity: float | None = None, unit: str = "mu", method: str = "ellipsoidal", top: int = PROSPECT_TOP
) -> list[dict]:
    """For each prospect, the land it needs and its best ``top`` sites.

    The need is the prospect's ``need_mu``; failing that, its
    ``investment_wan`` divided by ``intensity`` (万元/亩), when given. A
    prospect whose need cannot be known, or that nothing fits, gets a
    ``reason`` code (its words in :mod:`zonemap.i18n` under ``fit.``, and in
    ``reason_text`` in both languages); ``need_from`` says where the need came
    from: ``need_mu``, or ``investment_wan`` over ``intensity``.
    Only prospects still looking for land are answered (not landed or
    dropped); each may be offered the land held for it, not that held for others.
    """
    results = []
    looking = zone.prospects[zone.prospects["stage"].isna() | zone.prospects["stage"].isin(OPEN_STAGES)]
    for row in looking.itertuples(index=False):
        need_mu, investment = getattr(row, "need_mu"), getattr(row, "investment_wan")
        result = {
            "name": None if pd.isna(row.name) else str(row.name),
            "industry": None if pd.isna(row.industry) else str(row.industry),
            "stage": None if pd.isna(row.stage) else str(row.stage),
            "investment_wan": None if pd.isna(investment) else float(investment),
            "parcel_id": None if pd.isna(row.parcel_id) else str(row.parcel_id),
            "parcel": None,
            "need": None,
            "need_from": None,
            "intensity": None,
            "candidates": [],
            "reason": None,
        }
        if not pd.isna(need_mu) and need_mu > 0:
            result["need"], result["need_from"] = from_m2(to_m2(float(need_mu), "mu"), unit), "need_mu"
        elif intensity and not pd.isna(investment) and investment > 0:
            result["need"] = from_m2(to_m2(float(investment) / intensity, "mu"), unit)
            result["need_from"], result["intensity"] = "investment_wan", intensity
        elif result["parcel_id"]:
            result["reason"] = "no_need_parcel_only"
        elif pd.isna(investment):
            result["reason"] = "no_need_no_investment"
        else:
            result["reason"] = "no_need_give_intensity"
        if result["parcel_id"]:
            result["parcel"] = _named_parcel(zone, result["parcel_id"], unit=unit, method=method)
        if result["need"] is not None:
            sites = find_sites(zone, result["need"], unit=unit, method=method, prospect=result["name"])
            result["candidates"] = sites[:top]
            if not sites:
                result["reason"] = "too_large"
        result["reason_text"] = None if result["reason"] is None else both(f"fit.{result['reason']}")
        results.append(result)
    return results
