"""The shareable zone map: one HTML file that draws offline and is safe to forward.

The page is written directly (no template engine): Leaflet and
``static/zonemap.js`` inline, one compact data block
(:mod:`zonemap.render.encode`) with the parcels, roads, buildings and
boundary, and one call, ``zonemap.open(settings)``, that makes the Leaflet
map, its tiles, the canvases drawing the block, and the layer control.
So the same code serves a zone of a dozen parcels and a county of 10^5.
What it shows is the zone's :class:`~zonemap.render.page.Page`; every string
reaches the page inside that block (gzipped, base64: no text can end its
element), and the script puts it in with ``textContent``; the settings go in
as script-safe JSON, the title and layer names HTML-escaped.

:func:`build_map` gives the same page as a :class:`folium.Map` for notebooks
(it shows inline, ``.save()`` writes it); folium is imported only there.

Examples
--------
>>> import zonemap
>>> html = page_html(zonemap.open(zonemap.sample_path()), basemap="none")
>>> "<script src=" in html, 'id="zonemap-data"' in html
(False, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zonemap.evaluate import EvaluationError, latest_evaluation
from zonemap.i18n import LANGS
from zonemap.render.assets import page_assets
from zonemap.render.encode import pack
from zonemap.render.escape import html_text, script_json
from zonemap.render.page import STYLES, MapError, build_page
from zonemap.render.tiles import BASEMAPS, MAX_ZOOM, tile_layers
from zonemap.render.web import GCJ02_BASEMAPS, web_layers
from zonemap.units import DECIMALS, M2_PER_UNIT

if TYPE_CHECKING:
    import folium

    from zonemap.zone import Zone

__all__ = ["BASEMAPS", "LANGS", "MapError", "build_map", "page_html"]

#: The canvases, bottom to top, as the layer control lists them (labels: the parcels' own, on top).
_KEYS = ("parcels", "holds", "labels", "roads", "buildings", "boundary")

_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0, maximum-scale=1.0, user-scalable=no">
<title>{title}</title>
<style>html, body {{ width: 100%; height: 100%; margin: 0; padding: 0; }}</style>
{assets}
</head>
<body>
<div class="zm-map" id="zonemap-map"></div>
<script type="application/octet-stream" id="zonemap-data">{data}</script>
<script>var zonemapPage = zonemap.open({settings});</script>
</body>
</html>
"""


def page_html(
    zone: Zone,
    *,
    basemap: str = "osm",
    lang: str = "zh",
    cdn: bool = False,
    title: str | None = None,
    tianditu_key: str | None = None,
    compare: dict | None = None,
    color_by: str = "status",
) -> str:
    """The zone's shareable map: the whole HTML page, which draws with no network but the basemap's tiles.

    Parameters
    ----------
    zone : the zone to draw
    basemap : ``osm``, ``tianditu`` (needs ``tianditu_key`` or ``TIANDITU_KEY``),
        ``gaode`` (geometry shifted to GCJ-02), ``satellite`` or ``none``
    lang : ``zh`` or ``en``, for every label on the page
    cdn : link Leaflet from a CDN instead of inlining it (a smaller file that needs the internet)
    title : the page title; by default the zone's name and "用地现状图"
    compare : a :func:`zonemap.diff.diff` report from an older version to ``zone``:
        parcels are then coloured by what changed (added, split, merged, status,
        tenant, area) and the legend counts each kind and what was removed
    color_by : ``status``, or ``class``: parcels coloured by their tenant's 亩均效益
        class (A/B/C/D) of the latest year the zone has results for
    """
    if basemap not in BASEMAPS:
        raise MapError(f"unknown basemap {basemap!r}; use one of {', '.join(BASEMAPS)}")
    if lang not in LANGS:
        raise MapError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    tiles = tile_layers(basemap, lang=lang, tianditu_key=tianditu_key)
    evaluation = None
    if color_by == "class":
        evaluation = latest_evaluation(zone)
        if evaluation is None:
            raise EvaluationError(f"{zone.path}: --color-by class needs tenants' results; import them with `zonemap results import {zone.path} FILE.xlsx --year Y`")
    elif color_by != "status":
        raise MapError(f"unknown --color-by {color_by!r}; use status or class")
    rings = {"parcels": zone.parcel_rings()}  # first: the ledger's areas are measured from them
    page = build_page(zone, lang=lang, title=title, compare=compare, evaluation=evaluation)
    specs, bounds = web_layers(page, basemap=basemap, rings=rings)
    text = page.words
    (south, west), (north, east) = bounds
    data = {
        "lang": lang,
        "title": page.title,
        "text": {**text, "mu": page.mu},
        "decimals": DECIMALS["mu"],
        "mu_per_m2": 1 / M2_PER_UNIT["mu"],
        "legend": page.legend,
        "summary": page.summary,
        "note": text["gcj02_note"] if basemap in GCJ02_BASEMAPS else None,
        "highlight": STYLES["highlight"],
        "bounds": bounds,
        "layers": specs,
    }
    keys = [key for key in _KEYS if key in specs or key == "labels"]
    settings = {
        "element": "zonemap-map",
        "map": {
            "center": [(south + north) / 2, (west + east) / 2],  # until the page fits the zone beside its panels
            "zoom": 15,
            "maxZoom": MAX_ZOOM,
            "preferCanvas": True,
            "zoomSnap": 0.25,
            "zoomDelta": 0.5,
        },
        "tiles": tiles,
        "data": "zonemap-data",
        "keys": keys,
        "names": {key: html_text(text[key]) for key in keys},
        "tooOld": text["browser_too_old"],
    }
    return _PAGE.format(title=html_text(page.title), assets=page_assets(cdn=cdn), data=pack(data), settings=script_json(settings))


def build_map(zone: Zone, **options) -> folium.Map:
    """The page of :func:`page_html` as a :class:`folium.Map`, for notebooks: it shows inline and
    ``.save(path)`` writes the page. It is zonemap's page, not folium's: layers added to it with folium are not drawn.
    """
    import folium
    from branca.element import Figure

    class _Page(Figure):
        """The map's root: ``.save()``, the notebook's inline view and ``get_root().render()`` all render it."""

        def render(self, **kwargs) -> str:
            return html

    html = page_html(zone, **options)
    shown = folium.Map(tiles=None)
    _Page().add_child(shown)
    return shown
