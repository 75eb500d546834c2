"""The dask engine: a zone's parcels read in partitions, measured and checked in parallel.

For parcel layers too big for one process, or a county's worth of zones on a
dask cluster (``distributed``): the parcels layer of the zone GeoPackage is
read in partitions of :data:`PARTITION_FEATURES` features (pyogrio, through
dask-geopandas), and each partition is measured (the ledger's sums) or
checked (geometry and attributes) where it is read. Only sums, problems and,
for validation, the parcel geometries come back: overlaps, gaps and land
outside the boundary are found across partitions, on the geometries
gathered, with the same code as the in-memory engine, so both engines give
the same answers.

Dask runs on the active ``distributed`` client if there is one (a
``LocalCluster`` or a cluster's scheduler), else on local threads.
Workers must see the zone file at the same path.

Examples
--------
>>> import zonemap
>>> from zonemap.partitioned import PartitionedZone
>>> PartitionedZone(zonemap.sample_path()).areas() == zonemap.open(zonemap.sample_path()).areas()
True
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyogrio

from zonemap.areas import ledger as _ledger
from zonemap.areas import measure_parcels
from zonemap.errors import ZonemapError
from zonemap.validate import CheckedParcels, Problem, check_parcels
from zonemap.validate import validate as _validate
from zonemap.zone import Zone

if TYPE_CHECKING:
    import dask_geopandas

#: Features per partition when reading the parcels layer.
PARTITION_FEATURES = 100_000


#: How parcels are worked: all in memory, or in partitions with dask.
ENGINES: tuple[str, ...] = ("memory", "dask")


class PartitionedZone(Zone):
    """A zone whose ledger and validation read and work its parcels in partitions (same answers)."""

    #: Parcels are not read whole to check their shapes: that is what this engine avoids.
    checked_shapes = ("boundary", "roads", "buildings")

    def __init__(self, path):
        super().__init__(path)
        if not isinstance(self.path, Path):  # partitions are read from a file's rows (pyogrio skip_features)
            raise ZonemapError(f"{self.path}: --engine dask reads a zone file in partitions, not a database zone; "
                               "leave out --engine dask, or `zonemap pull` the zone to a .gpkg first")

    def areas(self, *, unit: str = "mu", method: str = "ellipsoidal", by: str = "status") -> dict:
        return ledger(self, unit=unit, method=method, by=by)

    def validate(self) -> list[Problem]:
        return validate(self)


def read_parcels(zone: Zone, *, partition_features: int = PARTITION_FEATURES) -> dask_geopandas.GeoDataFrame:
    """The zone's parcels layer as a dask GeoDataFrame, read in partitions."""
    try:
        import dask_geopandas
    except ImportError as exc:  # the dask engine is an optional extra
        raise ZonemapError(
            f"the dask engine needs dask-geopandas and distributed ({exc.name} is missing); "
            "install them with: pip install 'zonemap[scale]'"
        ) from exc

    count = int(pyogrio.read_info(zone.path, layer="parcels")["features"])
    partitions = max(1, math.ceil(count / partition_features))
    return dask_geopandas.read_file(zone.path, layer="parcels", npartitions=partitions)


def ledger(zone: Zone, *, unit: str = "mu", method: str = "ellipsoidal", by: str = "status", partition_features: int = PARTITION_FEATURES) -> dict:
    """The area ledger of ``zone``, its parcels measured partition by partition.

    Only each parcel's keys and area come back from the partitions, not its geometry.
    """
    import dask

    partitions = read_parcels(zone, partition_features=partition_features).to_delayed()
    measured = dask.compute(*(dask.delayed(measure_parcels)(part, method=method, by=by) for part in partitions))
    return _ledger(zone, unit=unit, method=method, by=by, measured=pd.concat(measured, ignore_index=True))


def _check(part, first: int) -> CheckedParcels:
    return check_parcels(part, first=first)


def validate(zone: Zone, *, partition_features: int = PARTITION_FEATURES) -> list[Problem]:
    """Every problem of ``zone``, its parcels read and checked partition by partition."""
    import dask

    parcels = read_parcels(zone, partition_features=partition_features)
    lengths = parcels.map_partitions(len).compute()
    firsts = [0, *list(pd.Series(lengths).cumsum())[:-1]]
    checked = dask.compute(*(dask.delayed(_check)(part, first) for part, first in zip(parcels.to_delayed(), firsts)))
    return _validate(zone, checked=CheckedParcels.join(list(checked)))
