"""Polygons and points as compact text: quantised, delta-encoded varints in base64.

A map of 10^5 parcels cannot carry them as GeoJSON (``explore()`` writes
~40 bytes per vertex). Here each coordinate is rounded to
:data:`QUANTUM_DEG` (about a centimetre), stored as the difference from the
previous one, zig-zag mapped to an unsigned integer and written as a
LEB128 varint (the encoding of protocol buffers): a vertex of a parcel
takes about four bytes. Rings drop their closing vertex. ``zonemap.js``
decodes it (``decodePolygons``).

Examples
--------
>>> import shapely
>>> blob = encode_polygons([shapely.box(119.0, 33.0, 119.001, 33.001), None])
>>> blob["features"], blob["rings"], blob["vertices"]
(2, 1, 4)
>>> varint_bytes([1, 127, 128, 300]).hex()
'017f8001ac02'
"""

from __future__ import annotations

import base64

import numpy as np
import shapely

#: Coordinates are rounded to this many degrees: ~1 cm, far below a pixel at
#: the highest zoom, and the same rounding for the shared vertex of two
#: neighbours, so no slivers open between them.
QUANTUM_DEG = 1e-7


def _zigzag(values: np.ndarray) -> np.ndarray:
    values = values.astype(np.int64)
    return ((values << 1) ^ (values >> 63)).astype(np.uint64)


def varint_bytes(values) -> bytes:
    """Unsigned integers as LEB128 varints (7 bits a byte, high bit = more follows)."""
    values = np.asarray(values, dtype=np.uint64)
    if values.size == 0:
        return b""
    lengths = np.ones(values.shape, dtype=np.int8)
    rest = values >> np.uint64(7)
    while rest.any():
        lengths += rest > 0
        rest >>= np.uint64(7)
    # One row of bytes per value, then only each row's first `length` bytes, in order.
    rows = np.empty((values.size, int(lengths.max())), dtype=np.uint8)
    for k in range(rows.shape[1]):
        more = np.where(lengths > k + 1, 0x80, 0).astype(np.uint8)
        rows[:, k] = ((values >> np.uint64(7 * k)) & np.uint64(0x7F)).astype(np.uint8) | more
    return rows[np.arange(rows.shape[1]) < lengths[:, None]].tobytes()


def _b64_varints(values) -> str:
    return base64.b64encode(varint_bytes(values)).decode("ascii")


def encode_coordinates(xy: np.ndarray) -> str:
    """(n, 2) lon/lat as one delta-encoded stream: x0, y0, dx1, dy1, …"""
    quantised = np.rint(np.asarray(xy, dtype=float).reshape(-1, 2) / QUANTUM_DEG).astype(np.int64)
    deltas = np.diff(quantised.ravel().reshape(-1, 2), axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return _b64_varints(_zigzag(deltas.ravel()))


def encode_polygons(geoms) -> dict:
    """Polygons and multipolygons (lon/lat) as the blob ``zonemap.js`` decodes.

    ``ring_counts`` gives each feature's number of rings (exteriors and holes
    alike: the page fills with the even-odd rule), ``ring_sizes`` each ring's
    vertex count without the closing vertex, ``coordinates`` the vertices.
    Missing or empty geometries become features with no rings.
    """
    geoms = np.asarray(geoms, dtype=object)
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    ring_owner = part_owner[ring_part]
    ring_sizes = shapely.get_num_coordinates(rings) - 1
    coords = shapely.get_coordinates(rings)
    is_open = np.ones(len(coords), dtype=bool)
    is_open[np.cumsum(ring_sizes + 1) - 1] = False
    open_coords = coords[is_open]
    return {
        "features": int(len(geoms)),
        "rings": int(len(rings)),
        "vertices": int(len(open_coords)),
        "quantum": QUANTUM_DEG,
        "ring_counts": _b64_varints(np.bincount(ring_owner, minlength=len(geoms))),
        "ring_sizes": _b64_varints(ring_sizes),
        "coordinates": encode_coordinates(open_coords),
    }


def encode_points(points) -> dict:
    """Points (lon/lat) as a delta-encoded stream, one per feature (missing ones at 0, 0)."""
    points = np.asarray(points, dtype=object)
    xy = np.nan_to_num(np.column_stack([shapely.get_x(points), shapely.get_y(points)]))
    return {"count": int(len(xy)), "quantum": QUANTUM_DEG, "coordinates": encode_coordinates(xy)}
