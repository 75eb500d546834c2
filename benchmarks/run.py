"""Time each zonemap step against a baseline in the same run; write benchmarks/RESULTS.md.

Every step runs in a fresh Python process per repeat, so its peak memory
(the process's maximum resident set) is its own; times are taken inside
that process around the step alone (imports excluded). Zones come from
``generate.py`` and are kept in ``--workdir`` for the next run.

    python benchmarks/run.py                         # 10³, 10⁴, 10⁵ parcels, 3 repeats: a few minutes
    python benchmarks/run.py --sizes 1000000 --repeats 1

Results of every size ever run are kept in ``benchmarks/results.json``;
a run replaces the sizes it ran and rewrites RESULTS.md from all of them.
The map against its peers (lonboard, ``explore()``) has its own harness,
``benchmarks/maps.py``, whose section RESULTS.md shows too.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a script: `benchmarks` importable
    sys.path.insert(0, str(HERE.parent))
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "RESULTS.md"
DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "zonemap-benchmarks"
#: Hand-written findings appended to RESULTS.md (what is met, what is not, and why).
NOTES_PATH = HERE / "NOTES.md"
#: Ratios (zonemap time / baseline time) the issues ask for, by step, and the size they apply from.
TARGETS = {"ledger": 2.0, "validate": 2.0}
TARGET_SIZE = 1_000_000


# --- The steps, each run in a child process -------------------------------------------------
# A step's ``prepare`` (not timed) turns the zone path into what both sides take;
# a side may return an array of per-parcel results, saved for the parent to compare.


def _parcels(path: str):
    import pyogrio

    return pyogrio.read_dataframe(path, layer="parcels")


def zonemap_read(path: str):
    from zonemap import store

    store.read_layer(path, "parcels")


def fiona_read(path: str):
    import geopandas as gpd

    gpd.read_file(path, layer="parcels", engine="fiona")


def vectorised_area(frame):
    from zonemap.areas import areas_m2

    return areas_m2(frame.geometry.to_numpy(), frame.crs)


def geod_loop_area(frame):
    import numpy as np
    from pyproj import Geod

    geod = Geod(ellps="GRS80")  # CGCS2000's ellipsoid
    lonlat = frame.geometry.to_crs(frame.crs.geodetic_crs)
    return np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in lonlat])


def zonemap_ledger(path: str):
    import zonemap

    zonemap.open(path).areas()


def zonemap_validate(path: str):
    import zonemap

    problems = zonemap.open(path).validate()
    if problems:  # the generated zones are clean; a problem here is a bug worth seeing
        print(f"{path}: {len(problems)} problem(s), first: {problems[0].message}", file=sys.stderr)


def read_and_area(path: str):
    vectorised_area(_parcels(path))


def _scratch(path: str) -> Path:
    return Path(tempfile.mkdtemp(prefix="zonemap-bench-", dir=Path(path).parent))


def zonemap_export(path: str):
    from zonemap.intake.exporter import export_layer

    export_layer(path, _scratch(path) / "parcels.shp")


def geopandas_export(path: str):
    import geopandas as gpd

    gpd.read_file(path, layer="parcels").to_file(_scratch(path) / "parcels.shp", encoding="UTF-8")


def _import_target(path: str) -> tuple[Path, Path]:
    """A copy of the zone without parcels, and the zone's parcels as a shapefile (made once)."""
    source, empty = _import_files(Path(path))
    target = _scratch(path) / "zone.gpkg"
    shutil.copy(empty, target)
    return target, source


def zonemap_import(paths: tuple[Path, Path]):
    from zonemap.intake.importer import import_source

    import_source(paths[0], paths[1], mode="replace", by="benchmark")


def geopandas_import(paths: tuple[Path, Path]):
    import geopandas as gpd

    gpd.read_file(paths[1]).to_file(paths[0], layer="parcels", driver="GPKG")


@dataclass(frozen=True)
class Step:
    ours: Callable
    baseline: Callable
    baseline_name: str
    prepare: Callable = str


STEPS: dict[str, Step] = {
    "read": Step(zonemap_read, fiona_read, "geopandas.read_file(engine='fiona')"),
    "area": Step(vectorised_area, geod_loop_area, "per-parcel pyproj Geod.geometry_area_perimeter loop (after to_crs)", _parcels),
    "ledger": Step(zonemap_ledger, read_and_area, "pyogrio read + vectorised ellipsoidal area"),
    "validate": Step(zonemap_validate, read_and_area, "pyogrio read + vectorised ellipsoidal area"),
    "export": Step(zonemap_export, geopandas_export, "geopandas read_file + to_file (.shp), no checks"),
    "import": Step(zonemap_import, geopandas_import, "geopandas read_file (.shp) + to_file into the GeoPackage, no checks", _import_target),
}
def _import_files(zone: Path) -> tuple[Path, Path]:
    """The zone's parcels as a shapefile, and the zone without parcels: import's inputs."""
    from zonemap import store
    from zonemap.intake.exporter import export_layer

    source, empty = zone.with_name(f"{zone.stem}_parcels.shp"), zone.with_name(f"{zone.stem}_empty.gpkg")
    if not source.exists():  # as zonemap export writes it: short field names, UTF-8 .cpg
        export_layer(zone, source)
    if not empty.exists():
        with store.transaction(empty, create=True) as txn:
            for name in ("boundary", "roads"):
                txn.write(name, store.read_layer(zone, name))
            txn.write("parcels", store.empty_layer("parcels", store.read_layer(zone, "boundary").crs))
    return source, empty


def child(step: str, side: str, path: str, save: str | None) -> None:
    """Run one step once in this process and print its time and peak memory as JSON."""
    import fiona
    import numpy as np
    import pyogrio

    import zonemap.validate  # noqa: F401 - imports and GDAL's start-up are not what is timed

    pyogrio.list_layers(path)
    fiona.listlayers(path)
    warnings.simplefilter("ignore")  # the baselines' shapefile warnings are not news
    chosen = STEPS[step]
    function = chosen.ours if side == "zonemap" else chosen.baseline
    argument = chosen.prepare(path)
    start = time.perf_counter()
    result = function(argument)
    seconds = time.perf_counter() - start
    for scratch in Path(path).parent.glob("zonemap-bench-*"):
        shutil.rmtree(scratch)
    if save and result is not None:
        np.save(save, result)
    # VmHWM, not getrusage: Linux carries ru_maxrss over from the parent across exec.
    status = Path("/proc/self/status").read_text()
    peak_mb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


# --- The parent: generate, run, compare, report ---------------------------------------------


def _run_child(step: str, side: str, path: Path, save: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--child", step, side, str(path)] + (["--save", str(save)] if save else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{step} ({side}) failed on {path}:\n{done.stderr}")
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _zone(size: int, workdir: Path) -> tuple[Path, float | None]:
    from benchmarks.generate import generate

    path = workdir / f"synthetic_{size}.gpkg"
    if path.exists():
        return path, None
    start = time.perf_counter()
    generate(size, path)
    return path, time.perf_counter() - start


def measure(size: int, workdir: Path, repeats: int, steps: list[str]) -> dict:
    """The ``steps`` at one size: medians over ``repeats`` runs of each side."""
    import numpy as np

    path, generate_seconds = _zone(size, workdir)
    entry = {
        "size": size,
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average": os.getloadavg()[0],
        "zone_mb": path.stat().st_size / 1e6,
        "generate_seconds": generate_seconds,
        "steps": {},
    }
    _import_files(path)  # made once, outside every timing
    for step, chosen in STEPS.items():
        if step not in steps:
            continue
        runs = {"zonemap": [], "baseline": []}
        for repeat in range(repeats):
            for side in runs:  # alternate, so a busy spell on the machine hits both sides
                save = workdir / f"{step}_{side}_{size}.npy" if repeat == 0 and step == "area" else None
                runs[side].append(_run_child(step, side, path, save))
                print(f"{size:>9,} {step:<9} {side:<8} {runs[side][-1]['seconds']:8.3f} s", file=sys.stderr)
        row = {
            "baseline": chosen.baseline_name,
            **{f"{side}_seconds": statistics.median(r["seconds"] for r in runs[side]) for side in runs},
            **{f"{side}_peak_mb": max(r["peak_mb"] for r in runs[side]) for side in runs},
        }
        row["ratio"] = row["zonemap_seconds"] / row["baseline_seconds"]
        row["repeats"] = repeats
        entry["steps"][step] = row
    if "area" in entry["steps"]:
        ours, geodesic = (np.load(workdir / f"area_{side}_{size}.npy") for side in ("zonemap", "baseline"))
        entry["steps"]["area"]["max_difference_m2"] = float(np.abs(ours - geodesic).max())
    return entry


def machine() -> dict:
    import geopandas
    import numpy
    import pyogrio
    import pyproj
    import shapely

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{memory_kb / 1024**2:.0f} GB",
        "system": platform.platform(),
        "python": platform.python_version(),
        "libraries": (
            f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), pyogrio {pyogrio.__version__} "
            f"(GDAL {pyogrio.__gdal_version_string__}), pyproj {pyproj.__version__} (PROJ {pyproj.proj_version_str}), "
            f"geopandas {geopandas.__version__}, numpy {numpy.__version__}"
        ),
    }


def _verdict(ratio: float, target: float | None, size: int) -> str:
    if target is None:
        return ""
    if size < TARGET_SIZE:
        return f"(≤ {target:g}× at 10⁶)"
    return f"≤ {target:g}× — **met**" if ratio <= target else f"≤ {target:g}× — **NOT met**"


def _repeats(entry: dict) -> str:
    counts = {step: row.get("repeats", entry["repeats"]) for step, row in entry["steps"].items()}
    usual = statistics.mode(counts.values())
    others = ", ".join(f"{step} {n}" for step, n in counts.items() if n != usual)
    return f"{usual} repeat(s)" + (f" ({others})" if others else "")


def render(results: dict) -> str:
    """RESULTS.md from every size measured so far."""
    lines = [
        "# zonemap benchmarks",
        "",
        "Written by `python benchmarks/run.py` (see its docstring); do not edit by hand.",
        "Each step and its baseline run in the same run, in fresh processes, alternating;",
        "times are medians over the repeats, memory is the largest peak resident set of the",
        "process running the step (the interpreter and libraries included, about 150 MB).",
        "Ratio = zonemap time / baseline time: below 1 zonemap is faster. A size's rows may come",
        "from separate runs (`--steps`); its date and load average are those of the latest.",
        "",
        "Zones are synthetic (`benchmarks/generate.py`): adjacent Voronoi parcels of 5–40 vertices",
        "with roads, a boundary and an unparcelled corner, EPSG:4528, written through zonemap.store.",
        "",
        "## Machine",
        "",
    ]
    lines += [f"- {key}: {value}" for key, value in results["machine"].items()]
    lines += ["- the machine is shared with other engineers' jobs: the load average at the start of each size is shown", ""]
    for size in sorted(results["sizes"], key=int):
        entry = results["sizes"][size]
        generated = f", generated in {entry['generate_seconds']:.1f} s" if entry.get("generate_seconds") else ""
        lines += [
            f"## {int(size):,} parcels",
            "",
            f"{entry['when']}, {_repeats(entry)}, load average {entry['load_average']:.1f}; "
            f"zone file {entry['zone_mb']:.1f} MB{generated}.",
            "",
            "| step | zonemap (s) | baseline (s) | ratio | target | peak MB zonemap / baseline | baseline |",
            "|---|---:|---:|---:|---|---:|---|",
        ]
        for step, row in entry["steps"].items():
            lines.append(
                f"| {step} | {row['zonemap_seconds']:.3f} | {row['baseline_seconds']:.3f} | {row['ratio']:.2f} | "
                f"{_verdict(row['ratio'], TARGETS.get(step), int(size))} | {row['zonemap_peak_mb']:.0f} / {row['baseline_peak_mb']:.0f} | {row['baseline']} |"
            )
        if "area" in entry["steps"]:
            lines += [
                "",
                f"Ellipsoidal area, zonemap vs the Geod loop: largest difference on any parcel "
                f"{entry['steps']['area']['max_difference_m2']:.2e} m² (the SPEC allows 0.01 m²).",
            ]
        lines += [""]
    from benchmarks.maps import markdown  # the map's own harness; imported here, as it imports this module

    lines += markdown(results.get("maps", {}))
    from benchmarks.postgis import markdown as postgis_markdown  # the database store's own harness

    lines += postgis_markdown(results.get("postgis", {}))
    lines += [results.get("notes", "")]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="numbers of parcels")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each step and baseline (median taken)")
    parser.add_argument("--steps", nargs="+", choices=list(STEPS), default=list(STEPS), help="the steps to time (default: all)")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="where generated zones are kept")
    parser.add_argument("--render", action="store_true", help="only rewrite RESULTS.md from results.json and NOTES.md")
    parser.add_argument("--child", nargs=3, metavar=("STEP", "SIDE", "ZONE"), help=argparse.SUPPRESS)
    parser.add_argument("--save", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child, args.save)
        return
    results = load_results()
    if args.render:
        RESULTS_MD.write_text(render(results), encoding="utf-8")
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        entry = measure(size, args.workdir, args.repeats, args.steps)
        entry["repeats"] = args.repeats
        # Steps not run this time keep their earlier results.
        earlier = results["sizes"].get(str(size), {}).get("steps", {})
        entry["steps"] = {step: entry["steps"].get(step, earlier.get(step)) for step in STEPS if step in entry["steps"] or step in earlier}
        results["sizes"][str(size)] = entry
        save_results(results)
    print(RESULTS_MD)


def load_results() -> dict:
    """Every size measured so far, this machine's description and the hand-written notes."""
    results = json.loads(RESULTS_JSON.read_text(encoding="utf-8")) if RESULTS_JSON.exists() else {"sizes": {}}
    results["notes"] = NOTES_PATH.read_text(encoding="utf-8") if NOTES_PATH.exists() else ""
    results["machine"] = machine()
    return results


def save_results(results: dict) -> None:
    RESULTS_JSON.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    RESULTS_MD.write_text(render(results), encoding="utf-8")

if __name__ == "__main__":
    main()
