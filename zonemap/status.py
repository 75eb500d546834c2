"""The parcel status model: the three statuses, their labels and colours.

Examples
--------
>>> parse_status("已入驻")
'tenant'
>>> parse_status("空地")
'vacant'
>>> parse_status("sold") is None
True
"""

from __future__ import annotations

from zonemap.i18n import LANGS, word, word_or

STATUSES: tuple[str, ...] = ("developed", "vacant", "tenant")

#: The labels, a view of :mod:`zonemap.i18n` (section ``status.``).
STATUS_LABELS: dict[str, dict[str, str]] = {status: {lang: word(f"status.{status}", lang) for lang in LANGS} for status in STATUSES}

#: Okabe–Ito colours, distinguishable with the common colour-vision
#: deficiencies; the map and the QGIS styles both take them from here.
STATUS_COLOURS: dict[str, str] = {
    "developed": "#0072B2",
    "vacant": "#F0E442",
    "tenant": "#D55E00",
}

#: Values survey institutes and planners write for each status.
STATUS_ALIASES: dict[str, tuple[str, ...]] = {
    "developed": ("developed", "已开发", "已开发待入驻", "待入驻", "已平整", "熟地", "serviced"),
    "vacant": ("vacant", "未开发", "空地", "空闲", "未利用", "生地", "undeveloped", "raw"),
    "tenant": ("tenant", "已入驻", "入驻", "已出让", "已使用", "occupied", "let"),
}

_ALIAS_TO_STATUS = {
    alias.casefold(): status for status, aliases in STATUS_ALIASES.items() for alias in aliases
}


def parse_status(value: object) -> str | None:
    """The canonical status for a value written in Chinese or English, else None."""
    if not isinstance(value, str):
        return None
    return _ALIAS_TO_STATUS.get(value.strip().casefold())


def status_label(status: str, lang: str = "zh") -> str:
    """The label of a status in ``lang`` (``zh`` or ``en``); unknown values as given."""
    return word_or(f"status.{status}", lang, status)
