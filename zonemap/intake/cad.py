"""CAD drawings (DXF) read as a CAD user expects, with ezdxf: one reader for inspect and import.

Text is decoded as the DXF format says: UTF-8 in AutoCAD 2007 and later
(``$ACADVER`` AC1021+, whatever ``$DWGCODEPAGE`` claims), the header's
``$DWGCODEPAGE`` before that; ``--encoding`` overrides both. Damaged files
are read with ezdxf's recover mode.

What becomes a parcel outline, per entity:

- closed LWPOLYLINE / POLYLINE, CIRCLE, closed ELLIPSE / SPLINE: a polygon;
- HATCH: a polygon from its boundary paths, holes included (a hatch that
  only repeats an outline already drawn is left out, counted);
- an open polyline whose ends meet within ``snap`` (default 1 mm): closed;
- LINE, ARC and open pieces on one CAD layer that close into loops:
  polygonised, their ends first joined within ``snap``;
- TEXT, MTEXT and block attributes: the ``label`` of the one outline they
  lie in (numbers and areas such as ``12.5亩`` are not labels); an outline
  without a label gets its entity handle.

Pieces that close no loop stay lines (an import refuses them by handle and
layer); everything else (points, dimensions, block references…) is counted
as left out. Each outline keeps its ``Layer``, ``EntityHandle`` and
``Entity`` type so messages name them as a CAD user finds them.

Examples
--------
>>> import ezdxf, tempfile, pathlib
>>> doc = ezdxf.new("R2010")
>>> _ = doc.modelspace().add_lwpolyline([(0, 0), (10, 0), (10, 10), (0, 10)], close=True, dxfattribs={"layer": "地块"})
>>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.dxf"
>>> doc.saveas(path)
>>> drawing = read_dxf(path)
>>> drawing.frame[["Layer", "Entity"]].values.tolist(), drawing.frame.area.tolist()
([['地块', 'LWPOLYLINE']], [100.0])
"""

from __future__ import annotations

import io
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zonemap.errors import ZonemapError
from zonemap.intake.encoding import IMPLAUSIBLE_SHARE, EncodingChoice, better_reading, encoding_label, implausible_share, normalise_encoding

#: Ends of an outline this close (metres) are one point: CAD round-off, not an opening.
SNAP_M = 0.001
#: Arcs, circles and splines become chords no further than this (metres) from the curve.
ARC_TOLERANCE_M = 0.001
#: A hatch whose outline lies this close (Hausdorff, metres) to a drawn outline repeats it.
SAME_OUTLINE_M = 0.01
#: Entities that draw outlines; other graphic entities are left out, counted by type.
_OUTLINES = {"LWPOLYLINE", "POLYLINE", "LINE", "ARC", "CIRCLE", "ELLIPSE", "SPLINE", "HATCH"}
_TEXTS = {"TEXT", "MTEXT"}
#: Text that measures rather than names: 12.5, 8 亩, 3,204.6 m².
_MEASURE = re.compile(r"^[\s\d.,+\-=]*\d[\s\d.,]*(亩|m2|m²|㎡|平方米|平米|公顷|ha|m)?\s*$", re.IGNORECASE)
#: What each left-out entity type is, in a planner's words.
_LEFT_OUT = {"INSERT": "block references", "DIMENSION": "dimensions", "POINT": "points", "SOLID": "solid fills",
             "LEADER": "leaders", "MLEADER": "leaders", "VIEWPORT": "viewports", "IMAGE": "images", "3DFACE": "3D faces"}


class DxfError(ZonemapError):
    """A DXF file cannot be read."""


@dataclass
class Drawing:
    """A DXF's outlines and what was read to find them."""

    #: One row per outline: ``Layer``, ``EntityHandle``, ``Entity``, ``label``, geometry (no CRS).
    frame: gpd.GeoDataFrame
    encoding: EncodingChoice
    #: Entities read, by DXF type, after ``where``.
    read: dict[str, int]
    #: Entities in model space before ``where``.
    total: int
    #: Left out, and why: reason → count.
    dropped: dict[str, int] = field(default_factory=dict)
    #: How outlines were made (closed within the snap, polygonised from pieces, labelled by handle).
    notes: list[str] = field(default_factory=list)
    #: The CAD layers and their entity counts (for inspect).
    layers: dict[str, int] = field(default_factory=dict)


def _open(path: Path, override: str | None):
    """The ezdxf document and how its text was decoded."""
    import ezdxf
    from ezdxf import recover
    from ezdxf.lldxf.const import DXF2007

    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(b"AC10"):
        raise DxfError(f"{path}: is a DWG drawing ({head[:6].decode('ascii')}), not DXF; save it as DXF in CAD (另存为 DXF) and give that")
    if b"SECTION" not in head and not head.startswith(b"AutoCAD Binary DXF"):
        raise DxfError(f"{path}: is {'empty' if not head else 'not a DXF file (no SECTION in its first 4 kB)'}; "
                       "give the drawing saved as DXF from CAD")
    try:
        if override:
            encoding = normalise_encoding(override, where=f"{path}: --encoding")
            # Decoded here, so the override holds for every version (ezdxf ignores it for R2007+).
            doc = ezdxf.read(io.StringIO(path.read_bytes().decode(encoding, errors="replace")))
            return doc, EncodingChoice(encoding, "given with --encoding")
        doc, _ = recover.readfile(path)
    except Exception as exc:  # noqa: BLE001 - ezdxf raises many types on broken files; the user gets one line
        if isinstance(exc, (KeyboardInterrupt, MemoryError)):
            raise
        raise DxfError(f"{path}: cannot be read as DXF ({str(exc).strip() or type(exc).__name__}); "
                       "check it is a complete DXF (not DWG) file, or save it again as DXF from CAD") from None
    version, codepage = doc.dxfversion, doc.header.get("$DWGCODEPAGE", "")
    if version >= DXF2007:
        said = f"; its $DWGCODEPAGE {codepage} does not apply" if codepage and codepage.upper() != "ANSI_1252" else ""
        return doc, EncodingChoice("utf-8", f"$ACADVER {version} (AutoCAD 2007 or later) stores UTF-8{said}")
    return doc, EncodingChoice(normalise_encoding(doc.encoding), f"from the DXF header: $DWGCODEPAGE {codepage or '(none)'}, $ACADVER {version}")


def _text_of(entity) -> tuple[str, tuple[float, float]] | None:
    kind = entity.dxftype()
    if kind == "MTEXT":
        text, point = entity.plain_text(), entity.dxf.insert
    else:  # TEXT, ATTRIB: the insert point is in the entity's own coordinate system
        text, point = entity.dxf.text, entity.ocs().to_wcs(entity.dxf.insert)
    text = " ".join(str(text).split())
    return (text, (point[0], point[1])) if text else None


def _entities(doc) -> pd.DataFrame:
    """Every model-space entity: type, layer, handle, text, colour and, for texts, the point."""
    rows = []
    for entity in doc.modelspace():
        kind = entity.dxftype()
        row = {"Entity": kind, "Layer": entity.dxf.get("layer", "0"), "EntityHandle": entity.dxf.get("handle", ""),
               "Text": None, "Color": entity.dxf.get("color", 256), "entity": entity, "point": None}
        if kind in _TEXTS:
            found = _text_of(entity)
            row["Text"], row["point"] = found if found else (None, None)
        rows.append(row)
        if kind == "INSERT":  # block attributes often carry the parcel number
            for attrib in getattr(entity, "attribs", []):
                found = _text_of(attrib)
                if found:
                    rows.append({**row, "Entity": "ATTRIB", "EntityHandle": attrib.dxf.get("handle", ""),
                                 "Text": found[0], "point": found[1], "entity": attrib})
    return pd.DataFrame(rows, columns=["Entity", "Layer", "EntityHandle", "Text", "Color", "entity", "point"])


def _refuse_implausible(path: Path, entities: pd.DataFrame, choice: EncodingChoice) -> None:
    """Refuse text that reads implausibly in the header's (or given) encoding when another reads it plausibly."""
    named = entities[entities["Text"].notna()]
    texts = [*entities["Layer"].drop_duplicates(), *named["Text"]]
    raw = {}
    for text in texts:
        try:
            raw[text] = text.encode(choice.encoding, errors="surrogateescape")
        except UnicodeEncodeError:  # written as \U+ escapes: Unicode already, not bytes of the code page
            continue
    raw = {text: data for text, data in raw.items() if not text.isascii()}
    better = better_reading(list(raw.values()), choice.encoding) if raw else None
    if better is None:
        return
    text = next(t for t in raw if implausible_share([t]) >= IMPLAUSIBLE_SHARE)
    real = text.encode(choice.encoding, errors="surrogateescape").decode(better)
    raise DxfError(f"{path}: text such as {text!r} reads implausibly as {choice}; it reads as {real!r} in "
                   f"{encoding_label(better)}; pass --encoding {encoding_label(better)}")


def _filter(entities: pd.DataFrame, where: str | None) -> pd.DataFrame:
    """The entities an SQL filter on ``Layer``, ``EntityHandle``, ``Entity``, ``Text``, ``Color`` keeps."""
    if not where:
        return entities
    columns = ["Entity", "Layer", "EntityHandle", "Text", "Color"]
    with sqlite3.connect(":memory:") as db:
        entities[columns].assign(row=np.arange(len(entities))).to_sql("entities", db, index=False)
        try:
            kept = [r for (r,) in db.execute(f"SELECT row FROM entities WHERE {where}")]  # noqa: S608 - the user's own filter on their own file
        except sqlite3.Error as exc:
            raise DxfError(f"--where {where}: not a filter on a DXF's Layer, EntityHandle, Entity, Text or Color ({exc}); "
                           "e.g. --where \"Layer = '地块'\"") from None
    return entities.iloc[sorted(kept)]


def _shape(entity) -> tuple[object, bool]:
    """The entity's geometry (hatches and circles as polygons, the rest as lines), and whether it is flagged closed."""
    from ezdxf.addons import geo

    filled = entity.dxftype() in ("HATCH", "CIRCLE")
    flagged = bool(getattr(entity, "closed", False) or getattr(entity, "is_closed", False))
    try:
        # As lines, so that the snap (not ezdxf's relative tolerance, 4 cm at Gauss-Krüger coordinates) decides what is closed.
        return shapely.geometry.shape(geo.proxy(entity, distance=ARC_TOLERANCE_M, force_line_string=not filled)), flagged
    except (TypeError, ValueError, IndexError):  # degenerate: a hatch without paths, a zero-length spline
        return None, False


def _snap_ends(lines: np.ndarray, snap: float) -> np.ndarray:
    """The lines with each end moved onto the first end within ``snap`` of it."""
    coords = [np.asarray(line.coords) for line in lines]
    ends = np.array([[c[0], c[-1]] for c in coords]).reshape(-1, 2)
    points = shapely.points(ends[:, :2])
    left, right = shapely.STRtree(points).query(points, predicate="dwithin", distance=snap)
    parent = np.arange(len(points))
    for a, b in zip(left, right):  # union-find: a chain of near ends becomes one point
        while parent[a] != a:
            a = parent[a]
        while parent[b] != b:
            b = parent[b]
        parent[max(a, b)] = min(a, b)
    for i in range(len(parent)):
        root = i
        while parent[root] != root:
            root = parent[root]
        parent[i] = root
    moved = ends[parent]
    for i, c in enumerate(coords):
        c[0], c[-1] = moved[2 * i], moved[2 * i + 1]
    return np.array([shapely.linestrings(c) for c in coords], dtype=object)


def _polygonise(pieces: pd.DataFrame, snap: float) -> tuple[list[dict], pd.DataFrame]:
    """Loops closed by LINE/ARC/open pieces of one CAD layer; and the pieces left in no loop."""
    loops, left = [], []
    for layer, group in pieces.groupby("Layer", sort=False):
        lines = _snap_ends(group["geometry"].to_numpy(), snap)
        faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.node(shapely.multilinestrings(lines)))))
        rims = shapely.buffer(shapely.boundary(faces), snap)
        tree = shapely.STRtree(lines)
        for face, rim in zip(faces, rims):
            on = np.sort(tree.query(rim, predicate="intersects"))
            on = on[shapely.length(shapely.intersection(lines[on], rim)) > 2 * snap]
            handles = group["EntityHandle"].to_numpy()[on]
            loops.append({"Layer": layer, "EntityHandle": "+".join(handles[:6]) + ("+…" if len(handles) > 6 else ""),
                          "Entity": "loop of " + "/".join(sorted(set(group["Entity"].to_numpy()[on]))), "geometry": face})
        used = shapely.covered_by(lines, shapely.union_all(rims)) if len(faces) else np.zeros(len(lines), dtype=bool)
        left.append(group[~used].assign(geometry=lines[~used]))
    return loops, pd.concat(left) if left else pieces.iloc[:0]


def _labels(outlines: gpd.GeoDataFrame, texts: pd.DataFrame) -> tuple[np.ndarray, int]:
    """The one naming text inside each outline (None where there is none or several); texts used."""
    labels = np.full(len(outlines), None, dtype=object)
    names = texts[~texts["Text"].str.match(_MEASURE)]
    if not len(names) or not len(outlines):
        return labels, 0
    points = shapely.points(np.array(names["point"].tolist(), dtype=float))
    text_at, outline = shapely.STRtree(outlines.geometry.to_numpy()).query(points, predicate="within")
    found = pd.DataFrame({"outline": outline, "text": names["Text"].to_numpy()[text_at]}).drop_duplicates()
    per = found.groupby("outline")["text"].agg(list)
    single = per[per.map(len) == 1]
    labels[single.index.to_numpy()] = [texts[0] for texts in single]
    return labels, int(len(single))


def read_dxf(path: str | Path, *, encoding: str | None = None, where: str | None = None, snap: float = SNAP_M) -> Drawing:
    """The outlines of a DXF's model space, labelled; see the module docstring.

    Parameters
    ----------
    path : the .dxf file
    encoding : overrides the encoding the DXF's version and header give
    where : SQL filter on the entities' ``Layer``, ``EntityHandle``, ``Entity``, ``Text``, ``Color``
    snap : ends of outlines this close (metres) are joined
    """
    path = Path(path)
    doc, choice = _open(path, encoding)
    everything = _entities(doc)
    _refuse_implausible(path, everything, choice)
    layers = everything["Layer"].value_counts().to_dict()
    entities = _filter(everything, where)
    read = entities["Entity"].value_counts().to_dict()
    dropped: dict[str, int] = {}
    notes: list[str] = []

    def drop(why: str, n: int) -> None:
        if n:
            dropped[why] = dropped.get(why, 0) + int(n)

    is_text = entities["Entity"].isin(_TEXTS | {"ATTRIB"})
    # Labels come from the texts the filter kept, or from every text when it kept none (ids on their own layer).
    texts = entities[is_text & entities["Text"].notna()]
    if not len(texts):
        texts = everything[everything["Entity"].isin(_TEXTS | {"ATTRIB"}) & everything["Text"].notna()]
    outline_rows = entities[entities["Entity"].isin(_OUTLINES)]
    for kind, n in entities.loc[~is_text & ~entities["Entity"].isin(_OUTLINES), "Entity"].value_counts().items():
        drop(_LEFT_OUT.get(kind, f"{kind} entities"), n)
    found = [_shape(e) for e in outline_rows["entity"]]
    shapes = np.array([shape for shape, _ in found], dtype=object)
    flagged = np.array([closed for _, closed in found], dtype=bool)
    shapes = shapely.force_2d(shapes) if len(shapes) else shapes
    usable = ~(shapely.is_missing(shapes) | shapely.is_empty(shapes)) if len(shapes) else np.zeros(0, bool)
    drop("degenerate outlines", (~usable).sum())
    rows = outline_rows[usable].drop(columns=["entity", "point", "Text", "Color"]).assign(geometry=shapes[usable])
    flagged = flagged[usable]
    lines = rows["geometry"].to_numpy()
    is_line = shapely.get_type_id(lines) == 1
    gap = np.full(len(rows), np.inf)
    if is_line.any():
        gap[is_line] = shapely.distance(shapely.get_point(lines[is_line], 0), shapely.get_point(lines[is_line], -1))
    # Flagged closed, or ends that (nearly) meet: an outline the drafter did not flag closed.
    closing = is_line & (flagged | (gap <= snap)) & (shapely.get_num_coordinates(lines) >= 3)
    if closing.any():
        rings = [np.vstack([c[:-1] if d <= snap else c, c[:1]]) for c, d in zip((np.asarray(g.coords) for g in lines[closing]), gap[closing])]
        rows.loc[closing, "geometry"] = shapely.polygons(rings)
        snapped = int((closing & ~flagged & (gap > 0)).sum())
        if snapped:
            notes.append(f"{snapped} open outline(s) closed: their ends are within the {snap:g} m snap (--snap)")
    is_line &= ~closing
    loops, left = _polygonise(rows[is_line], snap) if is_line.any() else ([], rows.iloc[:0])
    if loops:
        notes.append(f"{len(loops)} outline(s) polygonised from LINE/ARC/polyline pieces ({len(rows[is_line]) - len(left)} pieces)")
    outlines = gpd.GeoDataFrame(pd.concat([rows[~is_line], pd.DataFrame(loops), left], ignore_index=True),
                                geometry="geometry") if len(rows) else gpd.GeoDataFrame(
        {"Layer": [], "EntityHandle": [], "Entity": []}, geometry=gpd.GeoSeries([]))
    outlines = _drop_repeated_hatches(outlines, drop)
    labels, labelled = _labels(outlines, texts)
    drop("texts (parcel labels)", labelled)
    if is_text.any():  # texts the filter kept; labels from other layers were not read as entities
        drop("other texts", is_text.sum() - labelled)
    unlabelled = np.array([v is None for v in labels], dtype=bool) & np.isin(shapely.get_type_id(outlines.geometry.to_numpy()), [3, 6])
    if unlabelled.any():
        labels[unlabelled] = outlines["EntityHandle"].to_numpy()[unlabelled]
        notes.append(f"{int(unlabelled.sum())} outline(s) hold no single naming text: their entity handle is their label (parcel_id)")
    outlines["label"] = labels
    return Drawing(outlines[["Layer", "EntityHandle", "Entity", "label", "geometry"]], choice, read, len(everything), dropped, notes, layers)


def _drop_repeated_hatches(outlines: gpd.GeoDataFrame, drop) -> gpd.GeoDataFrame:
    """Hatches that fill an outline also drawn as such are that outline, not a second parcel."""
    is_hatch = (outlines["Entity"] == "HATCH").to_numpy()
    if not is_hatch.any() or is_hatch.all():
        return outlines
    geoms = outlines.geometry.to_numpy()
    others = np.flatnonzero(~is_hatch & np.isin(shapely.get_type_id(geoms), [3, 6]))
    hatch, near = shapely.STRtree(geoms[others]).query(geoms[is_hatch], predicate="intersects")
    rows = np.flatnonzero(is_hatch)[hatch]
    same = shapely.hausdorff_distance(geoms[rows], geoms[others[near]]) <= SAME_OUTLINE_M
    repeated = np.unique(rows[same])
    drop("hatches repeating a drawn outline", len(repeated))
    return outlines.drop(index=outlines.index[repeated]).reset_index(drop=True)
