"""Edits a planner makes by hand: a new zone, one parcel's fields, split, merge, and the log.

Each goes through :func:`~zonemap.intake.changes.zone_change`: atomic,
validated, and written to ``history`` with who and when; split and merge
record the lineage (parent and child ids). Each takes the zone as a path
or a :class:`~zonemap.zone.Zone` and returns the new Zone, the file as the
edit left it (see :mod:`zonemap.zone` for the snapshot model); its ``edit``
attribute holds the history rows the edit wrote (empty: nothing changed).

Examples
--------
>>> carve_line_position(0.0, 100.0, lambda c: 100.0 - c, 25.0)
75.0
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from zonemap import pgstore, store
from zonemap.adjacency import shared_edges
from zonemap.areas import areas_m2, metric_geometries
from zonemap.errors import ZonemapError
from zonemap.intake.changes import zone_change
from zonemap.intake.sources import read_source
from zonemap.i18n import Phrase
from zonemap.ids import id_key, id_phrase, normalise_id
from zonemap.limits import number_problem
from zonemap.prospects import parse_date
from zonemap.status import STATUSES, parse_status
from zonemap.units import from_m2, share_by_area, to_m2
from zonemap.zone import Zone

SIDES: tuple[str, ...] = ("north", "south", "east", "west")
#: --mu carves to within this many m² (the promise is 0.01 mu, 6.7 m²).
CARVE_TOLERANCE_M2 = 1e-4
#: No piece of a split may be smaller than this (亩): anything less is a sliver, not a parcel.
MIN_PIECE_MU = 0.1


class EditError(ZonemapError):
    """An edit that cannot be made as asked; nothing was written."""


def unknown_parcel(parcel_id: str, known, zone) -> EditError:
    """The error for an id not among ``known`` parcel ids: how many there are, and the closest ids."""
    ids = sorted({str(i) for i in known if isinstance(i, str) and i})
    close = difflib.get_close_matches(parcel_id, ids, n=3)
    if len(ids) > 1:
        listing = Phrase("error.parcels_range", {"count": len(ids), "first": ids[0], "last": ids[-1]})
    else:
        listing = Phrase("error.parcels_one", {"first": ids[0]}) if ids else Phrase("error.parcels_none")
    hint = Phrase("error.did_you_mean", {"ids": ", ".join(map(repr, close))}) if close else ""
    return EditError(code="error.unknown_parcel", parcel=parcel_id, zone=zone, listing=listing, hint=hint)


def _check_figure(option: str, value: float | None, kind: str, *, positive: bool = True) -> None:
    """Refuse a NaN, infinite or absurd figure before it reaches the zone (the CLI refuses it earlier, exit 2)."""
    problem = None if value is None else number_problem(float(value), kind, positive=positive)
    if problem:
        raise EditError(f"{option} {value:g}: {problem}; give a finite figure")


def _parcel_row(parcels: pd.DataFrame, parcel_id: str, zone) -> int:
    matches = np.flatnonzero((parcels["parcel_id"] == parcel_id).to_numpy())
    if len(matches) == 0:
        raise unknown_parcel(parcel_id, parcels["parcel_id"].dropna(), zone)
    return int(matches[0])


def _edited(path: Path, rows: list[dict]) -> Zone:
    """The zone as an edit left it, carrying the history ``rows`` that edit wrote."""
    zone = Zone(path)
    zone.edit = rows
    return zone


def _zone_path(zone: str | os.PathLike | Zone) -> Path | pgstore.DatabaseZone:
    if isinstance(zone, Zone):
        return zone.path
    return pgstore.parse_location(zone) if pgstore.is_database(zone) else Path(zone)


def _fresh_ids(parcels: pd.DataFrame, wanted: list[str], zone) -> list[str]:
    """``wanted`` normalised (see :mod:`zonemap.ids`), or a refusal naming an id that is blank, invisible-laden or taken.

    Taken means equal to another id of ``parcels`` or of ``wanted`` once case, spaces and width are ignored.
    """
    ids = [normalise_id(pid) for pid in wanted]
    taken = {id_key(pid): pid for pid in parcels["parcel_id"].dropna().astype(str)}
    for given, pid in zip(wanted, ids):
        problem = Phrase("refuse.id_blank") if not pid else id_phrase(pid)
        if problem:
            raise EditError(code="refuse.id_unusable", zone=zone, given=given, problem=problem)
        if id_key(pid) in taken:
            other = taken[id_key(pid)]
            raise EditError(code="refuse.id_used", zone=zone, given=pid) if other == pid else EditError(
                code="refuse.id_reads_as", zone=zone, given=pid, other=other)
        taken[id_key(pid)] = pid
    return ids


def init_zone(
    zone: str | os.PathLike,
    boundary_source: str | os.PathLike,
    *,
    name: str | None = None,
    planned_mu: float | None = None,
    crs: str | None = None,
    by: str | None = None,
) -> Zone:
    """Create an empty zone whose boundary is the union of the polygons in ``boundary_source``.

    The zone keeps the boundary's CRS when it is projected; a boundary in
    lon/lat (KML, GeoJSON) is stored in the CGCS2000 3-degree Gauss-Krüger
    zone (with zone prefix) of its centre. A database zone
    (``postgresql://…?zone=NAME``) that does not exist yet is made the same
    way in a zone file of its own, then pushed there (:func:`zonemap.pgstore.push`).
    """
    _check_figure("--planned-mu", planned_mu, "area")
    if pgstore.is_database(zone):
        location = pgstore.parse_location(zone)
        with pgstore.connect(location) as conn:  # the history names the database user, as an edit's does
            editor = pgstore.editor_name(conn.info.user, by)
        with tempfile.TemporaryDirectory(prefix="zonemap-init-") as folder:
            made = Path(folder) / "zone.gpkg"
            rows = _init(made, location.zone, boundary_source, name=name, planned_mu=planned_mu, crs=crs, by=editor)
            pgstore.push(made, location, by=by, replace=False)
        return _edited(location, rows)
    zone = Path(zone)
    if zone.suffix.lower() != ".gpkg":
        raise EditError(code="refuse.zone_suffix", zone=zone, suggested=zone.with_suffix(".gpkg"))
    return _edited(zone, _init(zone, zone.stem, boundary_source, name=name, planned_mu=planned_mu, crs=crs, by=by))


def _init(zone: Path, zone_id: str, boundary_source, *, name, planned_mu, crs, by) -> list[dict]:
    """Write the new zone file ``zone`` (boundary and empty layers); the history rows written."""
    source = read_source(boundary_source, target="boundary", crs=crs)
    geoms = source.frame.geometry.to_numpy()
    if len(geoms) == 0:
        raise EditError(code="refuse.boundary_empty", source=source.path)
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6]) & shapely.is_valid(geoms) & ~shapely.is_empty(geoms)
    if not polygonal.any() or not polygonal.all():
        bad = np.flatnonzero(~polygonal)[0] if len(geoms) else 0
        raise EditError(code="refuse.boundary_invalid", source=source.path, feature=bad + 1)
    outline = gpd.GeoSeries([shapely.union_all(geoms)], crs=source.crs)
    zone_crs = source.crs if source.crs.is_projected else gauss_kruger_crs(outline)
    boundary = gpd.GeoDataFrame(
        {"zone_id": [zone_id], "name": [name or zone_id], "planned_mu": [planned_mu], "infrastructure_wan": [np.nan]},
        geometry=outline.to_crs(zone_crs).to_numpy(),
        crs=zone_crs,
    ).astype({"planned_mu": "float64"})
    with zone_change(zone, by=by, create=True) as change:
        change.write("boundary", boundary)
        for layer in ("parcels", "roads", "buildings", "prospects"):
            change.write(layer, store.empty_layer(layer, zone_crs))
        area = float(areas_m2(boundary.geometry.to_numpy(), zone_crs)[0])
        change.record(None, "create", "boundary", None, f"{from_m2(area, 'mu'):.2f} mu", "; ".join([f"zone created from {source.path.name}", *source.notes]))
    return change.rows


def gauss_kruger_crs(outline: gpd.GeoSeries) -> CRS:
    """The CGCS2000 3-degree Gauss-Krüger CRS (with zone prefix) for the centre of ``outline``."""
    lon = float(outline.to_crs("EPSG:4490").union_all().centroid.x)
    zone_number = int(round(lon / 3))
    if not 25 <= zone_number <= 45:
        raise EditError(code="refuse.boundary_far", lon=f"{lon:.2f}")
    return CRS.from_epsg(4513 + zone_number - 25)  # EPSG:4513 is zone 25 (75°E) … EPSG:4533 zone 45


def set_parcel(
    zone: str | os.PathLike | Zone,
    parcel_id: str,
    *,
    status: str | None = None,
    tenant: str | None = None,
    investment: float | None = None,
    note: str | None = None,
    by: str | None = None,
) -> Zone:
    """Change fields of one parcel; returns the new Zone, whose ``edit`` rows name each (field, old, new).

    A status in Chinese is accepted (已入驻, 未开发 …). Fields that belong
    together move together: leaving ``tenant`` status clears the tenant and
    the investment unless they are given (an investment kept on land no
    tenant holds is what validation warns about as ``investment_unexpected``).

    Examples
    --------
    >>> import shutil, tempfile, zonemap
    >>> path = shutil.copy(zonemap.sample_path(), tempfile.mkdtemp())
    >>> zone = set_parcel(path, "A01", status="vacant")
    >>> [(r["field"], r["old"], r["new"]) for r in zone.edit]
    [('status', 'tenant', 'vacant'), ('tenant', '厚翔服装厂', None), ('investment_wan', '1000', None)]
    """
    zone = _zone_path(zone)
    _check_figure("--investment", investment, "wan", positive=False)
    parcel_id = normalise_id(parcel_id)
    if status is not None:
        canonical = parse_status(status)
        if canonical is None:
            raise EditError(f"--status {status}: not a status; use one of {', '.join(STATUSES)} (or 已入驻 / 已开发 / 未开发)")
        status = canonical
    with zone_change(zone, by=by) as change:
        parcels = change.read("parcels")
        row = _parcel_row(parcels, parcel_id, zone)
        wanted = {"status": status, "tenant": tenant, "investment_wan": investment, "note": note}
        if status in ("developed", "vacant"):
            if tenant is None:
                wanted["tenant"] = ""
            if investment is None:
                wanted["investment_wan"] = np.nan
        for field, value in wanted.items():
            if value is None:
                continue
            value = (value.strip() or None) if isinstance(value, str) else None if np.isnan(value) else float(value)
            old = parcels.at[row, field]
            old = None if pd.isna(old) else old
            if old != value:
                parcels.at[row, field] = np.nan if value is None and field == "investment_wan" else value
                change.record(parcel_id, "update", field, old, value)
        if change.rows:
            parcels.at[row, "updated"] = pd.Timestamp(change.at)
            change.write("parcels", parcels)
        else:
            change.discard()
    return _edited(zone, change.rows)


def carve_line_position(low: float, high: float, carved_m2: Callable[[float], float], target_m2: float) -> float:
    """The cut position in [low, high] where ``carved_m2`` (monotone) equals ``target_m2``, by bisection."""
    increasing = carved_m2(high) > carved_m2(low)
    for _ in range(200):
        middle = (low + high) / 2
        area = carved_m2(middle)
        if abs(area - target_m2) <= CARVE_TOLERANCE_M2 / 10 or high - low < 1e-9:
            return middle
        if (area < target_m2) == increasing:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _carve(polygon, crs: CRS, mu: float, side: str):
    """(carved piece of exactly ``mu`` off ``side``, the rest), cut by a grid-aligned line."""
    xmin, ymin, xmax, ymax = polygon.bounds
    pad = max(xmax - xmin, ymax - ymin)

    def piece(c: float):
        box = {
            "north": (xmin - pad, c, xmax + pad, ymax + pad),
            "south": (xmin - pad, ymin - pad, xmax + pad, c),
            "east": (c, ymin - pad, xmax + pad, ymax + pad),
            "west": (xmin - pad, ymin - pad, c, ymax + pad),
        }[side]
        return shapely.intersection(polygon, shapely.box(*box))

    def carved_m2(c: float) -> float:
        return float(areas_m2([piece(c)], crs)[0])

    low, high = (ymin, ymax) if side in ("north", "south") else (xmin, xmax)
    position = carve_line_position(low, high, carved_m2, to_m2(mu, "mu"))
    carved = piece(position)
    return carved, shapely.difference(polygon, carved), position


def _cutting_line(wkt: str, polygon, parcel_id: str, zone):
    """The ``--line`` as a LineString that reaches the parcel, or a one-line refusal."""
    said = {"wkt": wkt[:40], "example": Phrase("refuse.line_example")}
    try:
        cutter = shapely.from_wkt(wkt)
    except (shapely.errors.GEOSException, TypeError, ValueError):
        raise EditError(code="refuse.line_wkt", **said) from None
    if cutter is None or cutter.geom_type != "LineString" or cutter.is_empty:
        empty = cutter is not None and cutter.geom_type == "LineString"
        kind = Phrase("refuse.line_empty") if empty else Phrase("refuse.line_a", {"kind": getattr(cutter, "geom_type", "nothing")})
        raise EditError(code="refuse.line_kind", kind=kind, **said)
    if not np.isfinite(shapely.get_coordinates(cutter)).all():
        raise EditError(code="refuse.line_finite", **said)
    if not cutter.intersects(polygon):
        x0, y0, x1, y1 = polygon.bounds
        raise EditError(code="refuse.line_misses", zone=zone, parcel=parcel_id, x0=f"{x0:.1f}", y0=f"{y0:.1f}", x1=f"{x1:.1f}", y1=f"{y1:.1f}")
    return cutter


def _refuse_slivers(zone, parcel_id: str, area_m2: float, pieces_m2) -> None:
    smallest = float(min(pieces_m2))
    if smallest < to_m2(MIN_PIECE_MU, "mu"):
        raise EditError(
            code="refuse.sliver", zone=zone, parcel=parcel_id, mu=f"{from_m2(area_m2, 'mu'):.4f}", m2=f"{area_m2:,.1f}",
            piece_mu=f"{from_m2(max(smallest, 0.0), 'mu'):.4f}", piece_m2=f"{max(smallest, 0.0):,.1f}",
            min_mu=f"{MIN_PIECE_MU:g}", min_m2=f"{to_m2(MIN_PIECE_MU, 'mu'):.1f}",
        )


def split_parcel(
    zone: str | os.PathLike | Zone,
    parcel_id: str,
    *,
    line: str | None = None,
    mu: float | None = None,
    side: str = "west",
    new_ids: list[str] | None = None,
    by: str | None = None,
) -> Zone:
    """Cut a parcel by a WKT line, or carve exactly ``mu`` off one side; returns the new Zone.

    The pieces keep the parent's attributes but its investment, which they
    share by area (:func:`~zonemap.units.share_by_area`: the shares add up to
    the parent's, so sums of investment do not change); their ids default to
    ``PARENT-1``, ``PARENT-2`` … (the carved piece first). The new Zone's
    ``edit`` rows with ``field == "parent"`` name the pieces in that order.
    """
    zone = _zone_path(zone)
    if (line is None) == (mu is None):
        raise EditError(code="refuse.split_how")
    _check_figure("--mu", mu, "area")
    parcel_id = normalise_id(parcel_id)
    with zone_change(zone, by=by) as change:
        parcels = change.read("parcels")
        row = _parcel_row(parcels, parcel_id, zone)
        polygon = parcels.geometry.iloc[row]
        area_m2 = float(areas_m2([polygon], parcels.crs)[0])
        if mu is not None:
            if to_m2(mu, "mu") >= area_m2:
                raise EditError(code="refuse.carve_too_big", zone=zone, parcel=parcel_id, measured=f"{from_m2(area_m2, 'mu'):.2f}", mu=f"{mu:g}")
            _refuse_slivers(zone, parcel_id, area_m2, [to_m2(mu, "mu"), area_m2 - to_m2(mu, "mu")])
            pieces = list(_carve(polygon, parcels.crs, mu, side)[:2])
            how = f"carved {mu:g} mu off the {side} side"
        else:
            pieces = list(shapely.get_parts(shapely.ops.split(polygon, _cutting_line(line, polygon, parcel_id, zone))))
            how = "cut along a line"
            if len(pieces) < 2:
                raise EditError(code="refuse.line_not_across", zone=zone, parcel=parcel_id)
            _refuse_slivers(zone, parcel_id, area_m2, areas_m2(pieces, parcels.crs))
        if any(shapely.get_num_geometries(p) > 1 for p in pieces):
            raise EditError(code="refuse.piece_in_parts", zone=zone, parcel=parcel_id)
        ids = new_ids or [f"{parcel_id}-{i + 1}" for i in range(len(pieces))]
        if len(ids) != len(pieces):
            raise EditError(code="refuse.ids_count", pieces=len(pieces), ids=len(ids))
        others = parcels.drop(index=parcels.index[row])
        ids = _fresh_ids(others, ids, zone)
        children = gpd.GeoDataFrame(
            pd.concat([parcels.iloc[[row]]] * len(pieces), ignore_index=True).drop(columns="geometry"),
            geometry=pieces, crs=parcels.crs,
        )
        children["parcel_id"] = ids
        children["updated"] = pd.Timestamp(change.at)
        piece_m2 = areas_m2(children.geometry.to_numpy(), parcels.crs)
        change.record(parcel_id, "split", "children", None, ",".join(ids), f"{how}; {from_m2(area_m2, 'mu'):.2f} mu")
        for pid, m2 in zip(ids, piece_m2):
            change.record(pid, "split", "parent", None, parcel_id, f"{from_m2(m2, 'mu'):.2f} mu")
        investment = parcels["investment_wan"].iloc[row]
        if pd.notna(investment):  # the tenant's investment is on its land: each piece carries its share, none twice
            children["investment_wan"] = share_by_area(float(investment), piece_m2)
            for pid, share in zip(ids, children["investment_wan"]):
                change.record(pid, "split", "investment_wan", investment, share, f"{parcel_id}'s investment shared by area")
        _repoint_references(change, [parcel_id], children, "split")
        change.write("parcels", pd.concat([others, children], ignore_index=True))
    return _edited(zone, change.rows)


def _repoint_references(change, old_ids: list[str], children: gpd.GeoDataFrame, action: str) -> None:
    """Point buildings, prospects and holds of the parcels ``old_ids`` at the ``children`` that replace them.

    A building follows the child holding its representative point (the
    nearest, should it lie outside all). A prospect has no geometry; it
    follows the child holding most floor area of the old parcels' buildings,
    since investors ask for a parcel mostly for a building on it (the
    Wujiang investor and the old dairy-farm barn), else the largest child.
    Held land stays held: a hold passes to every piece of a split, and to
    the merged parcel. Each move is recorded in ``history``.
    """
    child_ids = children["parcel_id"].astype(str).to_numpy()
    pieces = children.geometry.to_numpy()
    buildings = change.read("buildings")
    moved = buildings["parcel_id"].isin(old_ids).to_numpy()
    floor_area = dict.fromkeys(child_ids, 0.0)
    if moved.any():
        footprints = buildings if buildings.crs is None or buildings.crs == children.crs else buildings.to_crs(children.crs)
        points = shapely.point_on_surface(footprints.geometry.to_numpy()[moved])
        distance = shapely.distance(points[:, None], pieces[None, :])  # 0 inside a piece
        targets = child_ids[distance.argmin(axis=1)]
        for i, target in zip(np.flatnonzero(moved), targets):
            old = buildings["parcel_id"].iloc[i]
            floor_area[target] += float(np.nan_to_num(buildings["floor_area_m2"].iloc[i])) or 1.0
            buildings.iloc[i, buildings.columns.get_loc("parcel_id")] = target
            name = " ".join(str(v) for v in buildings[["building_id", "name"]].iloc[i] if pd.notna(v))
            change.record(target, action, "buildings.parcel_id", old, target, f"building {name}: it stands in {target}")
        change.write("buildings", buildings)
    prospects = change.read("prospects")
    waiting = prospects["parcel_id"].isin(old_ids).to_numpy()
    if waiting.any():
        if max(floor_area.values()) > 0:
            target, why = max(floor_area, key=floor_area.get), "the piece holding most of the buildings' floor area"
        else:
            target, why = child_ids[int(np.argmax(areas_m2(pieces, children.crs)))], "the largest piece"
        for i in np.flatnonzero(waiting):
            old = prospects["parcel_id"].iloc[i]
            prospects.iloc[i, prospects.columns.get_loc("parcel_id")] = target
            change.record(target, action, "prospects.parcel_id", old, target, f"prospect {prospects['name'].iloc[i]}: follows {why}")
        change.write("prospects", prospects)
    holds = change.read("holds")
    held = holds["parcel_id"].isin(old_ids).to_numpy()
    if held.any():
        # Held land stays held: every piece of a split, the whole of a merge (for the first parcel's prospect).
        kept = holds[held].drop_duplicates("parcel_id").iloc[:1] if action == "merge" else holds[held]
        followed = pd.concat([kept.assign(parcel_id=child) for child in child_ids], ignore_index=True)
        for pid, prospect, until in followed[["parcel_id", "prospect", "until"]].itertuples(index=False):
            change.record(pid, action, "holds.prospect", None, prospect, f"prospect {prospect}: hold until {until} follows the {action}")
        change.write("holds", pd.concat([holds[~held], followed], ignore_index=True).astype(store.SCHEMA["holds"]))


def merge_parcels(zone: str | os.PathLike | Zone, parcel_ids: list[str], *, new_id: str, by: str | None = None) -> Zone:
    """Join adjacent parcels (sharing an edge, not a corner) into ``new_id``; returns the new Zone.

    The parcels must have one status and tenant; investments are summed.
    """
    zone = _zone_path(zone)
    parcel_ids = [normalise_id(pid) for pid in parcel_ids]
    if len(set(parcel_ids)) < 2:
        raise EditError(code="refuse.merge_two")
    with zone_change(zone, by=by) as change:
        parcels = change.read("parcels")
        rows = [_parcel_row(parcels, pid, zone) for pid in parcel_ids]
        chosen = parcels.iloc[rows]
        for field in ("status", "tenant"):
            values = chosen[field].fillna("").astype(str)
            if values.nunique() > 1:
                listing = None
                for pid, value in zip(parcel_ids, values):
                    named = Phrase(f"problem.status.{value}") if field == "status" and value in STATUSES else value  # a status by its name
                    shown = Phrase("refuse.parcel_is", {"parcel": pid, "value": named or Phrase("refuse.empty")})
                    listing = shown if listing is None else Phrase("refuse.list", {"a": listing, "b": shown})
                raise EditError(code="refuse.merge_differs", zone=zone, field=field, listing=listing)
        geoms = chosen.geometry.to_numpy()
        left, right, _ = shared_edges(metric_geometries(geoms, parcels.crs))
        linked = {0}
        for _ in range(len(rows)):  # grow the group of parcels reachable by shared edges
            linked |= {int(j) for i, j in zip(left, right) if i in linked} | {int(i) for i, j in zip(left, right) if j in linked}
        if len(linked) < len(rows):
            apart = ", ".join(parcel_ids[j] for j in range(len(rows)) if j not in linked)
            raise EditError(code="refuse.merge_apart", zone=zone, apart=apart, first=parcel_ids[0])
        others = parcels.drop(index=parcels.index[rows])
        merged = chosen.iloc[[0]].copy()
        new_id = merged["parcel_id"] = _fresh_ids(others, [new_id], zone)[0]
        investment = chosen["investment_wan"]
        merged["investment_wan"] = investment.sum() if investment.notna().any() else np.nan
        notes = [n for n in dict.fromkeys(chosen["note"].dropna().astype(str)) if n]
        merged["note"] = "; ".join(notes) or None
        merged["updated"] = pd.Timestamp(change.at)
        merged = merged.set_geometry([shapely.union_all(geoms)], crs=parcels.crs)
        m2 = float(areas_m2(merged.geometry.to_numpy(), parcels.crs)[0])
        for pid in parcel_ids:
            change.record(pid, "merge", "merged_into", None, new_id)
        change.record(new_id, "merge", "parents", None, ",".join(parcel_ids), f"{from_m2(m2, 'mu'):.2f} mu")
        _repoint_references(change, parcel_ids, merged, "merge")
        change.write("parcels", pd.concat([others, merged], ignore_index=True))
    return _edited(zone, change.rows)


def describe_change(row: dict, lang: str = "zh") -> tuple[str, str, str]:
    """(field, old, new) of one history row as words in ``lang``: statuses by their label, fields by name."""
    from zonemap.i18n import land_use_name, word_or
    from zonemap.status import status_label

    field = row.get("field") or ""

    def value(text) -> str:
        if text is None or text != text:
            return ""
        if field == "status":
            return status_label(str(text), lang)
        if field == "land_use":
            return land_use_name(text, lang)
        return str(text)

    return word_or(f"field.{field}", lang, field), value(row.get("old")), value(row.get("new"))


def parcel_history(zone: str | os.PathLike | Zone, parcel_id: str | None = None) -> pd.DataFrame:
    """The change log, oldest first; for one parcel, its rows and its ancestors'.

    A parcel id the zone never had (neither now nor in its history) is an
    :class:`EditError` suggesting the closest ids.
    """
    zone = _zone_path(zone)
    history = store.read_layer(zone, "history").sort_values("at", kind="stable")
    if parcel_id is None:
        return history.reset_index(drop=True)
    current = store.read_layer(zone, "parcels")["parcel_id"]
    if not (current == parcel_id).any() and not (history["parcel_id"] == parcel_id).any():
        raise unknown_parcel(parcel_id, [*current.dropna(), *history["parcel_id"].dropna()], zone)
    lineage, frontier = {parcel_id}, {parcel_id}
    while frontier:  # follow split parents and merge parents back
        rows = history[history["parcel_id"].isin(frontier) & history["field"].isin(["parent", "parents"])]
        parents = {p for value in rows["new"].dropna() for p in str(value).split(",")} - lineage
        lineage |= parents
        frontier = parents
    return history[history["parcel_id"].isin(lineage)].reset_index(drop=True)


#: The zone's own figures a planner sets (boundary fields), with how each is stored.
ZONE_FIELDS: dict[str, str] = {"name": "text", "planned_mu": "number", "infrastructure_wan": "number", "approved_by": "text", "approved_on": "date"}


def set_zone(zone: str | os.PathLike, *, by: str | None = None, **fields) -> list[tuple[str, object, object]]:
    """Set the zone's own figures (boundary fields of :data:`ZONE_FIELDS`); returns (field, old, new).

    ``None`` leaves a field as it is; '' clears it. ``approved_on`` is a
    date (YYYY-MM-DD); numbers must be ≥ 0.
    """
    wanted = {}
    for field, value in fields.items():
        if value is None:
            continue
        if isinstance(value, str) and not value.strip():
            wanted[field] = None
        elif ZONE_FIELDS[field] == "number":
            if not float(value) >= 0:
                raise EditError(code="refuse.not_negative", option=f"--{field.replace('_', '-')}", value=value)
            wanted[field] = float(value)
        elif ZONE_FIELDS[field] == "date":
            wanted[field] = parse_date(value, f"--{field.replace('_', '-')}")
        else:
            wanted[field] = str(value).strip()
    if wanted.get("name", "") is None:
        raise EditError(code="refuse.zone_name")
    with zone_change(zone, by=by) as change:
        boundary = change.read("boundary")
        if len(boundary) != 1:
            raise EditError(code="refuse.zone_boundary", zone=zone, count=len(boundary))
        changes = []
        for field, value in wanted.items():
            old = boundary[field].iloc[0]
            old = None if pd.isna(old) else old
            if old != value:
                changes.append((field, old, value))
                boundary.iloc[0, boundary.columns.get_loc(field)] = np.nan if value is None else value
                change.record(None, "update", f"boundary.{field}", old, value)
        if not changes:
            change.discard()
            return []
        change.write("boundary", boundary.astype({f: store.SCHEMA["boundary"][f] for f in ("planned_mu", "infrastructure_wan")}))
    return changes
