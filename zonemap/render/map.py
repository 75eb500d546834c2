"""The shareable zone map: one HTML file that draws offline and is safe to forward.

The page is a :class:`folium.Map` whose parcels, roads, buildings and
boundary are not GeoJSON features but one compact JSON block
(:mod:`zonemap.render.encode`) drawn by ``static/zonemap.js`` on canvases,
so the same code serves a zone of a dozen parcels and a county of 10^5.
Every figure comes from :mod:`zonemap.areas`; every string reaches the page
as JSON data that the script puts in with ``textContent``
(:mod:`zonemap.render.escape`). None of our data passes through Jinja:
branca re-parses macro output as a template, so data markup is placed raw.

Examples
--------
>>> import zonemap
>>> m = build_map(zonemap.open(zonemap.sample_path()), basemap="none")
>>> html = m.get_root().render()
>>> "<script src=" in html
False
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xyzservices
from branca.element import Element, MacroElement
from folium.template import Template

from zonemap.diff import CHANGE_LABELS, changed_parcels
from zonemap.errors import ZonemapError
from zonemap.i18n import land_use_name
from zonemap.render.assets import LEAFLET_CDN, page_assets
from zonemap.render.encode import encode_points, encode_polygons
from zonemap.render.escape import html_text, script_json
from zonemap.render.gcj02 import wgs84_to_gcj02
from zonemap.render.text import TEXT
from zonemap.status import STATUS_COLOURS, STATUSES, status_label
from zonemap.units import DECIMALS, M2_PER_UNIT, UNIT_LABELS

if TYPE_CHECKING:
    from zonemap.zone import Zone

BASEMAPS: tuple[str, ...] = ("osm", "tianditu", "gaode", "satellite", "none")
LANGS: tuple[str, ...] = ("zh", "en")
#: Basemaps whose tiles are drawn in GCJ-02: our WGS84 geometry is shifted to match.
GCJ02_BASEMAPS = frozenset({"gaode"})
#: Tianditu keys are letters and digits, of this many characters (the console issues 32).
TIANDITU_KEY_LENGTH = (8, 64)
_TIANDITU_KEY = re.compile(rf"[0-9A-Za-z]{{{TIANDITU_KEY_LENGTH[0]},{TIANDITU_KEY_LENGTH[1]}}}")
_UNKNOWN_COLOUR = "#999999"
#: The closest a planner can zoom: a building's corner, about 0.1 m a pixel.
MAX_ZOOM = 20

_STYLES = {
    "boundary": {"fill": None, "fillOpacity": 0, "stroke": "#C00000", "weight": 3, "dash": [12, 6]},
    "roads": {"fill": "#B8B8B8", "fillOpacity": 0.9, "stroke": "#8C8C8C", "weight": 0.8},
    "in_use": {"fill": "#3C3C3C", "fillOpacity": 0.85, "stroke": "#1E1E1E", "weight": 1},
    "idle": {"fill": "#FFFFFF", "fillOpacity": 0.75, "stroke": "#3C3C3C", "weight": 1.5, "dash": [4, 3]},
    "highlight": {"fill": "#FFFFFF", "fillOpacity": 0.25, "stroke": "#111111", "weight": 3},
}


#: Fill colours of a --compare map, by kind of change (Okabe–Ito, unchanged land greyed out).
_CHANGE_COLOURS = {
    "added": "#009E73",
    "split": "#CC79A7",
    "merged": "#56B4E9",
    "status": "#E69F00",
    "tenant": "#D55E00",
    "area": "#F0E442",
    "unchanged": "#E6E6E6",
}


class MapError(ZonemapError):
    """The map cannot be made as asked (e.g. a basemap without its key)."""


def _status_style(status: str) -> dict:
    return {
        "fill": STATUS_COLOURS.get(status, _UNKNOWN_COLOUR),
        "fillOpacity": 0.62,
        "stroke": "#FFFFFF",
        "weight": 1.2,
    }


def web_geometries(geoms: gpd.GeoSeries, *, basemap: str) -> np.ndarray:
    """A layer's geometries in lon/lat for the web map: WGS84, or GCJ-02 for AMap tiles."""
    lonlat = np.asarray(geoms.to_crs("EPSG:4326").values, dtype=object)
    if basemap not in GCJ02_BASEMAPS:
        return lonlat

    def shift(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(wgs84_to_gcj02(xy[:, 0], xy[:, 1]))

    return shapely.transform(lonlat, shift)


def _json_values(series: pd.Series, *, decimals: int | None = None) -> list | dict:
    """A column as JSON: a list (None for missing; numbers rounded, text as str), or,
    when few values repeat over many rows, ``{"values": [...], "codes": [...]}``
    with code -1 for missing, which ``zonemap.js`` reads the same way.
    """
    if decimals is None:
        missing = series.isna().to_numpy()
        values = series.astype(str).to_numpy(dtype=object, copy=True)
    else:
        numbers = pd.to_numeric(series, errors="coerce").round(decimals)
        missing = numbers.isna().to_numpy()
        values = numbers.to_numpy(dtype=object, copy=True)
    values[missing] = None
    codes, uniques = pd.factorize(values)
    if len(values) >= 64 and len(uniques) * 4 <= len(values):
        return {"values": list(uniques), "codes": codes.tolist()}
    return values.tolist()


def _number_row(key: str, label: str, column: str, decimals: int, unit: str = "", factor: float = 1.0) -> dict:
    return {
        "key": key,
        "label": label,
        "column": column,
        "format": "number",
        "decimals": decimals,
        "unit": unit,
        "factor": factor,
    }


def _parcels_spec(zone: Zone, text: dict, lang: str, basemap: str, changes: dict[str, str] | None = None) -> dict:
    """Parcels coloured by status, or, given ``changes`` (id → kind), by kind of change."""
    parcels = zone.parcels
    area_m2 = zone.parcel_areas_m2()
    area_mu = area_m2 / M2_PER_UNIT["mu"]
    status = parcels["status"].fillna("").astype(str)
    classes = list(STATUSES) + sorted(set(status) - set(STATUSES))
    class_index = {s: i for i, s in enumerate(classes)}
    investment = pd.to_numeric(parcels["investment_wan"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        intensity = np.where((status == "tenant").to_numpy() & (area_mu > 0), investment / area_mu, np.nan)
    mu_unit = UNIT_LABELS["mu"][lang]
    geoms = web_geometries(parcels.geometry, basemap=basemap)
    class_of = [class_index[s] for s in status]
    styles = [{"label": status_label(s, lang), **_status_style(s)} for s in classes]
    status_row = {"key": "status", "label": text["status"], "format": "class"}
    change_rows, change_columns = [], {}
    if changes is not None:
        kinds = parcels["parcel_id"].map(lambda pid: changes.get(pid, "unchanged")).tolist()
        kind_index = {kind: i for i, kind in enumerate(_CHANGE_COLOURS)}
        class_of = [kind_index[kind] for kind in kinds]
        styles = [
            {"label": CHANGE_LABELS[kind][lang], **_status_style(""), "fill": colour} for kind, colour in _CHANGE_COLOURS.items()
        ]
        # The class is now the change; the status travels as a column of its own.
        status_row = {"key": "status", "label": text["status"], "column": "status_label"}
        change_rows = [{"key": "change", "label": text["change"], "format": "class"}]
        change_columns = {"status_label": _json_values(status.map(lambda s: status_label(s, lang)))}
    return {
        "name": text["parcels"],
        "geometry": encode_polygons(geoms),
        "class_of": class_of,
        "styles": styles,
        "columns": {
            **change_columns,
            "parcel_id": _json_values(parcels["parcel_id"]),
            "tenant": _json_values(parcels["tenant"]),
            "investment_wan": _json_values(parcels["investment_wan"], decimals=2),
            "land_use": _json_values(parcels["land_use"].map(lambda code: land_use_name(code, lang) or None)),
            "note": _json_values(parcels["note"]),
            "area_m2": _json_values(pd.Series(area_m2), decimals=2),
            "intensity": _json_values(pd.Series(intensity), decimals=2),
        },
        "popup": [
            {"key": "parcel_id", "label": text["parcel_id"], "column": "parcel_id"},
            *change_rows,
            status_row,
            {"key": "tenant", "label": text["tenant_name"], "column": "tenant"},
            _number_row("investment", text["investment"], "investment_wan", 2, text["wan"]),
            _number_row("area_mu", text["area"], "area_m2", DECIMALS["mu"], mu_unit, 1 / M2_PER_UNIT["mu"]),
            _number_row("area_m2", "", "area_m2", DECIMALS["m2"], UNIT_LABELS["m2"]["en"]),
            _number_row("intensity", text["intensity"], "intensity", 2, text["wan_per_mu"]),
            {"key": "land_use", "label": text["land_use"], "column": "land_use"},
            {"key": "note", "label": text["note"], "column": "note"},
        ],
        "tooltip": ["parcel_id", "tenant"],
        "search": ["parcel_id", "tenant"],
        "labels": {
            "points": encode_points(shapely.point_on_surface(geoms)),
            "lines": [
                {"column": "parcel_id"},
                _number_row("area_mu", "", "area_m2", DECIMALS["mu"], mu_unit, 1 / M2_PER_UNIT["mu"]),
            ],
        },
    }


def _roads_spec(zone: Zone, text: dict, basemap: str) -> dict:
    roads = zone.roads
    axis = roads["axis"].map(lambda a: text.get(a, a) if isinstance(a, str) else None)
    return {
        "name": text["roads"],
        "geometry": encode_polygons(web_geometries(roads.geometry, basemap=basemap)),
        "styles": [{"label": text["roads"], **_STYLES["roads"]}],
        "columns": {
            "name": _json_values(roads["name"]),
            "axis": _json_values(axis),
            "width_m": _json_values(roads["width_m"], decimals=1),
        },
        "popup": [
            {"key": "name", "label": text["road_name"], "column": "name"},
            {"key": "axis", "label": text["axis"], "column": "axis"},
            _number_row("width", text["width"], "width_m", 1, text["metre"]),
        ],
        "tooltip": ["name"],
    }


def _buildings_spec(zone: Zone, text: dict, basemap: str) -> dict:
    buildings = zone.buildings
    use = buildings["use"].fillna("").astype(str)
    classes = ["in_use", "idle"] + sorted(set(use) - {"in_use", "idle"})
    class_index = {u: i for i, u in enumerate(classes)}
    return {
        "name": text["buildings"],
        "geometry": encode_polygons(web_geometries(buildings.geometry, basemap=basemap)),
        "class_of": [class_index[u] for u in use],
        "styles": [{"label": text.get(u, u) if u else "—", **_STYLES.get(u, _STYLES["in_use"])} for u in classes],
        "columns": {
            "name": _json_values(buildings["name"]),
            "building_id": _json_values(buildings["building_id"]),
            "floors": _json_values(buildings["floors"], decimals=0),
            "floor_area_m2": _json_values(buildings["floor_area_m2"], decimals=1),
        },
        "popup": [
            {"key": "name", "label": text["building"], "column": "name"},
            {"key": "building_id", "label": text["building_id"], "column": "building_id"},
            {"key": "use", "label": text["use"], "format": "class"},
            _number_row("floors", text["floors"], "floors", 0, text["storeys"]),
            _number_row("floor_area", text["floor_area"], "floor_area_m2", DECIMALS["m2"], UNIT_LABELS["m2"]["en"]),
        ],
        "tooltip": ["name"],
    }


def _boundary_spec(zone: Zone, text: dict, basemap: str) -> dict:
    boundary = zone.boundary
    return {
        "name": text["boundary"],
        "geometry": encode_polygons(web_geometries(boundary.geometry, basemap=basemap)),
        "styles": [{"label": text["boundary"], **_STYLES["boundary"]}],
        "columns": {},
    }


def _change_rows(zone: Zone, specs: dict, compare: dict, lang: str) -> list[dict]:
    """Legend rows of a --compare map: parcels and area per kind of change, and what was removed."""
    area_mu = zone.parcel_areas_m2() / M2_PER_UNIT["mu"]
    class_of = np.asarray(specs["parcels"]["class_of"])
    rows = [
        {"key": f"change_{kind}", "label": style["label"], "style": style, "parcels": int((class_of == i).sum()), "area": float(area_mu[class_of == i].sum())}
        for i, (kind, style) in enumerate(zip(_CHANGE_COLOURS, specs["parcels"]["styles"]))
    ]
    removed = compare["removed"]
    rows.append(
        {
            "key": "change_removed",
            "label": CHANGE_LABELS["removed"][lang],
            "style": {"fill": None, "fillOpacity": 0, "stroke": "#999999", "weight": 1, "dash": [3, 3]},
            "parcels": len(removed),
            "area": float(sum(row["area"] for row in removed)),
        }
    )
    return [row for row in rows if row["parcels"] or row["key"] == "change_unchanged"]


def _legend(ledger: dict, specs: dict, text: dict, lang: str, change_rows: list[dict] | None = None) -> list[dict]:
    rows = change_rows or [
        {
            "key": status,
            "label": status_label(status, lang),
            "style": _status_style(status),
            "parcels": group["parcels"],
            "area": group["area"],
        }
        for status, group in ledger["by_status"].items()
    ]
    if "roads" in specs:
        rows.append({"key": "roads", "label": text["roads"], "style": _STYLES["roads"], "area": ledger["roads"]})
    if "buildings" in specs:
        rows += [
            {"key": f"building_{i}", "label": text["building_class"].format(use=style["label"]), "style": style}
            for i, style in enumerate(specs["buildings"]["styles"])
        ]
    rows.append({"key": "boundary", "label": text["boundary"], "style": _STYLES["boundary"]})
    return rows


def _summary(ledger: dict, text: dict, lang: str) -> list[dict]:
    decimals = DECIMALS["mu"]
    unit = UNIT_LABELS["mu"][lang]

    def row(key: str, label: str, value, indent: bool = False) -> dict:
        return {"key": key, "label": label, "value": value, "decimals": decimals, "unit": unit, "indent": indent}

    boundary = ledger["boundary"]
    return [
        row("planned", text["planned"], ledger["planned"]),
        row("boundary", text["boundary_measured"], boundary),
        row("developed_total", text["developed_total"], ledger["developed_total"]),
        row("tenant", text["tenant"], ledger["by_status"]["tenant"]["area"], indent=True),
        row("remaining", text["remaining"], ledger["remaining"]),
        row("ready", text["ready"], ledger["ready"], indent=True),
        row("raw", text["raw"], ledger["raw"], indent=True),
        row("roads", text["roads_area"], ledger["roads"]),
        {
            "key": "developed_share",
            "label": text["developed_share"],
            "value": 100 * ledger["developed_total"] / boundary if boundary else None,
            "decimals": 1,
            "unit": "%",
            "indent": False,
        },
    ]


def _tiles(provider: xyzservices.TileProvider, name: str, *, overlay: bool = False) -> folium.TileLayer:
    """Tiles that stay on screen up to the map's last zoom, enlarged past the provider's own."""
    native = provider.get("max_zoom", 18)
    return folium.TileLayer(provider, name=html_text(name), overlay=overlay, max_zoom=MAX_ZOOM, max_native_zoom=native)


def _tile_layers(basemap: str, text: dict, lang: str, tianditu_key: str | None) -> list[folium.TileLayer]:
    if basemap == "none":
        return []
    if basemap == "tianditu":
        key = tianditu_key or os.environ.get("TIANDITU_KEY")
        if not key:
            raise MapError(
                "--basemap tianditu needs a Tianditu key: pass --tianditu-key KEY or set TIANDITU_KEY "
                "(a free browser key from console.tianditu.gov.cn), or choose another --basemap"
            )
        if not _TIANDITU_KEY.fullmatch(key):
            raise MapError(
                f"the Tianditu key must be {TIANDITU_KEY_LENGTH[0]} to {TIANDITU_KEY_LENGTH[1]} letters and digits "
                f"(the console issues 32, e.g. 0123456789abcdef0123456789abcdef); this one has {len(key)} characters"
                f"{'' if key.isascii() and key.isalnum() else ', not all letters and digits'}; check --tianditu-key"
            )

        def tianditu(layer: str, name: str) -> xyzservices.TileProvider:
            return xyzservices.TileProvider(
                name=name,
                url=f"https://t{{s}}.tianditu.gov.cn/DataServer?T={layer}_w&x={{x}}&y={{y}}&l={{z}}&tk={key}",
                attribution="© 天地图 Tianditu",
                subdomains="01234567",
                max_zoom=18,
            )

        labels = "cva" if lang == "zh" else "eva"
        return [
            _tiles(tianditu("vec", "tianditu"), text["tianditu"]),
            _tiles(tianditu(labels, "tianditu_labels"), text["tianditu_labels"], overlay=True),
        ]
    provider = {
        "osm": xyzservices.providers.OpenStreetMap.Mapnik,
        "gaode": xyzservices.providers.Gaode.Normal,
        "satellite": xyzservices.providers.Esri.WorldImagery,
    }[basemap]
    return [_tiles(provider, text[basemap])]


class _Raw(Element):
    """Markup placed in the page as it is: never parsed as a Jinja template."""

    def __init__(self, markup: str):
        super().__init__()
        self.markup = markup

    def render(self, **kwargs) -> str:
        return self.markup


class _ZonePage(MacroElement):
    """Our assets, the JSON data block and the script that builds the page from it."""

    def __init__(self, data: dict, *, cdn: bool):
        super().__init__()
        self._name = "ZonePage"
        self.data = data
        self.cdn = cdn

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        data_id = f"{self.get_name()}_data"
        figure.header.add_child(_Raw(page_assets(cdn=self.cdn)), name="zonemap_assets")
        figure.html.add_child(
            _Raw(f'<script type="application/json" id="{data_id}">{script_json(self.data)}</script>'), name=data_id
        )
        figure.script.add_child(
            _Raw(f'var {self.get_name()} = zonemap.page({self._parent.get_name()}, "{data_id}");'), name=self.get_name()
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
    """
    if basemap not in BASEMAPS:
        raise MapError(f"unknown basemap {basemap!r}; use one of {', '.join(BASEMAPS)}")
    if lang not in LANGS:
        raise MapError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    text = TEXT[lang]
    tiles = _tile_layers(basemap, text, lang, tianditu_key)
    ledger = zone.areas(unit="mu")
    title_format = text["compare_title"] if compare is not None else text["title"]
    title = title if title is not None else title_format.format(zone=zone.name)

    changes = changed_parcels(compare) if compare is not None else None
    specs = {"parcels": _parcels_spec(zone, text, lang, basemap, changes)}
    if len(zone.roads):
        specs["roads"] = _roads_spec(zone, text, basemap)
    if len(zone.buildings):
        specs["buildings"] = _buildings_spec(zone, text, basemap)
    specs["boundary"] = _boundary_spec(zone, text, basemap)

    outline = zone.boundary if len(zone.boundary) else zone.parcels
    west, south, east, north = shapely.total_bounds(web_geometries(outline.geometry, basemap=basemap))
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
    m.get_root().title = html_text(title)
    for tile in tiles:
        m.add_child(tile)

    page = _ZonePage(
        {
            "lang": lang,
            "title": title,
            "text": {**text, "mu": UNIT_LABELS["mu"][lang]},
            "decimals": DECIMALS["mu"],
            "mu_per_m2": 1 / M2_PER_UNIT["mu"],
            "legend": _legend(ledger, specs, text, lang, _change_rows(zone, specs, compare, lang) if compare else None),
            "summary": _summary(ledger, text, lang),
            "note": text["gcj02_note"] if basemap in GCJ02_BASEMAPS else None,
            "highlight": _STYLES["highlight"],
            "bounds": [[south, west], [north, east]],
            "layers": specs,
        },
        cdn=cdn,
    )
    m.add_child(page)
    for key in ("parcels", "labels", "roads", "buildings", "boundary"):
        if key in specs or key == "labels":
            m.add_child(_ZoneLayer(page, key, text[key]))
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m
