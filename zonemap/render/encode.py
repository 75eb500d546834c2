"""The map's data as one compact block: JSON plus binary varint streams, gzipped, in base64.

A map of 10^5 parcels cannot carry them as GeoJSON (``explore()`` writes
~40 bytes per vertex). Here each coordinate is rounded to
:data:`QUANTUM_DEG` (about a centimetre), stored as the difference from the
previous one, zig-zag mapped to an unsigned integer and written as a
LEB128 varint (the encoding of protocol buffers): a vertex of a parcel
takes about four bytes. Rings drop their closing vertex.

:func:`pack` writes the page's data dict: every ``bytes`` value in it moves
to a binary section after the JSON and is replaced by ``{"at": offset,
"bytes": length}``; the whole is gzipped (the browser's own
``DecompressionStream`` undoes it, offline too) and base64-encoded, so the
block is plain ASCII that no text in it can break out of. ``zonemap.js``
reads it (``unpack``, ``decodePolygons``).

Examples
--------
>>> import shapely
>>> from zonemap.areas import polygon_rings
>>> blob = encode_polygons(polygon_rings([shapely.box(119.0, 33.0, 119.001, 33.001), None]))
>>> blob["features"], blob["rings"], blob["vertices"]
(2, 1, 4)
>>> varint_bytes([1, 127, 128, 300]).hex()
'017f8001ac02'
>>> unpack(pack({"a": [1, "二"], "b": b"\\x01\\x02"}))
({'a': [1, '二'], 'b': {'at': 0, 'bytes': 2}}, b'\\x01\\x02')
"""

from __future__ import annotations

import base64
import gzip
import json
import struct

import numpy as np

from zonemap.areas import Rings

#: Coordinates are rounded to this many degrees: ~1 cm, far below a pixel at
#: the highest zoom, and the same rounding for the shared vertex of two
#: neighbours, so no slivers open between them.
QUANTUM_DEG = 1e-7
#: Blocks smaller than this are not gzipped, so a township's zone (tens to thousands of parcels) draws in
#: browsers without ``DecompressionStream`` too (iOS Safari before 16.4, hence older iPhones' WeChat).
GZIP_FROM_BYTES = 1 << 20
#: Starts an uncompressed block: not a base64 character, so the page can tell the two apart.
RAW_MARK = "~"
#: gzip level: 6 (the default) makes pages ~2% smaller than 1 at twice the time.
GZIP_LEVEL = 1


def zigzag(values: np.ndarray) -> np.ndarray:
    """Signed integers as unsigned: 0, -1, 1, -2 … → 0, 1, 2, 3 …"""
    values = np.asarray(values, dtype=np.int64)
    return ((values << 1) ^ (values >> 63)).view(np.uint64)


def varint_bytes(values) -> bytes:
    """Unsigned integers as LEB128 varints (7 bits a byte, high bit = more follows)."""
    values = np.asarray(values, dtype=np.uint64).ravel()
    if values.size == 0:
        return b""
    top = int(values.max())
    width = max(1, (top.bit_length() + 6) // 7)
    # A value takes one byte, plus one for each multiple of 7 bits it reaches.
    lengths = np.ones(values.size, dtype=np.int8)
    for k in range(1, width):
        lengths += values >= np.uint64(1 << (7 * k))
    # One row of bytes per value, then only each row's first `length` bytes, in order.
    rows = np.empty((values.size, width), dtype=np.uint8)
    for k in range(width):
        rows[:, k] = (values >> np.uint64(7 * k)).astype(np.uint8) & 0x7F
        rows[lengths > k + 1, k] |= 0x80
    return rows[np.arange(width) < lengths[:, None]].tobytes()


def encode_coordinates(xy: np.ndarray) -> bytes:
    """(n, 2) lon/lat as one delta-encoded varint stream: x0, y0, dx1, dy1, …"""
    quantised = np.rint(np.asarray(xy, dtype=float).reshape(-1, 2) / QUANTUM_DEG).astype(np.int64)
    deltas = np.diff(quantised, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    return varint_bytes(zigzag(deltas.ravel()))


def encode_polygons(rings: Rings) -> dict:
    """:func:`zonemap.areas.polygon_rings` in lon/lat as the blob ``zonemap.js`` decodes (``bytes`` for :func:`pack`).

    The page fills with the even-odd rule, so exteriors and holes go alike.
    """
    return {
        "features": int(len(rings.counts)),
        "rings": int(len(rings.sizes)),
        "vertices": int(len(rings.xy)),
        "quantum": QUANTUM_DEG,
        "ring_counts": varint_bytes(rings.counts),
        "ring_sizes": varint_bytes(rings.sizes),
        "coordinates": encode_coordinates(rings.xy),
    }


def pack(data: dict) -> str:
    """``data`` (JSON-able, with ``bytes`` values) as the page's base64 block; see the module doc.

    Layout before gzip: the JSON's length (4 bytes, little-endian), the JSON
    (UTF-8), then the binary sections. NaN is not JSON: pass ``None`` for missing values.
    """
    sections: list[bytes] = []
    size = 0

    def move_out(value):
        nonlocal size
        if isinstance(value, bytes):
            sections.append(value)
            size += len(value)
            return {"at": size - len(value), "bytes": len(value)}
        if isinstance(value, dict):
            return {key: move_out(item) for key, item in value.items()}
        if isinstance(value, list):
            return [move_out(item) for item in value] if value and isinstance(value[0], (dict, list, bytes)) else value
        return value

    text = json.dumps(move_out(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    raw = b"".join([struct.pack("<I", len(text)), text, *sections])
    if len(raw) < GZIP_FROM_BYTES:
        return RAW_MARK + base64.b64encode(raw).decode("ascii")
    return base64.b64encode(gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0)).decode("ascii")


def unpack(block: str) -> tuple[dict, bytes]:
    """The JSON and the binary sections of a :func:`pack` block (as the page reads it; for tests and tools)."""
    if block.startswith(RAW_MARK):
        raw = base64.b64decode(block[len(RAW_MARK) :])
    else:
        raw = gzip.decompress(base64.b64decode(block))
    (length,) = struct.unpack("<I", raw[:4])
    return json.loads(raw[4 : 4 + length].decode("utf-8")), raw[4 + length :]
