"""The page's scripts and styles: Leaflet from the ``xstatic-leaflet`` package, and ours.

Self-contained pages carry everything inline, images as ``data:`` URIs, so
the map draws with no network at all; ``cdn=True`` links Leaflet from the
CDN (the same release) for a smaller file.

Examples
--------
>>> markup = page_assets(cdn=False)
>>> "L.version" in markup or "leaflet" in markup.lower()
True
>>> "<script src=" in markup
False
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

from xstatic.pkg import leaflet as xstatic_leaflet

LEAFLET_DIR = Path(xstatic_leaflet.BASE_DIR)
STATIC_DIR = Path(__file__).resolve().parent / "static"
#: The same Leaflet release on a CDN (where folium links it from too).
LEAFLET_CDN = {kind: f"https://cdn.jsdelivr.net/npm/leaflet@{xstatic_leaflet.VERSION}/dist/leaflet.{kind}" for kind in ("js", "css")}

_CSS_URL = re.compile(r"url\((images/[\w@.-]+\.png)\)")
# Inline code must not close its own element; "<\/" means "</" in JS strings and regexes.
_SCRIPT_END = re.compile(r"</(?=script)", re.IGNORECASE)


def _inline_images(css: str, base: Path) -> str:
    def data_uri(match: re.Match) -> str:
        payload = base64.b64encode((base / match.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{payload})"

    return _CSS_URL.sub(data_uri, css)


def _script(code: str) -> str:
    return "<script>" + _SCRIPT_END.sub(r"<\\/", code) + "</script>"


def _style(css: str) -> str:
    # CSS has no strings that need "</"; a stray one would end the element.
    return "<style>" + css.replace("</", "") + "</style>"


@lru_cache(maxsize=2)
def page_assets(*, cdn: bool) -> str:
    """The ``<head>`` markup for Leaflet and zonemap's own script and styles."""
    if cdn:
        leaflet = f'<link rel="stylesheet" href="{LEAFLET_CDN["css"]}"/><script src="{LEAFLET_CDN["js"]}"></script>'
    else:
        css = _inline_images((LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8"), LEAFLET_DIR)
        leaflet = _style(css) + _script((LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8"))
    ours = _style((STATIC_DIR / "zonemap.css").read_text(encoding="utf-8")) + _script(
        (STATIC_DIR / "zonemap.js").read_text(encoding="utf-8")
    )
    return leaflet + ours
