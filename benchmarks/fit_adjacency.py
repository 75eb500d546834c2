"""Where a project fits: vectorised adjacency against a pairwise Python loop, and find_sites at scale.

Run ``python benchmarks/fit_adjacency.py``. The zone is a grid of square
parcels (30 m × 30 m = 1.35 mu each), every seventh one a tenant, the rest
developed or vacant, written to a real GeoPackage and read back. The
baseline is what the vectorised code replaces: for every pair of parcels,
shapely's ``intersection`` of their boundaries and its length. Medians of
three runs; the ratio is baseline over vectorised, measured in the same run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import make_zone_file  # noqa: E402

import zonemap  # noqa: E402
from zonemap.fit import MIN_SHARED_EDGE_M, find_sites, shared_edges  # noqa: E402

X0, Y0, SIDE = 40525000.0, 3706000.0, 30.0


def grid_zone(n: int, folder: Path) -> zonemap.Zone:
    rng = np.random.default_rng(7)
    cells = [(i, j) for i in range(n) for j in range(n)]
    statuses = np.where(np.arange(len(cells)) % 7 == 3, "tenant", rng.choice(["developed", "vacant"], len(cells)))
    parcels = [
        {
            "parcel_id": f"P{k:05d}",
            "status": status,
            "tenant": "某厂" if status == "tenant" else None,
            "geometry": shapely.box(X0 + i * SIDE, Y0 + j * SIDE, X0 + (i + 1) * SIDE, Y0 + (j + 1) * SIDE),
        }
        for k, ((i, j), status) in enumerate(zip(cells, statuses))
    ]
    boundary = shapely.box(X0, Y0, X0 + n * SIDE, Y0 + n * SIDE)
    return zonemap.open(make_zone_file(folder / f"grid{n}.gpkg", boundary=boundary, parcels=parcels))


def pairwise_loop(geoms: np.ndarray) -> int:
    """The baseline: every pair, one shapely call at a time."""
    found = 0
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            if geoms[i].boundary.intersection(geoms[j].boundary).length >= MIN_SHARED_EDGE_M:
                found += 1
    return found


def median_seconds(run, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        print("parcels  adjacency: loop s  vectorised s  ratio   | find_sites(20 mu) s  sites")
        for n in (15, 30, 50, 100):
            zone = grid_zone(n, Path(folder))
            geoms = zone.parcels.geometry.to_numpy()
            vectorised = median_seconds(lambda: shared_edges(geoms))
            expected_edges = 2 * n * (n - 1)
            assert len(shared_edges(geoms)[0]) == expected_edges
            if n <= 50:
                loop = median_seconds(lambda: pairwise_loop(geoms), repeat=1)
                assert pairwise_loop(geoms) == expected_edges
                loop_text, ratio = f"{loop:14.3f}", f"{loop / vectorised:7.0f}x"
            else:
                loop_text, ratio = f"{'(skipped)':>14}", f"{'':>8}"
            fit = median_seconds(lambda: find_sites(zone, 20.0))
            sites = len(find_sites(zone, 20.0))
            print(f"{n * n:7d}  {loop_text}  {vectorised:12.4f}  {ratio} | {fit:19.3f}  {sites:5d}")


if __name__ == "__main__":
    main()
