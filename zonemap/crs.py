"""CRS checks and the equal-area frame that ellipsoidal areas are measured in.

Examples
--------
>>> from pyproj import CRS
>>> check_coordinates_fit(CRS("EPSG:4528"), (40525000, 3706000, 40526000, 3707000), where="parcels")
>>> check_coordinates_fit(CRS("EPSG:4528"), (119.2, 33.4, 119.3, 33.5), where="parcels")
Traceback (most recent call last):
...
zonemap.errors.CrsError: parcels: coordinates look like degrees (lon/lat) but EPSG:4528 is in metres; declare the source's CRS as EPSG:4490 (CGCS2000 lon/lat) with --crs EPSG:4490
"""

from __future__ import annotations

from functools import lru_cache

from pyproj import CRS, Transformer
from pyproj.crs import ProjectedCRS
from pyproj.crs.coordinate_operation import LambertAzimuthalEqualAreaConversion

from zonemap.errors import CrsError

#: CGCS2000 3-degree Gauss-Krüger CRSs without the zone prefix in x,
#: EPSG:4534 (CM 75°E) … EPSG:4554 (CM 135°E), keyed by central meridian.
_GK3_NO_PREFIX = {75 + 3 * i: f"EPSG:{4534 + i}" for i in range(21)}

#: How far (as a share of its size) data may stray past a CRS's area of use.
_AREA_OF_USE_SLACK = 0.25


def crs_name(crs: CRS | None) -> str:
    """``EPSG:NNNN`` where the CRS has an EPSG code, else its name."""
    if crs is None:
        return "no CRS"
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.name


def require_crs(crs: CRS | None, *, where: str) -> CRS:
    """The CRS, or a :class:`CrsError` naming ``where`` and the fix."""
    if crs is None:
        raise CrsError(code="error.crs_none", where=where)
    return crs


def require_projected(crs: CRS | None, *, where: str) -> CRS:
    """The CRS if it is projected: planar area in degrees means nothing."""
    crs = require_crs(crs, where=where)
    if not crs.is_projected:
        raise CrsError(code="error.crs_no_planar_area", where=where, crs=crs_name(crs))
    return crs


def _central_meridian(crs: CRS) -> float | None:
    operation = crs.coordinate_operation
    for param in operation.params if operation else ():
        if "natural origin" in param.name and "Longitude" in param.name:
            return param.value
    return None


@lru_cache(maxsize=64)
def _expected_bounds(crs: CRS) -> tuple[float, float, float, float] | None:
    if crs.area_of_use is None and crs.to_epsg():  # a .prj's ESRI WKT names no area; its EPSG twin does
        crs = CRS.from_epsg(crs.to_epsg())
    if crs.area_of_use is None:
        return None
    west, south, east, north = crs.area_of_use.bounds
    if crs.is_geographic:
        return (-180.0, -90.0, 180.0, 90.0)
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    xmin, ymin, xmax, ymax = to_crs.transform_bounds(west, south, east, north)
    dx, dy = (xmax - xmin) * _AREA_OF_USE_SLACK, (ymax - ymin) * _AREA_OF_USE_SLACK
    return (xmin - dx, ymin - dy, xmax + dx, ymax + dy)


def _fix_for(crs: CRS, bounds: tuple[float, float, float, float]) -> tuple[str, dict]:
    """The code of what is wrong with coordinates in ``bounds`` for ``crs``, and its fields."""
    xmin, ymin, xmax, ymax = bounds
    if -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90:
        return "error.crs_degrees", {"crs": crs_name(crs)}
    central_meridian = _central_meridian(crs)
    if 100_000 <= xmin <= xmax <= 900_000 and central_meridian is not None:
        candidate = _GK3_NO_PREFIX.get(round(central_meridian))
        if candidate and candidate != crs_name(crs):
            return "error.crs_no_zone_prefix", {"crs": crs_name(crs), "candidate": candidate}
    corners = f"({xmin:.12g}, {ymin:.12g})–({xmax:.12g}, {ymax:.12g})"
    return "error.crs_outside", {"crs": crs_name(crs), "corners": corners}


def check_coordinates_fit(
    crs: CRS | None, bounds: tuple[float, float, float, float], *, where: str
) -> None:
    """Raise :class:`CrsError` when coordinates with these bounds cannot be in ``crs``.

    Catches degrees labelled as metres and Gauss-Krüger x values whose zone
    prefix was stripped, naming the CRS that would fit.
    """
    crs = require_crs(crs, where=where)
    if any(v != v for v in bounds):  # NaN: an empty layer has nothing to check
        return
    expected = _expected_bounds(crs)
    if expected is None:
        return
    xmin, ymin, xmax, ymax = bounds
    ex0, ey0, ex1, ey1 = expected
    if not (ex0 <= xmin and xmax <= ex1 and ey0 <= ymin and ymax <= ey1):
        code, fields = _fix_for(crs, bounds)
        raise CrsError(code=code, where=where, **fields)


@lru_cache(maxsize=64)
def equal_area_crs(crs: CRS, lon: float, lat: float) -> ProjectedCRS:
    """A Lambert azimuthal equal-area CRS centred at (lon, lat) on ``crs``'s datum.

    Projecting onto it preserves ellipsoidal area exactly (the projection is
    authalic), so areas become a vectorised planar computation. Keeping the
    source's own geodetic CRS means no datum shift happens on the way.
    """
    conversion = LambertAzimuthalEqualAreaConversion(latitude_natural_origin=lat, longitude_natural_origin=lon)
    return ProjectedCRS(conversion=conversion, geodetic_crs=crs.geodetic_crs)
