"""One description of the zone's page, computed once, drawn by every renderer.

A :class:`Page` holds what a map or report shows, in one language and the
zone's native CRS: each layer's features with the columns a reader sees, the
style of each class and which class each feature has, the legend rows (with
parcel counts and 亩 totals), the area-ledger rows and the words. The HTML map
(:mod:`zonemap.render.map`), the print map, the report and the workbook render
it; none of them computes an area or chooses a colour of its own.

Examples
--------
>>> import zonemap
>>> page = build_page(zonemap.open(zonemap.sample_path()), lang="en")
>>> page.title
'示例工业集中区: land status'
>>> [row["key"] for row in page.legend][:3]
['developed', 'vacant', 'tenant']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from zonemap.diff import CHANGE_LABELS, changed_parcels
from zonemap.errors import ZonemapError
from zonemap.evaluate import CLASS_COLOURS, parcel_classes
from zonemap.i18n import LANGS, land_use_name
from zonemap.render.text import TEXT
from zonemap.status import STATUS_COLOURS, STATUSES, status_label
from zonemap.units import DECIMALS, M2_PER_UNIT, UNIT_LABELS

if TYPE_CHECKING:
    from zonemap.zone import Zone

_UNKNOWN_COLOUR = "#999999"

#: Styles of the layers that are not coloured by a value of their own.
STYLES = {
    "boundary": {"fill": None, "fillOpacity": 0, "stroke": "#C00000", "weight": 3, "dash": [12, 6]},
    "roads": {"fill": "#B8B8B8", "fillOpacity": 0.9, "stroke": "#8C8C8C", "weight": 0.8},
    "in_use": {"fill": "#3C3C3C", "fillOpacity": 0.85, "stroke": "#1E1E1E", "weight": 1},
    "idle": {"fill": "#FFFFFF", "fillOpacity": 0.75, "stroke": "#3C3C3C", "weight": 1.5, "dash": [4, 3]},
    "highlight": {"fill": "#FFFFFF", "fillOpacity": 0.25, "stroke": "#111111", "weight": 3},
    "removed": {"fill": None, "fillOpacity": 0, "stroke": "#999999", "weight": 1, "dash": [3, 3]},
    # Land held (预留) for a prospect: hatched over its status colour, so both show.
    "holds": {"fill": None, "fillOpacity": 0, "hatch": "#000000", "stroke": "#000000", "weight": 2, "dash": [6, 4]},
}

#: Fill colours of a --compare page, by kind of change (Okabe–Ito, unchanged land greyed out).
CHANGE_COLOURS = {
    "added": "#009E73",
    "split": "#CC79A7",
    "merged": "#56B4E9",
    "status": "#E69F00",
    "tenant": "#D55E00",
    "area": "#F0E442",
    "unchanged": "#E6E6E6",
}


class MapError(ZonemapError):
    """The map cannot be made as asked (e.g. an unknown language, a basemap without its key)."""


def status_style(status: str) -> dict:
    """How parcels of ``status`` are drawn (fill from :data:`zonemap.status.STATUS_COLOURS`)."""
    return {
        "fill": STATUS_COLOURS.get(status, _UNKNOWN_COLOUR),
        "fillOpacity": 0.62,
        "stroke": "#FFFFFF",
        "weight": 1.2,
    }


@dataclass(frozen=True)
class Layer:
    """One layer of the page: its features (native CRS), each feature's class and the classes' styles.

    ``styles[class_of[i]]`` is how feature ``i`` is drawn; each style carries the ``label`` the legend shows.
    """

    key: str
    name: str
    frame: gpd.GeoDataFrame
    styles: list[dict]
    class_of: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    """What a page of the zone shows, in one language; see :func:`build_page`."""

    lang: str
    title: str
    words: dict[str, str]
    ledger: dict
    layers: dict[str, Layer]
    legend: list[dict]
    summary: list[dict]
    crs: object = None
    compare: dict | None = None

    @property
    def mu(self) -> str:
        """The word for 亩 in the page's language."""
        return UNIT_LABELS["mu"][self.lang]


def _parcels_layer(zone: Zone, words: dict, lang: str, changes: dict[str, str] | None, grades: dict[str, str] | None = None) -> Layer:
    """Parcels with their figures, coloured by status, or, given ``changes`` (id → kind), by kind of change,
    or, given ``grades`` (id → A/B/C/D), by the 亩均效益 class of their tenant."""
    parcels = zone.parcels
    area_m2 = zone.parcel_areas_m2()
    area_mu = area_m2 / M2_PER_UNIT["mu"]
    status = parcels["status"].fillna("").astype(str)
    investment = pd.to_numeric(parcels["investment_wan"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        intensity = np.where((status == "tenant").to_numpy() & (area_mu > 0), investment / area_mu, np.nan)
    labels = {s: status_label(s, lang) for s in status.unique()}  # once per status, not per parcel
    frame = parcels.assign(
        status_label=status.map(labels),
        land_use=parcels["land_use"].map({code: land_use_name(code, lang) or None for code in parcels["land_use"].dropna().unique()}),  # 100101 一类工业用地
        area_m2=area_m2,
        area_mu=area_mu,
        intensity=intensity,
    )
    if grades is not None:
        grade = parcels["parcel_id"].astype(str).map(grades).fillna("none")
        frame = frame.assign(change=grade.tolist())  # the class shows as the popup's first row, the status after it
        keys = [*CLASS_COLOURS, "none"]
        class_of = pd.Categorical(grade, categories=keys).codes.tolist()
        styles = [
            {"label": words["class_label"].format(grade=k) if k != "none" else words["class_none"], **status_style(""),
             "fill": CLASS_COLOURS.get(k, CHANGE_COLOURS["unchanged"])}
            for k in keys
        ]
    elif changes is None:
        classes = list(STATUSES) + sorted(set(labels) - set(STATUSES))
        class_of = pd.Categorical(status, categories=classes).codes.tolist()
        styles = [{"label": status_label(s, lang), **status_style(s)} for s in classes]
    else:
        kinds = parcels["parcel_id"].map(changes).fillna("unchanged")
        frame = frame.assign(change=kinds.tolist())
        class_of = pd.Categorical(kinds, categories=list(CHANGE_COLOURS)).codes.tolist()
        styles = [
            {"label": CHANGE_LABELS[kind][lang], **status_style(""), "fill": colour} for kind, colour in CHANGE_COLOURS.items()
        ]
    return Layer("parcels", words["parcels"], frame, styles, class_of)


def _roads_layer(zone: Zone, words: dict) -> Layer:
    roads = zone.roads
    axis = roads["axis"].map(lambda a: words.get(a, a) if isinstance(a, str) else None)
    return Layer("roads", words["roads"], roads.assign(axis_label=axis), [{"label": words["roads"], **STYLES["roads"]}])


def _buildings_layer(zone: Zone, words: dict) -> Layer:
    buildings = zone.buildings
    use = buildings["use"].fillna("").astype(str)
    classes = ["in_use", "idle"] + sorted(set(use) - {"in_use", "idle"})
    class_index = {u: i for i, u in enumerate(classes)}
    styles = [{"label": words.get(u, u) if u else "—", **STYLES.get(u, STYLES["in_use"])} for u in classes]
    return Layer("buildings", words["buildings"], buildings, styles, [class_index[u] for u in use])


def _holds_layer(zone: Zone, words: dict) -> Layer | None:
    """Parcels held (预留) for a prospect, with whom for and until when; None when nothing is held."""
    holds = zone.holds[["parcel_id", "prospect", "until"]].astype(object)
    held = zone.parcels[["parcel_id", "geometry"]].assign(parcel_id=lambda f: f["parcel_id"].astype(str)).merge(holds, on="parcel_id")
    if len(held) == 0:
        return None
    return Layer("holds", words["holds"], held, [{"label": words["holds"], **STYLES["holds"]}])


def _boundary_layer(zone: Zone, words: dict) -> Layer:
    return Layer("boundary", words["boundary"], zone.boundary, [{"label": words["boundary"], **STYLES["boundary"]}])


def _class_rows(parcels: Layer, keys) -> list[dict]:
    """Legend rows of parcels coloured by something other than status: parcels and area per class."""
    area_mu = parcels.frame["area_mu"].to_numpy()
    class_of = np.asarray(parcels.class_of)
    return [
        {"key": key, "label": style["label"], "style": style, "parcels": int((class_of == i).sum()), "area": float(area_mu[class_of == i].sum())}
        for i, (key, style) in enumerate(zip(keys, parcels.styles))
    ]


def _change_rows(parcels: Layer, compare: dict, lang: str) -> list[dict]:
    """Legend rows of a --compare page: parcels and area per kind of change, and what was removed."""
    rows = _class_rows(parcels, [f"change_{kind}" for kind in CHANGE_COLOURS])
    removed = compare["removed"]
    rows.append(
        {
            "key": "change_removed",
            "label": CHANGE_LABELS["removed"][lang],
            "style": STYLES["removed"],
            "parcels": len(removed),
            "area": float(sum(row["area"] for row in removed)),
        }
    )
    return [row for row in rows if row["parcels"] or row["key"] == "change_unchanged"]


def _legend(ledger: dict, layers: dict[str, Layer], words: dict, lang: str, change_rows: list[dict] | None) -> list[dict]:
    rows = change_rows or [
        {
            "key": status,
            "label": status_label(status, lang),
            "style": status_style(status),
            "parcels": group["parcels"],
            "area": group["area"],
        }
        for status, group in ledger["by_status"].items()
    ]
    if "holds" in layers:
        rows.append({"key": "holds", "label": words["holds"], "style": STYLES["holds"], "parcels": len(layers["holds"].frame), "area": ledger["held"]})
    if "roads" in layers:
        rows.append({"key": "roads", "label": words["roads"], "style": STYLES["roads"], "area": ledger["roads"]})
    if "buildings" in layers:
        rows += [
            {"key": f"building_{i}", "label": words["building_class"].format(use=style["label"]), "style": style}
            for i, style in enumerate(layers["buildings"].styles)
        ]
    rows.append({"key": "boundary", "label": words["boundary"], "style": STYLES["boundary"]})
    return rows


def _summary(ledger: dict, words: dict, lang: str) -> list[dict]:
    """The area ledger's rows (亩), as the map's panel, the print map and the workbook show them."""
    decimals = DECIMALS["mu"]
    unit = UNIT_LABELS["mu"][lang]

    def row(key: str, value, indent: bool = False) -> dict:
        return {"key": key, "label": words[key], "value": value, "decimals": decimals, "unit": unit, "indent": indent}

    boundary = ledger["boundary"]
    return [
        row("planned", ledger["planned"]),
        row("boundary_measured", boundary) | {"key": "boundary"},
        row("developed_total", ledger["developed_total"]),
        row("tenant", ledger["by_status"]["tenant"]["area"], indent=True),
        row("remaining", ledger["remaining"]),
        row("ready", ledger["ready"], indent=True),
        row("raw", ledger["raw"], indent=True),
        row("roads_area", ledger["roads"]) | {"key": "roads"},
        {
            "key": "developed_share",
            "label": words["developed_share"],
            "value": 100 * ledger["developed_total"] / boundary if boundary else None,
            "decimals": 1,
            "unit": "%",
            "indent": False,
        },
    ]


def build_page(
    zone: Zone, *, lang: str = "zh", title: str | None = None, compare: dict | None = None, evaluation: dict | None = None
) -> Page:
    """The page of ``zone`` in ``lang``: layers, styles, legend and ledger rows, words.

    Parameters
    ----------
    zone : the zone to describe
    lang : ``zh`` or ``en``, for every word on the page
    title : the page title; by default the zone's name and "用地现状图"
    compare : a :func:`zonemap.diff.diff` report from an older version to ``zone``:
        parcels are then classed by what changed, and the legend counts each kind
        and what was removed
    evaluation : a :func:`zonemap.evaluate.evaluate` result: parcels are then
        classed by their tenant's 亩均效益 class (A/B/C/D, the rest not evaluated)
    """
    if lang not in LANGS:
        raise MapError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    words = TEXT[lang]
    ledger = zone.areas(unit="mu")
    if title is None and evaluation is not None:
        title = words["class_title"].format(zone=zone.name, year=evaluation["year"])
    if title is None and compare is not None:  # which two versions, of which dates
        old, new = compare["versions"]["old"], compare["versions"]["new"]
        title = words["compare_title"].format(zone=zone.name) + (" · " if lang == "en" else "：") + words["diff.versions"].format(
            old=old["name"], old_date=old["date"] or "—", new=new["name"], new_date=new["date"] or "—"
        )
    if title is None:
        title = words["title"].format(zone=zone.name)
    changes = changed_parcels(compare) if compare is not None else None
    grades = parcel_classes(evaluation) if evaluation is not None else None
    layers = {"parcels": _parcels_layer(zone, words, lang, changes, grades)}
    held = _holds_layer(zone, words)
    if held is not None:
        layers["holds"] = held
    if len(zone.roads):
        layers["roads"] = _roads_layer(zone, words)
    if len(zone.buildings):
        layers["buildings"] = _buildings_layer(zone, words)
    layers["boundary"] = _boundary_layer(zone, words)
    change_rows = _change_rows(layers["parcels"], compare, lang) if compare is not None else None
    if grades is not None:
        change_rows = [row for row in _class_rows(layers["parcels"], [*CLASS_COLOURS, "none"]) if row["parcels"]]
    return Page(
        lang=lang,
        title=title,
        words=words,
        ledger=ledger,
        layers=layers,
        legend=_legend(ledger, layers, words, lang, change_rows),
        summary=_summary(ledger, words, lang),
        crs=zone.crs,
        compare=compare,
    )
