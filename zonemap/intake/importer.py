"""``zonemap import``: bring a planner's file into a zone layer.

The source is read and checked (:mod:`~zonemap.intake.sources`), its fields
mapped (:mod:`~zonemap.intake.fieldmap`), reprojected into the zone's CRS,
merged by mode, and landed through :func:`~zonemap.intake.changes.zone_change`,
which validates the would-be zone and writes every change to ``history``.

Modes: ``replace`` the layer; ``update`` matches on the layer's id
(``parcel_id``): changed geometry and attributes are updated, new features
added, absent ones kept unless ``prune``; ``append`` adds new ids only.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zonemap import store
from zonemap.areas import areas_m2
from zonemap.intake.cad import SNAP_M
from zonemap.intake.changes import Change, RefusedError, refused, zone_change
from zonemap.intake.declared import compare_declared, declared_area_field
from zonemap.intake.fieldmap import FieldError, map_fields
from zonemap.intake.hints import datum_hint, prune_hint
from zonemap.intake.sources import Source, read_source, require_polygons
from zonemap.units import from_m2
from zonemap.validate import Problem, _geometry_problems

MODES: tuple[str, ...] = ("replace", "update", "append")
#: The field that identifies a feature of each importable layer.
ID_FIELDS: dict[str, str] = {"parcels": "parcel_id", "roads": "name", "buildings": "building_id", "boundary": "zone_id"}
#: Columns a reader adds to describe where a feature came from, not data of the land.
SOURCE_INTERNAL: dict[str, tuple[str, ...]] = {"DXF": ("Layer", "EntityHandle", "Entity")}
#: Two geometries no further apart than this (metres, Hausdorff) are the same: format round-off.
SAME_GEOMETRY_M = 0.001


@dataclass
class ImportReport:
    """What an import did, for the planner to read."""

    source: Source
    layer: str
    mode: str
    fields: dict[str, str]
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: int = 0
    fixes: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: Parcels whose declared area (面积, 亩数 …) differs from the measured one, one line each.
    declared: list[str] = field(default_factory=list)

    @property
    def unmapped(self) -> list[str]:
        """Source fields no zone field takes: they are not imported (``--map FIELD=SRCFIELD`` keeps one)."""
        frame = self.source.frame
        declared = declared_area_field(frame.columns)
        skip = {frame.geometry.name, *self.fields.values(), *SOURCE_INTERNAL.get(self.source.kind, ()), *(declared[:1] if declared else ())}
        return [str(c) for c in frame.columns if c not in skip]

    @property
    def unfilled(self) -> list[str]:
        """Fields of the layer the source fills with nothing."""
        return [f for f in store.SCHEMA[self.layer] if f not in self.fields and f != "updated"]


def _fix_geometries(source: Source) -> list[tuple[int, float, float]]:
    """Apply make_valid to invalid polygons; (row, shoelace m² as drawn, m² made valid) of each."""
    geoms = source.frame.geometry.to_numpy()
    invalid = np.flatnonzero(~shapely.is_valid(geoms) & ~shapely.is_empty(geoms) & ~shapely.is_missing(geoms))
    if len(invalid) == 0:
        return []
    fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    before = areas_m2(geoms[invalid], source.crs)  # an invalid ring's shoelace sum: crossing loops cancel
    after = areas_m2(fixed, source.crs)
    geoms = geoms.copy()
    geoms[invalid] = fixed
    source.frame = source.frame.set_geometry(geoms, crs=source.crs)
    return list(zip(invalid.tolist(), before.tolist(), after.tolist()))


def _fix_lines(source: Source, fixed, ids: np.ndarray, current: gpd.GeoDataFrame, id_field: str) -> list[str]:
    """The area change of each repair, against the feature's area in the zone where it has one."""
    in_zone = dict(zip(_ids(current, id_field), areas_m2(current.geometry.to_numpy(), current.crs))) if len(current) else {}
    lines = []
    for row, drawn, made in fixed:
        pid = ids[row]
        if pid and pid in in_zone:
            lines.append(f"{source.feature(row)} ({pid}): made valid, {made:.2f} m²; {pid} is {in_zone[pid]:.2f} m² "
                         f"in the zone now ({made - in_zone[pid]:+.2f} m²)")
        else:
            lines.append(f"{source.feature(row)}{f' ({pid}, new)' if pid else ''}: made valid, {made:.2f} m²; as drawn "
                         f"its self-intersecting ring's shoelace area is {drawn:.2f} m² (crossing loops cancel)")
    return lines


#: How a refusal names several features of one non-polygon type.
_PLURALS = {"Point": "points", "MultiPoint": "multi-points", "LineString": "lines", "MultiLineString": "multi-lines",
            "LinearRing": "rings", "GeometryCollection": "geometry collections"}


def _check_geometries(source: Source, ids: np.ndarray, layer: str) -> None:
    """Empty, invalid or non-polygon features; several of one non-polygon type make one line."""
    name, geoms = source.path.name, source.frame.geometry.to_numpy()
    labels = np.array([source.feature(i).removeprefix(f"{name} ") + (f" ({v})" if v else "") for i, v in enumerate(ids)], dtype=object)
    types = shapely.get_type_id(geoms)
    wrong = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) & ~np.isin(types, [3, 6])
    single = np.ones(len(geoms), dtype=bool)
    problems = []
    for type_id in np.unique(types[wrong]):
        rows = np.flatnonzero(wrong & (types == type_id))
        if len(rows) > 1:
            kind = geoms[rows[0]].geom_type
            fix = "; close them into polygons" if "Line" in kind or "Ring" in kind else "; draw the parcels as polygons"
            problems.append(Problem("error", "invalid_geometry", name, ",".join(map(str, ids[rows])),
                                    f"{name} {source.features(rows)}: {len(rows)} features are {_PLURALS.get(kind, kind)}, "
                                    f"not polygons; a {layer} layer needs polygons{fix}"))
            single[rows] = False
    problems += _geometry_problems(name, labels[single], geoms[single])
    if problems:
        raise refused(str(source.path), problems)


def _check_parcel_ids(source: Source, ids: np.ndarray, column: str | None) -> None:
    """Missing or repeated parcel ids, named by the source's feature numbers, before the zone is touched."""
    name = source.path.name
    problems = [
        Problem("error", "missing_id", name, f"feature {i + 1}",
                f"{source.feature(i)}: has no parcel_id" + (f" (field {column} is empty)" if column else "")
                + "; give every parcel a unique id" + ("" if column else " (map the id field with --map parcel_id=FIELD)"))
        for i in np.flatnonzero(ids == "")
    ]
    present = pd.Series(ids)[ids != ""]
    for value, rows in present.groupby(present, sort=False).groups.items():
        if len(rows) > 1:
            times = "twice" if len(rows) == 2 else f"{len(rows)} times"
            shown = source.features(rows).replace(", ", " and ") if len(rows) == 2 else source.features(rows)
            problems.append(Problem("error", "duplicate_id", name, str(value),
                                    f"{name} {shown}: parcel_id {value} is used {times}; give each a unique id"))
    if problems:
        raise refused(str(source.path), problems)


def _named_by_source(exc: RefusedError, zone, origins: dict[str, str]) -> RefusedError:
    """The refusal with each incoming parcel a problem involves named by its source feature."""
    problems = []
    for problem in exc.problems:
        named = [f"{pid}: {origins[pid]}" for pid in problem.id.split(",") if pid in origins]
        # The message as written here, in English (its fields would drop the source names).
        problems.append(dataclasses.replace(problem, message=f"{problem.message} ({'; '.join(named)})", fields={}) if named else problem)
    return refused(str(zone), problems)


def _with_hints(exc: RefusedError, zone, source: Source, incoming: gpd.GeoDataFrame, layer: str, mode: str | None, prune: bool) -> RefusedError:
    """The refusal with what usually causes its overlaps, when the data shows it (see :mod:`~zonemap.intake.hints`)."""
    overlaps = [tuple(p.id.split(",")[:2]) for p in exc.problems if p.code == "overlap"]
    if layer != "parcels" or not overlaps or "parcel_id" not in incoming:
        return exc
    current = store.read_layer(zone, "parcels")
    ids, current_ids = set(incoming["parcel_id"].dropna()), set(current["parcel_id"].dropna())
    hints = [datum_hint(incoming.to_crs(current.crs), current, source.crs)]
    if mode in (None, "update") and not prune:
        hints.insert(0, prune_hint(overlaps, current_ids - ids, ids - current_ids))
    hints = [h for h in hints if h]
    return RefusedError(f"{exc}; hint: {'; '.join(hints)}", exc.problems) if hints else exc


def _incoming(source: Source, layer: str, mapping: dict[str, str] | None, default_status: str | None) -> gpd.GeoDataFrame:
    mapped = map_fields(source.frame, layer, mapping, source_name=str(source.path), named=source.features)
    if layer == "parcels" and default_status:
        if "status" not in mapped:
            mapped["status"] = None
        mapped["status"] = mapped["status"].where(mapped["status"].notna(), default_status)
    incoming = gpd.GeoDataFrame(mapped, geometry=source.frame.geometry.to_numpy(), crs=source.crs)
    incoming.attrs["fields"] = mapped.attrs["fields"]
    return incoming


def _complete(frame: gpd.GeoDataFrame, layer: str, crs) -> gpd.GeoDataFrame:
    """``frame`` with every field of the layer, in schema order and types."""
    columns = {}
    for name, dtype in store.SCHEMA[layer].items():
        columns[name] = frame[name].astype(dtype) if name in frame else pd.Series(index=frame.index, dtype=dtype)
    return gpd.GeoDataFrame(columns, geometry=frame.geometry.to_numpy(), crs=crs).reset_index(drop=True)


def _ids(frame: pd.DataFrame, id_field: str) -> pd.Series:
    return frame[id_field].astype(object).where(frame[id_field].notna(), None)


def _no_value(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or (isinstance(value, str) and not value.strip())


def _same_value(a, b) -> bool:
    """Equal, or both "no value" (null, NaN, blank text); 0 is a value."""
    if _no_value(a) or _no_value(b):
        return _no_value(a) and _no_value(b)
    return a == b


def _record_diff(
    change: Change, old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, fields: list[str], incoming_ids: set, report: ImportReport
) -> gpd.GeoDataFrame:
    """Note every parcel added, removed or changed; stamp ``updated`` on the changed."""
    note = f"from {report.source.path.name}"
    old_by_id = old.drop_duplicates("parcel_id", keep="last").set_index("parcel_id", drop=False)
    old_area = dict(zip(old["parcel_id"], areas_m2(old.geometry.to_numpy(), old.crs))) if len(old) else {}
    new_area = areas_m2(new.geometry.to_numpy(), new.crs) if len(new) else np.array([])
    new_ids = set(new["parcel_id"].dropna())
    touched = np.zeros(len(new), dtype=bool)
    for i, pid in enumerate(new["parcel_id"]):
        if pid is None or pid not in old_by_id.index:
            change.record(pid, "import", "status", None, new["status"].iloc[i], f"added {note}")
            report.added.append(str(pid))
            touched[i] = True
            continue
        before = old_by_id.loc[pid]
        changed = False
        for name in fields:
            if not _same_value(before[name], new[name].iloc[i]):
                change.record(pid, "import", name, before[name], new[name].iloc[i], note)
                changed = True
        # by distance, not vertex order: a shapefile stores rings clockwise, a KML in degrees
        if not shapely.hausdorff_distance(before.geometry, new.geometry.iloc[i]) <= SAME_GEOMETRY_M:
            change.record(pid, "import", "geometry", f"{from_m2(old_area[pid], 'mu'):.2f} mu", f"{from_m2(new_area[i], 'mu'):.2f} mu", note)
            changed = True
        if changed:
            report.updated.append(str(pid))
            touched[i] = True
        elif pid in incoming_ids:
            report.unchanged += 1
        else:
            report.kept += 1
    for pid, status, tenant in zip(old["parcel_id"], old["status"], old["tenant"]):
        if pid not in new_ids:
            was = f"status {status}; tenant {tenant if pd.notna(tenant) and tenant else '—'}; {from_m2(old_area[pid], 'mu'):.2f} mu"
            change.record(pid, "delete", None, was, None, f"not in {report.source.path.name} ({report.mode}{' --prune' if report.mode == 'update' else ''})")
            report.removed.append(str(pid))
    new = new.copy()
    new.loc[touched, "updated"] = pd.Timestamp(change.at)
    new["updated"] = new["updated"].astype(store.SCHEMA["parcels"]["updated"])
    return new


def _merge(current: gpd.GeoDataFrame, incoming: gpd.GeoDataFrame, id_field: str, mode: str, prune: bool, source: Source) -> gpd.GeoDataFrame:
    if mode == "replace":
        return incoming
    if id_field not in incoming.columns:
        raise FieldError(code="error.import_no_id", path=source.path, field=id_field, mode=mode)
    incoming_ids, current_ids = _ids(incoming, id_field), _ids(current, id_field)
    exists = incoming_ids.isin(set(current_ids.dropna()))
    if mode == "append":
        if exists.any():
            taken = ", ".join(map(str, incoming_ids[exists].iloc[:8]))
            raise FieldError(code="error.import_ids_taken", path=source.path, field=id_field, ids=taken)
        return pd.concat([current, incoming], ignore_index=True)
    # update: incoming values replace the fields the source has; other fields keep the zone's
    result = current.copy()
    position = {pid: i for i, pid in enumerate(current_ids)}
    rows = [position[pid] for pid in incoming_ids[exists]]
    for name in [c for c in incoming.columns if c != incoming.geometry.name]:
        result.loc[rows, name] = incoming.loc[exists, name].to_numpy()
    geoms = result.geometry.to_numpy().copy()
    geoms[rows] = incoming.geometry[exists].to_numpy()
    result = result.set_geometry(geoms, crs=current.crs)
    if prune:
        result = result[current_ids.isin(set(incoming_ids.dropna())).to_numpy()]
    return pd.concat([result, incoming[~exists.to_numpy()]], ignore_index=True)


def import_source(
    zone: str | os.PathLike,
    source_path: str | os.PathLike,
    *,
    layer: str = "parcels",
    mode: str | None = None,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
    crs: str | None = None,
    from_layer: str | None = None,
    where: str | None = None,
    prune: bool = False,
    fix: bool = False,
    default_status: str | None = None,
    by: str | None = None,
    snap: float = SNAP_M,
    on_read: Callable[[Source], None] | None = None,
) -> ImportReport:
    """Import ``source_path`` into ``layer`` of ``zone``; see the module docstring.

    ``on_read`` is called with the source once it is read, before anything
    is checked or written (the CLI prints what was read and left out).
    A source that yields no polygons is refused, so a layer is never emptied
    by a filter that matched nothing or a drawing whose land is all hatches.

    Raises a :class:`~zonemap.errors.ZonemapError` subclass (nothing written)
    when the source cannot be read or the result would have errors.
    """
    if layer not in ID_FIELDS:
        raise FieldError(code="error.import_layer", layer=layer, layers=", ".join(ID_FIELDS))
    store.zone_location(zone)
    source = read_source(source_path, layer=from_layer, target=layer, encoding=encoding, crs=crs, where=where, snap=snap)
    if on_read is not None:
        on_read(source)
    require_polygons(source, layer)
    fixes = _fix_geometries(source) if fix else []
    incoming = _incoming(source, layer, mapping, default_status)
    id_field = ID_FIELDS[layer]
    ids = incoming[id_field].fillna("").to_numpy(dtype=object) if id_field in incoming else np.full(len(incoming), "", dtype=object)
    _check_geometries(source, ids, layer)
    if layer == "parcels":
        _check_parcel_ids(source, ids, incoming.attrs["fields"].get("parcel_id"))
    origins = {str(pid): source.feature(i) for i, pid in enumerate(ids) if pid}
    try:
        report = _land(zone, source, incoming, layer, id_field, mode, prune, by, fixes, ids)
    except RefusedError as exc:
        raise _with_hints(_named_by_source(exc, zone, origins), zone, source, incoming, layer, mode, prune) from None
    if layer == "parcels":
        names = [str(pid) if pid else source.feature(i) for i, pid in enumerate(ids)]
        report.declared = compare_declared(source.frame, source.crs, names, where=source.path.name)
    return report


def _keep_zone_figures(current: gpd.GeoDataFrame, result: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A new outline keeps the zone's own figures (name, planned_mu, infrastructure_wan, approval) its source leaves blank.

    The outline is drawn in CAD or GIS; the figures come from the plan and
    `zonemap zone set`, and a new drawing of the line does not unsay them.
    """
    if len(current) != 1 or len(result) != 1:
        return result
    result = result.copy()
    for field in store.SCHEMA["boundary"]:
        if field in current and pd.isna(result[field].iloc[0]) and pd.notna(current[field].iloc[0]):
            result[field] = [current[field].iloc[0]]  # one feature
    return result.astype({field: dtype for field, dtype in store.SCHEMA["boundary"].items() if field in result})


def _land(zone, source: Source, incoming: gpd.GeoDataFrame, layer: str, id_field: str, mode: str | None,
          prune: bool, by: str | None, fixes: list, ids: np.ndarray) -> ImportReport:
    with zone_change(zone, by=by) as change:
        current = change.read(layer)
        zone_crs = current.crs or change.read("boundary").crs
        mode = mode or ("update" if len(current) and layer == "parcels" else "replace")
        report = ImportReport(source, layer, mode, incoming.attrs.get("fields", {}), fixes=_fix_lines(source, fixes, ids, current, id_field))
        incoming = incoming.to_crs(zone_crs)
        result = _complete(_merge(current, incoming, id_field, mode, prune, source), layer, zone_crs)
        if layer == "parcels":
            compared = [c for c in incoming.columns if c not in (incoming.geometry.name, "updated")]
            if mode == "replace":
                compared = [c for c in store.SCHEMA["parcels"] if c != "updated"]
            incoming_ids = set(incoming["parcel_id"].dropna()) if "parcel_id" in incoming else set()
            result = _record_diff(change, _complete(current, layer, zone_crs), result, compared, incoming_ids, report)
            if not (report.added or report.updated or report.removed):
                change.discard()
                return report
        else:
            if layer == "boundary":
                result = _keep_zone_figures(current, result)
            change.record(None, "import", layer, f"{len(current)} features", f"{len(result)} features", f"{mode} from {source.path.name}")
            report.added = [str(i) for i in range(len(incoming))]
        change.write(layer, result)
        if layer == "parcels" and source.path.suffix.lower() == ".shp":
            from zonemap.intake.survey import SCHEMA_LAYER, schema_record

            # So that `export ZONE 地块.shp` goes back in the institute's own fields and words.
            change.write(SCHEMA_LAYER, schema_record(source.path, source.choice.encoding if source.choice else None))
    report.warnings = change.warnings
    return report
