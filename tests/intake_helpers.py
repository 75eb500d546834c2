"""Builders for planners' files, written in code the way survey software writes them."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio

from conftest import geodesic_m2
from zonemap import store

STATUS_ZH = {"tenant": "已入驻", "developed": "已开发", "vacant": "未开发"}


def survey_frame(zone: Path) -> gpd.GeoDataFrame:
    """The zone's parcels as the survey institute delivers them: pinyin fields, Chinese statuses."""
    parcels = store.read_layer(zone, "parcels")
    return gpd.GeoDataFrame(
        {
            "DKBH": parcels["parcel_id"],
            "ZT": parcels["status"].map(STATUS_ZH),
            "QYMC": parcels["tenant"],
            "TZE": parcels["investment_wan"],
        },
        geometry=parcels.geometry.to_numpy(),
        crs=parcels.crs,
    )


def write_shapefile(frame: gpd.GeoDataFrame, path: Path, *, encoding: str, cpg: bool = True, prj: bool = True) -> Path:
    """A shapefile in ``encoding``; without ``cpg`` (as many institutes deliver), without ``prj`` if asked."""
    pyogrio.write_dataframe(frame, path, encoding=encoding)
    if not cpg:
        path.with_suffix(".cpg").unlink()
    if not prj:
        path.with_suffix(".prj").unlink()
    return path


def geodesic_areas_m2(geoms, crs) -> np.ndarray:
    """Independent ellipsoidal area of each geometry (conftest's geodesic_m2)."""
    return np.array([geodesic_m2(geom, crs) for geom in geoms])


def file_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


def leftovers(folder: Path) -> list[str]:
    """Temporary working copies left in ``folder`` (there should be none)."""
    return sorted(name for name in os.listdir(folder) if ".tmp-" in name)
