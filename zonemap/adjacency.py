"""Which parcels are neighbours: they share an edge, not just a corner.

One rule for the whole tool: where a project fits (groups of adjacent
parcels) and which parcels may be merged.
"""

from __future__ import annotations

import numpy as np
import shapely

#: Edges closer than this are one edge: survey software leaves noise between neighbours.
SNAP_M = 0.01
#: Parcels must run together for at least this long to be neighbours; less is a corner.
MIN_SHARED_EDGE_M = 1.0


def shared_edges(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``(i, j)``, ``i < j``, of polygons sharing an edge, and its length.

    ``geoms`` are in metres. One STRtree query finds the pairs within
    :data:`SNAP_M` of each other; the shared length is the part of one
    boundary lying within :data:`SNAP_M` of the other polygon. Pairs meeting at
    a corner share (almost) no length and are dropped.

    Examples
    --------
    >>> import shapely, numpy as np
    >>> boxes = np.array([shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10), shapely.box(20, 10, 30, 20)])
    >>> i, j, length = shared_edges(boxes)
    >>> i.tolist(), j.tolist(), np.round(length).tolist()
    ([0], [1], [10.0])
    """
    geoms = np.asarray(geoms, dtype=object)
    empty = np.array([], dtype=np.intp)
    if len(geoms) < 2:
        return empty, empty, np.array([], dtype=float)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=SNAP_M)
    pair = left < right
    left, right = left[pair], right[pair]
    near_right = shapely.buffer(geoms[right], SNAP_M, quad_segs=1)
    length = shapely.length(shapely.intersection(shapely.boundary(geoms[left]), near_right))
    edge = length >= MIN_SHARED_EDGE_M
    return left[edge], right[edge], length[edge]
