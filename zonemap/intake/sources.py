"""Planners' files read as they are meant: shapefile, GeoJSON, GeoPackage, KML/GML, DXF.

:func:`read_source` reads one layer of a source in bulk, its text decoded
right (:mod:`zonemap.intake.encoding`; KML/GML as their XML declaration
says), its CRS known and its coordinates checked against that CRS. GIS files
are read with pyogrio, DXF drawings with ezdxf (:mod:`zonemap.intake.cad`:
outlines, hatches and loops become polygons labelled by the text inside);
:func:`describe_source` (``zonemap inspect``) reads through the very same
path. The :class:`Source` also says what was read by type and what was left
out and why. Anything unreadable is refused with one line naming the file,
the feature and the fix.

Examples
--------
>>> import zonemap
>>> source = read_source(zonemap.sample_path(), layer="parcels")
>>> len(source.frame), source.crs.to_epsg()
(15, 4528)
"""

from __future__ import annotations

import ast
import os
import re
import tempfile
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
from zonemap.i18n import LANGS, Phrase, word
from zonemap.intake.cad import SNAP_M
from zonemap.intake.encoding import EncodingChoice, EncodingError, detect_encoding, normalise_encoding, quoted

#: File extension → what it is, for messages and the choice of reader.
FORMATS: dict[str, str] = {
    ".shp": "shapefile",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".kml": "KML",
    ".gml": "GML",
    ".dxf": "DXF",
}
#: Text reported for formats whose encoding the format itself fixes.
_FIXED_ENCODING = {"GeoJSON": "UTF-8 (fixed by GeoJSON)", "GeoPackage": "UTF-8 (fixed by GeoPackage)"}
#: XML formats: their text is in the encoding their declaration names (UTF-8 without one).
_XML_FORMATS = ("KML", "GML")
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
#: Encodings GDAL's XML parser (expat) reads itself; others are decoded here.
_EXPAT_ENCODINGS = frozenset({"utf-8", "utf-16", "latin-1", "iso8859-1", "ascii"})


def _xml_encoding(path: Path) -> str | None:
    """The encoding an XML file's declaration names, or None."""
    with path.open("rb") as f:
        found = _XML_DECLARATION.match(f.read(400).lstrip(b"\xef\xbb\xbf"))
    return found.group(1).decode("ascii") if found else None


def gdal_input(path: Path, kind: str):
    """What GDAL is given to open: the file itself, or, for XML declaring an encoding GDAL cannot read
    (``encoding="gb2312"`` from Chinese tools), its text decoded as declared and handed over as UTF-8."""
    declared = _xml_encoding(path) if kind in _XML_FORMATS else None
    if declared is None:
        return path
    try:
        encoding = normalise_encoding(declared, where=f"{path}: its XML declaration")
    except EncodingError as exc:
        raise SourceError(str(exc).replace("; give one of", "; correct the declaration to one of")) from None
    if encoding in _EXPAT_ENCODINGS:
        return path
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: its XML declaration says {declared} but byte {exc.start} is not {declared} text; "
                          "correct the declaration or save the file again as UTF-8") from None
    text = re.sub(r"encoding\s*=\s*[\"'][^\"']+[\"']", 'encoding="UTF-8"', text, count=1)
    # A file of the same name, so GDAL names its layers as it would the original's.
    global _TRANSCODED
    if _TRANSCODED is None:
        _TRANSCODED = tempfile.TemporaryDirectory(prefix="zonemap-xml-")
    copy = Path(_TRANSCODED.name) / f"{abs(hash(str(path.resolve())))}" / path.name
    copy.parent.mkdir(exist_ok=True)
    copy.write_text(text, encoding="utf-8")
    return copy


#: Where XML sources are kept as UTF-8 for GDAL while this process runs (removed at exit).
_TRANSCODED: tempfile.TemporaryDirectory | None = None



class SourceError(ZonemapError):
    """A source file cannot be read, or holds what a zone cannot take."""


@dataclass
class Source:
    """One layer of a planner's file, read and checked; ``frame`` is in ``crs``."""

    path: Path
    kind: str
    layer: str
    frame: gpd.GeoDataFrame
    crs: CRS | None
    encoding: str
    #: What the planner should know about how the source was read (e.g. a CRS override).
    notes: tuple[str, ...] = ()
    #: What was read, by entity or geometry type (e.g. ``{"HATCH": 380, "TEXT": 32}``), after ``--where``.
    read: dict[str, int] = field(default_factory=dict)
    #: Features in the layer before ``--where`` (None without a filter).
    total: int | None = None
    #: What was left out, and why: reason → count.
    dropped: dict[str, int] = field(default_factory=dict)
    #: How messages name each feature, where the format has better names than row numbers (DXF handles).
    names: list[str] | None = None
    #: The encoding and why it was chosen (``encoding`` is its text).
    choice: EncodingChoice | None = None

    def feature(self, i: int) -> str:
        """How a message names feature ``i`` (0-based) of this source."""
        return self.names[i] if self.names else f"{self.path.name} feature {i + 1}"

    def features(self, rows) -> str:
        """How a message names several features (0-based rows): ``features 3, 7`` or DXF handles."""
        if not self.names:
            return features_text(rows)
        rows = list(rows)
        shown = "; ".join(self.names[i].removeprefix(f"{self.path.name} ") for i in rows[:8]) + ("; …" if len(rows) > 8 else "")
        return shown


def _not_a_database(path: str | os.PathLike) -> None:
    """Refuse a database zone given where a source file belongs: it is a zone, read by the zone commands."""
    from zonemap import pgstore

    if pgstore.is_database(path):
        raise SourceError(
            f"{pgstore.parse_location(path)}: a database zone, not a source file; "
            "read it with `zonemap info` or the other zone commands, or `zonemap pull` it to a .gpkg first"
        )


def source_kind(path: Path) -> str:
    """The format of ``path`` from its extension, or a one-line refusal."""
    if path.is_dir():
        raise SourceError(code="error.source_folder", path=path, formats=", ".join(sorted(set(FORMATS))))
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(code="error.source_type", path=path, suffix=path.suffix or "(none)", formats=", ".join(sorted(set(FORMATS))))
    if not path.exists():
        raise SourceError(code="error.source_missing", path=path)
    return kind


def _sidecar(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix.lower()), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def check_shapefile_parts(path: Path) -> dict[str, Path | None]:
    """The .dbf, .shx and .prj of a shapefile; a missing .dbf or .shx is refused."""
    parts = {suffix: _sidecar(path, suffix) for suffix in (".dbf", ".shx", ".prj")}
    complete = Phrase("error.shp_complete", {"stem": path.stem})
    for suffix, what in ((".shx", "error.shp_index"), (".dbf", "error.shp_table")):
        if parts[suffix] is None:
            raise SourceError(code="error.shp_missing", path=path, suffix=suffix, what=Phrase(what), complete=complete)
    for part in (path, parts[".shx"]):
        with part.open("rb") as f:
            header = f.read(100)
        size = part.stat().st_size
        declared = int.from_bytes(header[24:28], "big") * 2 if len(header) == 100 else None
        # Bytes after the last record (padding some writers leave) are ignored, as GDAL does; a shorter file is not.
        if header[:4] != b"\x00\x00\x27\x0a" or declared is None or declared < 100 or size < declared:
            if declared and header[:4] == b"\x00\x00\x27\x0a" and size < declared:
                raise SourceError(code="error.shp_truncated", path=part, size=size, declared=declared, complete=complete)
            raise SourceError(code="error.shp_not_part", path=part, complete=complete)
    return parts


def list_source_layers(path: Path, *, with_geometry: bool = False) -> list:
    """Layer names of a source (with ``with_geometry``, (name, has geometry) pairs), or a one-line refusal."""
    source_kind(path)
    try:
        layers = pyogrio.list_layers(gdal_input(path, source_kind(path)))
        return [(str(name), kind is not None) if with_geometry else str(name) for name, kind in layers]
    except Exception as exc:  # GDAL raises several types for unreadable files
        raise SourceError(code="error.source_unreadable", path=path, reason=_first_line(exc)) from None


def pick_layer(path: Path, layers: list[str], wanted: str | None, target: str) -> str:
    """The source layer to read: ``wanted``, the one named like the target, or the only one."""
    if wanted is not None:
        if wanted not in layers:
            raise SourceError(code="error.source_no_layer", path=path, wanted=wanted, layers=", ".join(layers))
        return wanted
    if len(layers) == 1:
        return layers[0]
    if target in layers:
        return target
    raise SourceError(code="error.source_which_layer", path=path, layers=", ".join(layers))


# pyogrio names a layer by the repr of its UTF-8 bytes: "layer 'b'\\xe5\\x9c\\xb0\\xe5\\x9d\\x97''".
_BYTES_REPR = re.compile(r"""b'((?:\\x[0-9a-fA-F]{2}|[^'\\])*)'""")


def _first_line(exc: BaseException) -> str:
    """The first line of a GDAL error, with byte reprs decoded (``b'\\xe5\\x9c\\xb0\\xe5\\x9d\\x97'`` reads 地块)."""
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return _BYTES_REPR.sub(lambda m: ast.literal_eval(m.group()).decode("utf-8", errors="replace"), line)


def source_encoding(path: Path, kind: str, override: str | None = None) -> EncodingChoice:
    """How the text of a source is decoded, and why (shapefiles: see :mod:`zonemap.intake.encoding`)."""
    if kind == "shapefile":
        parts = check_shapefile_parts(path)
        return detect_encoding(path, parts[".dbf"], override=override)
    ignored = "; --encoding does not apply" if override else ""
    if kind in _XML_FORMATS:
        declared = _xml_encoding(path)
        encoding = normalise_encoding(declared, where=f"{path}: its XML declaration") if declared else "utf-8"
        return EncodingChoice(encoding, (f"declared in the XML: {declared}" if declared else "UTF-8: no XML declaration names another") + ignored)
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
        what = Phrase("error.source_no_prj" if kind == "shapefile" else "error.source_no_crs")
        prj = _sidecar(path, ".prj") if kind == "shapefile" else None
        if prj is not None:  # there, but GDAL could not make a CRS of it (an HTML page, a truncated WKT)
            what = Phrase("error.source_bad_prj", {"text": quoted(prj.read_bytes().decode("utf-8", errors="replace"))})
        raise CrsError(code="error.source_unplaced", path=path, what=what)
    return frame.crs, None


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
                f"{source.path}: {features_text(bad)} {'have' if len(bad) > 1 else 'has'} NaN or infinite coordinates; "
                f"redraw {'them' if len(bad) > 1 else 'it'} in the source"
            )
    check_coordinates_fit(source.crs, _present_bounds(geoms), where=str(source.path))


def _present_bounds(geoms: np.ndarray) -> tuple[float, float, float, float]:
    """Bounds of the geometries that have coordinates (NaN when none do)."""
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    return tuple(shapely.total_bounds(geoms[present])) if present.any() else (np.nan,) * 4


def type_counts(geoms: np.ndarray) -> dict[str, int]:
    """How many geometries of each type (``"None"`` for missing ones), most common first."""
    names = pd.Series([g.geom_type if g is not None else "None" for g in geoms], dtype=object)
    return {str(k): int(v) for k, v in names.value_counts().items()}


def read_summary(source: Source, lang: str = "en") -> str:
    """One line: what the source held by type, what ``--where`` kept, what was left out and why."""
    read = sum(source.read.values())
    line = word("intake_read", lang, name=source.path.name, layer=source.layer, count=read,
                types=", ".join(f"{kind} ×{n}" for kind, n in source.read.items()) or "—")
    if source.total is not None:
        line += word("clause_sep", lang) + word("intake_matched", lang, matched=read, total=source.total)
    if source.dropped:
        line += word("clause_sep", lang) + word("intake_dropped", lang, items=", ".join(f"{n} {why}" for why, n in source.dropped.items()))
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
        held = ", ".join(f"{n} {kind}" for kind, n in source.read.items()) or "nothing"
        why = f"it holds {held} — 0 polygons; give a file or layer whose {layer} are drawn as closed outlines"
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
    snap: float = SNAP_M,
) -> Source:
    """Read one layer of a planner's file, decoded, with its CRS, checked.

    Parameters
    ----------
    path : the source file
    layer : the source layer (default: the only one, or the one named ``target``)
    target : the zone layer it is meant for, used to pick a layer
    encoding : overrides the detected encoding
    crs : the CRS of a source that carries none (e.g. a shapefile without .prj)
    where : an attribute filter in OGR SQL, e.g. ``"ZT = '已入驻'"``; for a DXF, SQL on
        ``Layer``, ``EntityHandle``, ``Entity``, ``Text``, ``Color``, e.g. ``"Layer = '地块'"``
    snap : DXF only: outline ends this close (metres) are joined
    """
    _not_a_database(path)
    path = Path(path)
    kind = source_kind(path)
    source = _load(path, kind, layer, target, encoding, where, snap)
    source.frame = source.frame.set_geometry(shapely.force_2d(source.frame.geometry.to_numpy()), crs=source.frame.crs)
    source_crs, crs_note = _declared_crs(path, source.frame, crs, kind)
    source.crs = source_crs
    source.notes = (*source.notes, *((crs_note,) if crs_note else ()))
    source.frame = source.frame.set_crs(source.crs, allow_override=True)
    _coordinate_problems(source)
    return source


def _load(path: Path, kind: str, layer: str | None, target: str, encoding: str | None, where: str | None, snap: float) -> Source:
    """One layer as read, before any CRS check: the one reading path of ``inspect`` and ``import``."""
    if kind == "DXF":
        from zonemap.intake.cad import DxfError, read_dxf

        try:
            drawing = read_dxf(path, encoding=encoding, where=where, snap=snap)
        except DxfError as exc:
            raise SourceError(str(exc)) from None
        names = [f"{path.name} entity {h} (CAD layer {cad})" for h, cad in zip(drawing.frame["EntityHandle"], drawing.frame["Layer"])]
        return Source(path, kind, "entities", drawing.frame, None, str(drawing.encoding), notes=tuple(drawing.notes),
                      read=drawing.read, total=drawing.total if where else None, dropped=drawing.dropped, names=names,
                      choice=drawing.encoding)
    choice = source_encoding(path, kind, encoding)
    name = pick_layer(path, list_source_layers(path), layer, target)
    frame = _read_layer(path, kind, name, choice, where)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise SourceError(code="error.source_no_geometry", path=path, layer=name)
    total = pyogrio.read_info(gdal_input(path, kind), layer=name)["features"] if where else None
    return Source(path, kind, name, frame, frame.crs, str(choice), read=type_counts(frame.geometry.to_numpy()), total=total, choice=choice)


def _read_layer(path: Path, kind: str, name: str, choice: EncodingChoice, where: str | None = None):
    """A GDAL layer in bulk (pyogrio), text decoded with ``choice``; a table without geometry as a DataFrame."""
    options = {"encoding": choice.encoding} if kind == "shapefile" else {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return pyogrio.read_dataframe(gdal_input(path, kind), layer=name, where=where, **options)
    except UnicodeDecodeError as exc:
        raise SourceError(code="error.source_bad_text", path=path, encoding=choice.encoding.upper(), reason=exc.reason) from None
    except Exception as exc:  # GDAL raises several types for unreadable files
        if where and "SQL" in str(exc):
            raise SourceError(code="error.source_bad_where", where=where, reason=_first_line(exc)) from None
        raise SourceError(code="error.source_unreadable", path=path, reason=_first_line(exc)) from None


def describe_source(path: str | os.PathLike, *, encoding: str | None = None, samples: int = 3, snap: float = SNAP_M) -> dict:
    """What a source holds, read as ``zonemap import`` reads it: the look before an import.

    Returns the format, the encoding and how it was decided, and per layer
    its CRS, feature count, geometry types, bounds, what was read and left
    out, and fields with sample values and the zone field each would fill.
    A DXF is one layer of outlines (see :mod:`zonemap.intake.cad`).
    """
    from zonemap.intake.fieldmap import find_fields

    _not_a_database(path)
    path = Path(path)
    kind = source_kind(path)
    if kind == "DXF":
        layers = [("entities", True)]
    else:
        choice = source_encoding(path, kind, encoding)
        layers = list_source_layers(path, with_geometry=True)
    description = {"source": str(path), "format": kind, "layers": []}
    for name, spatial in layers:
        if spatial:
            source = _load(path, kind, name, name, encoding, None, snap)
            frame, crs, choice = source.frame, source.crs, source.choice
        else:
            frame, crs, source = _read_layer(path, kind, name, choice), None, None
        description.setdefault("encoding", choice.encoding)
        description.setdefault("encoding_reason", choice.reason)
        columns = [c for c in frame.columns if c != getattr(frame, "_geometry_column_name", None)]
        geoms = frame.geometry.to_numpy() if spatial else np.array([], dtype=object)
        bounds = _present_bounds(geoms) if spatial and len(geoms) else None
        bounds = None if bounds is None or np.isnan(bounds).any() else bounds
        warning = None
        if crs is not None and bounds:
            try:
                check_coordinates_fit(crs, tuple(bounds), where=f"{path.name} layer {name}")
            except CrsError as exc:
                warning = str(exc)
        fills = {column: field for field, column in find_fields(columns, "parcels", source_name=str(path)).items()} if spatial else {}
        description["layers"].append({
            "name": name,
            "spatial": spatial,
            "crs_warning": warning,
            "crs": crs_name(crs) if crs else None,
            "features": len(frame),
            "geometry_types": type_counts(geoms) if spatial else {},
            "bounds": [float(b) for b in bounds] if bounds else None,
            "read": source.read if source else {},
            "dropped": source.dropped if source else {},
            "notes": list(source.notes) if source else [],
            "summary": read_summary(source) if source else None,
            "summary_text": {lang: read_summary(source, lang) for lang in LANGS} if source else None,
            "fields": [{"name": str(c), "type": str(frame[c].dtype), "samples": _samples(frame[c], samples), "parcels_field": fills.get(c)}
                       for c in columns],
        })
    return description


def _samples(values: pd.Series, n: int) -> list:
    """Up to ``n`` distinct non-empty values, as plain Python values."""
    present = values[values.notna() & (values.astype(str).str.strip() != "")]
    return [v.item() if hasattr(v, "item") else v for v in present.drop_duplicates().head(n)]
