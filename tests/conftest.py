"""Fixtures shared by every test: zones built in code, the CLI, a headless browser."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely import affinity

import zonemap
from zonemap import store

# Remembered validations (zonemap.validated) go to a folder of this session, not the user's cache.
os.environ.setdefault("ZONEMAP_CACHE_DIR", tempfile.mkdtemp(prefix="zonemap-test-cache-"))

MU = 10000 / 15
#: Where each CRS puts the same spot of Huai'an District (x with and without the zone-40 prefix).
ORIGINS = {"EPSG:4528": (40_523_000.0, 3_707_000.0), "EPSG:4549": (523_000.0, 3_707_000.0)}
ZONEMAP = [sys.executable, "-m", "zonemap.cli"]
#: What the CLI subprocesses print in: UTF-8, or the console CI sets (GB18030).
CONSOLE_ENCODING = os.environ.get("PYTHONIOENCODING", "utf-8").split(":")[0]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def make_zone_file(
    path: Path,
    *,
    boundary,
    parcels: list[dict],
    roads: list[dict] | None = None,
    buildings: list[dict] | None = None,
    prospects: list[dict] | None = None,
    crs: str | None = "EPSG:4528",
    planned_mu: float | None = None,
    name: str = "测试园区",
    infrastructure_wan: float | None = None,
) -> Path:
    """Write a zone GeoPackage through the store, as a user's zone would be.

    ``parcels``, ``roads`` and ``buildings`` are lists of dicts with a
    ``geometry`` key (a shapely geometry) and any fields of SPEC §3;
    missing fields are left empty.
    """

    def frame(layer: str, rows: list[dict] | None):
        if not rows:
            return store.empty_layer(layer, crs)
        columns = {field: pd.Series([row.get(field) for row in rows], dtype=dtype) for field, dtype in store.SCHEMA[layer].items()}
        return gpd.GeoDataFrame(columns, geometry=[row["geometry"] for row in rows], crs=crs)

    figures = {"zone_id": "T1", "name": name, "planned_mu": planned_mu, "infrastructure_wan": infrastructure_wan}
    boundary_frame = gpd.GeoDataFrame(
        {field: pd.Series([figures.get(field)], dtype=dtype) for field, dtype in store.SCHEMA["boundary"].items()},
        geometry=[boundary],
        crs=crs,
    )
    table = pd.DataFrame(prospects or [], columns=list(store.SCHEMA["prospects"])).astype(store.SCHEMA["prospects"])
    with store.transaction(path, create=True) as txn:
        txn.write("boundary", boundary_frame)
        txn.write("parcels", frame("parcels", parcels))
        txn.write("roads", frame("roads", roads))
        txn.write("buildings", frame("buildings", buildings))
        txn.write("prospects", table)
    return path


def geodesic_m2(geom, crs: str) -> float:
    """Independent ellipsoidal area: vertices to CGCS2000 lon/lat, then Karney's geodesic polygon area."""
    to_lonlat = Transformer.from_crs(crs, "EPSG:4490", always_xy=True)
    lonlat = shapely.transform(geom, lambda xy: np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1])))
    # pyproj sums signed ring areas: exteriors counter-clockwise, holes clockwise.
    area, _ = Geod(ellps="GRS80").geometry_area_perimeter(shapely.orient_polygons(lonlat))
    return abs(area)


#: The grid zone's layout in local metres: 420 × 300 m, four parcels, two crossing roads,
#: and x 0–200 × y 260–300 left unparcelled.
GRID_PARCELS = [
    ("P1", "tenant", "厚翔服装厂", (0, 0, 200, 140)),
    ("P2", "developed", None, (220, 0, 420, 140)),
    ("P3", "vacant", None, (0, 160, 200, 260)),
    ("P4", "vacant", None, (220, 160, 420, 300)),
]
GRID_ROADS = [("经一路", "NS", 20.0, (200, 0, 220, 300)), ("纬一路", "EW", 20.0, (0, 140, 420, 160))]


@pytest.fixture
def grid_zone(make_zone):
    """Build the grid zone, optionally rotated and with edited parcels.

    ``grid_zone(crs=..., angle=..., edit=lambda rows: rows, **make_zone_options)``
    returns ``(path, boundary, [(status, geometry)], [road geometry])`` with
    geometries as placed, so tests can measure them independently. ``edit``
    gets the parcel rows (dicts) in local metres and may change them.
    """

    def build(*, crs: str = "EPSG:4528", angle: float = 0.0, edit=None, **options):
        x0, y0 = ORIGINS[crs]

        def place(geom):
            return None if geom is None else affinity.translate(affinity.rotate(geom, angle, origin=(0, 0)), x0, y0)

        rows = [{"parcel_id": i, "status": s, "tenant": t, "geometry": shapely.box(*b)} for i, s, t, b in GRID_PARCELS]
        rows = edit(rows) if edit else rows
        for row in rows:
            row["geometry"] = place(row["geometry"])
        roads = [{"name": n, "axis": a, "width_m": w, "geometry": place(shapely.box(*b))} for n, a, w, b in GRID_ROADS]
        boundary = options.pop("boundary", None) or place(shapely.box(0, 0, 420, 300))
        path = make_zone(boundary=boundary, parcels=rows, roads=roads, crs=crs, **options)
        return path, boundary, [(r["status"], r["geometry"]) for r in rows], [r["geometry"] for r in roads]

    return build


@pytest.fixture
def make_zone(tmp_path: Path) -> Callable[..., Path]:
    """Build a zone file in ``tmp_path``: ``make_zone(boundary=..., parcels=[...], ...)``."""
    counter = iter(range(10_000))

    def build(name: str | None = None, **layers) -> Path:
        return make_zone_file(tmp_path / (name or f"zone{next(counter)}.gpkg"), **layers)

    return build


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled sample zone, safe to edit."""
    return Path(shutil.copy(zonemap.sample_path(), tmp_path / "sample_zone.gpkg"))


def path_name(chinese: str, ascii_name: str) -> str:
    """``chinese`` as a file name where GDAL can open it, else ``ascii_name``.

    GDAL takes paths as UTF-8. Windows names files in UTF-16, so Chinese paths work there; a Linux
    process in a GB18030 locale (CI's second run) writes GB18030 bytes GDAL cannot find.
    """
    return chinese if os.name == "nt" or sys.getfilesystemencoding().lower() in ("utf-8", "utf8") else ascii_name


def run_zonemap(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real ``zonemap`` CLI as a subprocess; text output captured."""
    # The console's encoding named on both sides (CI runs the suite once more with a GB18030 console).
    return subprocess.run([*ZONEMAP, *map(str, args)], capture_output=True, text=True, encoding=CONSOLE_ENCODING,
                          env={**os.environ, "PYTHONIOENCODING": CONSOLE_ENCODING}, cwd=cwd, timeout=300)


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess]:
    return run_zonemap


def skip_or_fail(reason: str) -> None:
    """Skip a test whose system part is missing, on a developer's machine; under ``CI=true`` fail instead,
    so a CI run never passes with the browser or database tests quietly left out."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason}; CI=true needs it", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright; skipped where it is not installed."""
    if not Path(CHROMIUM).exists():
        skip_or_fail("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_page(browser):
    """A page whose every request off this machine is blocked and recorded.

    ``page.blocked`` lists the URLs that tried to leave; ``page.errors`` the
    console errors and uncaught exceptions.
    """
    context = browser.new_context()
    page = context.new_page()
    page.blocked = []
    page.errors = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            request_route.continue_()
        else:
            page.blocked.append(url)
            request_route.abort()

    context.route("**/*", route)
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


@pytest.fixture(scope="session")
def postgis():
    """A real PostgreSQL 15 with PostGIS (Debian's binaries), started once per session on a free port.

    Yields a :class:`postgis_server.PostgisServer`: ``url(user, db, zone)``
    and ``env(user)`` (PGPASSWORD) for the CLI, ``connect(user)`` for checks.
    Databases: ``zones`` (PostGIS) and ``plain`` (without); roles
    ``zonemap_admin`` (superuser), ``planner`` and ``reader``.
    """
    from postgis_server import BIN, start

    if not (BIN / "initdb").exists():
        skip_or_fail("PostgreSQL 15 with PostGIS is not installed (apt-get install postgresql-15-postgis-3)")
    server = start()
    yield server
    server.stop()
