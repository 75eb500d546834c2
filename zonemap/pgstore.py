"""A zone in PostGIS: the same layers as the GeoPackage, for a bureau where many planners edit at once.

A database zone is named by a URL, ``postgresql://user@host/db?zone=NAME``;
the password comes only from libpq's own places (``PGPASSWORD``,
``~/.pgpass``, a service file), never from the URL, so it stays out of
shell history and messages.

Layout: **one schema per zone**, named as the zone. It holds the tables
``boundary``, ``parcels``, ``roads``, ``buildings``, ``prospects`` and
``history`` with the fields of :data:`zonemap.store.SCHEMA` (plus any extra
fields the zone's file carried), a ``fid`` key, and for the spatial layers
a ``geom`` column in the zone's native CRS (its EPSG code as SRID) with a
GiST index. One schema per zone keeps each zone a folder of layers in
QGIS's browser and lets an administrator grant or revoke a zone at once.
QGIS styles go in ``public.layer_styles``, QGIS's own table.

Edits are database transactions. Rows are written as a difference against
what the edit read: rows it changed are locked (``FOR UPDATE``, waiting at
most :func:`zonemap.store.lock_wait_seconds`) and checked to be as it read them, so two
planners editing different parcels both land, and an edit of a parcel
someone else holds or has just changed is refused whole, naming the
parcel, the holder and since when.

Examples
--------
>>> location = parse_location("postgresql://planner@db.example/zones?zone=%E6%B2%B3%E8%A5%BF")
>>> location.zone, location.url
('河西', 'postgresql://planner@db.example/zones')
>>> is_database("zones/河西.gpkg")
False
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from zonemap.errors import BusyError, ZonemapError, ZoneFileError
from zonemap import store  # one SCHEMA, ROW_KEYS and lock wait for every backend (used at call time: store imports this module)

SCHEMES = ("postgresql://", "postgres://")
GEOMETRY_COLUMN = "geom"
#: QGIS's table of layer styles: in a GeoPackage, and in ``public`` of a database.
STYLES = "layer_styles"

_PG_TYPES = {"object": "text", "float64": "double precision", "float32": "real", "Int32": "integer", "int32": "integer",
             "Int64": "bigint", "int64": "bigint", "bool": "boolean", "boolean": "boolean"}
_PANDAS_TYPES = {"text": "object", "double precision": "float64", "real": "float32", "integer": "Int32", "bigint": "Int64",
                 "smallint": "Int32", "boolean": "boolean", "timestamp without time zone": "datetime64[ms]",
                 "timestamp with time zone": "datetime64[ms, UTC]", "date": "datetime64[ms]"}


class ConflictError(BusyError):
    """Another planner holds, or has just changed, a row this edit changes; nothing was written."""


class ReadOnlyError(ZonemapError):
    """The database login may read the zone but not change it."""


def _in_order(names) -> list[str]:
    """Layer names as a zone lists them: those of :data:`zonemap.store.SCHEMA` in its order, then any other
    (``survey_schema``, a planner's own table) by name; QGIS's ``layer_styles`` is not a layer."""
    names = set(names) - {STYLES}
    return [name for name in store.SCHEMA if name in names] + sorted(names - set(store.SCHEMA))


@dataclass(frozen=True)
class DatabaseZone:
    """A zone in a PostGIS database: the connection URL (never with a password) and the zone's name.

    ``connection`` is set on the copy a transaction hands out, so that what
    is read through it sees the transaction's own uncommitted rows.
    """

    url: str
    zone: str
    connection: Any = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        # Chinese names stay readable; only what would break the URL is escaped.
        name = "".join(c if c.isalnum() or c in "-_.~" else quote(c) for c in self.zone)
        return f"{self.url}{'&' if '?' in self.url else '?'}zone={name}"

    @property
    def stem(self) -> str:
        """The zone's name, as a file's stem names a GeoPackage zone."""
        return self.zone

    name = stem


def is_database(location) -> bool:
    """True when ``location`` names a database zone rather than a GeoPackage file."""
    return isinstance(location, DatabaseZone) or (isinstance(location, str) and location.startswith(SCHEMES))


def parse_location(text: str | DatabaseZone) -> DatabaseZone:
    """The :class:`DatabaseZone` a ``postgresql://…?zone=NAME`` URL names, or a one-line refusal."""
    if isinstance(text, DatabaseZone):
        return text
    parts = urlsplit(text)
    if parts.password is not None:
        netloc = parts.netloc.rsplit("@", 1)[-1]
        user = parts.username or ""
        shown = urlunsplit(parts._replace(netloc=f"{user}@{netloc}" if user else netloc, query=""))
        raise ZoneFileError(
            f"{shown}: the URL carries a password, which would stay in shell history; remove it and set "
            "PGPASSWORD, ~/.pgpass (pgpass.conf on Windows) or a service file instead"
        )
    query = parse_qsl(parts.query, keep_blank_values=True)
    zones = [value for key, value in query if key == "zone"]
    base = urlunsplit(parts._replace(query=urlencode([(k, v) for k, v in query if k != "zone"])))
    if not zones or not zones[0].strip():
        raise ZoneFileError(f"{base}: no zone named; add ?zone=NAME, e.g. {base}?zone=河西工业集中区")
    return DatabaseZone(base, zones[0])


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def connect(location: DatabaseZone, *, application: str = "zonemap"):
    """An open psycopg connection to the zone's database (PostGIS checked), or a one-line refusal."""
    import psycopg

    try:
        conn = psycopg.connect(location.url, application_name=application[:63], connect_timeout=int(os.environ.get("PGCONNECT_TIMEOUT", 10)))
    except psycopg.OperationalError as exc:
        reason = _first_line(exc)
        if "password" in reason:
            reason = f"{reason.split(': ', 1)[-1]}; check PGPASSWORD, ~/.pgpass or the service file"
        raise ZoneFileError(f"{location}: cannot log in to the database ({reason})") from None
    except psycopg.ProgrammingError as exc:  # a malformed URL
        raise ZoneFileError(f"{location}: not a database URL libpq accepts ({_first_line(exc)}); write it as postgresql://USER@HOST/DATABASE?zone=NAME") from None
    has_postgis = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
    if not has_postgis:
        database = conn.info.dbname
        conn.close()
        raise ZoneFileError(f"{location}: database {database!r} has no PostGIS; an administrator must run CREATE EXTENSION postgis there")
    conn.rollback()
    return conn


@contextmanager
def _connection(location: DatabaseZone, application: str = "zonemap") -> Iterator[Any]:
    if location.connection is not None:
        yield location.connection
        return
    import psycopg

    conn = connect(location, application=application)
    try:
        yield conn
    except psycopg.Error as exc:
        raise ZoneFileError(f"{location}: the database stopped the work ({_first_line(exc)}); nothing was changed") from None
    finally:
        conn.close()


#: One open connection per database for reads (autocommit: each statement sees what others committed).
_READERS: dict[str, Any] = {}


@contextmanager
def _reader(location: DatabaseZone) -> Iterator[Any]:
    """A connection to read through: the transaction's own, else this process's reader for the database."""
    import psycopg

    if location.connection is not None:
        yield location.connection
        return
    conn = _READERS.get(location.url)
    if conn is None or conn.closed or conn.broken:
        conn = _READERS[location.url] = connect(location)
        conn.autocommit = True
    try:
        yield conn
    except psycopg.Error as exc:
        raise ZoneFileError(f"{location}: the database stopped the work ({_first_line(exc)}); nothing was changed") from None


def _table(location: DatabaseZone, name: str):
    from psycopg import sql

    return sql.Identifier(location.zone, name)


def zones(conn) -> list[str]:
    """Names of the zones in the database: schemas holding both ``boundary`` and ``parcels``."""
    rows = conn.execute(
        "SELECT table_schema FROM information_schema.tables WHERE table_name IN ('boundary', 'parcels') "
        "GROUP BY table_schema HAVING count(*) = 2 ORDER BY 1"
    ).fetchall()
    return [schema for (schema,) in rows]


def _columns(conn, location: DatabaseZone, name: str) -> dict[str, str]:
    """Column → PostgreSQL type of one layer's table, in table order (``fid`` left out)."""
    rows = conn.execute(
        "SELECT column_name, data_type, udt_name FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        (location.zone, name),
    ).fetchall()
    return {column: (udt if udt == "geometry" else kind) for column, kind, udt in rows if column != "fid"}


def _require_zone(conn, location: DatabaseZone) -> None:
    known = zones(conn)
    if location.zone not in known:
        listing = ", ".join(known[:10]) or "none yet"
        raise ZoneFileError(
            f"{location}: no zone {location.zone!r} in database {conn.info.dbname!r} (zones there: {listing}); "
            f"check the name, or create it with `zonemap push ZONE.gpkg {location.url}?zone=NAME`"
        )


def _srids(conn, location: DatabaseZone) -> dict[str, int]:
    rows = conn.execute(
        "SELECT f_table_name, srid FROM geometry_columns WHERE f_table_schema = %s", (location.zone,)
    ).fetchall()
    return dict(rows)


def zone_srid(conn, location: DatabaseZone) -> int:
    """The zone's SRID (its native CRS), or a refusal when its layers disagree."""
    srids = _srids(conn, location)
    if len(set(srids.values())) > 1:
        listing = ", ".join(f"{layer} EPSG:{srid}" for layer, srid in sorted(srids.items()))
        raise ZoneFileError(f"{location}: the zone's layers are in different CRSs ({listing}); a zone keeps one native CRS: reproject the odd layer")
    return srids.get("parcels") or next(iter(srids.values()), 0)


def _geometry_type(conn, location: DatabaseZone, name: str) -> str:
    from psycopg import sql

    query = sql.SQL("SELECT DISTINCT GeometryType({}) FROM {}").format(sql.Identifier(GEOMETRY_COLUMN), _table(location, name))
    kinds = {kind for (kind,) in conn.execute(query) if kind}
    if kinds == {"POLYGON", "MULTIPOLYGON"}:
        kinds = {"MULTIPOLYGON"}  # as GDAL promotes a mixed layer
    if len(kinds) != 1:
        return "Unknown"
    return {"POLYGON": "Polygon", "MULTIPOLYGON": "MultiPolygon"}.get(kinds.pop(), "Unknown")


def list_layers(location) -> dict[str, str | None]:
    """Layer name → geometry type (``None`` for tables) of a database zone, as for a GeoPackage."""
    location = parse_location(location)
    with _reader(location) as conn:
        _require_zone(conn, location)
        spatial = _srids(conn, location)
        layers = {name: (_geometry_type(conn, location, name) if name in spatial else None) for name in _in_order(_tables(conn, location))}
        if _styles_table(conn) and conn.execute("SELECT 1 FROM public.layer_styles WHERE f_table_schema = %s LIMIT 1", (location.zone,)).fetchone():
            layers["layer_styles"] = None
    return layers


def layer_counts(location) -> dict[str, int]:
    """Feature count of every layer of a database zone."""
    from psycopg import sql

    location = parse_location(location)
    with _reader(location) as conn:
        counts = {}
        for name in list_layers(DatabaseZone(location.url, location.zone, conn)):
            if name == "layer_styles":
                query = sql.SQL("SELECT count(*) FROM public.layer_styles WHERE f_table_schema = {}").format(sql.Literal(location.zone))
            else:
                query = sql.SQL("SELECT count(*) FROM {}").format(_table(location, name))
            counts[name] = int(conn.execute(query).fetchone()[0])
    return counts


def _frame(rows: list[tuple], columns: dict[str, str], name: str, srid: int | None, *, complete: bool = True) -> gpd.GeoDataFrame | pd.DataFrame:
    """Rows read from a layer's table as the frame :func:`zonemap.store.read_layer` gives for a GeoPackage."""
    schema = store.SCHEMA.get(name, {}) if complete else {}
    values = list(zip(*rows)) if rows else [()] * len(columns)
    data = {}
    for (column, kind), column_values in zip(columns.items(), values):
        if kind == "geometry":
            continue
        dtype = _PANDAS_TYPES.get(kind, "object")  # the table's own type, as GDAL reads the file's
        series = pd.Series(list(column_values), dtype="object")
        if dtype.startswith("datetime64"):
            series = pd.to_datetime(series).astype(dtype)
        elif dtype != "object":
            series = series.astype("float64" if dtype.startswith("float") else dtype) if len(series) else pd.Series(dtype=dtype)
        data[column] = series
    frame = pd.DataFrame(data)
    for column, dtype in schema.items():
        if column not in frame.columns:
            frame[column] = pd.Series(dtype=dtype, index=frame.index)
    if GEOMETRY_COLUMN not in columns:
        return frame
    geometry_values = values[list(columns).index(GEOMETRY_COLUMN)]
    geometry = shapely.from_wkb(np.array([None if g is None else bytes(g) for g in geometry_values], dtype=object))
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=CRS.from_epsg(srid) if srid else None, index=frame.index))


def _select(location: DatabaseZone, name: str, columns: dict[str, str], *, with_fid: bool = False):
    from psycopg import sql

    fields = [
        sql.SQL("ST_AsBinary({})").format(sql.Identifier(c)) if kind == "geometry" else sql.Identifier(c)
        for c, kind in columns.items()
    ]
    if with_fid:
        fields = [sql.Identifier("fid"), sql.SQL("xmin::text"), *fields]
    return sql.SQL("SELECT {} FROM {} ORDER BY fid").format(sql.SQL(", ").join(fields), _table(location, name))


def read_layer(location, name: str, *, complete: bool = True, columns: list[str] | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read one layer of a database zone; absent optional layers come back empty, as from a GeoPackage.

    Fields of SPEC the table lacks are added empty unless ``complete`` is False (a copy keeps the table's own).
    ``columns`` selects only those fields (and the geometry), so the rest never leaves the database.
    """
    location = parse_location(location)
    wanted = columns
    with _reader(location) as conn:
        _require_zone(conn, location)
        columns = _columns(conn, location, name)
        if not columns:
            if name in store.REQUIRED_LAYERS:
                raise ZoneFileError(f"{location}: no '{name}' layer; push the zone again with `zonemap push`")
            return store.only_fields(store.empty_layer(name), wanted)
        if wanted is not None:
            columns = {c: kind for c, kind in columns.items() if c in wanted or kind == "geometry"}
        srid = zone_srid(conn, location)
        with conn.cursor(binary=True) as cursor:
            rows = cursor.execute(_select(location, name, columns)).fetchall()
    return store.only_fields(_frame(rows, columns, name, srid, complete=complete), wanted)


# --- writing -------------------------------------------------------------------------------------


def _pg_type(dtype) -> str:
    text = str(dtype)
    if text.startswith("datetime64"):
        return "timestamp with time zone" if "," in text or "UTC" in text else "timestamp"
    return _PG_TYPES.get(text, "text")


def _python(values: pd.Series) -> list:
    """Column values as Python objects with every kind of missing value as None (NULL), never NaN."""
    if str(values.dtype).startswith("datetime64"):
        return [None if pd.isna(v) else v.to_pydatetime() for v in values]
    out = values.astype(object).where(values.notna(), None).tolist()
    return [v.item() if isinstance(v, np.generic) else v for v in out]


def _fields(frame: pd.DataFrame) -> list[str]:
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    return [c for c in frame.columns if c != geometry]


def _create_layer(conn, location: DatabaseZone, name: str, frame: pd.DataFrame, srid: int) -> None:
    """Create a layer's table: the frame's fields (as a GeoPackage layer has the file's), and a geometry column with its index."""
    from psycopg import sql

    dtypes = {c: frame[c].dtype for c in _fields(frame)}
    columns = [sql.SQL("fid bigserial PRIMARY KEY")]
    columns += [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_pg_type(d))) for c, d in dtypes.items()]
    if isinstance(frame, gpd.GeoDataFrame):
        columns.append(sql.SQL("{} geometry(Geometry, {})").format(sql.Identifier(GEOMETRY_COLUMN), sql.Literal(srid)))
    conn.execute(sql.SQL("CREATE TABLE {} ({})").format(_table(location, name), sql.SQL(", ").join(columns)))
    if isinstance(frame, gpd.GeoDataFrame):
        conn.execute(sql.SQL("CREATE INDEX ON {} USING gist ({})").format(_table(location, name), sql.Identifier(GEOMETRY_COLUMN)))
    if name in store.ROW_KEYS:
        conn.execute(sql.SQL("CREATE INDEX ON {} ({})").format(_table(location, name), sql.Identifier(store.ROW_KEYS[name])))


def _geometry_hex(frame: pd.DataFrame, srid: int) -> list:
    """Geometries as hex EWKB carrying the SRID (what COPY hands PostGIS), None for missing ones."""
    geoms = shapely.set_srid(frame.geometry.to_numpy(), srid)
    return list(shapely.to_wkb(geoms, hex=True, include_srid=True))


def _add_columns(conn, location: DatabaseZone, name: str, frame: pd.DataFrame) -> bool:
    """Add to the layer's table the fields ``frame`` has and it lacks (as rewriting a GeoPackage layer would); True if any."""
    from psycopg import sql

    table_columns = _columns(conn, location, name)
    missing = [c for c in _fields(frame) if c not in table_columns]
    for column in missing:
        conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(_table(location, name), sql.Identifier(column), sql.SQL(_pg_type(frame[column].dtype))))
    return bool(missing)


def _insert(conn, location: DatabaseZone, name: str, frame: pd.DataFrame, srid: int) -> None:
    """Append the frame's rows to the layer's table with COPY (fast, and parameter-free by construction)."""
    from psycopg import sql

    _add_columns(conn, location, name, frame)
    table_columns = _columns(conn, location, name)
    fields = [c for c in table_columns if c != GEOMETRY_COLUMN]
    data = [_python(frame[c]) if c in frame.columns else [None] * len(frame) for c in fields]
    names = list(fields)
    if GEOMETRY_COLUMN in table_columns:
        data.append(_geometry_hex(frame, srid))
        names.append(GEOMETRY_COLUMN)
    copy = sql.SQL("COPY {} ({}) FROM STDIN").format(_table(location, name), sql.SQL(", ").join(map(sql.Identifier, names)))
    with conn.cursor().copy(copy) as writer:
        for row in zip(*data):
            writer.write_row(row)


def _styles_table(conn) -> bool:
    return conn.execute("SELECT to_regclass('public.layer_styles') IS NOT NULL").fetchone()[0]


def _create_styles_table(conn) -> None:
    if not _styles_table(conn):
        conn.execute(
            "CREATE TABLE IF NOT EXISTS public.layer_styles (id serial PRIMARY KEY, f_table_catalog varchar, "
            "f_table_schema varchar, f_table_name varchar, f_geometry_column varchar, stylename text, styleqml xml, "
            "stylesld xml, useasdefault boolean, description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, "
            "update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)"
        )


#: Style fields QGIS keeps as ``xml`` in PostgreSQL (text in a GeoPackage).
_XML_STYLE_FIELDS = ("styleQML", "styleSLD", "ui")


def _put_styles(conn, location: DatabaseZone, rows: list[tuple]) -> None:
    """Make ``rows`` (a GeoPackage's, :data:`~zonemap.intake.qgis_styles.STYLE_FIELDS`) the zone's QGIS styles."""
    from zonemap.intake.qgis_styles import STYLE_FIELDS

    _create_styles_table(conn)
    conn.execute("DELETE FROM public.layer_styles WHERE f_table_schema = %s", (location.zone,))
    values = ", ".join("XMLPARSE(CONTENT %s)" if f in _XML_STYLE_FIELDS else "%s" for f in STYLE_FIELDS)  # CONTENT also takes ''
    with conn.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, {', '.join(STYLE_FIELDS).lower()}) "
            f"VALUES (current_database(), %s, {values})",
            [(location.zone, *_style_row(row)) for row in rows],
        )


def _style_row(row: tuple) -> tuple:
    """A GeoPackage style row as PostgreSQL takes it: the flag as a boolean, the layer's geometry column ours."""
    from zonemap.intake.qgis_styles import STYLE_FIELDS

    values = dict(zip(STYLE_FIELDS, row))
    values["useAsDefault"] = None if values["useAsDefault"] is None else bool(values["useAsDefault"])
    values["f_geometry_column"] = GEOMETRY_COLUMN if values["f_geometry_column"] else values["f_geometry_column"]
    return tuple(values.values())


def _styles(conn, location: DatabaseZone) -> list[tuple]:
    """The zone's QGIS style rows as a GeoPackage keeps them (:data:`~zonemap.intake.qgis_styles.STYLE_FIELDS`)."""
    from zonemap.intake.qgis_styles import STYLE_FIELDS

    if not _styles_table(conn):
        return []
    fields = ", ".join(f"{f.lower()}::text" if f in _XML_STYLE_FIELDS else f.lower() for f in STYLE_FIELDS)
    rows = []
    for row in conn.execute(f"SELECT {fields} FROM public.layer_styles WHERE f_table_schema = %s ORDER BY id", (location.zone,)):
        values = dict(zip(STYLE_FIELDS, row))
        # The GeoPackage's own form: a flag 0/1, a time as QGIS and SQLite write it (ISO, milliseconds, Z).
        if values["useAsDefault"] is not None:
            values["useAsDefault"] = int(values["useAsDefault"])
        if values["update_time"] is not None:
            values["update_time"] = values["update_time"].strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        rows.append(tuple(values.values()))
    return rows


def ensure_styles(location) -> None:
    """Give the zone's styled layers a default QGIS style in ``public.layer_styles`` (QGIS's own table).

    Layers that have a style keep it, so a planner's styling saved from QGIS survives.
    """
    from zonemap.intake.qgis_styles import SINGLE_SYMBOLS, layer_qml

    location = parse_location(location)
    with _connection(location) as conn:
        _create_styles_table(conn)
        styled = {t for (t,) in conn.execute("SELECT f_table_name FROM public.layer_styles WHERE f_table_schema = %s", (location.zone,))}
        for layer in ("parcels", *SINGLE_SYMBOLS):
            if layer in _srids(conn, location) and layer not in styled:
                conn.execute(
                    "INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                    "stylename, styleqml, stylesld, useasdefault, description, type) "
                    "VALUES (current_database(), %s, %s, %s, %s, XMLPARSE(DOCUMENT %s), NULL, true, %s, 'Polygon')",
                    (location.zone, layer, GEOMETRY_COLUMN, layer, layer_qml(layer), "zonemap default style (map palette)"),
                )
        if location.connection is None:
            conn.commit()


def _epsg(frame, where: str) -> int:
    crs = frame.crs
    code = crs.to_epsg() if crs is not None else None
    if not code:
        raise ZoneFileError(f"{where}: the zone's CRS has no EPSG code, which PostGIS needs as SRID; reproject the zone to its EPSG CRS (e.g. EPSG:4528) first")
    return code


def _as_in_file(source, name: str) -> pd.DataFrame:
    """A layer of a zone file with the file's own fields only (the store adds SPEC's missing ones as empty)."""
    import pyogrio

    frame = store.read_layer(source, name)
    own = set(pyogrio.read_info(source, layer=name)["fields"])
    return frame[[c for c in frame.columns if c in own or (isinstance(frame, gpd.GeoDataFrame) and c == frame.geometry.name)]]


def push(source, location, *, by: str | None = None, replace: bool = True) -> dict[str, int]:
    """Create or replace the database zone ``location`` with the layers of the zone GeoPackage ``source``.

    All layers land in one transaction; a zone being edited (rows held) is
    refused, and a database zone in another CRS is refused rather than mixed;
    with ``replace`` False, so is any zone already there.
    Returns the feature count written per layer.
    """
    from psycopg import errors, sql

    from zonemap.intake import qgis_styles

    location = parse_location(location)
    source_layers = store.list_layers(source)
    frames = {name: _as_in_file(source, name) for name in _in_order(source_layers)}
    srid = _epsg(frames["parcels"], str(source))
    with _connection(location, f"zonemap push (by {by})" if by else "zonemap push") as conn:
        try:
            existing = location.zone in zones(conn)
            if existing and not replace:
                raise ZoneFileError(f"{location}: the database already has this zone; choose another zone name, or replace it with `zonemap push`")
            if existing:
                old = zone_srid(conn, location)
                if old and old != srid:
                    raise ZoneFileError(
                        f"{location}: the database zone is in EPSG:{old}, {source} in EPSG:{srid}; a zone keeps one CRS: "
                        "reproject the file, or push it under another zone name"
                    )
            else:
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(location.zone)))
            conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(f"{int(store.lock_wait_seconds() * 1000)}ms")))
            for name in _tables(conn, location):  # replaced whole: the file's tables, fields and types
                conn.execute(sql.SQL("DROP TABLE {}").format(_table(location, name)))
            for name, frame in frames.items():
                _create_layer(conn, location, name, frame, srid)
                _insert(conn, location, name, frame, srid)
            _put_styles(conn, location, qgis_styles.read_styles(source))
            ensure_styles(DatabaseZone(location.url, location.zone, conn))
            conn.commit()
        except errors.LockNotAvailable:
            raise ConflictError(f"{location}: planners are editing this zone right now; push when their edits have landed (nothing was written)") from None
        except errors.InsufficientPrivilege:
            raise ReadOnlyError(f"{location}: the database user may not create or change this zone (read-only); ask the administrator for write access; nothing was written") from None
    return {name: len(frame) for name, frame in frames.items()}


def _tables(conn, location: DatabaseZone) -> set[str]:
    """The tables of the zone's schema (views a planner made there are not the zone's)."""
    query = "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'"
    return {name for (name,) in conn.execute(query, (location.zone,))}


def pull(location, destination, *, overwrite: bool = False) -> dict[str, int]:
    """Write the database zone ``location`` to the zone GeoPackage ``destination`` (an offline copy).

    Every layer is read from one snapshot of the database, so a copy taken
    while others edit is consistent. Returns the feature count per layer.
    """
    from pathlib import Path

    from zonemap.intake import qgis_styles

    location = parse_location(location)
    destination = Path(destination)
    if destination.exists() and not overwrite:
        raise ZoneFileError(f"{destination}: already exists; choose another name, or give --overwrite to replace it")
    with _connection(location, "zonemap pull") as conn:
        conn.isolation_level = 3  # REPEATABLE READ: every layer from one snapshot
        frozen = DatabaseZone(location.url, location.zone, conn)
        frames = {name: read_layer(frozen, name, complete=False) for name in list_layers(frozen) if name != STYLES}
        styles = _styles(conn, location)
        conn.rollback()
    with store.transaction(destination, create=not destination.exists()) as txn:
        for name, frame in frames.items():
            txn.write(name, frame)
        qgis_styles.write_styles(txn.work, styles)
        qgis_styles.ensure_styles(txn.work)
    return {name: len(frame) for name, frame in frames.items()}


# --- edits ---------------------------------------------------------------------------------------


def _signatures(frame: pd.DataFrame, fields: list[str]) -> list[tuple]:
    """Each row as a hashable tuple of its values (None for missing) and its geometry's WKB."""
    columns = [_python(frame[c]) if c in frame.columns else [None] * len(frame) for c in fields]
    if isinstance(frame, gpd.GeoDataFrame):
        columns.append(list(shapely.to_wkb(frame.geometry.to_numpy())))
    return list(zip(*columns)) if columns else [()] * len(frame)


def _unmatched(rows: list[tuple], others: list[tuple]) -> list[int]:
    """Positions of ``rows`` left over once each is paired with an equal row of ``others`` (a multiset difference)."""
    available = Counter(others)
    left = []
    for i, row in enumerate(rows):
        if available[row] > 0:
            available[row] -= 1
        else:
            left.append(i)
    return left


def _same_key(key: str | None, fields: list[str], old: list[tuple], gone: list[int], new: list[tuple], added: list[int]) -> list[tuple[int, int]]:
    """(gone, added) positions of rows that are one row edited: the only ones with their key on each side."""
    if key not in fields:
        return []
    k = fields.index(key)
    before = Counter(old[i][k] for i in gone)
    after = Counter(new[i][k] for i in added)
    single = {value for value, n in before.items() if n == 1 and after.get(value) == 1 and value is not None}
    first = {old[i][k]: i for i in gone if old[i][k] in single}
    return [(first[new[i][k]], i) for i in added if new[i][k] in single]


@dataclass
class _Snapshot:
    fields: list[str]
    fids: list[int]
    versions: list[str]
    signatures: list[tuple]
    frame: pd.DataFrame

    def widen(self, fields: list[str]) -> None:
        """Take in fields just added to the table: empty in every row as read (read before they existed)."""
        added = len(fields) - len(self.fields)
        n = len(self.fields)
        self.signatures = [(*s[:n], *([None] * added), *s[n:]) for s in self.signatures]
        self.fields = fields


def editor_name(user: str, by: str | None) -> str:
    """Who a database zone's history names: the database ``user``, and the planner's ``--by`` when it differs.

    >>> editor_name("planner", "王工"), editor_name("planner", None)
    ('王工 (planner)', 'planner')
    """
    return user if not by or by == user else f"{by} ({user})"


class Transaction:
    """An edit of a database zone: layers read and written inside one database transaction.

    ``write`` sends only the rows that differ from what ``read`` returned,
    after locking them and checking nobody changed them since.
    """

    def __init__(self, location: DatabaseZone, conn):
        self.location = location
        self.conn = conn
        #: What the edit reads and validates through: the zone as this transaction sees it.
        self.work = DatabaseZone(location.url, location.zone, conn)
        self.discarded = False
        self.srid = zone_srid(conn, location)
        self._snapshots: dict[str, _Snapshot] = {}

    def _snapshot(self, name: str) -> _Snapshot:
        if name not in self._snapshots:
            columns = _columns(self.conn, self.location, name)
            with self.conn.cursor(binary=True) as cursor:
                rows = cursor.execute(_select(self.location, name, columns, with_fid=True)).fetchall()
            frame = _frame([row[2:] for row in rows], columns, name, self.srid)
            fields = [c for c in columns if c != GEOMETRY_COLUMN]
            self._snapshots[name] = _Snapshot(fields, [r[0] for r in rows], [r[1] for r in rows], _signatures(frame, fields), frame)
        return self._snapshots[name]

    def read(self, name: str) -> gpd.GeoDataFrame | pd.DataFrame:
        """Layer ``name`` as this transaction sees it (a copy the caller may change)."""
        if not _columns(self.conn, self.location, name):
            return store.empty_layer(name, CRS.from_epsg(self.srid) if self.srid else None)
        return self._snapshot(name).frame.copy()

    def editor(self, by: str | None) -> str:
        """Who the history names: the database user, and the planner's ``--by`` when it differs."""
        who = editor_name(self.conn.info.user, by)
        # Shown to a planner whose edit waits on this one (see _held); PostgreSQL keeps only ASCII there.
        self.conn.execute("SELECT set_config('application_name', %s, true)", (f"zonemap by {quote(who)}"[:63],))
        return who

    def write(self, name: str, frame: gpd.GeoDataFrame | pd.DataFrame, **options) -> None:
        """Make layer ``name`` hold ``frame``: delete, update and insert only the rows that differ."""
        from psycopg import sql

        if not _columns(self.conn, self.location, name):
            _create_layer(self.conn, self.location, name, frame, self.srid)
        elif name in self._snapshots and _add_columns(self.conn, self.location, name, frame):
            self._snapshots[name].widen([c for c in _columns(self.conn, self.location, name) if c != GEOMETRY_COLUMN])
        if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None and self.srid and frame.crs.to_epsg() != self.srid:
            frame = frame.to_crs(CRS.from_epsg(self.srid))
        before = self._snapshot(name)
        wanted = _signatures(frame, before.fields)
        gone, added = _unmatched(before.signatures, wanted), _unmatched(wanted, before.signatures)
        if not gone and not added:
            return
        self._lock(name, [before.fids[i] for i in gone], [before.versions[i] for i in gone], [before.signatures[i] for i in gone], before.fields)
        pairs = _same_key(store.ROW_KEYS.get(name), before.fields, before.signatures, gone, wanted, added)
        table = _table(self.location, name)
        if pairs:  # a row edited in place keeps its fid, and so its place in the layer's order
            names = [*before.fields, GEOMETRY_COLUMN] if isinstance(frame, gpd.GeoDataFrame) else before.fields
            assignments = sql.SQL(", ").join(
                sql.SQL("{} = %s::geometry" if c == GEOMETRY_COLUMN else "{} = %s").format(sql.Identifier(c)) for c in names
            )
            rows = frame.iloc[[a for _, a in pairs]]
            values = [_python(rows[c]) if c in rows.columns else [None] * len(rows) for c in before.fields]
            if isinstance(frame, gpd.GeoDataFrame):
                values.append(_geometry_hex(rows, self.srid))
            fids = [before.fids[g] for g, _ in pairs]
            with self.conn.cursor() as cursor:
                cursor.executemany(sql.SQL("UPDATE {} SET {} WHERE fid = %s").format(table, assignments), [(*row, fid) for row, fid in zip(zip(*values), fids)])
        deleted = [before.fids[i] for i in gone if i not in {g for g, _ in pairs}]
        if deleted:
            self.conn.execute(sql.SQL("DELETE FROM {} WHERE fid = ANY(%s)").format(table), (deleted,))
        inserted = [i for i in added if i not in {a for _, a in pairs}]
        if inserted:
            _insert(self.conn, self.location, name, frame.iloc[inserted], self.srid)
        del self._snapshots[name]

    def _lock(self, name: str, fids: list[int], versions: list[str], signatures: list[tuple], fields: list[str]) -> None:
        """Lock the rows about to change, waiting a bounded time; refuse if held, gone or changed since read."""
        from psycopg import errors, sql

        if not fids:
            return
        wait = int(store.lock_wait_seconds() * 1000)
        self.conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(f"{max(wait, 1)}ms")))
        table = _table(self.location, name)
        try:
            with self.conn.transaction():
                now = dict(self.conn.execute(sql.SQL("SELECT fid, xmin::text FROM {} WHERE fid = ANY(%s) ORDER BY fid FOR UPDATE").format(table), (fids,)).fetchall())
        except errors.LockNotAvailable:
            raise self._held(name, fids, signatures, fields) from None
        for fid, version, signature in zip(fids, versions, signatures):
            if now.get(fid) != version:
                raise ConflictError(
                    f"{self.location}: {self._describe(name, signature, fields)} was changed by someone else after this edit read it; "
                    "nothing was written; run the edit again on the zone as it is now"
                )

    def _describe(self, name: str, signature: tuple, fields: list[str]) -> str:
        key = store.ROW_KEYS.get(name)
        if key in fields and signature[fields.index(key)] is not None:
            return f"{name[:-1] if name.endswith('s') else name} {signature[fields.index(key)]}"
        return f"a row of {name}"

    def _held(self, name: str, fids: list[int], signatures: list[tuple], fields: list[str]) -> ConflictError:
        """The conflict naming the first held row, who holds it (database user, --by) and since when."""
        from psycopg import sql

        table = _table(self.location, name)
        free = {fid for (fid,) in self.conn.execute(sql.SQL("SELECT fid FROM {} WHERE fid = ANY(%s) FOR UPDATE SKIP LOCKED").format(table), (fids,))}
        held = next((i for i, fid in enumerate(fids) if fid not in free), 0)
        (locker,) = self.conn.execute(sql.SQL("SELECT xmax::text FROM {} WHERE fid = %s").format(table), (fids[held],)).fetchone() or (None,)
        holder = self.conn.execute(
            "SELECT a.usename, a.application_name, a.xact_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'transactionid' AND l.granted AND l.mode = 'ExclusiveLock' AND l.transactionid::text = %s",
            (locker,),
        ).fetchone()
        who = "another session"
        if holder:
            user, application, since = holder
            application = unquote(application or "").removeprefix("zonemap by ")
            who = f"database user {user}" + (f" ({application})" if application and application != "zonemap" else "")
            # Seeing another role's start time needs pg_read_all_stats (README: grant it to editors).
            if since is not None:
                who += f" since {since.astimezone().strftime('%Y-%m-%d %H:%M:%S')}"
        return ConflictError(
            f"{self.location}: {self._describe(name, signatures[held], fields)} is being edited by {who}; "
            f"waited {store.lock_wait_seconds():g} s; nothing was written; try again when that edit has landed"
        )


@contextmanager
def transaction(location, *, create: bool = False, by: str | None = None) -> Iterator[Transaction]:
    """One edit of a database zone: commit if the block succeeds, roll back (nothing written) if not.

    A login that may only read the zone is refused before anything is done.
    """
    import psycopg
    from psycopg import errors

    location = parse_location(location)
    if create:
        raise ZoneFileError(f"{location}: a database zone is created whole: `zonemap init {location} --boundary FILE`, or `zonemap push ZONE.gpkg {location}`")
    conn = connect(location)
    try:
        _require_zone(conn, location)
        (may_write,) = conn.execute(
            "SELECT has_table_privilege(format('%%I.%%I', %s::text, 'parcels'), 'INSERT, UPDATE, DELETE')", (location.zone,)
        ).fetchone()
        if not may_write:
            raise ReadOnlyError(
                f"{location}: database user {conn.info.user} may read this zone but not change it (read-only); "
                "ask the administrator for write access; nothing was written"
            )
        txn = Transaction(location, conn)
        try:
            yield txn
        except errors.InsufficientPrivilege:
            raise ReadOnlyError(f"{location}: database user {conn.info.user} may not change every layer of this zone (read-only); nothing was written") from None
        except psycopg.Error as exc:
            raise ZoneFileError(f"{location}: the database stopped the edit ({_first_line(exc)}); nothing was written") from None
        if txn.discarded:
            conn.rollback()
        else:
            conn.commit()
    finally:
        conn.close()  # without a commit, closing rolls back: nothing half-written
