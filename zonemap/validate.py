"""Every problem of a zone, gathered first and reported together.

Codes (SPEC §4): ``invalid_geometry``, ``empty_geometry``, ``overlap``,
``gap``, ``outside_boundary``, ``duplicate_id``, ``missing_id``,
``unknown_status``, ``tenant_missing``, ``tenant_unexpected``,
``negative_investment``, ``planned_mismatch``, ``crs_missing``,
``crs_geographic``, plus ``not_finite`` (a figure stored as ±inf), ``invalid_id`` (an id holding an invisible or control character), ``crs_mismatch`` (coordinates that cannot be in
the layer's CRS), ``boundary_count`` (the boundary is not one feature) and
``too_complex`` (a feature, or unparcelled land the gap check opens, with more
vertices than :data:`VERTEX_BUDGET`) and ``dangling_parcel_ref`` (a warning: a building, prospect or hold names a
parcel id that no parcel has), and the hold (预留) warnings ``hold_expired``,
``hold_on_tenant`` and ``hold_unknown_prospect``.

Examples
--------
>>> import zonemap
>>> zonemap.open(zonemap.sample_path()).validate()
[]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from zonemap.areas import NOISE_M2 as AREA_TOLERANCE_M2
from zonemap.areas import areas_m2, metric_geometries
from zonemap.coverage import rim_edges
from zonemap.crs import check_coordinates_fit, crs_name
from zonemap.errors import CrsError
from zonemap.i18n import Phrase, word
from zonemap.ids import INVISIBLE, id_key, id_phrase
from zonemap.progress import stages
from zonemap.status import STATUSES
from zonemap.units import from_m2

if TYPE_CHECKING:
    from zonemap.zone import Zone

#: A strip of unparcelled land narrower than this is a gap, not land (SPEC §4).
GAP_WIDTH_M = 1.0
#: Declared and measured plan area may differ by this share before a warning.
PLANNED_TOLERANCE = 0.005
#: The most vertices a feature, or a piece of unparcelled land the gap check opens, may have: overlays of
#: such shapes take seconds (a survey parcel has tens to hundreds); a 10⁶-vertex one takes minutes.
#: Slivers narrower than the gap width are found at any size.
VERTEX_BUDGET = 100_000
#: How close the gap check finds each piece's largest inscribed circle.
_CIRCLE_TOLERANCE_M = 0.01


@dataclass(frozen=True)
class Problem:
    """One problem: what (``code``), where (``layer``, ``id``), and the fix (``message``, English).

    A problem made by :func:`_problem` also carries its ``fields``, so
    :meth:`text` gives the message in Chinese too (``problem.CODE`` in
    :mod:`zonemap.i18n`); the others read as their message.
    """

    severity: str
    code: str
    layer: str
    id: str
    message: str
    fields: dict = dataclass_field(default_factory=dict, compare=False, repr=False)
    #: The word of the message (``problem.CODE`` unless one code has several messages).
    words: str = dataclass_field(default="", compare=False, repr=False)

    def to_dict(self) -> dict[str, str]:
        return {key: value for key, value in asdict(self).items() if key not in ("fields", "words")}

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang``."""
        return word(self.words or f"problem.{self.code}", lang, **self.fields) if self.fields else self.message


def _problem(severity: str, code: str, layer: str, id_: str, /, words: str = "", **fields: object) -> Problem:
    """A problem whose message is the word ``words`` (default ``problem.CODE``) filled with ``fields``."""
    return Problem(severity, code, layer, id_, word(words or f"problem.{code}", "en", **fields), fields, words)


def _feature_ids(frame: pd.DataFrame, id_field: str | None, *, first: int = 0) -> np.ndarray:
    """Each feature's id, or ``#N`` (its 1-based position in the layer) where it has none.

    ``first`` is the position of the frame's first row in its layer (a partition's offset).
    """
    if id_field is None or id_field not in frame:
        return np.array([f"#{i + 1}" for i in range(first, first + len(frame))], dtype=object)
    ids = frame[id_field].to_numpy(dtype=object)
    blank = pd.isna(ids) | (pd.Series(ids, dtype=object).astype(str).str.strip() == "").to_numpy()
    ids = ids.astype(str).astype(object)
    ids[blank] = [f"#{first + i + 1}" for i in np.flatnonzero(blank)]
    return ids


def listed(names: list[str], limit: int = 20) -> str:
    """``names`` joined for a message: the first ``limit``, then how many more (JSON ids keep them all).

    >>> listed([f"P{i}" for i in range(25)], 3)
    'P0, P1, P2 and 22 more'
    """
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _where(geom) -> Phrase:
    point = shapely.point_on_surface(geom)
    return Phrase("problem.near", {"x": f"{point.x:.1f}", "y": f"{point.y:.1f}"})


def _crs_problems(layer: str, crs, bounds: tuple[float, float, float, float], count: int) -> list[Problem]:
    if count == 0:
        return []
    if crs is None:
        return [_problem("error", "crs_missing", layer, "", layer=layer)]
    problems = []
    if crs.is_geographic:
        problems.append(_problem("error", "crs_geographic", layer, "", layer=layer, crs=crs_name(crs)))
    try:
        check_coordinates_fit(crs, tuple(bounds), where=layer)
    except CrsError as exc:
        problems.append(_problem("error", "crs_mismatch", layer, "", words=exc.code, **exc.fields))
    return problems


def _geometry_problems(layer: str, ids: np.ndarray, geoms: np.ndarray) -> list[Problem]:
    """The problems of each geometry: empty, not a polygon, invalid (with GEOS's reason)."""
    return _geometry_check(layer, ids, geoms)[0]


def _geometry_check(layer: str, ids: np.ndarray, geoms: np.ndarray) -> tuple[list[Problem], np.ndarray]:
    """The problems of each geometry, and which ones are valid polygons that topology can use."""
    problems = []
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    for i in np.flatnonzero(empty):
        problems.append(_problem("error", "empty_geometry", layer, ids[i], layer=layer, id=ids[i]))
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])  # Polygon, MultiPolygon
    for i in np.flatnonzero(~empty & ~polygonal):
        kind = shapely.get_type_id(geoms[i])
        problems.append(
            _problem("error", "invalid_geometry", layer, ids[i], "problem.not_a_polygon", layer=layer, id=ids[i], kind=geoms[i].geom_type, type=kind)
        )
    invalid = ~empty & polygonal & ~shapely.is_valid(geoms)
    reasons = shapely.is_valid_reason(geoms[invalid])
    for i, reason in zip(np.flatnonzero(invalid), reasons):
        problems.append(_problem("error", "invalid_geometry", layer, ids[i], layer=layer, id=ids[i], reason=reason))
    # A shape past the budget is left out of the topology checks, whose overlays grow faster than its vertices.
    vertices = shapely.get_num_coordinates(geoms)
    dense = ~empty & polygonal & ~invalid & (vertices > VERTEX_BUDGET)
    for i in np.flatnonzero(dense):
        problems.append(
            _problem("error", "too_complex", layer, ids[i], "refuse.too_many_vertices", layer=layer, id=ids[i], vertices=vertices[i], budget=VERTEX_BUDGET)
        )
    return problems, ~empty & polygonal & ~invalid & ~dense


def _attribute_problems(parcels: pd.DataFrame, ids: np.ndarray) -> list[Problem]:
    problems = []
    raw_ids = parcels["parcel_id"]
    missing = raw_ids.isna() | (raw_ids.astype(str).str.strip() == "")
    for i in np.flatnonzero(missing.to_numpy()):
        problems.append(_problem("error", "missing_id", "parcels", ids[i], id=ids[i]))
    status = parcels["status"]
    unknown = ~status.isin(STATUSES)
    for i in np.flatnonzero(unknown.to_numpy()):
        problems.append(_problem("error", "unknown_status", "parcels", ids[i], id=ids[i], status=status.iloc[i], statuses=", ".join(STATUSES)))
    tenant = parcels["tenant"]
    has_tenant = tenant.notna() & (tenant.astype(str).str.strip() != "")
    for i in np.flatnonzero(((status == "tenant") & ~has_tenant).to_numpy()):
        problems.append(_problem("error", "tenant_missing", "parcels", ids[i], id=ids[i]))
    # A name on land not let is an attribute to tidy (often an intent: 某某公司(意向)), not a problem of the land:
    # the ledger counts status, so it warns and shows how to record the firm as a prospect.
    for i in np.flatnonzero((status.isin(["developed", "vacant"]) & has_tenant).to_numpy()):
        problems.append(
            _problem("warning", "tenant_unexpected", "parcels", ids[i], id=ids[i], status=Phrase(f"problem.status.{status.iloc[i]}"), tenant=tenant.iloc[i])
        )
    investment = pd.to_numeric(parcels["investment_wan"], errors="coerce")
    for i in np.flatnonzero((investment < 0).to_numpy()):
        problems.append(_problem("error", "negative_investment", "parcels", ids[i], id=ids[i], investment=f"{investment.iloc[i]:g}"))
    # Investment is a tenant's; on land no tenant holds it is left over from one who left.
    for i in np.flatnonzero((status.isin(["developed", "vacant"]) & investment.notna() & (investment != 0)).to_numpy()):
        problems.append(
            _problem("warning", "investment_unexpected", "parcels", ids[i], id=ids[i], status=Phrase(f"problem.status.{status.iloc[i]}"),
                     code=status.iloc[i], investment=f"{investment.iloc[i]:g}")
        )
    return problems


def _duplicate_ids(raw_ids: pd.Series) -> list[Problem]:
    """Parcel ids used more than once (blank ones are ``missing_id``)."""
    present = raw_ids[raw_ids.notna()].astype(str)
    present = present[present.str.strip() != ""]
    counts = present.value_counts()
    problems = [
        _problem("error", "duplicate_id", "parcels", value, id=value, count=count)
        for value, count in sorted(counts[counts > 1].items())
    ]
    # Ids a reader takes for one: they differ only in case, surrounding spaces or width (C04, ' c04', Ｃ０４).
    spellings = pd.Series(counts.index, dtype=object)
    keys = spellings.map(id_key)
    shared = keys.duplicated(keep=False).to_numpy()  # grouped only where a key repeats: 10⁵ groups of one cost seconds
    for _, group in spellings[shared].groupby(keys[shared].to_numpy(), sort=True):
        names = sorted(group)
        joined = repr(names[0])
        for name in names[1:]:
            joined = Phrase("problem.and", {"a": joined, "b": repr(name)})
        problems.append(_problem("error", "duplicate_id", "parcels", ",".join(names), "problem.similar_ids", ids=joined))
    for value in spellings[spellings.str.contains(INVISIBLE.pattern, regex=True)]:
        problems.append(_problem("error", "invalid_id", "parcels", value, value=value, problem=id_phrase(value)))
    return problems


@dataclass
class CheckedParcels:
    """Parcels checked one by one (geometry and attributes); what zone-wide checks need of them.

    The dask engine builds one per partition and joins them with :meth:`join`.
    """

    problems: list[Problem]
    ids: np.ndarray  #: each parcel's id, ``#N`` where it has none
    raw_ids: np.ndarray  #: the ``parcel_id`` values as stored
    geoms: np.ndarray
    usable: np.ndarray  #: valid polygons, which topology checks use
    crs: object
    bounds: tuple[float, float, float, float]

    @classmethod
    def join(cls, parts: list[CheckedParcels]) -> CheckedParcels:
        bounds = np.array([p.bounds for p in parts if len(p.geoms)] or [(np.nan,) * 4])
        return cls(
            problems=[problem for p in parts for problem in p.problems],
            ids=np.concatenate([p.ids for p in parts]),
            raw_ids=np.concatenate([p.raw_ids for p in parts]),
            geoms=np.concatenate([p.geoms for p in parts]),
            usable=np.concatenate([p.usable for p in parts]),
            crs=parts[0].crs,
            bounds=(*np.nanmin(bounds[:, :2], axis=0), *np.nanmax(bounds[:, 2:], axis=0)),
        )


def check_parcels(parcels: pd.DataFrame, *, first: int = 0) -> CheckedParcels:
    """Check each parcel of ``parcels`` (a layer, or a partition starting at row ``first``) on its own."""
    ids = _feature_ids(parcels, "parcel_id", first=first)
    geoms = parcels.geometry.to_numpy()
    problems, usable = _geometry_check("parcels", ids, geoms)
    problems += _attribute_problems(parcels, ids)
    bounds = tuple(shapely.total_bounds(geoms)) if len(geoms) else (np.nan,) * 4
    return CheckedParcels(problems, ids, parcels["parcel_id"].to_numpy(dtype=object), geoms, usable, parcels.crs, bounds)


def _overlap_pairs(
    layers: np.ndarray, geoms: np.ndarray, tree: shapely.STRtree, near_rim: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (parcel–parcel or parcel–road) that may overlap: only those next to the rim.

    Around the rim, GEOS's coverage check says which parcels have an edge
    that crosses or does not match a neighbour's (``crossing``); parcel pairs
    are measured only where it found one. Roads are not vertex-matched to
    parcels, so every parcel–road pair is measured.
    """
    is_road = layers == "roads"
    left, right = tree.query(geoms[near_rim], predicate="intersects")
    left = np.flatnonzero(near_rim)[left]
    left, right = np.minimum(left, right), np.maximum(left, right)
    keep = (left != right) & ~(is_road[left] & is_road[right])
    pairs = np.unique(np.column_stack([left[keep], right[keep]]), axis=0)
    left, right = pairs[:, 0], pairs[:, 1]
    neighbourhood = np.unique(np.concatenate([left, right]))
    neighbourhood = neighbourhood[~is_road[neighbourhood]]
    crossing = np.zeros(len(geoms), dtype=bool)
    crossing[neighbourhood] = ~shapely.is_empty(shapely.coverage_invalid_edges(geoms[neighbourhood]))
    measure = is_road[left] | is_road[right] | crossing[left] | crossing[right]
    return left[measure], right[measure], crossing


def _overlaps(ids: np.ndarray, layers: np.ndarray, geoms: np.ndarray, left: np.ndarray, right: np.ndarray) -> list[Problem]:
    """The pairs (parcel–parcel or parcel–road) of ``left``/``right`` sharing more than the tolerance."""
    shared = shapely.intersection(geoms[left], geoms[right])
    area = shapely.area(shared)
    problems = []
    for i, j, piece, a in zip(left, right, shared, area):
        if a > AREA_TOLERANCE_M2:
            layer = "parcels" if layers[i] == "parcels" else layers[j]
            problems.append(
                _problem("error", "overlap", layer, f"{ids[i]},{ids[j]}", layer_a=layers[i], a=ids[i], layer_b=layers[j], b=ids[j],
                         m2=f"{a:.2f}", mu=f"{from_m2(a, 'mu'):.2f}", where=_where(piece))
            )
    return problems


def _free_land(
    boundary: object, geoms: np.ndarray, tree: shapely.STRtree, near_rim: np.ndarray, is_road: np.ndarray, *, clean: bool
) -> np.ndarray:
    """Pieces of the boundary that no parcel or road covers.

    Only the rim is unioned; what it encloses is tiled by the other parcels
    (their every edge is shared), so pieces holding one of those are not free.
    When the rim parcels are a ``clean`` coverage, GEOS's coverage union
    (which only drops shared edges) joins them, much faster than an overlay.
    """
    rim_parcels = geoms[near_rim & ~is_road]
    cover = shapely.coverage_union_all(rim_parcels) if clean else shapely.union_all(rim_parcels)
    # Roads first: they have few vertices, so only one overlay involves the large cover.
    free = shapely.get_parts(shapely.difference(shapely.difference(boundary, shapely.union_all(geoms[is_road])), cover))
    if len(free) == 0:
        return free
    piece, feature = tree.query(shapely.point_on_surface(free), predicate="intersects")
    return np.delete(free, np.unique(piece[~near_rim[feature]]))


def _slivers(free: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The parts of ``free`` narrower than GAP_WIDTH_M, and the pieces too complex to open within :data:`VERTEX_BUDGET`.

    A piece whose largest inscribed circle is narrower than the gap width is
    a sliver whole (no disk of that width fits, so the opening below would
    remove it all); that circle is found with an index in about a second even
    at 10⁶ vertices, where the opening of a wiggly outline takes minutes. Only
    the other pieces are opened, and only those within the budget.
    """
    half = GAP_WIDTH_M / 2
    # Overlays leave lines and points between pieces, and crumbs: none can hold a sliver over the tolerance.
    free = free[(shapely.get_type_id(free) == 3) & (shapely.area(free) > AREA_TOLERANCE_M2)]
    # The circle found is within the tolerance of the largest one, and never larger.
    radius = shapely.length(shapely.maximum_inscribed_circle(free, tolerance=_CIRCLE_TOLERANCE_M))
    narrow = radius + _CIRCLE_TOLERANCE_M < half
    wide = free[~narrow]
    too_complex = shapely.get_num_coordinates(wide) > VERTEX_BUDGET
    wide = wide[~too_complex]
    # Morphological opening with mitred joins keeps square corners of real
    # unparcelled land; what it removes is land narrower than the gap width.
    opened = shapely.buffer(shapely.buffer(wide, -half, join_style="mitre"), half, join_style="mitre")
    slivers = np.concatenate([free[narrow], shapely.get_parts(shapely.difference(wide, opened))])
    return slivers[shapely.area(slivers) > AREA_TOLERANCE_M2], free[~narrow][too_complex]


def _gaps(free: np.ndarray, ids: np.ndarray, tree: shapely.STRtree, boundary: object) -> list[Problem]:
    """Slivers of free land narrower than GAP_WIDTH_M between two features, or a feature and the boundary.

    A sliver next to one feature only is a notch in that feature's own
    outline: its shape, not land lost between neighbours.
    """
    half = GAP_WIDTH_M / 2
    slivers, too_complex = _slivers(free)
    problems = []
    for piece in too_complex:
        neighbours = sorted(ids[n] for n in tree.query(piece, predicate="dwithin", distance=half))
        problems.append(
            _problem("error", "too_complex", "parcels", ",".join(neighbours), "refuse.too_complex", vertices=shapely.get_num_coordinates(piece),
                     budget=VERTEX_BUDGET, where=_where(piece), names=listed(neighbours) or Phrase("problem.the_boundary"))
        )
    rim = shapely.boundary(boundary)
    for sliver in slivers:
        neighbours = tree.query(sliver, predicate="dwithin", distance=half)  # no buffer: a 10⁶-vertex sliver buffers for minutes
        if len(np.unique(neighbours)) < 2 and not shapely.dwithin(sliver, rim, half):
            continue
        names = listed(sorted(ids[n] for n in neighbours)) or Phrase("problem.the_boundary")
        problems.append(
            _problem("error", "gap", "parcels", ",".join(sorted(ids[n] for n in neighbours)),
                     m2=f"{shapely.area(sliver):.2f}", width=f"{GAP_WIDTH_M:g}", where=_where(sliver), names=names)
        )
    return problems


def _outside(boundary: object, ids: np.ndarray, layers: np.ndarray, geoms: np.ndarray, near_rim: np.ndarray) -> list[Problem]:
    shapely.prepare(boundary)
    # A parcel enclosed by its neighbours lies outside only if they do, unless
    # the boundary has a hole the coverage could surround.
    holes = shapely.get_num_interior_rings(shapely.get_parts(boundary)).any()
    checked = np.arange(len(geoms)) if holes else np.flatnonzero(near_rim)
    candidates = checked[~shapely.covered_by(geoms[checked], boundary)]
    outside = shapely.difference(geoms[candidates], boundary)
    problems = []
    for i, piece, a in zip(candidates, outside, shapely.area(outside)):
        if a > AREA_TOLERANCE_M2:
            problems.append(_problem("error", "outside_boundary", layers[i], ids[i], layer=layers[i], id=ids[i], m2=f"{a:.2f}", where=_where(piece)))
    return problems


def _topology(boundary: object, ids: np.ndarray, layers: np.ndarray, geoms: np.ndarray, stage: Callable[[str], None]) -> list[Problem]:
    """Overlaps, gaps and land outside the boundary, measured only next to the coverage's rim.

    See :mod:`zonemap.coverage`: these problems can only sit where an edge
    is not shared exactly with a neighbour, so parcels enclosed by their
    neighbours are not measured one by one.
    """
    stage("shared edges")
    is_road = layers == "roads"
    near_rim = is_road.copy()
    near_rim[~is_road] = rim_edges(geoms[~is_road]) > 0
    stage("overlaps")
    tree = shapely.STRtree(geoms)
    left, right, crossing = _overlap_pairs(layers, geoms, tree, near_rim)
    problems = _overlaps(ids, layers, geoms, left, right)
    if not shapely.is_empty(boundary):
        stage("gaps")
        clean = not crossing[near_rim & ~is_road].any()
        problems += _gaps(_free_land(boundary, geoms, tree, near_rim, is_road, clean=clean), ids, tree, boundary)
        stage("outside the boundary")
        problems += _outside(boundary, ids, layers, geoms, near_rim)
    return problems


def _not_finite(layer: str, frame: pd.DataFrame, ids: np.ndarray) -> list[Problem]:
    """Figures another tool stored as ±inf, and shapes with such a vertex (the zone reads them as missing): named per feature and field."""
    return [
        _problem("error", "not_finite", layer, ids[row], "problem.not_finite_geometry" if field == "geometry" else "",
                 layer=layer, id=ids[row], field=field, value=f"{value:g}")
        for row, field, value in frame.attrs.get("not_finite", [])
    ]


def _dangling_references(parcel_ids: np.ndarray, buildings: pd.DataFrame, prospects: pd.DataFrame) -> list[Problem]:
    """Buildings and prospects whose ``parcel_id`` names no parcel (e.g. one split, merged or pruned away)."""
    known = set(map(str, pd.Series(parcel_ids, dtype=object).dropna()))  # (not .astype(str): Arrow strings iterate slowly)
    problems = []
    for layer, frame, id_field in (("buildings", buildings, "building_id"), ("prospects", prospects, "name")):
        refs = frame["parcel_id"].astype(object).where(frame["parcel_id"].notna(), "").astype(str).str.strip()
        ids = _feature_ids(frame, id_field)
        # Each reference looked up in the set: Series.isin would convert the whole set (10⁶ ids) first.
        dangling = np.array([ref != "" and ref not in known for ref in refs], dtype=bool)
        for i in np.flatnonzero(dangling):
            problems.append(_problem("warning", "dangling_parcel_ref", layer, ids[i], layer=layer, id=ids[i], ref=refs.iloc[i]))
    return problems


def _hold_problems(zone: Zone, today: date) -> list[Problem]:
    """Warnings on holds (预留): past their date, on tenant land, or naming no parcel or prospect."""
    holds = zone.holds
    if len(holds) == 0:
        return []
    parcels = zone.parcels
    status = dict(zip(parcels["parcel_id"].astype(str), parcels["status"]))
    tenant = dict(zip(parcels["parcel_id"].astype(str), parcels["tenant"]))
    prospects = set(zone.prospects["name"].dropna().astype(str))
    problems = []
    for pid, prospect, until in holds[["parcel_id", "prospect", "until"]].astype(str).itertuples(index=False):
        found = []
        if until < today.isoformat():
            found.append(("hold_expired", ""))
        if status.get(pid) == "tenant":
            found.append(("hold_on_tenant", ""))
        if pid not in status:
            found.append(("dangling_parcel_ref", "problem.hold_no_parcel"))
        if prospect not in prospects:
            found.append(("hold_unknown_prospect", ""))
        problems += [_problem("warning", code, "holds", pid, words, id=pid, prospect=prospect, until=until, tenant=tenant.get(pid))
                     for code, words in found]
    return problems


#: The stages of :func:`validate`, as its progress bar shows them.
STAGES = ["reading", "checking parcels", "shared edges", "overlaps", "gaps", "outside the boundary"]


def validate(zone: Zone, *, checked: CheckedParcels | None = None) -> list[Problem]:
    """Every problem found in ``zone``, errors and warnings, in layer order.

    ``checked`` are its parcels already checked one by one elsewhere (the
    dask engine does that in partitions); by default they are read and checked here.
    """
    with stages("validate", STAGES) as stage:
        return _validate(zone, checked, stage)


def _validate(zone: Zone, checked: CheckedParcels | None, stage: Callable[[str], None]) -> list[Problem]:
    stage("reading")
    boundary, roads, buildings = zone.boundary, zone.roads, zone.buildings
    frames = {"boundary": (boundary, "zone_id"), "roads": (roads, "name"), "buildings": (buildings, "building_id"), "prospects": (zone.prospects, "name")}
    if checked is None:  # (partitioned parcels are checked elsewhere)
        parcels = zone.parcels
        frames["parcels"] = (parcels, "parcel_id")
        stage("checking parcels")
        checked = check_parcels(parcels)
    parcels = checked
    problems: list[Problem] = []
    for layer, crs, bounds, count in (
        ("boundary", boundary.crs, boundary.total_bounds, len(boundary)),
        ("parcels", parcels.crs, parcels.bounds, len(parcels.geoms)),
        ("roads", roads.crs, roads.total_bounds, len(roads)),
        ("buildings", buildings.crs, buildings.total_bounds, len(buildings)),
    ):
        problems += _crs_problems(layer, crs, bounds, count)

    if len(boundary) != 1:
        problems.append(_problem("error", "boundary_count", "boundary", "", count=len(boundary)))
    road_ids = _feature_ids(roads, "name")
    usable = {"parcels": parcels.usable}
    found, usable["boundary"] = _geometry_check("boundary", _feature_ids(boundary, "zone_id"), boundary.geometry.to_numpy())
    problems += found + parcels.problems + _duplicate_ids(pd.Series(parcels.raw_ids, dtype=object))
    found, usable["roads"] = _geometry_check("roads", road_ids, roads.geometry.to_numpy())
    problems += found
    problems += _geometry_problems("buildings", _feature_ids(buildings, "building_id"), buildings.geometry.to_numpy())
    problems += _dangling_references(parcels.raw_ids, buildings, zone.prospects)
    found = [p for layer, (frame, id_field) in frames.items() for p in _not_finite(layer, frame, _feature_ids(frame, id_field))]
    unshaped = {(p.layer, p.id) for p in found if ": geometry holds" in p.message}  # read as empty: say why, once
    problems = [p for p in problems if p.code != "empty_geometry" or (p.layer, p.id) not in unshaped] + found
    problems += _hold_problems(zone, date.today())

    if any(p.code.startswith("crs_") for p in problems):
        return problems  # tolerances in metres mean nothing until the CRS is right

    boundary_m2 = float(areas_m2(boundary.geometry.to_numpy(), boundary.crs).sum())
    if zone.planned_m2 and abs(boundary_m2 - zone.planned_m2) > PLANNED_TOLERANCE * zone.planned_m2:
        problems.append(
            _problem("warning", "planned_mismatch", "boundary", "", measured=f"{from_m2(boundary_m2, 'mu'):.2f}",
                     planned=f"{from_m2(zone.planned_m2, 'mu'):.2f}", tolerance=f"{PLANNED_TOLERANCE:.1%}")
        )

    ids = np.concatenate([parcels.ids, road_ids]).astype(object)
    layers = np.array(["parcels"] * len(parcels.geoms) + ["roads"] * len(roads), dtype=object)
    geoms = metric_geometries(np.concatenate([parcels.geoms, roads.geometry.to_numpy()]), parcels.crs)
    keep = np.concatenate([usable["parcels"], usable["roads"]])
    ids, layers, geoms = ids[keep], layers[keep], geoms[keep]
    outline = metric_geometries(boundary.geometry.to_numpy(), boundary.crs)
    outline = shapely.union_all(outline[usable["boundary"]])
    if len(geoms):
        problems += _topology(outline, ids, layers, geoms, stage)
    return problems
