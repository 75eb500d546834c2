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
import re
import unicodedata

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


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a chart label: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` (as :func:`display_width` counts), an ellipsis marking the cut.

    >>> clip("绿源科技有限公司", 9)
    '绿源科技…'
    """
    if display_width(text) <= columns:
        return text
    shown, width = [], 1  # room for the ellipsis
    for ch in text:
        width += display_width(ch)
        if width > columns:
            break
        shown.append(ch)
    return "".join(shown) + "…"


# Every ASCII character Markdown gives a meaning inline (links, images, emphasis, code, tables, raw
# HTML, entities); a backslash makes each plain text (CommonMark: any ASCII punctuation may be escaped).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>!|&~{}#$])")


def markdown_text(value: object) -> str:
    r"""``value`` as Markdown that shows as that text: no link, image, emphasis, HTML or table cell break.

    >>> print(markdown_text("[click](javascript:alert(1)) *x*"))
    \[click\]\(javascript:alert\(1\)\) \*x\*
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).splitlines()))
