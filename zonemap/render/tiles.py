"""The web map's basemap tiles: OpenStreetMap, Tianditu (with its key), AMap, satellite, or none.

Examples
--------
>>> [(layer["name"], layer["options"]["maxNativeZoom"]) for layer in tile_layers("osm", lang="en")]
[('OpenStreetMap', 19)]
>>> tile_layers("none", lang="zh")
[]
"""

from __future__ import annotations

import os
import re

import xyzservices

from zonemap.render.escape import html_text
from zonemap.render.page import MapError
from zonemap.render.text import TEXT

BASEMAPS: tuple[str, ...] = ("osm", "tianditu", "gaode", "satellite", "none")
#: Tianditu keys are letters and digits, of this many characters (the console issues 32).
TIANDITU_KEY_LENGTH = (8, 64)
_TIANDITU_KEY = re.compile(rf"[0-9A-Za-z]{{{TIANDITU_KEY_LENGTH[0]},{TIANDITU_KEY_LENGTH[1]}}}")
#: The closest a planner can zoom: a building's corner, about 0.1 m a pixel.
MAX_ZOOM = 20


def _tiles(provider: xyzservices.TileProvider, name: str, *, overlay: bool = False) -> dict:
    """Tiles that stay on screen up to the map's last zoom, enlarged past the provider's own:
    the name the layer control shows (as markup, so escaped), the URL and Leaflet's ``L.tileLayer`` options."""
    return {
        "name": html_text(name),
        "overlay": overlay,
        "url": provider.build_url(fill_subdomain=False, scale_factor="{r}"),
        "options": {
            "minZoom": 0,
            "maxZoom": MAX_ZOOM,
            "maxNativeZoom": provider.get("max_zoom", 18),
            "attribution": provider.html_attribution,
            "subdomains": provider.get("subdomains", "abc"),
        },
    }


def _tianditu_key(tianditu_key: str | None) -> str:
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
    return key


def tile_layers(basemap: str, *, lang: str, tianditu_key: str | None = None) -> list[dict]:
    """The tile layers of ``basemap`` (none for ``none``), named in ``lang``, as ``zonemap.js`` adds them (see :func:`_tiles`)."""
    if basemap not in BASEMAPS:
        raise MapError(f"unknown basemap {basemap!r}; use one of {', '.join(BASEMAPS)}")
    text = TEXT[lang]
    if basemap == "none":
        return []
    if basemap == "tianditu":
        key = _tianditu_key(tianditu_key)

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
