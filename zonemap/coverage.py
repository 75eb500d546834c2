"""Polygon coverages: which polygons lie on the rim, where topology problems can be.

In a clean coverage (parcels that tile land without overlaps or gaps, as a
survey delivers them) every inner edge is shared by exactly two polygons,
vertex for vertex, walked in opposite directions. An edge that is not
shared like that lies on the rim of the coverage: against a road, the
boundary, unparcelled land, a gap or an overlap. Overlaps, gaps and land
outside the boundary change the number of polygons covering a point, and
that number can only change across rim edges; so these problems can only
be found next to the rim, and at scale validation measures only there.

Finding the rim is a sort of hashed edges in numpy: no Python loop, no
overlay.

Examples
--------
>>> import shapely
>>> left, right, far = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(5, 5, 6, 6)
>>> rim_edges([left, right, far]).tolist()
[3, 3, 4]
"""

from __future__ import annotations

import numpy as np
import shapely

_MIX = np.uint64(0x9E3779B97F4A7C15)


def _rings(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ring points (x, y), the ring of each point, whether each ring is an exterior, and its polygon."""
    if (shapely.get_type_id(geoms) == 3).all() and not shapely.get_num_interior_rings(geoms).any():
        coords, ring_of = shapely.get_coordinates(geoms, return_index=True)  # one ring per polygon
        exterior = np.ones(len(geoms), dtype=bool)
        ring_owner = np.arange(len(geoms))
    else:
        parts, part_owner = shapely.get_parts(geoms, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        coords, ring_of = shapely.get_coordinates(rings, return_index=True)
        exterior = np.r_[True, ring_part[1:] != ring_part[:-1]]
        ring_owner = part_owner[ring_part]
    return coords, ring_of, exterior, ring_owner


def _point_hash(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each point's exact coordinates (bit for bit)."""
    key = x.view(np.uint64) * _MIX
    key ^= key >> np.uint64(29)
    key ^= y.view(np.uint64)
    key *= _MIX
    key ^= key >> np.uint64(32)
    return key


def grouped(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An order of ``key``'s positions that puts equal keys next to each other, and the keys in it.

    The positions are packed into the low bits of their keys and sorted as
    one array (a plain sort of 64-bit integers is about twice as fast as an
    argsort). Keys alike in the other bits then sort by position, and two
    of them may interleave (A B A); those few runs are sorted by the whole key.

    Parameters
    ----------
    key : uint64 array

    Examples
    --------
    >>> order, key = grouped(np.array([7, 5, 7], dtype=np.uint64))
    >>> key.tolist()
    [5, 7, 7]
    """
    bits = max(len(key) - 1, 1).bit_length()
    low = np.uint64((1 << bits) - 1)
    packed = np.sort((key & ~low) | np.arange(len(key), dtype=np.uint64))
    order = (packed & low).astype(np.intp)
    packed &= ~low  # the high bits alone
    ordered = key[order]
    mixed = np.flatnonzero((packed[1:] == packed[:-1]) & (ordered[1:] != ordered[:-1]))
    if len(mixed):
        starts = np.flatnonzero(np.r_[True, packed[1:] != packed[:-1], True])
        runs = np.unique(np.searchsorted(starts, mixed, side="right") - 1)
        at = np.concatenate([np.arange(starts[r], starts[r + 1]) for r in runs])
        order[at] = order[at][np.lexsort((ordered[at], packed[at]))]  # runs stay in place: their high bits differ
        ordered[at] = key[order[at]]
    return order, ordered


def rim_edges(geoms) -> np.ndarray:
    """For each polygon, how many of its edges are not shared exactly with one neighbour.

    An edge counts as shared when exactly one other polygon has the same
    edge (same two vertices, bit for bit) walked the other way round once
    orientations are normalised (exteriors anticlockwise). Polygons with 0
    are enclosed by their neighbours.

    Parameters
    ----------
    geoms : array-like of valid Polygons / MultiPolygons (no missing or empty ones)
    """
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return np.zeros(0, dtype=int)
    coords, ring_of, exterior, ring_owner = _rings(geoms)
    x, y = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])  # faster for all that follows
    del coords
    # Segment i runs from point i to point i + 1; those across two rings are not edges.
    across = ring_of[1:] != ring_of[:-1]
    seg_ring = ring_of[:-1]
    # Ring orientation by the shoelace sum (its error, about 1e-7 m² here, cannot flip a sign).
    twice_area = x[1:] - x[:-1]
    twice_area *= y[1:] + y[:-1]
    twice_area[across] = 0.0
    anticlockwise = np.bincount(seg_ring, weights=twice_area, minlength=len(exterior)) < 0
    del twice_area
    forward = anticlockwise == exterior  # walked as a normalised ring would be
    # Points are compared by a 64-bit hash of their coordinates' bits; an edge's
    # key is the sum of its ends' hashes, the same whichever way it is walked.
    point_key = _point_hash(x, y)
    edges = np.flatnonzero(~across & (point_key[1:] != point_key[:-1]))  # repeated points are no edge
    key = point_key[edges] + point_key[edges + 1]
    order, key = grouped(key)
    same_next = np.r_[key[1:] == key[:-1], False]
    same_prev = np.r_[False, same_next[:-1]]
    pair_first = np.flatnonzero(same_next & ~same_prev & ~np.r_[same_next[1:], False])  # groups of exactly 2
    i, j = edges[order[pair_first]], edges[order[pair_first + 1]]
    # Shared from the other side: j runs from i's end to i's start, or (when
    # the two rings are oriented differently) from i's start to i's end.
    i_start, i_end, j_start = point_key[i], point_key[i + 1], point_key[j]
    reversed_ = (i_start != i_end) & (j_start == i_end)
    same_way = j_start == i_start
    flipped = forward[seg_ring[i]] != forward[seg_ring[j]]
    shared = (reversed_ & ~flipped) | (same_way & flipped)
    matched = np.zeros(len(point_key), dtype=bool)
    matched[i[shared]] = True
    matched[j[shared]] = True
    unmatched = edges[~matched[edges]]
    return np.bincount(ring_owner[seg_ring[unmatched]], minlength=len(geoms))
