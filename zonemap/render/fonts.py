"""A font with Chinese glyphs for the pages matplotlib draws (print map, 界址点 sheet).

The PDF pages embed it as TrueType (``pdf.fonttype`` 42), so the Chinese is
real text a reader can search and copy, on any machine that opens the file.
Found among the system's fonts: Windows' SimHei / Microsoft YaHei, Debian's
fonts-wqy-microhei or fonts-noto-cjk, macOS's PingFang.

Examples
--------
>>> rc = print_rc("en")
>>> rc["pdf.fonttype"], rc["svg.fonttype"]
(42, 'none')
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

from zonemap.errors import ZonemapError

#: Fonts with Chinese glyphs, most wanted first (Debian's fonts-wqy-microhei is what CI installs).
CJK_FONTS = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "AR PL UMing CN",
)
#: Parts of font file names worth registering when matplotlib's cache predates them.
_CJK_FILES = ("wqy", "notosanscjk", "notoserifcjk", "sourcehansans", "simhei", "msyh", "pingfang")
INSTALL_HINT = (
    "install a font with Chinese glyphs (Debian/Ubuntu: apt-get install fonts-wqy-microhei; "
    "Windows has SimHei and Microsoft YaHei)"
)


class FontError(ZonemapError):
    """No font with Chinese glyphs is installed."""


def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None."""
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    for wanted in CJK_FONTS:
        if wanted in names:
            return wanted
    # Fonts installed after matplotlib built its cache are not in it yet.
    for path in font_manager.findSystemFonts():
        if any(key in Path(path).name.lower() for key in _CJK_FILES):
            font_manager.fontManager.addfont(path)
    names = {font.name for font in font_manager.fontManager.ttflist}
    return next((wanted for wanted in CJK_FONTS if wanted in names), None)


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese, Japanese or Korean character (which DejaVu Sans lacks)."""
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def print_rc(lang: str, *, what: str = "this page", texts: Iterable[str] = (), required: bool = True) -> dict:
    """matplotlib settings for a printable page in ``lang``: TrueType embedded, a CJK font when there is one.

    A Chinese page, or ``texts`` (names from the data) with Chinese in them,
    without a CJK font raises :class:`FontError` naming what to install: never
    boxes for glyphs. ``required=False`` is for SVG, whose text the browser
    draws with its own fonts (``svg.fonttype`` none): then no font is needed here.
    """
    font = cjk_font()
    if required and font is None and (lang == "zh" or any(has_cjk(text) for text in texts)):
        raise FontError(f"no font with Chinese glyphs found for {what}: {INSTALL_HINT}")
    return {
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "axes.unicode_minus": False,
        # Names from the data are drawn as typed: no mathtext ("$5 and $6" keeps its dollars, "$\\foo$" is no command).
        "text.parse_math": False,
        "text.usetex": False,
    }
