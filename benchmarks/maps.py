"""The zone map against its peers, in one run: build time, size, drawn offline, pan.

Each tool builds the same zone's parcels into one HTML page in a fresh
process, timed whole (start-up and imports included), as a user waits for
it; the tools alternate within each repeat and the medians are kept:

- ``zonemap``: ``zonemap map ZONE -o PAGE`` (the CLI, every feature on), the
  zone validated for its warning as on a file's first map (an empty cache);
- ``zonemap_remembered``: the same once the file's validation is remembered
  (after ``zonemap validate`` or an earlier map of the same file);
- ``lonboard``: ``lonboard.viz(gdf).to_html(PAGE)`` after a pyogrio read;
- ``explore``: ``gdf.explore().save(PAGE)`` (folium, SVG), up to 2×10⁴ parcels;
- ``folium_canvas``: the same with ``prefer_canvas=True``, up to 10⁴.

Every page is then opened in the same browser harness (headless Chromium,
1280×800, every request off the machine blocked, as offline from
``file://``): **drawn** is the time from opening until a screenshot shows
every sampled parcel painted (the pixel at a point inside each of
:data:`SAMPLES` random parcels differs from the map's bare background;
points under a control are skipped), taken after the screenshot returns.
For zonemap the page's own flag (every parcel drawn) is recorded too.
folium's pages cannot draw offline (Leaflet comes from a CDN): they are
opened as a copy that takes Leaflet from a local copy of the same files,
as with the internet, and marked not offline.
**Pan** moves the map 20 times by 200 px across and 120 px down, each step
timed to the next animation frame; the mean and the slowest step are kept.

    python benchmarks/maps.py --sizes 10000 20000 --repeats 3
    python benchmarks/maps.py --sizes 100000 300000 --tools zonemap lonboard

Results go into ``benchmarks/results.json`` (key ``maps``) and RESULTS.md.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from benchmarks import run  # noqa: E402 - after the path is set

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 800}
#: Parcels whose painting the screenshot checks.
SAMPLES = 300
#: A pixel this far (largest channel difference, 0–255) from the map's bare background is painted: a screenshot
#: (PNG) of the bare map is exact, and a white outline anti-aliased over a light background differs by little.
PAINTED = 3
#: Give up on a page that has not drawn after this long (lonboard's page never draws offline).
DRAW_TIMEOUT_S = 60
NO_MAP_GRACE_S = 5
DEFAULT_SIZES = (10_000, 20_000, 100_000, 300_000)

# Goals of issue 16, checked in the report.
BUILD_VS_LONBOARD, BUILD_VS_EXPLORE = 0.8, 0.25
PAN_MS, DRAWN_S, SIZE_VS_LONBOARD = 50, 2.0, 0.5


@dataclass(frozen=True)
class Tool:
    label: str
    #: Largest zone the tool is run on (the Leaflet/GeoJSON peers take minutes and gigabytes past it).
    max_size: int | None = None
    #: Opened in the browser (a page the same as another tool's is not).
    browser: bool = True


TOOLS: dict[str, Tool] = {
    "zonemap": Tool("zonemap map (CLI), first map of the file"),
    "zonemap_remembered": Tool("zonemap map, validation remembered", browser=False),
    "lonboard": Tool("lonboard.viz(gdf).to_html()"),
    "explore": Tool("gdf.explore().save()", max_size=20_000),
    "folium_canvas": Tool("gdf.explore(prefer_canvas=True).save()", max_size=10_000),
}


# --- building: one fresh process per page -------------------------------------------------


def build_peer(tool: str, zone: str, out: str) -> None:
    """The peer tools' whole job, run as ``maps.py --build TOOL ZONE OUT``."""
    import warnings

    import geopandas as gpd

    warnings.simplefilter("ignore")  # lonboard's "reprojecting to EPSG:4326" is expected
    parcels = gpd.read_file(zone, layer="parcels")
    if tool == "lonboard":
        import lonboard

        lonboard.viz(parcels).to_html(out)
    else:
        parcels.explore(prefer_canvas=tool == "folium_canvas").save(out)


def _command(tool: str, zone: Path, out: Path) -> list[str]:
    if tool.startswith("zonemap"):
        return [sys.executable, "-m", "zonemap.cli", "map", str(zone), "-o", str(out), "--overwrite", "--quiet"]
    return [sys.executable, __file__, "--build", tool, str(zone), str(out)]


def _environment(tool: str, workdir: Path) -> dict[str, str]:
    """zonemap's remembered validations: none (a fresh folder each time), or the workdir's own."""
    if tool == "zonemap":
        return {**os.environ, "ZONEMAP_CACHE_DIR": tempfile.mkdtemp(prefix="zonemap-cold-", dir=workdir)}
    return {**os.environ, "ZONEMAP_CACHE_DIR": str(workdir / "cache")}


def build(tool: str, zone: Path, out: Path) -> dict:
    """Seconds (wall and CPU) and peak memory of the whole process that writes ``out``."""
    out.unlink(missing_ok=True)
    env = _environment(tool, zone.parent)
    start = time.perf_counter()
    process = subprocess.Popen(_command(tool, zone, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak resident set (POSIX; a benchmark only)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    if tool == "zonemap":
        shutil.rmtree(env["ZONEMAP_CACHE_DIR"])
    if os.waitstatus_to_exitcode(status) != 0 or not out.exists():
        raise SystemExit(f"{tool} failed on {zone}:\n{stderr}")
    cpu = usage.ru_utime + usage.ru_stime  # what the build asked of the machine, whatever else ran on it
    return {"seconds": seconds, "cpu_s": cpu, "peak_mb": usage.ru_maxrss / 1024, "bytes": out.stat().st_size}


# --- the browser harness, the same for every tool -----------------------------------------

# The page's Leaflet map: zonemap's own page keeps it in zonemap.current; folium's is a global of some name.
_FIND_MAP = "((window.zonemap && zonemap.current && zonemap.current.map) || (window.L && Object.values(window).find(v => v instanceof L.Map)))"

# Finds the page's Leaflet map whatever the tool named it, and places the sample points.
_LOCATE = """(points) => {
  const now = performance.now();
  const map = FIND_MAP;
  if (!map || !map._loaded) return {now, map: false, loaded: document.readyState === 'complete'};
  const box = map.getContainer().getBoundingClientRect();
  const at = points.map(([lon, lat]) => {
    const p = map.latLngToContainerPoint([lat, lon]), x = Math.round(box.left + p.x), y = Math.round(box.top + p.y);
    if (x < box.left || y < box.top || x >= box.right || y >= box.bottom || x >= innerWidth || y >= innerHeight) return null;
    const hit = document.elementFromPoint(x, y);
    return hit && hit.closest('.leaflet-control, .leaflet-popup, .leaflet-tooltip, .zm-title') ? null : [x, y];
  });
  const bg = getComputedStyle(map.getContainer()).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number);
  return {now, map: true, at, bg};
}"""

_FLAG = """() => {
  (function poll() {
    const page = window.zonemap && zonemap.current;
    if (page && page.ready && page.layers.parcels.drawn >= page.layers.parcels.layer.geom.n) window.__zmFlag = performance.now();
    else requestAnimationFrame(poll);
  })();
}"""

_PAN = """async () => {
  const map = FIND_MAP, frame = () => new Promise(r => requestAnimationFrame(r));
  map.closePopup();
  await frame(); await frame();
  const steps = [];
  for (let i = 0; i < 20; i++) {
    const start = performance.now();
    map.panBy([i % 2 ? -200 : 200, 120], {animate: false});
    await frame();
    steps.push(performance.now() - start);
  }
  return steps;
}"""
_LOCATE, _PAN = (code.replace("FIND_MAP", _FIND_MAP) for code in (_LOCATE, _PAN))


def sample_points(zone: Path, count: int = SAMPLES) -> list[list[float]]:
    """Lon/lat of a point inside each of ``count`` random parcels (seeded), WGS84.

    Crumbs where roads cross (the generator keeps pieces down to 0.01 m²) are
    no parcels to see at any zoom: only parcels of at least 1% of the median area are drawn from.
    """
    import numpy as np
    import pyogrio
    import shapely

    parcels = pyogrio.read_dataframe(zone, layer="parcels", columns=[])
    area = shapely.area(parcels.geometry.values)
    seen = np.flatnonzero(area >= 0.01 * np.median(area))
    chosen = np.random.default_rng(0).choice(seen, min(count, len(seen)), replace=False)
    points = shapely.point_on_surface(parcels.geometry.iloc[chosen].to_crs("EPSG:4326").values)
    return np.column_stack([shapely.get_x(points), shapely.get_y(points)]).tolist()


def _painted(devtools, at: list, background: list[int]) -> tuple[int, int]:
    """(painted, checked) among the sample pixels, from a screenshot of just the box around them."""
    import numpy as np
    from PIL import Image

    shown = np.array([p for p in at if p is not None]).reshape(-1, 2)
    if not len(shown):
        return 0, 0
    (x0, y0), (x1, y1) = shown.min(axis=0), shown.max(axis=0)
    clip = {"x": int(x0), "y": int(y0), "width": int(x1 - x0 + 1), "height": int(y1 - y0 + 1), "scale": 1}
    shot = devtools.send("Page.captureScreenshot", {"format": "png", "optimizeForSpeed": True, "clip": clip})
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB"), dtype=int)
    colours = pixels[shown[:, 1] - y0, shown[:, 0] - x0]
    return int((np.abs(colours - np.array(background)).max(axis=1) >= PAINTED).sum()), len(shown)


#: Every host name fails to resolve: no request leaves the machine, and none waits on a
#: request handler of the harness (Playwright's routing would cost every tile a round trip).
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND"]
_LEAFLET_CDN = re.compile(r"https://cdn\.jsdelivr\.net/npm/leaflet@[\d.]+/dist/(leaflet\.(?:js|css))")


def _with_local_leaflet(page_path: Path) -> tuple[Path, bool]:
    """The page to open, and whether it is the page itself (True) or a copy that takes
    Leaflet from a local copy of its CDN files: folium's pages cannot draw without them."""
    from zonemap.render.assets import LEAFLET_DIR

    text = page_path.read_text(encoding="utf-8")
    if not _LEAFLET_CDN.search(text):
        return page_path, True
    copy = page_path.with_name(f"{page_path.stem}_local_leaflet.html")
    copy.write_text(_LEAFLET_CDN.sub(lambda match: (LEAFLET_DIR / match.group(1)).as_uri(), text), encoding="utf-8")
    return copy, False


def open_page(browser, page_path: Path, points: list, *, pan: bool) -> dict:
    """One opening of a page with no internet: drawn (screenshot), the page's flag (zonemap), pan steps."""
    opened, offline = _with_local_leaflet(page_path)
    context = browser.new_context(viewport=VIEWPORT)
    refused: list[str] = []
    page = context.new_page()
    page.on("requestfailed", lambda request: refused.append(request.url))
    page.add_init_script(f"({_FLAG})()")
    devtools = context.new_cdp_session(page)  # its bare screenshot: Playwright's own waits for fonts and animations
    try:
        page.goto(opened.as_uri(), wait_until="commit")
        deadline = time.monotonic() + DRAW_TIMEOUT_S
        result = {"drawn_s": None, "checked": 0}
        while time.monotonic() < deadline:
            where = page.evaluate(_LOCATE, points)
            if not where["map"]:
                if where["loaded"]:  # loaded, and no map: give its scripts a few seconds, not the whole minute
                    deadline = min(deadline, time.monotonic() + NO_MAP_GRACE_S)
                time.sleep(0.02)
                continue
            painted, checked = _painted(devtools, where["at"], where["bg"])
            if checked >= len(points) // 2 and painted == checked:
                result = {"drawn_s": page.evaluate("performance.now()") / 1000, "checked": checked}
                break
        if result["drawn_s"] is None:
            why = f"no map appeared; {len(refused)} requests off the machine refused" if not where["map"] else f"{painted} of {checked} sampled parcels painted"
            return {**result, "why": why}
        result["offline"] = offline
        flag = page.evaluate("window.__zmFlag || null")
        result["flag_s"] = flag / 1000 if flag else None
        if pan:
            steps = page.evaluate(_PAN)
            result.update(pan_ms=statistics.mean(steps), pan_worst_ms=max(steps))
        return result
    finally:
        context.close()


def browser_timings(pages: dict[str, Path], points: list, repeats: int) -> dict[str, dict]:
    """Medians per tool over ``repeats`` openings, the tools alternating."""
    from playwright.sync_api import sync_playwright

    runs: dict[str, list[dict]] = {tool: [] for tool in pages}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", *OFFLINE_ARGS])
        try:
            for _ in range(repeats):
                for tool, path in pages.items():
                    if runs[tool] and runs[tool][-1]["drawn_s"] is None:
                        continue  # a page that did not draw once will not the next time
                    runs[tool].append(open_page(browser, path, points, pan=True))
                    print(f"    {tool:<14} browser {runs[tool][-1]}", file=sys.stderr)
        finally:
            browser.close()
    summary = {}
    for tool, done in runs.items():
        drawn = [r for r in done if r["drawn_s"] is not None]
        if not drawn:
            summary[tool] = {"drawn_s": None, "why": done[-1]["why"]}
            continue
        summary[tool] = {key: statistics.median(r[key] for r in drawn) for key in ("drawn_s", "pan_ms", "pan_worst_ms")}
        summary[tool]["checked"] = min(r["checked"] for r in drawn)
        summary[tool]["offline"] = all(r["offline"] for r in drawn)
        flags = [r["flag_s"] for r in drawn if r.get("flag_s")]
        summary[tool]["flag_s"] = statistics.median(flags) if flags else None
    return summary


def measure(size: int, workdir: Path, repeats: int, tools: list[str]) -> dict:
    zone, generated = run._zone(size, workdir)
    chosen = [t for t in tools if TOOLS[t].max_size is None or size <= TOOLS[t].max_size]
    pages = {tool: workdir / f"{zone.stem}_{tool}.html" for tool in chosen}
    entry = {
        "size": size,
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average": os.getloadavg()[0],
        "repeats": repeats,
        "tools": {},
    }
    builds: dict[str, list[dict]] = {tool: [] for tool in chosen}
    if "zonemap_remembered" in chosen:  # remembered from a first map, not timed
        build("zonemap_remembered", zone, pages["zonemap_remembered"])
    for _ in range(repeats):
        for tool in chosen:  # alternate, so a busy spell on the machine hits every tool
            builds[tool].append(build(tool, zone, pages[tool]))
            print(f"{size:>9,} {tool:<14} build {builds[tool][-1]['seconds']:7.2f} s, CPU {builds[tool][-1]['cpu_s']:6.2f} s", file=sys.stderr)
    for tool, done in builds.items():
        entry["tools"][tool] = {
            "build_s": statistics.median(r["seconds"] for r in done),
            "cpu_s": statistics.median(r["cpu_s"] for r in done),
            "peak_mb": max(r["peak_mb"] for r in done),
            "mb": done[-1]["bytes"] / 1e6,
        }
    opened = {tool: page for tool, page in pages.items() if TOOLS[tool].browser}
    for tool, timings in browser_timings(opened, sample_points(zone), repeats).items():
        entry["tools"][tool].update(timings)
    entry["load_average_end"] = os.getloadavg()[0]
    return entry


# --- the report --------------------------------------------------------------------------


def _figure(value, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def _goal(label: str, value: float | None, limit: float, unit: str = "×", aside: str = "") -> str:
    if value is None:
        return f"- {label}: not measured"
    verdict = "**met**" if value <= limit else f"**NOT met** ({value / limit:.2f}× the goal)"
    return f"- {label}: {value:.2f}{unit} (≤ {limit:g}{unit}) — {verdict}{aside}"


def goals(size: int, tools: dict) -> list[str]:
    """Issue 16's goals that apply at this size, each met or its distance."""
    ours = tools.get("zonemap", {})
    lines = []

    def ratio(key: str, peer: str) -> float | None:
        theirs = tools.get(peer, {}).get(key)
        return ours[key] / theirs if theirs and ours.get(key) is not None else None

    def build_goal(peer: str, limit: float) -> list[str]:
        lines = []
        for tool, how in (("zonemap", "first map of the file"), ("zonemap_remembered", "validation remembered")):
            mine, theirs = tools.get(tool, {}), tools.get(peer, {})
            if mine.get("build_s") and theirs.get("build_s"):
                cpu = f"; CPU time {mine['cpu_s'] / theirs['cpu_s']:.2f}×" if mine.get("cpu_s") and theirs.get("cpu_s") else ""
                lines.append(_goal(f"build ÷ {TOOLS[peer].label}'s, {how}", mine["build_s"] / theirs["build_s"], limit, aside=cpu))
        return lines

    if size in (100_000, 300_000):
        lines += build_goal("lonboard", BUILD_VS_LONBOARD)
    if size == 20_000:
        lines += build_goal("explore", BUILD_VS_EXPLORE)
    if size == 100_000:
        lines.append(_goal("pan, ms a step", ours.get("pan_ms"), PAN_MS, " ms"))
        lines.append(_goal("drawn offline, s", ours.get("drawn_s"), DRAWN_S, " s"))
        lines.append(_goal("size ÷ lonboard's", ratio("mb", "lonboard"), SIZE_VS_LONBOARD))
    if size == 10_000 and tools.get("folium_canvas", {}).get("pan_ms"):
        lines.append(_goal("pan ÷ folium canvas's", ratio("pan_ms", "folium_canvas"), 1.0))
    return lines


def markdown(maps: dict) -> list[str]:
    """RESULTS.md's section on the map and its peers."""
    if not maps:
        return []
    lines = [
        "## The map against its peers",
        "",
        "Written by `python benchmarks/maps.py` (see its docstring). Build = the whole process",
        "(start-up, imports, reading the zone, writing the page), median of the repeats, tools",
        "alternating; in brackets its CPU time (user + system, its threads and children included),",
        "which other jobs on the machine move far less than the wall time; drawn = opening the page offline (`file://`, every request off the machine",
        "blocked) until a screenshot shows every sampled parcel painted; pan = a 200-px step to",
        "the next frame (mean of 20, and the slowest); all in the same headless Chromium, 1280×800.",
        "",
    ]
    for size in sorted(maps, key=int):
        entry = maps[size]
        load = f"load average {entry['load_average']:.1f} at the start, {entry.get('load_average_end', entry['load_average']):.1f} at the end"
        lines += [
            f"### {int(size):,} parcels",
            "",
            f"{entry['when']}, {entry['repeats']} repeat(s), {load}.",
            "",
            "| tool | size MB | build s (CPU s) | peak MB | drawn offline s | page's own flag s | pan ms (slowest) | note |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for tool, row in entry["tools"].items():
            pan = "—" if row.get("pan_ms") is None else f"{row['pan_ms']:.0f} ({row['pan_worst_ms']:.0f})"
            if not TOOLS[tool].browser:
                note = "the same page as the first map's"
            elif row.get("drawn_s") is None:
                note = f"does not draw offline: {row['why']}"
            elif not row.get("offline", True):
                note = f"not offline: drawn with Leaflet from its CDN (a local copy here); {row['checked']} parcels checked"
            else:
                note = f"offline; {row['checked']} parcels checked"
            lines.append(
                f"| {TOOLS[tool].label} | {row['mb']:.2f} | {row['build_s']:.2f} ({_figure(row.get('cpu_s'), '.2f')}) | {row['peak_mb']:.0f} | "
                f"{_figure(row.get('drawn_s'), '.2f')} | {_figure(row.get('flag_s'), '.2f')} | {pan} | {note} |"
            )
        lines += ["", *goals(int(size), entry["tools"]), ""]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES), help="numbers of parcels")
    parser.add_argument("--repeats", type=int, default=3, help="builds and openings of each page (median taken)")
    parser.add_argument("--tools", nargs="+", choices=list(TOOLS), default=list(TOOLS))
    parser.add_argument("--workdir", type=Path, default=run.DEFAULT_WORKDIR, help="where generated zones are kept")
    parser.add_argument("--build", nargs=3, metavar=("TOOL", "ZONE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        build_peer(*args.build)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = run.load_results()
    for size in args.sizes:
        entry = measure(size, args.workdir, args.repeats, args.tools)
        earlier = results.setdefault("maps", {}).get(str(size), {}).get("tools", {})
        merged = {**earlier, **entry["tools"]}  # tools not run this time keep their earlier rows
        entry["tools"] = {tool: merged[tool] for tool in TOOLS if tool in merged}
        results["maps"][str(size)] = entry
        run.save_results(results)
    print(run.RESULTS_MD)


if __name__ == "__main__":
    main()
