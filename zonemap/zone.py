"""Zone: a snapshot of one zone GeoPackage, with its ledger and its problems.

The model: a :class:`Zone` is its file *as it was when read*. It reads each
layer once and keeps it, with the areas and problems worked out from it.
Every edit of the library (:func:`~zonemap.intake.edits.set_parcel`,
``split_parcel``, ``merge_parcels``, ``init_zone``) returns the new Zone, the
file as the edit left it. A Zone never answers from an older state than its file:
before every answer it compares the file's stamp (size, modification time,
SQLite's file change counter, and the ``-wal`` file's size and time) with the
stamp it was read at; when another program or an edit through the path has
changed the file since, it drops everything it had read, reads the file
again, and says so with a :class:`ZoneChangedWarning`.

Examples
--------
>>> import zonemap
>>> zone = zonemap.open(zonemap.sample_path())
>>> round(zone.areas()["boundary"], 2)
300.0
>>> zone.is_current()
True
"""

from __future__ import annotations

import os
import warnings
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from zonemap import areas as _areas
from zonemap import store
from zonemap.crs import require_crs
from zonemap.errors import ZonemapError
from zonemap.units import to_m2

if TYPE_CHECKING:
    import folium


def _finite_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every infinite figure and every geometry with a non-finite vertex (another tool may write them) blanked, and noted.

    A figure or shape that is not finite is none: outputs treat it as missing
    (a shape with an ``inf`` vertex has no area, nor a place on a map);
    ``frame.attrs["not_finite"]`` keeps (row, field, value) for validation to name.
    """
    noted = []
    for field in frame.columns:
        if frame[field].dtype == "float64":
            values = frame[field].to_numpy()
            bad = np.flatnonzero(np.isinf(values))
            noted += [(int(row), field, float(values[row])) for row in bad]
            if len(bad):
                frame[field] = frame[field].where(~np.isinf(values))
    if isinstance(frame, gpd.GeoDataFrame) and len(frame):
        coords, rows = shapely.get_coordinates(frame.geometry.to_numpy(), return_index=True)
        wrong = ~np.isfinite(coords).all(axis=1)
        if wrong.any():
            bad, first = np.unique(rows[wrong], return_index=True)
            values = coords[wrong][first]
            noted += [(int(row), "geometry", float(xy[~np.isfinite(xy)][0])) for row, xy in zip(bad, values)]
            frame.loc[frame.index[bad], frame.geometry.name] = None
    frame.attrs["not_finite"] = noted
    return frame


#: The layers with shapes, and the field that names each feature.
_SHAPED_LAYERS: dict[str, str] = {"boundary": "zone_id", "parcels": "parcel_id", "roads": "name", "buildings": "building_id"}


def _feature_id(frame: pd.DataFrame, layer: str, row: int) -> str:
    """The id of ``frame``'s feature at ``row``, or ``#N`` (its position) where it has none."""
    value = frame[_SHAPED_LAYERS[layer]].iloc[row] if _SHAPED_LAYERS[layer] in frame else None
    return f"#{row + 1}" if pd.isna(value) or str(value).strip() == "" else str(value)


class ShapeError(ZonemapError):
    """A shape of the zone cannot be drawn or measured (a vertex another program stored as inf or NaN)."""


def require_finite_shapes(frame: pd.DataFrame, layer: str, *, zone: object) -> None:
    """Refuse ``frame``, layer ``layer`` of ``zone`` read through :func:`_finite_figures`, if a shape had a non-finite vertex."""
    rows = [row for row, field, _ in frame.attrs.get("not_finite", []) if field == "geometry"]
    if rows:
        from zonemap.validate import listed

        ids = [_feature_id(frame, layer, row) for row in rows]
        raise ShapeError(code="refuse.not_finite_shape", zone=zone, layer=layer, ids=listed(ids))


class ZoneChangedWarning(UserWarning):
    """A Zone's file changed since it was read; the Zone has read it again."""


def file_stamp(path) -> tuple:
    """What changes whenever a GeoPackage is written: size and time of the file and its ``-wal``, and SQLite's change counter.

    The change counter (bytes 24–27 of the SQLite header) moves on every
    committed write in rollback-journal mode, even one within the same
    clock tick and of the same size; in WAL mode the ``-wal`` file moves.
    """
    if not isinstance(path, Path):
        return ()  # a zone in PostgreSQL: its transactions are the database's; no file to watch
    stamps = []
    for candidate in (path, Path(f"{path}-wal")):
        try:
            stat = os.stat(candidate)
        except FileNotFoundError:
            stamps.append(None)
            continue
        stamps.append((stat.st_mtime_ns, stat.st_size))
    counter = b""
    if not store.writing(path):  # closing a handle would drop the lock of our own write in progress
        try:
            with path.open("rb") as handle:
                counter = handle.read(28)[24:]
        except OSError:
            pass
    return (*stamps, counter)


def _layer_property(name: str, doc: str) -> property:
    def read(self: Zone):
        self._refresh_if_changed()
        if name not in self._cache:
            self._cache[name] = _finite_figures(store.read_layer(self.path, name))
        return self._cache[name]

    read.__doc__ = doc
    return property(read)


class Zone:
    """One zone GeoPackage as read at one moment; layers are read when first used and kept.

    See the module's docstring for the model: edits return the new Zone, and
    a Zone whose file changed under it reads it again before answering.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = store.zone_location(path)
        self._read()

    def _read(self) -> None:
        self._stamp = file_stamp(self.path)
        #: When this snapshot was read (local time).
        self.read_at = datetime.now().replace(microsecond=0)
        self._cache: dict = {}
        self.layers = store.list_layers(self.path)
        missing = [name for name in store.REQUIRED_LAYERS if name not in self.layers]
        if missing:
            raise store.ZoneFileError(code="error.zone_no_layer", zone=self.path, layer=missing[0])

    def is_current(self) -> bool:
        """Whether the file is still as this Zone read it."""
        return file_stamp(self.path) == self._stamp

    def _refresh_if_changed(self) -> None:
        if not self.is_current():
            read_at = self.read_at
            self._read()
            warnings.warn(
                f"{self.path} changed since this Zone read it at {read_at:%H:%M:%S}; read it again, figures are from the file as it is now",
                ZoneChangedWarning,
                stacklevel=3,
            )

    def __repr__(self) -> str:
        return f"Zone({str(self.path)!r})"

    #: The layers :meth:`require_shapes` checks.
    checked_shapes: tuple[str, ...] = tuple(_SHAPED_LAYERS)

    boundary = _layer_property("boundary", "The zone outline (1 feature).")
    parcels = _layer_property("parcels", "Parcel polygons with status and tenant.")
    roads = _layer_property("roads", "Road corridor polygons.")
    buildings = _layer_property("buildings", "Building footprints.")
    prospects = _layer_property("prospects", "Investors looking for land (a table).")
    history = _layer_property("history", "The change log (a table).")
    holds = _layer_property("holds", "Land held (预留) for prospects: parcel_id, prospect, until (a table).")
    results = _layer_property("results", "Tenants' yearly results: tax, output, energy, employees (a table).")

    def fields(self, name: str, columns: tuple[str, ...] = ()) -> gpd.GeoDataFrame | pd.DataFrame:
        """Layer ``name`` with at least ``columns`` of its fields, and its geometry: what a figure needs.

        The layer as read already, or the part of it read for another figure, if
        either holds them; else only those fields are read (a database sends no more).
        """
        self._refresh_if_changed()
        parts = [frame for key, frame in self._cache.items() if isinstance(key, tuple) and key[0] == name]
        for frame in [self._cache[name]] if name in self._cache else parts:
            if set(columns) <= set(frame.columns):
                return frame
        frame = self._cache[name, tuple(columns)] = _finite_figures(store.read_layer(self.path, name, columns=list(columns)))
        return frame

    @property
    def crs(self) -> CRS | None:
        """The zone's native CRS (that of its parcels layer)."""
        return self.parcels.crs

    def figure(self, field: str):
        """A figure of the zone's own (a boundary field: ``planned_mu``, ``approved_on`` …), None when empty."""
        if len(self.boundary) == 0:
            return None
        value = self.boundary[field].iloc[0]
        return None if pd.isna(value) else value

    @property
    def name(self) -> str:
        """The zone's name from its boundary, else the file name."""
        return self.figure("name") or self.path.stem

    @property
    def planned_m2(self) -> float | None:
        """The plan's declared area in m², if the boundary states one."""
        planned_mu = self.figure("planned_mu")
        return None if planned_mu is None else to_m2(float(planned_mu), "mu")

    def parcel_areas_m2(self, *, method: str = "ellipsoidal"):
        """Each parcel's area in m² (an array), measured once per method: the ledger and the map share it."""
        parcels = self.fields("parcels")  # first: a changed file is read again before the cache is used
        cache = self._cache.setdefault("parcel_areas_m2", {})
        if method not in cache:
            if method == "ellipsoidal" and "parcel_rings" in self._cache:  # the map's: one inverse projection for both
                cache[method] = _areas.geodetic_rings_m2(self.parcel_rings(), parcels.crs)
            else:
                cache[method] = _areas.areas_m2(parcels.geometry.values, parcels.crs, method=method, where="parcels")
        return cache[method]

    def parcel_rings(self) -> _areas.Rings:
        """The parcels' rings in lon/lat of the zone's datum, as arrays (:func:`zonemap.areas.geodetic_rings`), made once;
        ellipsoidal areas not yet measured are then measured from them."""
        parcels = self.parcels  # first: a changed file is read again before the cache is used
        if "parcel_rings" not in self._cache:
            self._cache["parcel_rings"] = _areas.geodetic_rings(parcels.geometry.values, require_crs(parcels.crs, where="parcels"))
        return self._cache["parcel_rings"]

    @property
    def infrastructure_wan(self) -> float | None:
        """万元 invested in the zone's roads, water, power and telecom, if the boundary states it."""
        value = self.figure("infrastructure_wan")
        return None if value is None else float(value)

    def areas(self, *, unit: str = "mu", method: str = "ellipsoidal", by: str = "status") -> dict:
        """The area ledger; see :func:`zonemap.areas.ledger`."""
        self._refresh_if_changed()
        return _areas.ledger(self, unit=unit, method=method, by=by)

    def map(self, **options) -> folium.Map:
        """The shareable HTML map; see :func:`zonemap.render.map.build_map` for ``options``.

        ``zone.map().save("zone.html")`` writes a page that draws with no network.
        """
        from zonemap.render.map import build_map

        return build_map(self, **options)

    def find_sites(self, need: float, **options) -> list[dict]:
        """Where a project of ``need`` fits, best first; see :func:`zonemap.fit.find_sites` for ``options``."""
        from zonemap.fit import find_sites

        return find_sites(self, need, **options)

    def indicators(self, *, method: str = "ellipsoidal") -> dict:
        """Land-use indicators with formulas and inputs; see :func:`zonemap.indicators.indicators`."""
        from zonemap.indicators import indicators

        return indicators(self, method=method)

    def evaluate(self, year: int, **options) -> dict:
        """The 亩均效益评价 of ``year``; see :func:`zonemap.evaluate.evaluate` for ``options``."""
        from zonemap.evaluate import evaluate

        return evaluate(self, year, **options)

    def require_shapes(self) -> Zone:
        """This zone, if every shape of it can be drawn and measured; else refuse, naming the features and the fix.

        Another program may store a vertex at ``inf`` or NaN; such a shape
        is read as missing, so an output would silently leave the feature
        out. ``validate`` names each one; every output refuses instead.

        Examples
        --------
        >>> import zonemap
        >>> zonemap.open(zonemap.sample_path()).require_shapes()
        Zone('...sample_zone.gpkg')
        """
        for layer in self.checked_shapes:
            require_finite_shapes(getattr(self, layer), layer, zone=self.path)
        return self

    def validate(self) -> list:
        """Every problem found, checked once per Zone; see :func:`zonemap.validate.validate`."""
        from zonemap.validate import validate

        self._refresh_if_changed()
        if "problems" not in self._cache:
            self._cache["problems"] = validate(self)
        return list(self._cache["problems"])


def open(path: str | os.PathLike) -> Zone:  # noqa: A001 - mirrors rasterio.open / fiona.open
    """Open the zone GeoPackage at ``path``, or the database zone a ``postgresql://…?zone=NAME`` URL names."""
    return Zone(path)


def sample_path() -> Path:
    """Path of the bundled sample zone (illustrative geometry in Huai'an District)."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_data" / "sample_zone.gpkg", package.parent / "layers" / "sample_zone.gpkg"):
        if candidate.exists():
            return candidate
    raise store.ZoneFileError("the bundled sample zone is missing; rebuild it with `python -m zonemap.sample`")
