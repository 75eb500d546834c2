"""The shareable zone map: one HTML file that draws offline and is safe to forward.

The page is a :class:`folium.Map` whose parcels, roads, buildings and
boundary are not GeoJSON features but one compact data block
(:mod:`zonemap.render.encode`) drawn by ``static/zonemap.js`` on canvases,
so the same code serves a zone of a dozen parcels and a county of 10^5.
What it shows is the zone's :class:`~zonemap.render.page.Page`; every string reaches the page
inside that block (gzipped, base64: no text can end its element), and the
script puts it in with ``textContent``. None of our data passes through
Jinja: branca re-parses macro output as a template, so data markup is placed raw.

Examples
--------
>>> import zonemap
>>> m = build_map(zonemap.open(zonemap.sample_path()), basemap="none")
>>> html = m.get_root().render()
>>> "<script src=" in html
False
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from zonemap.evaluate import EvaluationError, latest_evaluation
from zonemap.i18n import LANGS
from zonemap.render.assets import LEAFLET_CDN, page_assets
from zonemap.render.encode import pack
from zonemap.render.escape import html_text, script_json
from zonemap.render.page import STYLES, MapError, build_page
from zonemap.render.tiles import BASEMAPS, MAX_ZOOM, tile_layers
from zonemap.render.web import GCJ02_BASEMAPS, web_layers
from zonemap.units import DECIMALS, M2_PER_UNIT

if TYPE_CHECKING:
    from zonemap.zone import Zone

__all__ = ["BASEMAPS", "LANGS", "MapError", "build_map"]


class _Raw(Element):
    """Markup placed in the page as it is: never parsed as a Jinja template."""

    def __init__(self, markup: str):
        super().__init__()
        self.markup = markup

    def render(self, **kwargs) -> str:
        return self.markup


class _ZonePage(MacroElement):
    """Our assets, the data block and the script that builds the page from it."""

    def __init__(self, data: dict, *, cdn: bool, too_old: str):
        super().__init__()
        self._name = "ZonePage"
        self.data = data
        self.cdn = cdn
        self.too_old = too_old
        self.keys = [key for key in ("parcels", "holds", "labels", "roads", "buildings", "boundary") if key in data["layers"] or key == "labels"]

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        data_id = f"{self.get_name()}_data"
        figure.header.add_child(_Raw(page_assets(cdn=self.cdn)), name="zonemap_assets")
        figure.html.add_child(
            _Raw(f'<script type="application/octet-stream" id="{data_id}">{pack(self.data)}</script>'), name=data_id
        )
        # The layers exist at once, for the layer control; they draw once the block is unpacked.
        figure.script.add_child(
            _Raw(f'var {self.get_name()} = zonemap.page({self._parent.get_name()}, "{data_id}", {json.dumps(self.keys)}, {script_json(self.too_old)});'),
            name=self.get_name(),
        )


class _ZoneLayer(folium.map.Layer):
    """One of the page's canvases, as a folium layer so LayerControl lists it."""

    _template = Template(
        "{% macro script(this, kwargs) %}var {{ this.get_name() }} = {{ this.page.get_name() }}.layers[{{ this.key|tojson }}];{% endmacro %}"
    )

    def __init__(self, page: _ZonePage, key: str, name: str):
        super().__init__(name=html_text(name), overlay=True, control=True, show=True)
        self._name = "ZoneLayer"
        self.page = page
        self.key = key


def build_map(
    zone: Zone,
    *,
    basemap: str = "osm",
    lang: str = "zh",
    cdn: bool = False,
    title: str | None = None,
    tianditu_key: str | None = None,
    compare: dict | None = None,
    color_by: str = "status",
) -> folium.Map:
    """The zone's shareable map as a :class:`folium.Map`; ``.save(path)`` writes it.

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
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=15,
        tiles=None,
        max_zoom=MAX_ZOOM,
        zoom_snap=0.25,
        zoom_delta=0.5,
        prefer_canvas=True,
    )
    m.default_js = [("leaflet", LEAFLET_CDN["js"])] if cdn else []
    m.default_css = [("leaflet_css", LEAFLET_CDN["css"])] if cdn else []
    m.get_root().title = html_text(page.title)
    for tile in tiles:
        m.add_child(tile)

    zone_page = _ZonePage(
        {
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
        },
        cdn=cdn,
        too_old=text["browser_too_old"],
    )
    m.add_child(zone_page)
    for key in zone_page.keys:
        m.add_child(_ZoneLayer(zone_page, key, text[key]))
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m
