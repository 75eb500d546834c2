"""Planners' files read as they are meant: shapefile, GeoJSON, GeoPackage, KML, DXF.

:func:`read_source` reads one layer of a source in bulk (pyogrio) with its
text decoded right (:mod:`zonemap.intake.encoding`), its CRS known and its
coordinates checked against that CRS, and its geometries polygons: CAD
closed polylines become polygons, with the text labels inside them as
``label``. Anything else is refused with one line naming the file, the
feature and the fix.

Examples
--------
>>> import zonemap
>>> source = read_source(zonemap.sample_path(), layer="parcels")
>>> len(source.frame), source.crs.to_epsg()
(15, 4528)
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCrsError

from zonemap.crs import check_coordinates_fit, crs_name
from zonemap.errors import CrsError, ZonemapError
from zonemap.i18n import word
from zonemap.intake.encoding import EncodingChoice, detect_encoding, normalise_encoding

#: File extension → what it is, for messages and the choice of reader.
FORMATS: dict[str, str] = {
    ".shp": "shapefile",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".kml": "KML",
    ".dxf": "DXF",
}
#: Text reported for formats whose encoding the format itself fixes.
_FIXED_ENCODING = {"GeoJSON": "UTF-8 (fixed by GeoJSON)", "GeoPackage": "UTF-8 (fixed by GeoPackage)",
                   "KML": "as declared in the KML (XML)", "DXF": "from the DXF header ($DWGCODEPAGE)"}


class SourceError(ZonemapError):
    """A source file cannot be read, or holds what a zone cannot take."""


@dataclass
class Source:
    """One layer of a planner's file, read and checked; ``frame`` is in ``crs``."""

    path: Path
    kind: str
    layer: str
    frame: gpd.GeoDataFrame
    crs: CRS
    encoding: str
    #: What the planner should know about how the source was read (e.g. a CRS override).
    notes: tuple[str, ...] = ()
    #: What was read, by entity or geometry type (e.g. ``{"HATCH": 380, "TEXT": 32}``), after ``--where``.
    read: dict[str, int] = field(default_factory=dict)
    #: Features in the layer before ``--where`` (None without a filter).
    total: int | None = None
    #: What was left out, and why: reason → count.
    dropped: dict[str, int] = field(default_factory=dict)

    def feature(self, i: int) -> str:
        """How a message names feature ``i`` (0-based) of this source."""
        return f"{self.path.name} feature {i + 1}"


def source_kind(path: Path) -> str:
    """The format of ``path`` from its extension, or a one-line refusal."""
    if path.is_dir():
        raise SourceError(f"{path}: is a folder, not a file; give the {', '.join(sorted(set(FORMATS)))} file inside it")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(f"{path}: unknown file type {path.suffix or '(none)'}; give a {', '.join(sorted(set(FORMATS)))} file")
    if not path.exists():
        raise SourceError(f"{path}: no such file; check the path")
    return kind


def _sidecar(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix.lower()), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def check_shapefile_parts(path: Path) -> dict[str, Path | None]:
    """The .dbf, .shx and .prj of a shapefile; a missing .dbf or .shx is refused."""
    parts = {suffix: _sidecar(path, suffix) for suffix in (".dbf", ".shx", ".prj")}
    complete = f"copy the complete shapefile ({path.stem}.shp, .shx, .dbf, .prj, .cpg) from the delivery"
    for suffix, what in ((".shx", "index"), (".dbf", "attribute table")):
        if parts[suffix] is None:
            raise SourceError(f"{path}: the {suffix} file ({what}) is missing; {complete}")
    for part in (path, parts[".shx"]):
        with part.open("rb") as f:
            header = f.read(100)
        size = part.stat().st_size
        declared = int.from_bytes(header[24:28], "big") * 2 if len(header) == 100 else None
        if header[:4] != b"\x00\x00\x27\x0a" or declared != size:
            state = f"truncated ({size} of {declared} bytes)" if declared and header[:4] == b"\x00\x00\x27\x0a" and size < declared else "not a shapefile part"
            raise SourceError(f"{part}: is {state}; {complete}")
    return parts


def list_source_layers(path: Path, *, with_geometry: bool = False) -> list:
    """Layer names of a source (with ``with_geometry``, (name, has geometry) pairs), or a one-line refusal."""
    source_kind(path)
    try:
        layers = pyogrio.list_layers(path)
        return [(str(name), kind is not None) if with_geometry else str(name) for name, kind in layers]
    except Exception as exc:  # GDAL raises several types for unreadable files
        raise SourceError(f"{path}: cannot be read ({_first_line(exc)}); check it is a complete, uncorrupted file") from None


def pick_layer(path: Path, layers: list[str], wanted: str | None, target: str) -> str:
    """The source layer to read: ``wanted``, the one named like the target, or the only one."""
    if wanted is not None:
        if wanted not in layers:
            raise SourceError(f"{path}: has no layer {wanted!r}; its layers are {', '.join(layers)}")
        return wanted
    if len(layers) == 1:
        return layers[0]
    if target in layers:
        return target
    raise SourceError(f"{path}: has layers {', '.join(layers)}; choose one with --from-layer NAME")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def source_encoding(path: Path, kind: str, override: str | None = None) -> EncodingChoice:
    """How the text of a source is decoded, and why (shapefiles: see :mod:`zonemap.intake.encoding`)."""
    if kind == "shapefile":
        parts = check_shapefile_parts(path)
        return detect_encoding(path, parts[".dbf"], override=override)
    if override and kind == "DXF":
        return EncodingChoice(normalise_encoding(override), "given with --encoding")
    ignored = "; --encoding does not apply" if override else ""
    return EncodingChoice("utf-8", _FIXED_ENCODING[kind] + ignored)


def _fits(crs: CRS, frame: gpd.GeoDataFrame) -> bool:
    try:
        check_coordinates_fit(crs, _present_bounds(frame.geometry.to_numpy()), where="")
    except CrsError:
        return False
    return True


def _declared_crs(path: Path, frame: gpd.GeoDataFrame, crs: str | None, kind: str) -> tuple[CRS, str | None]:
    """The source's CRS, and a note when ``--crs`` overrode the file's own."""
    if crs:
        try:
            declared = CRS.from_user_input(crs)
        except ProjCrsError:
            raise SourceError(f"--crs {crs}: not a CRS pyproj knows; give it as EPSG:NNNN (e.g. EPSG:4528)") from None
        if frame.crs is None or frame.crs.equals(declared):
            return declared, None
        own = ".prj's" if kind == "shapefile" else "file's"
        # --crs wins only over a label the coordinates contradict and when they fit what it declares.
        if not _fits(frame.crs, frame) and _fits(declared, frame):
            return declared, f"{path.name}: its coordinates do not fit the {own} {crs_name(frame.crs)}; overriding the {own} {crs_name(frame.crs)} with --crs {crs_name(declared)}"
        if _fits(frame.crs, frame):
            raise SourceError(
                f"{path}: carries {crs_name(frame.crs)}, which its coordinates fit, but --crs says {crs_name(declared)}; "
                f"drop --crs to use the file's own, or fix the file's {own[:-2]}"
            )
        return frame.crs, None  # fits neither: the coordinate check refuses with the fix
    if frame.crs is None:
        what = "no .prj file" if kind == "shapefile" else "no CRS"
        raise CrsError(
            f"{path}: has {what}, so its coordinates cannot be placed; declare the CRS with --crs "
            "(e.g. --crs EPSG:4528 for CGCS2000 Gauss-Krüger zone 40 with the 40 prefix, EPSG:4549 without it)"
        )
    return frame.crs, None


def _dxf_polygons(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Closed polylines as parcels, the text inside each as its ``label``; hatches dropped (and counted)."""
    geoms = frame.geometry.to_numpy()
    types = shapely.get_type_id(geoms)
    subclasses = frame.get("SubClasses", gpd.pd.Series("", index=frame.index)).fillna("").astype(str)
    texts = frame.get("Text", gpd.pd.Series(None, index=frame.index))
    is_label = (types == 0) & texts.notna().to_numpy()
    is_hatch = subclasses.str.contains("AcDbHatch").to_numpy()
    lines = types == 1
    closed = np.zeros(len(frame), dtype=bool)
    closed[lines] = shapely.is_closed(geoms[lines]) & (shapely.get_num_coordinates(geoms[lines]) >= 4)
    shapes = np.array(geoms, dtype=object)
    if closed.any():
        rings = geoms[closed]
        owner = np.repeat(np.arange(len(rings)), shapely.get_num_coordinates(rings))
        shapes[closed] = shapely.polygons(shapely.linearrings(shapely.get_coordinates(rings), indices=owner))
    keep = ~is_label & ~is_hatch
    parcels = gpd.GeoDataFrame(frame.loc[keep, [c for c in ("Layer", "EntityHandle") if c in frame]].copy(), geometry=shapes[keep], crs=frame.crs)
    parcels["label"] = None
    if is_label.any():
        labels = gpd.GeoDataFrame({"label": texts[is_label].to_numpy()}, geometry=geoms[is_label], crs=frame.crs)
        joined = gpd.sjoin(labels, parcels[["geometry"]], predicate="within")
        single = joined.groupby("index_right")["label"].agg(lambda s: s.iloc[0] if len(s) == 1 else None)
        parcels.loc[single.index, "label"] = single.to_numpy()
    dropped = {"hatches": int(is_hatch.sum()), "text (parcel labels)": int(is_label.sum())}
    return parcels.reset_index(drop=True), {why: n for why, n in dropped.items() if n}


def _coordinate_problems(source: Source) -> None:
    geoms = source.frame.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    coords = shapely.get_coordinates(geoms[present])
    if len(coords):
        counts = shapely.get_num_coordinates(geoms[present])
        owner = np.repeat(np.flatnonzero(present), counts)
        bad = np.unique(owner[~np.isfinite(coords).all(axis=1)])
        if len(bad):
            raise SourceError(
                f"{source.path}: {features_text(bad)} have NaN or infinite coordinates; "
                "redraw them in the source"
            )
    check_coordinates_fit(source.crs, _present_bounds(geoms), where=str(source.path))


def _present_bounds(geoms: np.ndarray) -> tuple[float, float, float, float]:
    """Bounds of the geometries that have coordinates (NaN when none do)."""
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return tuple(shapely.total_bounds(geoms[present])) if present.any() else (np.nan,) * 4


def type_counts(geoms: np.ndarray) -> dict[str, int]:
    """How many geometries of each type (``"none"`` for missing ones), most common first."""
    names = pd.Series([g.geom_type if g is not None else "none" for g in geoms], dtype=object)
    return {str(k): int(v) for k, v in names.value_counts().items()}


def read_summary(source: Source, lang: str = "en") -> str:
    """One line: what the source held by type, what ``--where`` kept, what was left out and why."""
    read = sum(source.read.values())
    line = word("intake_read", lang, name=source.path.name, layer=source.layer, count=read,
                types=", ".join(f"{kind} ×{n}" for kind, n in source.read.items()) or "—")
    if source.total is not None:
        line += "; " + word("intake_matched", lang, matched=read, total=source.total)
    if source.dropped:
        line += "; " + word("intake_dropped", lang, items=", ".join(f"{n} {why}" for why, n in source.dropped.items()))
    return line


def require_polygons(source: Source, layer: str) -> None:
    """Refuse a source that yields nothing for ``layer``: importing it would empty the layer or not touch it.

    Features that are there but not polygons are refused later, each by name.
    """
    if len(source.frame):
        return
    if source.total is not None and not sum(source.read.values()):
        why = f"the filter --where matched 0 of {source.total} features; check the filter's field names and values with `zonemap inspect {source.path.name}`"
    else:
        held = ", ".join(f"{n} {kind}" for kind, n in {**source.read, **source.dropped}.items() if n) or "nothing"
        why = f"it holds {held} — 0 polygons; give a file or layer whose {layer} are drawn as polygons (closed outlines)"
    raise SourceError(f"{source.path}: yields no {layer} to import: {why}; nothing was written")


def features_text(rows) -> str:
    """``feature 3`` or ``features 3, 7, …`` for 0-based row positions, as messages name them."""
    rows = list(rows)
    shown = ", ".join(str(i + 1) for i in rows[:8]) + (", …" if len(rows) > 8 else "")
    return f"feature{'s' if len(rows) > 1 else ''} {shown}"


def read_source(
    path: str | os.PathLike,
    *,
    layer: str | None = None,
    target: str = "parcels",
    encoding: str | None = None,
    crs: str | None = None,
    where: str | None = None,
) -> Source:
    """Read one layer of a planner's file, decoded, with its CRS, checked.

    Parameters
    ----------
    path : the source file
    layer : the source layer (default: the only one, or the one named ``target``)
    target : the zone layer it is meant for, used to pick a layer
    encoding : overrides the detected encoding
    crs : the CRS of a source that carries none (e.g. a shapefile without .prj)
    where : an attribute filter in OGR SQL, e.g. ``"Layer = '地块'"`` for a DXF
    """
    path = Path(path)
    kind = source_kind(path)
    choice = source_encoding(path, kind, encoding)
    name = pick_layer(path, list_source_layers(path), layer, target)
    options = {"encoding": choice.encoding} if kind == "shapefile" else {}
    if kind == "DXF":  # a config option, not an open option, in GDAL's DXF driver
        pyogrio.set_gdal_config_options({"DXF_ENCODING": choice.encoding if encoding else None})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(path, layer=name, where=where, **options)
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: text is not valid {choice.encoding.upper()} ({exc.reason}); pass the right one with --encoding") from None
    except Exception as exc:  # GDAL raises several types for unreadable files
        if where and "SQL" in str(exc):
            raise SourceError(f"--where {where}: not a filter GDAL understands ({_first_line(exc)}); e.g. --where \"Layer = '地块'\"") from None
        raise SourceError(f"{path}: cannot be read ({_first_line(exc)}); check it is a complete, uncorrupted file") from None
    if not isinstance(frame, gpd.GeoDataFrame):
        raise SourceError(f"{path}: layer {name!r} has no geometry; give a layer of polygons")
    read = type_counts(frame.geometry.to_numpy())
    total = pyogrio.read_info(path, layer=name)["features"] if where else None
    dropped: dict[str, int] = {}
    if kind == "DXF":
        frame, dropped = _dxf_polygons(frame)
    frame = frame.set_geometry(shapely.force_2d(frame.geometry.to_numpy()), crs=frame.crs)
    source_crs, crs_note = _declared_crs(path, frame, crs, kind)
    source = Source(path, kind, name, frame, source_crs, str(choice), notes=(crs_note,) if crs_note else (),
                    read=read, total=total, dropped=dropped)
    source.frame = source.frame.set_crs(source.crs, allow_override=True)
    _coordinate_problems(source)
    return source


def _records(path: Path, layer: str, kind: str, encoding: str, spatial: bool):
    """(schema, CRS, bounds, iterator of (geometry type, properties)) of one layer.

    fiona gives the record-level view; its bundled GDAL reads KML without
    LIBKML, which drops ExtendedData fields, so KML goes through pyogrio.
    A table without geometry (``spatial`` false) has no CRS nor bounds.
    """
    import fiona

    if kind == "KML":
        frame = pyogrio.read_dataframe(path, layer=layer)
        info = pyogrio.read_info(path, layer=layer)
        schema = dict(zip(info["fields"], info["dtypes"]))
        rows = frame.drop(columns=frame.geometry.name).astype(object).where(frame.notna(), None).to_dict("records")
        kinds = [g.geom_type if g is not None else "None" for g in frame.geometry]
        bounds = tuple(frame.total_bounds) if len(frame) else None
        return schema, frame.crs, bounds, zip(kinds, rows)
    fiona.supported_drivers.setdefault("DXF", "r")  # GDAL reads it; fiona lists only what it has tested
    options = {"encoding": encoding} if kind == "shapefile" else {}
    with fiona.open(path, layer=layer, **options) as collection:
        schema = dict(collection.schema["properties"])
        crs = CRS.from_user_input(collection.crs.to_wkt()) if spatial and collection.crs else None
        records = [(f.geometry.type if f.geometry else "None", dict(f.properties)) for f in collection]
        has_geometry = any(kind != "None" for kind, _ in records)
        bounds = collection.bounds if has_geometry and spatial else None  # GDAL cannot bound null geometries
    return schema, crs, bounds, records


def describe_source(path: str | os.PathLike, *, encoding: str | None = None, samples: int = 3) -> dict:
    """What a source holds, read record by record: the look before an import.

    Returns the format, the encoding and how it was decided, and per layer
    its CRS, feature count, geometry types, bounds and fields with sample
    values and the zone field each would fill.
    """
    from zonemap.intake.fieldmap import find_fields

    path = Path(path)
    kind = source_kind(path)
    choice = source_encoding(path, kind, encoding)
    description = {"source": str(path), "format": kind, "encoding": choice.encoding, "encoding_reason": choice.reason, "layers": []}
    for name, spatial in list_source_layers(path, with_geometry=True):
        try:
            schema, crs, bounds, records = _records(path, name, kind, choice.encoding, spatial)
            types: dict[str, int] = {}
            values: dict[str, list] = {field: [] for field in schema}
            count = 0
            for kind_name, properties in records:
                count += 1
                types[kind_name] = types.get(kind_name, 0) + 1
                for field, value in properties.items():
                    if value not in (None, "") and len(values[field]) < samples and value not in values[field]:
                        values[field].append(value)
        except UnicodeDecodeError as exc:
            raise SourceError(f"{path}: text is not valid {choice.encoding.upper()} ({exc.reason}); pass the right one with --encoding") from None
        except Exception as exc:  # fiona raises several types for unreadable files
            raise SourceError(f"{path}: cannot be read ({_first_line(exc)}); check it is a complete, uncorrupted file") from None
        fills = {column: field for field, column in find_fields(list(schema), "parcels", source_name=str(path)).items()} if spatial else {}
        warning = None
        if crs is not None and bounds:
            try:
                check_coordinates_fit(crs, tuple(bounds), where=f"{path.name} layer {name}")
            except CrsError as exc:
                warning = str(exc)
        description["layers"].append({
            "name": name,
            "spatial": spatial,
            "crs_warning": warning,
            "crs": crs_name(crs) if crs else None,
            "features": count,
            "geometry_types": types,
            "bounds": [float(b) for b in bounds] if bounds else None,
            "fields": [{"name": f, "type": str(t), "samples": values[f], "parcels_field": fills.get(f)} for f, t in schema.items()],
        })
    return description
