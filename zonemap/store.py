"""The zone store: read a zone's layers, and write a change to them in one transaction.

The interface every backend provides (the GeoPackage one here; a PostGIS
one dispatches on a ``postgresql://`` location):

- :func:`list_layers`, :func:`read_layer`, :func:`layer_counts`: reads. They
  go through SQLite/GDAL, so they see what another program (QGIS) has
  committed, also while it is still in its write-ahead log.
- :func:`transaction`: lock the zone (the backend's own write lock, waited
  for at most :func:`lock_wait_seconds`, then :class:`~zonemap.errors.BusyError`)
  and yield a :class:`Transaction`. A change is built with ``txn.read(name)``
  / ``txn.write(name, frame)`` in ``txn.work``, a GeoPackage working copy
  taken under the lock (callers validate the would-be zone there), and lands
  when the block ends: every layer written, together or not at all.

How a GeoPackage write lands. SQLite's own write lock is *the* lock:
``BEGIN IMMEDIATE`` on the zone, the lock QGIS and GDAL take to save, held
from the working copy (SQLite's backup API) to the commit, so no other
commit can fall between what a change read and what it writes. On commit
each written layer is compared row by row with the zone, and only the
difference is written, in that one SQLite transaction, in place: unchanged
rows keep their fid (QGIS edit buffers refer to fids), QGIS's open
connection stays valid and its WAL is honoured (the change joins it), and
GDAL's own triggers keep the rtree (their ``ST_*`` functions are registered
on our connection, see :func:`register_gpkg_functions`). Layers the zone
lacks are created in the same transaction from the working copy's schema;
``gpkg_contents`` extents and ``last_change`` are copied from the copy
GDAL wrote. Before the commit the zone is checked inside the transaction
(``PRAGMA integrity_check``, feature counts, rtree = features). Killed at
any point, SQLite's journal leaves the old zone or the new one.

Why not copy the new version over the zone (``os.replace``, or the backup
API into it): a replaced file breaks QGIS's open connection and loses its
WAL; a whole-file backup renumbers fids and rewrites every page. The row
difference is small code on top of the working copy everyone already used.

Triggers zonemap did not make could change data inside a write, so a zone
holding one is refused for writing (:func:`_refuse_foreign_triggers`).
A zone on a network share is written the same way, with a warning: file
locks there may not keep another computer out (:func:`network_filesystem`).

Examples
--------
>>> import zonemap
>>> sorted(list_layers(zonemap.sample_path()))[:3]
['boundary', 'buildings', 'history']
"""

from __future__ import annotations

import errno
import glob
import os
import re
import sqlite3
import struct
import tempfile
import warnings
from collections import defaultdict
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from zonemap import pgstore
from zonemap.errors import BusyError, ZonemapWarning, ZoneFileError, environment_error

#: The layers of SPEC §3: field name → pandas dtype. ``None`` geometry means a table.
SCHEMA: dict[str, dict[str, str]] = {
    "boundary": {
        "zone_id": "object",
        "name": "object",
        "planned_mu": "float64",
        "infrastructure_wan": "float64",
        "approved_by": "object",
        "approved_on": "object",
    },
    "parcels": {
        "parcel_id": "object",
        "status": "object",
        "tenant": "object",
        "investment_wan": "float64",
        "land_use": "object",
        "note": "object",
        "updated": "datetime64[ms]",
    },
    "roads": {"name": "object", "axis": "object", "width_m": "float64"},
    "buildings": {
        "building_id": "object",
        "name": "object",
        "floors": "Int32",
        "floor_area_m2": "float64",
        "use": "object",
        "parcel_id": "object",
    },
    "prospects": {
        "name": "object",
        "industry": "object",
        "investment_wan": "float64",
        "need_mu": "float64",
        "stage": "object",
        "parcel_id": "object",
        "note": "object",
        "intensity_wan_per_mu": "float64",
        "buildings": "object",
        "contact": "object",
        "since": "object",
        "updated": "object",
    },
    # Land held (预留) for a prospect: one row per parcel; dates are ISO text (YYYY-MM-DD).
    "holds": {"parcel_id": "object", "prospect": "object", "until": "object", "since": "object", "note": "object"},
    # Tenants' yearly results (亩均效益评价): money in 万元, energy in 吨标煤, employees in persons.
    "results": {
        "tenant": "object",
        "year": "Int32",
        "tax_wan": "float64",
        "output_wan": "float64",
        "revenue_wan": "float64",
        "energy_tce": "float64",
        "employees": "float64",
        "rd_wan": "float64",
        "note": "object",
    },
    "history": {
        "at": "datetime64[ms]",
        "parcel_id": "object",
        "action": "object",
        "field": "object",
        "old": "object",
        "new": "object",
        "by": "object",
        "note": "object",
    },
}
SPATIAL_LAYERS = ("boundary", "parcels", "roads", "buildings")
REQUIRED_LAYERS = ("boundary", "parcels")
#: The field that names a row to a planner: a changed row keeps its place (fid) when this matches.
ROW_KEYS = {"parcels": "parcel_id", "buildings": "building_id", "prospects": "name", "boundary": "zone_id"}

_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
# GDAL warns on every open of a GeoPackage not named .gpkg (a zone renamed, or a working copy); it reads fine.
warnings.filterwarnings("ignore", message=".*non conformant file extension", category=RuntimeWarning)
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: How long a writer waits for another one to finish before it reports busy (``ZONEMAP_LOCK_WAIT`` overrides).
LOCK_WAIT_SECONDS = 10.0
#: Filesystem types (Linux /proc/mounts) whose locks cannot be trusted between computers.
_NETWORK_FILESYSTEMS = {"cifs", "smb3", "smbfs", "nfs", "nfs4", "afs", "ncpfs", "9p", "fuse.sshfs", "davfs", "fuse.davfs2"}


def lock_wait_seconds() -> float:
    """How long a write waits for the zone's lock: ``ZONEMAP_LOCK_WAIT`` seconds, else :data:`LOCK_WAIT_SECONDS`."""
    try:
        return max(0.0, float(os.environ.get("ZONEMAP_LOCK_WAIT", LOCK_WAIT_SECONDS)))
    except ValueError:
        return LOCK_WAIT_SECONDS


def is_geopackage(path: str | os.PathLike) -> bool:
    """True when ``path`` is an SQLite file carrying the GeoPackage application id."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError:
        return False
    return (
        len(header) == 100
        and header.startswith(_SQLITE_MAGIC)
        and int.from_bytes(header[68:72], "big") == _GPKG_APPLICATION_ID
    )


def is_zone_file(path: str | os.PathLike) -> bool:
    """True when ``path`` is a zone: a GeoPackage with the required layers (boundary and parcels)."""
    if not Path(path).is_file() or not is_geopackage(path):
        return False
    try:
        names = {name for name, _ in pyogrio.list_layers(path)}
    except Exception:  # an unreadable GeoPackage is not a zone to protect, nor to read
        return False
    return set(REQUIRED_LAYERS) <= names


#: Zones this process is writing. POSIX file locks belong to a process, and closing *any* handle on the file
#: drops them; GDAL carries its own SQLite, which does not know ours holds the lock. So while a zone is being
#: written here, nothing here may open it but that write (read through ``txn.read``).
_WRITING: set[Path] = set()


def writing(path: str | os.PathLike) -> bool:
    """Whether this process is writing the zone at ``path`` right now (so nothing else here may open it)."""
    return bool(_WRITING) and Path(path).resolve() in _WRITING


def require_geopackage(path: str | os.PathLike) -> Path:
    """``path`` as a Path, or a one-line :class:`ZoneFileError` saying what is wrong."""
    path = Path(path)
    if writing(path):
        raise RuntimeError(f"{path}: opened while this process writes it, which would drop SQLite's lock; read it through txn.read")
    if not path.exists():
        raise ZoneFileError(code="error.zone_missing", zone=path)
    if path.is_dir():
        raise ZoneFileError(code="error.zone_is_folder", zone=path, example=path / "zone.gpkg")
    if not path.is_file() or not is_geopackage(path):
        raise ZoneFileError(code="error.zone_not_geopackage", zone=path)
    return path


def zone_location(path) -> Path | pgstore.DatabaseZone:
    """Where a zone is: a :class:`~zonemap.pgstore.DatabaseZone` for a ``postgresql://…?zone=NAME`` URL, else its checked file."""
    return pgstore.parse_location(path) if pgstore.is_database(path) else require_geopackage(path)


def _damaged(path: str | os.PathLike, exc: Exception) -> ZoneFileError:
    """A GDAL/SQLite failure on a zone file as one line: what, where, and the fix."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    reason = reason if len(reason) <= 100 else reason[:99] + "…"
    return ZoneFileError(code="error.zone_damaged", zone=path, reason=reason)


def list_layers(path: str | os.PathLike) -> dict[str, str | None]:
    """Layer name → geometry type (``None`` for tables) of a GeoPackage (or a database zone)."""
    if pgstore.is_database(path):
        return pgstore.list_layers(path)
    path = require_geopackage(path)
    try:
        return {name: geometry_type for name, geometry_type in pyogrio.list_layers(path)}
    except Exception as exc:  # GDAL raises several types for damaged files
        raise _damaged(path, exc) from None


def empty_layer(name: str, crs=None) -> gpd.GeoDataFrame | pd.DataFrame:
    """An empty frame with the fields (and geometry, if spatial) of layer ``name``."""
    columns = {field: pd.Series(dtype=dtype) for field, dtype in SCHEMA[name].items()}
    frame = pd.DataFrame(columns)
    if name in SPATIAL_LAYERS:
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=crs))
    return frame


def read_layer(path: str | os.PathLike, name: str, *, columns: list[str] | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read one layer with pyogrio; optional layers that are absent come back empty.

    Every field of the layer's schema is present in the result, missing
    ones filled with nulls, so code downstream never tests for columns.
    ``columns`` reads only those fields (and the geometry): what a figure needs.
    """
    if pgstore.is_database(path):
        return pgstore.read_layer(path, name, columns=columns)
    layers = list_layers(path)
    if name not in layers:
        if name in REQUIRED_LAYERS:
            raise ZoneFileError(code="error.zone_no_layer", zone=path, layer=name)
        return only_fields(empty_layer(name), columns)
    try:
        frame = pyogrio.read_dataframe(path, layer=name, read_geometry=layers[name] is not None, columns=columns, use_arrow=True)
    except Exception as exc:  # GDAL raises several types for damaged files
        raise _damaged(path, exc) from None
    for field, dtype in SCHEMA.get(name, {}).items():
        if field not in frame.columns and (columns is None or field in columns):
            frame[field] = pd.Series(dtype=dtype, index=frame.index)
    return frame


def only_fields(frame: pd.DataFrame, columns: list[str] | None) -> pd.DataFrame:
    """``frame`` with only ``columns`` of its fields (all when None), and its geometry."""
    if columns is None:
        return frame
    geometry = [frame.geometry.name] if isinstance(frame, gpd.GeoDataFrame) else []
    return frame[[c for c in frame.columns if c in columns] + geometry]


def layer_counts(path: str | os.PathLike) -> dict[str, int]:
    """Feature count of every layer, read from the file's metadata only."""
    if pgstore.is_database(path):
        return pgstore.layer_counts(path)
    layers = list_layers(path)
    try:
        return {name: int(pyogrio.read_info(path, layer=name)["features"]) for name in layers}
    except Exception as exc:  # GDAL raises several types for damaged files
        raise _damaged(path, exc) from None


def write_layer(path: str | os.PathLike, name: str, frame: gpd.GeoDataFrame | pd.DataFrame, **options) -> None:
    """Write (or overwrite) one layer in a GeoPackage that is being built.

    Call it on the working copy a :func:`transaction` yields, never on a
    zone directly: pyogrio rewrites the whole layer.
    """
    if isinstance(frame, gpd.GeoDataFrame):
        frame = frame.set_geometry(frame.geometry.name)
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", **options)
    else:
        pyogrio.write_dataframe(pd.DataFrame(frame), path, layer=name, driver="GPKG", **options)


# --- GeoPackage geometry, for GDAL's rtree triggers -------------------------------------------

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a GeoPackage geometry blob; None when null or empty."""
    if blob is None:
        return None
    flags = blob[3]
    if flags & 0x10:  # the header's "empty geometry" flag
        return None
    kind = (flags >> 1) & 0x07
    if kind:
        return struct.unpack_from("<4d" if flags & 1 else ">4d", blob, 8)
    geometry = shapely.from_wkb(bytes(blob[8 + _ENVELOPE_BYTES[kind] :]))
    if geometry.is_empty:
        return None
    minx, miny, maxx, maxy = geometry.bounds
    return (minx, maxx, miny, maxy)


def register_gpkg_functions(db: sqlite3.Connection) -> sqlite3.Connection:
    """Give a plain sqlite3 connection the ``ST_*`` functions GDAL's rtree triggers call.

    Without them, any INSERT/UPDATE on a spatial layer of a GDAL-written
    GeoPackage fails with "no such function: ST_IsEmpty".

    Examples
    --------
    >>> import sqlite3, zonemap
    >>> db = register_gpkg_functions(sqlite3.connect(zonemap.sample_path()))
    >>> db.execute("SELECT ST_IsEmpty(geom) FROM parcels LIMIT 1").fetchone()
    (0,)
    """
    db.create_function("ST_IsEmpty", 1, lambda blob: None if blob is None else int(_envelope(blob) is None), deterministic=True)
    for index, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        db.create_function(name, 1, lambda blob, i=index: None if (box := _envelope(blob)) is None else box[i], deterministic=True)
    return db


# --- where the zone lives ----------------------------------------------------------------------


def _mount_type(path: str, mounts: str) -> str | None:
    """Filesystem type of the longest mount point in ``mounts`` (/proc/mounts text) holding ``path``."""
    best, fstype = "", None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = path == mount_point or path.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, fstype = mount_point, fields[2]
    return fstype


def network_filesystem(path: str | os.PathLike) -> str | None:
    """What kind of network share ``path`` is on (``"cifs"``, ``"nfs4"``, ``"UNC share"``…), or None.

    Told on Linux from /proc/mounts, on Windows from a UNC path or a mapped
    network drive; elsewhere it cannot be told and None is returned.
    """
    path = os.path.abspath(path)
    if os.name == "nt":
        if path.startswith("\\\\"):
            return "UNC share"
        import ctypes  # Windows only: the drive type of a mapped letter

        drive_remote = 4
        if ctypes.windll.kernel32.GetDriveTypeW(os.path.splitdrive(path)[0] + "\\") == drive_remote:
            return "network drive"
        return None
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fstype = _mount_type(path, mounts)
    return fstype if fstype in _NETWORK_FILESYSTEMS else None


def _warn_if_network_share(path: Path) -> None:
    kind = network_filesystem(path)
    if kind:
        warnings.warn(
            f"{path}: the zone is on a network share ({kind}); this write is still one SQLite transaction, "
            "but locks on a share may not keep another computer out, and QGIS's WAL mode does not work there: "
            "have one person edit at a time, or copy the zone to this PC, edit, and copy it back",
            ZonemapWarning,
            stacklevel=3,
        )


# --- the write ---------------------------------------------------------------------------------

_WRITE_TARGET = re.compile(
    r"\b(?:insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update\s+(?:or\s+\w+\s+)?|delete\s+from)\s*[\"'`\[]?([^\s\"'`\]\(]+)",
    re.IGNORECASE,
)


def _refuse_foreign_triggers(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a zone holding a trigger that writes anything but its own table's rtree or GDAL's feature count.

    GDAL's rtree and feature-count triggers, and the GeoPackage standard's
    ``gpkg_tile_matrix`` checks (which only raise), pass; a planted one
    (``AFTER UPDATE ON gpkg_contents … DELETE FROM prospects``) would run
    inside zonemap's transaction, so nothing is written.
    """
    for name, table, sql in db.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"):
        body = re.split(r"\bbegin\b", re.sub(r"'(?:[^']|'')*'", "''", sql or ""), maxsplit=1, flags=re.IGNORECASE)[-1]
        targets = {target.lower() for target in _WRITE_TARGET.findall(body)}
        allowed = {"gpkg_ogr_contents"} | {t for t in targets if t.startswith(f"rtree_{table.lower()}_")}
        if targets - allowed or not sql:
            raise ZoneFileError(
                f"{path}: holds a trigger zonemap did not make ('{name}' on '{table}'); it could change data inside "
                f"zonemap's write, so nothing was written: remove it (DROP TRIGGER \"{name}\") or write the zone with its own tool"
            )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(db: sqlite3.Connection, table: str) -> list[tuple[str, str, bool]]:
    """(name, declared type, is primary key) of each column of ``table``."""
    return [(row[1], row[2], bool(row[5])) for row in db.execute(f"PRAGMA table_info({_quote(table)})")]


def _rtree(db: sqlite3.Connection, table: str) -> str | None:
    """The name of GDAL's rtree of a spatial table (``rtree_<table>_<geometry column>``), None for a plain table."""
    row = db.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (table,)).fetchone()
    return row and f"rtree_{table}_{row[0]}"


def _create_like(db: sqlite3.Connection, work: sqlite3.Connection, table: str) -> None:
    """Create ``table`` in the zone as it is in the working copy: table, rtree, indexes, triggers, metadata rows."""
    objects = work.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN (?, ?) AND sql IS NOT NULL "
        "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END",
        (table, _rtree(work, table)),
    ).fetchall()
    for _, _, sql in objects:  # the rtree's shadow tables have other tbl_names: its virtual table makes them
        db.execute(sql)
    meta = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'gpkg%'")}
    for srs in work.execute("SELECT srs_id FROM gpkg_contents WHERE table_name = ? AND srs_id IS NOT NULL", (table,)):
        _copy_rows(db, work, "gpkg_spatial_ref_sys", "srs_id = ?", srs, "INSERT OR IGNORE")
    for name in ("gpkg_contents", "gpkg_geometry_columns", "gpkg_extensions", "gpkg_ogr_contents", "gpkg_data_columns"):
        if name in meta:
            _copy_rows(db, work, name, "lower(table_name) = lower(?)", (table,), "INSERT OR REPLACE")


def _drop(db: sqlite3.Connection, table: str) -> None:
    """Remove ``table``, its rtree and its metadata rows (its triggers and indexes go with it)."""
    rtree = _rtree(db, table)
    if rtree:
        db.execute(f"DROP TABLE IF EXISTS {_quote(rtree)}")
    db.execute(f"DROP TABLE {_quote(table)}")
    meta = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'gpkg%'")]
    for name in meta:
        if "table_name" in {column for column, _, _ in _columns(db, name)}:
            db.execute(f"DELETE FROM {_quote(name)} WHERE lower(table_name) = lower(?)", (table,))


def _copy_rows(db, work, table: str, where: str, args, verb: str) -> None:
    try:
        cursor = work.execute(f"SELECT * FROM {_quote(table)} WHERE {where}", tuple(args))
    except sqlite3.OperationalError:  # the working copy has no such table: nothing to copy
        return
    names = ", ".join(_quote(d[0]) for d in cursor.description)
    marks = ", ".join("?" * len(cursor.description))
    db.executemany(f"{verb} INTO {_quote(table)} ({names}) VALUES ({marks})", cursor.fetchall())


def _same_types(db: sqlite3.Connection, work: sqlite3.Connection, table: str) -> bool:
    """Whether the columns both copies have are declared alike, geometry type included."""
    geometry = "SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?"
    if db.execute(geometry, (table,)).fetchall() != work.execute(geometry, (table,)).fetchall():
        return False
    declared = {name: kind.upper() for name, kind, _ in _columns(db, table)}
    return all(declared.get(name, kind.upper()) == kind.upper() for name, kind, _ in _columns(work, table))


def _write_difference(db: sqlite3.Connection, work: sqlite3.Connection, table: str) -> bool:
    """Make ``table`` in the zone hold the working copy's rows, writing only what differs. True if it changed."""
    existing = {name for name, _, _ in _columns(db, table)}
    for name, declared, primary in _columns(work, table):
        if not primary and name not in existing:
            db.execute(f"ALTER TABLE {_quote(table)} ADD COLUMN {_quote(name)} {declared}")
    (fid,) = [name for name, _, primary in _columns(db, table) if primary] or ["rowid"]
    fields = [name for name, _, primary in _columns(work, table) if not primary]
    listed = ", ".join(_quote(name) for name in fields)
    old = {row[0]: row[1:] for row in db.execute(f"SELECT {_quote(fid)}, {listed} FROM {_quote(table)}")}
    fids_of = defaultdict(list)
    for row_fid, row in old.items():
        fids_of[row].append(row_fid)
    added = []
    for row in work.execute(f"SELECT {listed} FROM {_quote(table)}"):
        if fids_of.get(row):
            fids_of[row].pop(0)  # unchanged: stays as it is
        else:
            added.append(row)
    removed = [row_fid for fids in fids_of.values() for row_fid in fids]
    # A row whose key (parcel_id…) survives is updated in place, keeping its fid; the rest are deleted / inserted.
    updated = []
    if ROW_KEYS.get(table) in fields and removed and added:
        key = fields.index(ROW_KEYS[table])
        old_keys = [old[row_fid][key] for row_fid in removed]
        new_keys = [row[key] for row in added]
        unique = {k for k in set(old_keys) & set(new_keys) if k is not None and old_keys.count(k) == 1 and new_keys.count(k) == 1}
        fid_of_key = {old[row_fid][key]: row_fid for row_fid in removed if old[row_fid][key] in unique}
        updated = [(*row, fid_of_key[row[key]]) for row in added if row[key] in unique]
        removed = [row_fid for row_fid in removed if old[row_fid][key] not in unique]
        added = [row for row in added if row[key] not in unique]
    db.executemany(f"DELETE FROM {_quote(table)} WHERE {_quote(fid)} = ?", [(row_fid,) for row_fid in removed])
    assignments = ", ".join(f"{_quote(name)} = ?" for name in fields)
    db.executemany(f"UPDATE {_quote(table)} SET {assignments} WHERE {_quote(fid)} = ?", updated)
    db.executemany(f"INSERT INTO {_quote(table)} ({listed}) VALUES ({', '.join('?' * len(fields))})", added)
    return bool(removed or updated or added)


def _land(db: sqlite3.Connection, work_path: Path, tables: list[str]) -> None:
    """Write ``tables`` of the working copy into the zone, inside ``db``'s open transaction."""
    with closing(sqlite3.connect(work_path)) as work:
        present = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in tables:
            if table in present and not _same_types(db, work, table):
                _drop(db, table)  # a declared type changed (Polygon → MultiPolygon, TEXT → REAL): only a new table has it
                present.discard(table)
            if table not in present:
                _create_like(db, work, table)
            if not _write_difference(db, work, table):
                continue
            extent = work.execute(
                "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?", (table,)
            ).fetchone() or (None,) * 4
            db.execute(
                "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ?, "
                "last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE table_name = ?",
                (*extent, table),
            )
            if "gpkg_ogr_contents" in present:  # GDAL's cached count, kept true whether or not its triggers are there
                db.execute(
                    f"UPDATE gpkg_ogr_contents SET feature_count = (SELECT count(*) FROM {_quote(table)}) WHERE lower(table_name) = lower(?)",
                    (table,),
                )


def _check_landed(db: sqlite3.Connection, path: Path, expected_counts: dict[str, int]) -> None:
    """Inside the open transaction: the zone is sound, every written layer has its count and a full rtree."""
    (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
    if integrity != "ok":
        raise ZoneFileError(f"{path}: the write failed its integrity check ({integrity}); the zone was left unchanged")
    spatial = dict(db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns"))
    for name, expected in expected_counts.items():
        (count,) = db.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()
        indexed = count
        if name in spatial:  # every feature with a geometry has its rtree entry, and no entry is left over
            geom = _quote(spatial[name])
            (unindexable,) = db.execute(f"SELECT count(*) FROM {_quote(name)} WHERE {geom} IS NULL OR ST_IsEmpty({geom})").fetchone()
            (entries,) = db.execute(f"SELECT count(*) FROM {_quote(f'rtree_{name}_{spatial[name]}')}").fetchone()
            indexed = entries + unindexable
        if count != expected or indexed != expected:
            raise ZoneFileError(
                f"{path}: layer '{name}' would have {count} features ({indexed} indexed) after writing, expected {expected}; "
                "the zone was left unchanged"
            )


def _verify(path: Path, expected_counts: dict[str, int]) -> None:
    """The working copy GDAL wrote is a sound GeoPackage with the counts written."""
    if not is_geopackage(path):
        raise ZoneFileError(f"{path}: the written copy is not a GeoPackage; the zone was left unchanged")
    with closing(sqlite3.connect(path)) as db:
        (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
    if integrity != "ok":
        raise ZoneFileError(f"{path}: the written copy failed its integrity check ({integrity}); the zone was left unchanged")
    counts = layer_counts(path)
    for name, expected in expected_counts.items():
        if counts.get(name) != expected:
            raise ZoneFileError(
                f"{path}: layer '{name}' has {counts.get(name)} features after writing, expected {expected}; "
                "the zone was left unchanged"
            )


class Transaction:
    """A working copy of a zone; layers written here land together or not at all."""

    def __init__(self, work: Path):
        self.work = work
        self.expected_counts: dict[str, int] = {}
        #: Set when the block found nothing to change: the zone is left untouched, byte for byte.
        self.discarded = False

    def write(self, name: str, frame: gpd.GeoDataFrame | pd.DataFrame, **options) -> None:
        """Replace layer ``name`` in the working copy."""
        write_layer(self.work, name, frame, **options)
        self.expected_counts[name] = len(frame)

    def read(self, name: str) -> gpd.GeoDataFrame | pd.DataFrame:
        """Read layer ``name`` as it stands in the working copy."""
        return read_layer(self.work, name)


def _busy(path: Path) -> BusyError:
    return BusyError(
        f"{path}: busy: the zone is being written by another program (QGIS?) or another zonemap; "
        f"waited {lock_wait_seconds():g} s; save or close the edits there and try again (nothing was written)"
    )


def _require_writable(path: Path) -> None:
    """Refuse, naming the zone, a file this user may only read (SQLite would open it read-only and fail at the end)."""
    try:
        with open(path, "r+b"):  # opened for writing, nothing written: the check the write itself would make
            pass
    except PermissionError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise ZoneFileError(code="refuse.read_only_zone", zone=path) from None
        raise environment_error(exc, path) or exc from None
    except OSError as exc:
        raise environment_error(exc, path) or exc from None


@contextmanager
def _working_copy(path: Path) -> Iterator[Path]:
    """A fresh temporary GeoPackage path beside ``path``; it and its journals are removed afterwards."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    work = Path(tmp)
    try:
        yield work
    finally:
        for leftover in (work, *(Path(f"{work}{suffix}") for suffix in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


@contextmanager
def _create(path: Path) -> Iterator[Transaction]:
    """A new zone: built in a working copy, checked, then moved into place (no one can have it open yet)."""
    if path.exists():
        raise ZoneFileError(code="error.zone_exists", zone=path)
    if not path.parent.is_dir():
        raise ZoneFileError(code="error.zone_no_folder", zone=path, folder=path.parent)
    with _working_copy(path) as work:
        work.unlink()
        txn = Transaction(work)
        yield txn
        if txn.discarded:
            return
        _verify(work, txn.expected_counts)
        with open(work, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(work, path)


@contextmanager
def transaction(path: str | os.PathLike, *, create: bool = False) -> Iterator[Transaction]:
    """Lock the zone, yield a working copy, and land what the block wrote in one SQLite transaction.

    Reads done inside the block see the zone as it is under the lock, so two
    writers (zonemap or QGIS) never lose an edit. A symlinked zone is written
    through its link. With ``create=True`` the zone must not exist yet and
    the copy starts empty. A database zone's edit is a database transaction
    instead (:func:`zonemap.pgstore.transaction`).
    """
    if pgstore.is_database(path):
        with pgstore.transaction(path, create=create) as txn:
            yield txn
        return
    path = Path(path).resolve()  # one file, one lock, whichever link names it
    if create:
        with _create(path) as txn:
            yield txn
        return
    if path in _WRITING:  # a write nested in this process's own: waiting for it would never end
        raise _busy(path)
    list_layers(path)  # a damaged zone is named as itself, not as its working copy
    _require_writable(path)
    _warn_if_network_share(path)
    with closing(register_gpkg_functions(sqlite3.connect(path, timeout=lock_wait_seconds(), isolation_level=None))) as db:
        try:
            db.execute("BEGIN IMMEDIATE")  # SQLite's write lock: the one QGIS and GDAL take too
        except sqlite3.OperationalError as exc:
            raise _busy(path) if "locked" in str(exc) or "busy" in str(exc) else _damaged(path, exc) from None
        _WRITING.add(path)
        try:
            _refuse_foreign_triggers(db, path)
            # Working copies of writers killed midway (SIGKILL skips their cleanup); no one else holds the lock.
            for stale in path.parent.glob(f".{glob.escape(path.name)}.tmp-*"):
                stale.unlink(missing_ok=True)
            with _working_copy(path) as work:
                with closing(sqlite3.connect(path)) as zone, closing(sqlite3.connect(work)) as copy:
                    zone.backup(copy)  # through SQLite: includes what others committed to the WAL
                    copy.execute("PRAGMA journal_mode = DELETE")
                txn = Transaction(work)
                yield txn
                if txn.discarded:
                    db.execute("ROLLBACK")
                    return
                _verify(work, txn.expected_counts)
                # QGIS styles are written into the copy directly (qgis_styles.ensure_styles): they land with every write.
                styles = "layer_styles" in list_layers(work) and "layer_styles" not in txn.expected_counts
                _land(db, work, [*txn.expected_counts, *(["layer_styles"] if styles else [])])
                _check_landed(db, path, txn.expected_counts)
                db.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if "locked" in str(exc) or "busy" in str(exc):
                raise _busy(path) from None
            raise environment_error(exc, path) or ZoneFileError(f"{path}: could not be written ({exc}); the zone was left unchanged") from None
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            _WRITING.discard(path)
