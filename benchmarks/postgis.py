"""The ledger and validation of one zone stored two ways, GeoPackage and PostGIS, timed in the same run.

Starts a throwaway PostgreSQL 15 with PostGIS (Debian's binaries, as the
tests do: ``tests/postgis_server.py``), pushes each synthetic zone into it,
then times ``zonemap.open(zone).areas()`` and ``.validate()`` from a fresh
Zone on each store, alternating, median of the repeats. The ledger reads
only the parcel fields it uses (id, status, the grouping) and the geometry
as WKB (``ST_AsBinary``, binary protocol); areas and checks run in Python
exactly as for a file, so both stores give the same figures and problems
(checked each run).

In the same run, the work SQL could do instead, timed once on the same
database zone: the parcels' areas as ``ST_Area(geography)`` (with the
largest difference from the file's areas), and the candidates of the
topology checks from the GiST index (parcel pairs whose interiors meet,
``&&`` + ``ST_Relate``; parcels not covered by the boundary) — against
fetching every parcel's geometry, which is what validation does.

    python benchmarks/postgis.py                      # 10⁴ and 10⁵ parcels, 3 repeats

Results go into ``benchmarks/results.json`` (key ``postgis``) and RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent, HERE.parent / "tests"):  # run as a script: `benchmarks` and the test server importable
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from benchmarks import run  # noqa: E402

#: The PostGIS ledger may take this many times the GeoPackage one (issue 14).
TARGET = 1.5


def _seconds(zone, work: str) -> tuple[float, object]:
    """Seconds ``work`` (``areas`` or ``validate``) takes on a fresh Zone of ``zone``, and its answer."""
    import zonemap

    start = time.perf_counter()
    answer = getattr(zonemap.open(zone), work)()
    return time.perf_counter() - start, answer


def _in_sql(zone: Path, url: str) -> dict:
    """What SQL would take for the work that stays in Python: each query timed once on the database zone."""
    import numpy as np

    import zonemap
    from zonemap import pgstore

    location = pgstore.parse_location(url)
    parcels, boundary = (f'"{location.zone}".{name}' for name in ("parcels", "boundary"))
    file_areas = zonemap.open(zone).parcel_areas_m2()
    geodetic = zonemap.open(zone).crs.geodetic_crs.to_epsg()
    queries = {
        "fetch_geometry": f"SELECT ST_AsBinary(geom) FROM {parcels}",
        "areas_geography": f"SELECT ST_Area(ST_Transform(geom, {geodetic})::geography) FROM {parcels} ORDER BY fid",
        "overlap_candidates": f"SELECT a.fid, b.fid FROM {parcels} a JOIN {parcels} b ON a.geom && b.geom AND a.fid < b.fid "
        "AND ST_Relate(a.geom, b.geom, 'T********')",
        "outside_candidates": f"SELECT p.fid FROM {parcels} p, {boundary} b WHERE NOT ST_CoveredBy(p.geom, b.geom)",
    }
    timed = {}
    with pgstore.connect(location) as conn:
        for name, query in queries.items():
            start = time.perf_counter()
            rows = conn.execute(query).fetchall()
            timed[f"{name}_seconds"] = time.perf_counter() - start
            if name == "areas_geography":
                timed["areas_geography_max_diff_m2"] = float(np.abs(np.array([a for (a,) in rows]) - file_areas).max())
    return timed


def measure(size: int, workdir: Path, repeats: int, server) -> dict:
    from zonemap import pgstore

    path, _ = run._zone(size, workdir)
    url = server.url(zone=f"synthetic_{size}")
    start = time.perf_counter()
    pgstore.push(path, url)
    push_seconds = time.perf_counter() - start
    load = os.getloadavg()[0]
    entry = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "repeats": repeats, "load_average": load, "push_seconds": push_seconds}
    for work, key in (("areas", "ledger"), ("validate", "validate")):
        times: dict[str, list[float]] = {"gpkg": [], "postgis": []}
        answers = {}
        for _ in range(repeats):
            for store, zone in (("gpkg", path), ("postgis", url)):
                seconds, answers[store] = _seconds(zone, work)
                times[store].append(seconds)
        assert answers["gpkg"] == answers["postgis"], f"the two stores gave different answers to {work}"
        gpkg, postgis = (statistics.median(times[s]) for s in ("gpkg", "postgis"))
        entry |= {f"{key}_gpkg_seconds": gpkg, f"{key}_postgis_seconds": postgis, f"{key}_ratio": postgis / gpkg}
    entry |= {"sql": _in_sql(path, url), "load_average_end": os.getloadavg()[0]}
    return entry


def markdown(entries: dict) -> list[str]:
    """RESULTS.md's section on a zone in PostGIS against the same zone in a GeoPackage."""
    entries = {size: e for size, e in entries.items() if "ledger_ratio" in e}  # runs before validation was timed too
    if not entries:
        return []
    lines = [
        "## A zone in PostGIS against the same zone in a GeoPackage",
        "",
        "Written by `python benchmarks/postgis.py` (see its docstring). `zonemap.open(zone).areas()` and `.validate()`",
        "from a fresh Zone, in one process (one database connection, reused, as a command does), the two stores",
        "alternating; median of the repeats. A throwaway PostgreSQL 15 + PostGIS 3 on this machine (TCP on",
        "127.0.0.1), the load of other jobs on it shown. Both stores gave the same ledger and the same problems (checked each run).",
        "",
        "| parcels | ledger GeoPackage s | ledger PostGIS s | ratio | target | validate GeoPackage s | validate PostGIS s | ratio | push s | when, load |",
        "|---:|---:|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    for size in sorted(entries, key=int):
        e = entries[size]
        verdict = "met" if e["ledger_ratio"] <= TARGET else "not met"
        lines.append(
            f"| {int(size):,} | {e['ledger_gpkg_seconds']:.3f} | {e['ledger_postgis_seconds']:.3f} | {e['ledger_ratio']:.2f} | ≤ {TARGET} ({verdict}) | "
            f"{e['validate_gpkg_seconds']:.3f} | {e['validate_postgis_seconds']:.3f} | {e['validate_ratio']:.2f} | "
            f"{e['push_seconds']:.1f} | {e['when']}, load {e['load_average']:.1f}→{e['load_average_end']:.1f}, {e['repeats']} repeats |"
        )
    lines += [
        "",
        "The same work in SQL, each query once on the same database zone (seconds):",
        "",
        "| parcels | fetch every parcel's WKB | areas as `ST_Area(geography)` (largest difference from the file's) | "
        "overlap candidates (`&&` + `ST_Relate` interiors) | parcels not covered by the boundary |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size in sorted(entries, key=int):
        q = entries[size]["sql"]
        lines.append(
            f"| {int(size):,} | {q['fetch_geometry_seconds']:.3f} | {q['areas_geography_seconds']:.3f} ({q['areas_geography_max_diff_m2']:.1e} m²) | "
            f"{q['overlap_candidates_seconds']:.3f} | {q['outside_candidates_seconds']:.3f} |"
        )
    return [*lines, "", *CHOICE, ""]


#: The choice the figures above support, stated with them in RESULTS.md.
CHOICE = [
    "**The choice.** The ledger reads only what it uses — the parcels' id, status and grouping field with the",
    "geometry, the boundary, roads and holds — and measures areas in Python, as for a file: the same figures to",
    "the last bit on both stores. `ST_Area(geography)` agrees to well under 0.01 m² per parcel, but alone it takes",
    "about as long as the whole ledger in Python and would be a second area algorithm to keep in step. Validation",
    "fetches every parcel's geometry (the cheapest part, first column): every geometry is checked for validity,",
    "and the topology checks find the coverage's rim in one vectorised pass; the GiST index's candidate pairs",
    "(`&&` + `ST_Relate`) alone took longer in SQL than the whole validation in Python, so the work stays in Python.",
]


def main(argv: list[str] | None = None) -> None:
    import postgis_server

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="numbers of parcels")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=run.DEFAULT_WORKDIR, help="where generated zones are kept")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    server = postgis_server.start()
    os.environ["PGPASSWORD"] = postgis_server.PASSWORDS[postgis_server.SUPERUSER]
    try:
        results = run.load_results()
        for size in args.sizes:
            entry = measure(size, args.workdir, args.repeats, server)
            print(size, entry)
            results.setdefault("postgis", {})[str(size)] = entry
            run.save_results(results)
    finally:
        server.stop()
    print(run.RESULTS_MD)


if __name__ == "__main__":
    main()
