"""Parcels with 10⁶ vertices between them (issue 15): bounded import, validate, map and set, with a baseline.

Each source is the sample zone's parcels with C03's ring densified to
``--vertices`` vertices, imported (``--mode replace``) into a copy of the
sample zone:

* ``inset``: C03 shrunk by 0.5 m, the added vertices on its straight edges,
  cut into a grid of parcels (``--grid``, each within the vertex budget
  ``zonemap.validate.VERTEX_BUDGET``): a 0.5 m strip of gap all round, whose
  outline holds every vertex; the import must be refused (the gap).
* ``wiggly``: the same, its edges waving ±5 cm (no three vertices in a line),
  which made opening the strip (a negative buffer) take minutes; still refused.
* ``fits``: C03 itself, in one piece, with a new note: the import is refused
  (more vertices than a feature may have); then the parcel is written into
  the zone as another program (QGIS) would, and ``validate`` (names it),
  ``map`` and ``set`` run on the zone holding it.

Each must finish within the figure the issue names (60 s on the 2-core build
machine); the baseline in the same run is reading the source and computing
its area with pyogrio + shapely.

    python benchmarks/hostile_import.py [--vertices 1000000] [--repeats 3] [--cases inset wiggly fits] [--grid 12 4]

Prints one line per run and a summary per step: medians and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

import zonemap
from zonemap import store

LIMIT_SECONDS = 60.0
#: The wiggle of the ``wiggly`` case: amplitude and wavelength in metres, calmed within 0.3 m of each corner so the ring stays valid.
WIGGLE_M, WAVE_M, CALM_M = 0.05, 0.37, 0.3


def wavy_ring(geom, vertices: int, wiggle: float) -> shapely.Polygon:
    """``geom``'s exterior with ``vertices`` vertices spread along its edges, each moved ``wiggle`` × a sine off the edge."""
    corners = shapely.get_coordinates(geom.exterior)
    lengths = np.hypot(*np.diff(corners, axis=0).T)
    points = []
    for start, end, length in zip(corners[:-1], corners[1:], lengths):
        along = np.linspace(0, length, max(2, round(vertices * length / lengths.sum())), endpoint=False)
        direction = (end - start) / length
        calm = np.minimum(1, np.minimum(along, length - along) / CALM_M)
        offset = wiggle * np.sin(2 * np.pi * along / WAVE_M) * calm
        points.append(start + np.outer(along, direction) + np.outer(offset, [-direction[1], direction[0]]))
    return shapely.Polygon(np.vstack([*points, points[0][:1]]))


def source(folder: Path, case: str, vertices: int, grid: tuple[int, int] = (1, 1)) -> Path:
    """The sample's parcels, C03 as the ``case`` has it, cut into ``grid`` (columns, rows) pieces, as a GeoPackage."""
    parcels = store.read_layer(zonemap.sample_path(), "parcels")
    row = parcels.index[parcels["parcel_id"] == "C03"][0]
    c03 = parcels.geometry[row]
    shape = c03 if case == "fits" else shapely.buffer(c03, -0.5, join_style="mitre")
    ring = wavy_ring(shape, vertices, WIGGLE_M if case == "wiggly" else 0.0)
    x0, y0, x1, y1 = ring.bounds
    xs, ys = np.linspace(x0, x1, grid[0] + 1), np.linspace(y0, y1, grid[1] + 1)
    # An overlay keeps every vertex (clip_by_rect would drop those in a line).
    pieces = [shapely.intersection(ring, shapely.box(xs[i], ys[j], xs[i + 1], ys[j + 1])) for i in range(grid[0]) for j in range(grid[1])]
    pieces = [ring] if grid == (1, 1) else pieces
    assert shapely.is_valid(pieces).all()
    ids = ["C03"] if len(pieces) == 1 else [f"C03-{k + 1:02d}" for k in range(len(pieces))]
    cut = parcels.loc[[row] * len(pieces)].assign(parcel_id=ids, note=f"{vertices:,} vertices", geometry=pieces)
    frame = gpd.GeoDataFrame(pd.concat([parcels.drop(index=row), cut], ignore_index=True), crs=parcels.crs)
    path = folder / f"{case}.gpkg"
    pyogrio.write_dataframe(frame, path, layer="parcels", driver="GPKG")
    return path


def write_as_another_program(zone: Path, path: Path) -> None:
    """C03 of ``zone`` replaced by the source's, through GDAL, as QGIS would save it."""
    parcels = pyogrio.read_dataframe(zone, layer="parcels")
    cut = pyogrio.read_dataframe(path)
    parcels.loc[parcels["parcel_id"] == "C03", "geometry"] = cut.geometry[cut["parcel_id"] == "C03"].iloc[0]
    pyogrio.write_dataframe(parcels, zone, layer="parcels", driver="GPKG")
    held = shapely.get_num_coordinates(zonemap.open(zone).parcels.set_index("parcel_id").geometry["C03"])
    print(f"  C03 written as another program would: {held:,} vertices", flush=True)


def zonemap_cli(*args: object) -> tuple[float, str, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "zonemap.cli", *map(str, args)], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    last = (done.stderr.strip().splitlines() or [""])[-1]
    return seconds, f"exit {done.returncode}: {last[:150]}", done.returncode


def baseline(path: Path) -> float:
    """Read the source and measure its area: what any import must do at least."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", (
        "import pyogrio, shapely, sys; f = pyogrio.read_dataframe(sys.argv[1]);"
        "print(shapely.area(f.geometry.to_numpy()).sum())"
    ), str(path)], check=True, capture_output=True)
    return time.perf_counter() - started


def run_case(folder: Path, case: str, vertices: int, repeats: int, grid: tuple[int, int]) -> dict[str, list[float]]:
    """Seconds of each step of ``case``, and of the baseline, over ``repeats`` runs."""
    path = source(folder, case, vertices, (1, 1) if case == "fits" else grid)
    cut = pyogrio.read_dataframe(path)
    cut = cut.geometry[cut["parcel_id"].str.startswith("C03")].to_numpy()
    print(f"{case}: C03{' inset 0.5 m' if case != 'fits' else ''}, {shapely.get_num_coordinates(cut).sum():,} vertices "
          f"in {len(cut)} parcel(s) of at most {shapely.get_num_coordinates(cut).max():,}", flush=True)
    times: dict[str, list[float]] = {"baseline": []}
    for run in range(repeats):
        zone = folder / f"{case}{run}.gpkg"
        shutil.copy(zonemap.sample_path(), zone)
        before = zone.read_bytes()
        times["baseline"].append(baseline(path))
        steps = [("import", ["import", zone, path, "--mode", "replace"])]
        if case == "fits":
            steps += [("validate", ["validate", zone]), ("map", ["map", zone, "-o", folder / "m.html", "--overwrite"]),
                      ("set", ["set", zone, "C01", "--note", f"run {run}"])]
        for step, args in steps:
            seconds, outcome, _ = zonemap_cli(*args)
            times.setdefault(step, []).append(seconds)
            extra = f"; zone unchanged: {zone.read_bytes() == before}" if step == "import" else ""
            print(f"  run {run + 1} {step}: {seconds:6.1f} s ({outcome}{extra})", flush=True)
            if step == "import" and case == "fits":
                write_as_another_program(zone, path)
        print(f"  run {run + 1} baseline: {times['baseline'][-1]:5.1f} s", flush=True)
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vertices", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", nargs="+", choices=["inset", "wiggly", "fits"], default=["inset", "wiggly", "fits"])
    parser.add_argument("--grid", nargs=2, type=int, default=(12, 4), metavar=("COLUMNS", "ROWS"), help="C03's pieces (inset, wiggly)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for case in args.cases:
            times = run_case(Path(tmp), case, args.vertices, args.repeats, tuple(args.grid))
            base = statistics.median(times.pop("baseline"))
            for step, seconds in times.items():
                median = statistics.median(seconds)
                print(f"{case} {step}: median {median:.1f} s (limit {LIMIT_SECONDS:g} s: {'met' if median < LIMIT_SECONDS else 'NOT met'}); "
                      f"baseline {base:.1f} s; ratio {median / base:.1f}×", flush=True)


if __name__ == "__main__":
    main()
