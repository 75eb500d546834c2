"""Every string that reaches a page goes through here, so it shows as text.

Two contexts exist in our pages: HTML text (the ``<title>``, names Leaflet
inserts as HTML such as layer-control labels) and JSON data read by our
script, which builds every label, legend row and popup with ``textContent``.

Examples
--------
>>> html_text('<img src=x onerror="alert(1)">')
'&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
>>> script_json({"tenant": "</script><script>alert(1)</script>"})
'{"tenant":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import html
import json

# Characters that could end a <script> element, open a comment or end a JS
# string line; as JSON escapes they keep their meaning for JSON.parse.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def html_text(value: object) -> str:
    """``value`` as HTML text, quotes included, so it can go in text or an attribute."""
    return html.escape(str(value), quote=True)


def script_json(data: object) -> str:
    """``data`` as compact JSON that is safe inside a ``<script>`` element.

    NaN is not JSON: callers pass ``None`` for missing values.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for unsafe, escaped in _SCRIPT_UNSAFE.items():  # str.replace: fast on megabytes, unlike translate
        text = text.replace(unsafe, escaped)
    return text
