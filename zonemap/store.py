"""The zone GeoPackage: read and write its layers, atomically and under a lock.

Every write goes to a temporary copy beside the zone, is verified there
(SQLite integrity, GeoPackage ``application_id``, feature counts) and only
then replaces the zone with :func:`os.replace`. A process killed midway
leaves the zone as it was; a second writer waits briefly, then gets a
:class:`~zonemap.errors.BusyError`.

Examples
--------
>>> import zonemap
>>> sorted(list_layers(zonemap.sample_path()))[:3]
['boundary', 'buildings', 'history']
"""

from __future__ import annotations

import fcntl
import glob
import os
import shutil
import sqlite3
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from zonemap import pgstore
from zonemap.errors import BusyError, ZoneFileError

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

_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
# GDAL warns on every open of a GeoPackage not named .gpkg (a zone renamed, or a working copy); it reads fine.
warnings.filterwarnings("ignore", message=".*non conformant file extension", category=RuntimeWarning)
_SQLITE_MAGIC = b"SQLite format 3\x00"
#: How long a writer waits for another one to finish before it reports busy.
LOCK_WAIT_SECONDS = 10.0


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


def require_geopackage(path: str | os.PathLike) -> Path:
    """``path`` as a Path, or a one-line :class:`ZoneFileError` saying what is wrong."""
    path = Path(path)
    if not path.exists():
        raise ZoneFileError(f"{path}: no such file; check the path, or create a zone with `zonemap init`")
    if path.is_dir():
        raise ZoneFileError(f"{path}: is a folder, not a zone file; give the zone's .gpkg file (e.g. {path / 'zone.gpkg'})")
    if not path.is_file() or not is_geopackage(path):
        raise ZoneFileError(
            f"{path}: not a GeoPackage zone file; give a .gpkg made by `zonemap init` "
            "(to bring in a shapefile or GeoJSON, use `zonemap import`)"
        )
    return path


def zone_location(path) -> Path | pgstore.DatabaseZone:
    """Where a zone is: a :class:`~zonemap.pgstore.DatabaseZone` for a ``postgresql://…?zone=NAME`` URL, else its checked file."""
    return pgstore.parse_location(path) if pgstore.is_database(path) else require_geopackage(path)


def _damaged(path: str | os.PathLike, exc: Exception) -> ZoneFileError:
    """A GDAL/SQLite failure on a zone file as one line: what, where, and the fix."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    reason = reason if len(reason) <= 100 else reason[:99] + "…"
    return ZoneFileError(f"{path}: the GeoPackage cannot be read ({reason}); it may be damaged or cut short: restore it from a copy")


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


def read_layer(path: str | os.PathLike, name: str) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read one layer with pyogrio; optional layers that are absent come back empty.

    Every field of the layer's schema is present in the result, missing
    ones filled with nulls, so code downstream never tests for columns.
    """
    if pgstore.is_database(path):
        return pgstore.read_layer(path, name)
    layers = list_layers(path)
    if name not in layers:
        if name in REQUIRED_LAYERS:
            raise ZoneFileError(
                f"{path}: no '{name}' layer; a zone needs {' and '.join(REQUIRED_LAYERS)} "
                f"(import one with `zonemap import {path} SOURCE --layer {name}`)"
            )
        return empty_layer(name)
    try:
        frame = pyogrio.read_dataframe(path, layer=name, read_geometry=layers[name] is not None)
    except Exception as exc:  # GDAL raises several types for damaged files
        raise _damaged(path, exc) from None
    for field, dtype in SCHEMA.get(name, {}).items():
        if field not in frame.columns:
            frame[field] = pd.Series(dtype=dtype, index=frame.index)
    return frame


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
    zone directly: pyogrio writes in place.
    """
    if isinstance(frame, gpd.GeoDataFrame):
        frame = frame.set_geometry(frame.geometry.name)
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", **options)
    else:
        pyogrio.write_dataframe(pd.DataFrame(frame), path, layer=name, driver="GPKG", **options)


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    """Hold ``.<zone>.lock`` beside the zone for the duration; remove it after.

    The lock file is deleted on release so no clutter is left beside a zone a
    planner may zip and share. A waiter may then hold a lock on the deleted
    file, so after locking it checks the path still names the file it locked,
    and starts over if not.
    """
    lock_path = path.with_name(f".{path.name}.lock")
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        handle = open(lock_path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            if time.monotonic() > deadline:
                raise BusyError(
                    f"{path}: another zonemap process is changing this zone; try again when it has finished"
                ) from None
            time.sleep(0.05)
            continue
        try:
            current = os.stat(lock_path).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(handle.fileno()).st_ino:
            break
        handle.close()  # the holder before us removed this file: lock the new one
    try:
        yield
    finally:
        lock_path.unlink(missing_ok=True)
        handle.close()  # closing releases the lock


def _verify(path: Path, expected_counts: dict[str, int]) -> None:
    if not is_geopackage(path):
        raise ZoneFileError(f"{path}: the written copy is not a GeoPackage; the zone was left unchanged")
    with sqlite3.connect(path) as db:
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


@contextmanager
def transaction(path: str | os.PathLike, *, create: bool = False) -> Iterator[Transaction]:
    """Lock the zone, yield a working copy, and swap it in if the block succeeds.

    Reads done inside the block see the zone as it is under the lock, so two
    processes editing at once never lose an edit. With ``create=True`` the
    zone must not exist yet and the copy starts empty. A database zone's
    edit is a database transaction instead (:func:`zonemap.pgstore.transaction`).
    """
    if pgstore.is_database(path):
        with pgstore.transaction(path, create=create) as txn:
            yield txn
        return
    path = Path(path)
    if create:
        if path.exists():
            raise ZoneFileError(f"{path}: already exists; choose another name or delete it first")
        if not path.parent.is_dir():
            raise ZoneFileError(f"{path}: folder {path.parent} does not exist; create it first")
    else:
        list_layers(path)  # a damaged zone is named as itself, not as its working copy
    with _lock(path):
        # Working copies of writers killed midway (SIGKILL skips their cleanup); no one else holds the lock.
        for stale in path.parent.glob(f".{glob.escape(path.name)}.tmp-*"):
            stale.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", suffix=".gpkg", dir=path.parent)
        os.close(fd)
        work = Path(tmp)
        try:
            if create:
                work.unlink()
            else:
                shutil.copy2(path, work)
            txn = Transaction(work)
            yield txn
            if txn.discarded:
                return
            _verify(work, txn.expected_counts)
            with open(work, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(work, path)
        finally:
            work.unlink(missing_ok=True)
            for sidecar in (f"{work}-journal", f"{work}-wal", f"{work}-shm"):
                Path(sidecar).unlink(missing_ok=True)
