"""WGS84 → GCJ-02, the offset datum that AMap (高德) tiles are drawn in.

GCJ-02 is a published, deterministic obfuscation of WGS84 that every map
service in mainland China uses; AMap tiles are in it, so WGS84 parcels drawn
on them sit a few hundred metres off. Outside China the two agree.

Examples
--------
>>> lon, lat = wgs84_to_gcj02([119.245], [33.498])
>>> round(float(lon[0]) - 119.245, 5), round(float(lat[0]) - 33.498, 5)
(0.0054, -0.00148)
"""

from __future__ import annotations

import numpy as np

#: Krasovsky 1940 ellipsoid, as the algorithm specifies.
_A = 6378245.0
_EE = 0.00669342162296594323
#: The rectangle in which the shift applies (lon_min, lat_min, lon_max, lat_max).
_CHINA = (72.004, 0.8293, 137.8347, 55.8271)


def _waves(t: np.ndarray, twelfth: float, thirtieth: float) -> np.ndarray:
    """The sine series each offset adds in its own variable (latitude: y, longitude: x)."""
    pi = np.pi
    return (
        (
            20.0 * np.sin(t * pi)
            + 40.0 * np.sin(t / 3.0 * pi)
            + twelfth * np.sin(t / 12.0 * pi)
            + thirtieth * np.sin(t / 30.0 * pi)
        )
        * 2.0
        / 3.0
    )


def _offset_metres(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    shared = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    root = np.sqrt(np.abs(x))
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * root + shared + _waves(y, 160.0, 320.0)
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * root + shared + _waves(x, 150.0, 300.0)
    return d_lon, d_lat


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 longitudes and latitudes of WGS84 points (arrays, vectorised)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    d_lon, d_lat = _offset_metres(lon, lat)
    rad_lat = np.radians(lat)
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = d_lat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = d_lon * 180.0 / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    lon_min, lat_min, lon_max, lat_max = _CHINA
    inside = (lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max)
    return np.where(inside, lon + d_lon, lon), np.where(inside, lat + d_lat, lat)
