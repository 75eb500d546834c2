"""Fixtures shared by every test: zones built in code, the CLI, a headless browser."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import zonemap
from zonemap import store

ZONEMAP = [sys.executable, "-m", "zonemap.cli"]
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

    boundary_frame = gpd.GeoDataFrame(
        {"zone_id": ["T1"], "name": [name], "planned_mu": [planned_mu], "infrastructure_wan": [infrastructure_wan]},
        geometry=[boundary],
        crs=crs,
    )
    table = pd.DataFrame(prospects or [], columns=list(store.SCHEMA["prospects"]))
    with store.transaction(path, create=True) as txn:
        txn.write("boundary", boundary_frame)
        txn.write("parcels", frame("parcels", parcels))
        txn.write("roads", frame("roads", roads))
        txn.write("buildings", frame("buildings", buildings))
        txn.write("prospects", table)
    return path


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


def run_zonemap(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real ``zonemap`` CLI as a subprocess; text output captured."""
    return subprocess.run([*ZONEMAP, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess]:
    return run_zonemap


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright; skipped where it is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
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
