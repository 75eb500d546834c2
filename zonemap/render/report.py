"""The zone report: ledger, indicators, tenants, prospects, checks, charts, map.

One self-contained HTML file a leader can open offline (charts are SVGs
drawn by matplotlib with their text left as text, embedded as base64, so
writing them needs no Chinese font; nothing is loaded from the network), or
Markdown with the charts as SVG files beside it. On paper the HTML shows the
print map (:mod:`zonemap.render.printmap`, legend beside the frame) in place
of the interactive one, and keeps tables whole. Every string
from the data is escaped: the HTML template autoescapes, the Markdown
backslash-escapes what would make links, images, emphasis or HTML, and chart
text is drawn as typed (no mathtext: ``$`` is a dollar sign). The figures come from the same library calls
as ``zonemap areas --json`` and ``zonemap indicators --json``, and the HTML
carries them as JSON too (``<script id="zonemap-data">``).

Examples
--------
>>> import zonemap
>>> data = report_data(zonemap.open(zonemap.sample_path()))
>>> sorted(data)[:4]
['evaluation', 'generated', 'indicators', 'ledger']
"""

from __future__ import annotations

import base64
import io
import os
import warnings
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from zonemap.areas import ledger_label
from zonemap.errors import ZonemapError
from zonemap.evaluate import latest_evaluation
from zonemap.fit import prospect_fits
from zonemap.i18n import LANGS, table, word, word_or
from zonemap.indicators import format_indicator
from zonemap.render import write_page, write_pages
from zonemap.render.escape import clip, markdown_text
from zonemap.status import STATUS_COLOURS, STATUSES, status_label
from zonemap.units import DECIMALS

if TYPE_CHECKING:
    from zonemap.zone import Zone

FORMATS = (".html", ".md", ".docx")
#: Columns of text a chart label shows at most, and a Markdown table cell; longer text is cut with "…" (the data keeps it whole).
LABEL_COLUMNS = 40
CELL_COLUMNS = 240
ROAD_COLOUR, UNPARCELLED_COLOUR = "#999999", "#DDDDDD"

#: The report's words per language, a view of :mod:`zonemap.i18n` (section ``report.``).
TEXT: dict[str, dict[str, str]] = {lang: table(lang, "report.") for lang in LANGS}
LEDGER_ROWS = ("planned", "boundary", *STATUSES, "roads", "unparcelled", "developed_total", "remaining", "ready", "raw")


def report_data(zone: Zone, *, method: str = "ellipsoidal", intensity: float | None = None) -> dict:
    """Everything the report shows, as plain data (what ``report --json`` prints)."""
    problems = zone.validate()
    return {
        "zone": zone.name,
        "generated": date.today().isoformat(),
        "method": method,
        "ledger": zone.areas(unit="mu", method=method),
        "indicators": zone.indicators(method=method),
        "prospects": prospect_fits(zone, intensity=intensity, method=method),
        "evaluation": latest_evaluation(zone),
        "validation": {
            "ok": not any(p.severity == "error" for p in problems),
            "errors": sum(p.severity == "error" for p in problems),
            "warnings": sum(p.severity == "warning" for p in problems),
            # Each problem's message in both languages too (``text``), as fits give ``reason_text``.
            "problems": [{**p.to_dict(), "text": {lang: p.text(lang) for lang in LANGS}} for p in problems],
        },
    }


def evaluation_chart(evaluation: dict, lang: str = "zh", *, fmt: str = "svg") -> bytes:
    """亩均税收 per tenant, coloured by class, with the class floors as dashed lines."""
    import matplotlib
    from matplotlib.figure import Figure

    from zonemap.evaluate import CLASS_COLOURS
    from zonemap.render.fonts import print_rc

    tenants = [t for t in evaluation["tenants"] if t["indicators"]["tax_per_mu"] is not None and t["class"]]
    names = [str(t["tenant"]) for t in tenants]
    with matplotlib.rc_context(print_rc(lang, what="the charts", texts=names, required=fmt == "png")), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*missing from font")  # the browser draws the glyphs
        figure = Figure(figsize=(6.4, 0.9 + 0.5 * max(len(tenants), 1)))
        axes = figure.subplots()
        values = [t["indicators"]["tax_per_mu"] for t in tenants]
        bars = axes.barh([clip(n, LABEL_COLUMNS) for n in names], values, color=[CLASS_COLOURS[t["class"]] for t in tenants])
        axes.bar_label(bars, labels=[f"{v:,.2f} ({t['class']})" for v, t in zip(values, tenants)], padding=3)
        floors = evaluation["thresholds"].get("tax_per_mu", {})
        for grade, floor in floors.items():
            axes.axvline(floor, color=CLASS_COLOURS[grade], linestyle="--", linewidth=1)
        axes.invert_yaxis()
        axes.set_xlim(0, max([*values, *floors.values(), 1.0]) * 1.25)
        axes.set_title(f"{word('tax_per_mu', lang)} · {evaluation['year']}")
        axes.spines[["top", "right"]].set_visible(False)
        return _chart(figure, fmt)


def _chart(figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(buffer, format=fmt, dpi=150, bbox_inches="tight", metadata=metadata)
    return buffer.getvalue()


def charts(data: dict, lang: str = "zh", *, fmt: str = "svg") -> dict[str, bytes]:
    """The report's charts as SVG (or ``fmt="png"``) bytes: ``land`` (by status) and ``intensity`` (per tenant).

    SVG text stays text (``svg.fonttype`` none), drawn by the reader's
    browser in its own font: writing them needs no Chinese font. PNG (for
    the .docx) draws the glyphs here, so Chinese needs a font with them.
    """
    import matplotlib
    from matplotlib.figure import Figure

    from zonemap.render.fonts import print_rc

    text = TEXT[lang]
    ledger = data["ledger"]
    names = [t["tenant"] for t in data["indicators"]["tenants"]]
    with matplotlib.rc_context(print_rc(lang, what="the charts", texts=names, required=fmt == "png")), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*missing from font")  # the browser draws the glyphs
        keys = [*STATUSES, "roads", "unparcelled"]
        values = [ledger["by_status"][k]["area"] if k in STATUSES else ledger[k] for k in keys]
        colours = [STATUS_COLOURS.get(k, ROAD_COLOUR if k == "roads" else UNPARCELLED_COLOUR) for k in keys]
        figure = Figure(figsize=(6.4, 3.2))
        axes = figure.subplots()
        bars = axes.barh([ledger_label(k, lang) for k in keys], values, color=colours, edgecolor="#333333", linewidth=0.5)
        axes.bar_label(bars, labels=[f"{v:,.2f}" for v in values], padding=3)
        axes.invert_yaxis()
        axes.set_title(text["chart_land"])
        axes.set_xlim(0, max(values + [1.0]) * 1.2)
        axes.spines[["top", "right"]].set_visible(False)
        land = _chart(figure, fmt)

        tenants = [t for t in data["indicators"]["tenants"] if t["intensity_wan_per_mu"] is not None]
        figure = Figure(figsize=(6.4, 0.6 + 0.5 * max(len(tenants), 1)))
        axes = figure.subplots()
        if tenants:
            values = [t["intensity_wan_per_mu"] for t in tenants]
            bars = axes.barh([clip(_tenant_name(t["tenant"], lang), LABEL_COLUMNS) for t in tenants], values, color=STATUS_COLOURS["tenant"])
            axes.bar_label(bars, labels=[f"{v:,.2f}" for v in values], padding=3)
            zone_value = data["indicators"]["indicators"]["investment_intensity_mu"]["value"]
            if zone_value is not None:
                axes.axvline(zone_value, color="#333333", linestyle="--", linewidth=1, label=f"{text['zone_intensity']} {zone_value:,.2f}")
                axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
            axes.invert_yaxis()
            axes.set_xlim(0, max(values) * 1.25)
        else:
            axes.text(0.5, 0.5, text["no_tenants"], ha="center", va="center", transform=axes.transAxes)
            axes.set_yticks([])
        axes.set_title(text["chart_intensity"])
        axes.spines[["top", "right"]].set_visible(False)
        intensity = _chart(figure, fmt)
    return {"land": land, "intensity": intensity}


def _format_area(value: float | None) -> str:
    return "—" if value is None else f"{value:,.{DECIMALS['mu']}f}"


def _format_inputs(inputs: dict, lang: str) -> str:
    parts = []
    for key, value in inputs.items():
        name = word_or(f"input.{key}", lang, key)
        if isinstance(value, float):
            parts.append(f"{name} = {value:,.2f}")
        elif isinstance(value, list):
            parts.append(f"{name} = {', '.join(map(str, value)) or '—'}")
        else:
            parts.append(f"{name} = {'—' if value is None else value}")
    return "; ".join(parts)


def _tenant_name(name: str | None, lang: str) -> str:
    return name or word("no_tenant_name", lang)


def _figure(value: float | None, decimals: int, lang: str) -> str:
    return word("na", lang) if value is None else f"{value:,.{decimals}f}"


def _site_text(site: dict, lang: str) -> str:
    statuses = "/".join(status_label(s, lang) for s in site["statuses"])
    serviced = f", {TEXT[lang]['serviced']}" if site["serviced"] else ""
    return f"{'+'.join(site['parcels'])} ({_format_area(site['area'])}, {statuses}{serviced})"


def rows(data: dict, lang: str = "zh") -> dict[str, list[dict]]:
    """The report's tables as rows of display text, shared by the HTML and the Markdown."""
    ledger = data["ledger"]
    ledger_rows = []
    for key in LEDGER_ROWS:
        value = ledger["by_status"][key]["area"] if key in STATUSES else ledger[key]
        share = "" if value is None or key == "planned" or not ledger["boundary"] else f"{value / ledger['boundary']:.2%}"
        parcels = str(ledger["by_status"][key]["parcels"]) if key in STATUSES else ""
        ledger_rows.append({"key": key, "label": ledger_label(key, lang), "area": _format_area(value), "share": share, "parcels": parcels})
    indicator_rows = [
        {
            "key": key,
            "label": indicator["label"][lang],
            "value": format_indicator(indicator, lang),
            "formula": indicator["formula"][lang],
            "inputs": indicator["reason_text"][lang] if indicator["reason"] else _format_inputs(indicator["inputs"], lang),
        }
        for key, indicator in data["indicators"]["indicators"].items()
    ]
    tenant_rows = [
        {
            "tenant": _tenant_name(t["tenant"], lang),
            "parcels": ", ".join(t["parcels"]),
            "area": _format_area(t["area_mu"]),
            "investment": _figure(t["investment_wan"], 0, lang),
            "intensity_mu": _figure(t["intensity_wan_per_mu"], 2, lang),
            "intensity_ha": _figure(t["intensity_wan_per_ha"], 2, lang),
        }
        for t in data["indicators"]["tenants"]
    ]
    prospect_rows = []
    for p in data["prospects"]:
        fits = [_site_text(site, lang) for site in p["candidates"]]
        if p["parcel"]:
            parcel = p["parcel"]
            fits.insert(0, f"{TEXT[lang]['asks_for']} {parcel['id']} ({_format_area(parcel['area'])}, {status_label(parcel['status'], lang)})")
        if p["reason"]:
            fits.append(word(f"fit.{p['reason']}", lang))
        prospect_rows.append(
            {
                "name": p["name"] or "—",
                "industry": p["industry"] or "—",
                "stage": word_or(f"stage.{p['stage']}", lang, p["stage"] or "—"),
                "investment": "—" if p["investment_wan"] is None else f"{p['investment_wan']:,.0f}",
                "need": _format_area(p["need"]),
                "fits": fits or [TEXT[lang]["none"]],
            }
        )
    evaluation_rows = [
        {
            "tenant": t["tenant"],
            "area": _format_area(t["land_mu"]),
            "tax_per_mu": "—" if t["indicators"]["tax_per_mu"] is None else f"{t['indicators']['tax_per_mu']:,.2f}",
            "output_per_mu": "—" if t["indicators"]["output_per_mu"] is None else f"{t['indicators']['output_per_mu']:,.2f}",
            "class": t["class"] or "—",
        }
        for t in (data.get("evaluation") or {"tenants": []})["tenants"]
    ]
    check_rows = [
        {"severity": p["severity"], "label": word(f"out.{p['severity']}", lang), "code": p["code"], "text": p["text"][lang]}
        for p in data["validation"]["problems"]
    ]
    return {"ledger": ledger_rows, "indicators": indicator_rows, "tenants": tenant_rows, "prospects": prospect_rows, "evaluation": evaluation_rows,
            "checks": check_rows}


_HTML = jinja2.Environment(
    loader=jinja2.PackageLoader("zonemap", "render/templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def map_page(zone: Zone, *, lang: str = "zh") -> str:
    """The zone's map as a page of its own, on a plain background: a report opens offline, so no tiles."""
    from zonemap.render.map import page_html

    return page_html(zone, basemap="none", lang=lang)


def _svg_uri(svg: bytes) -> str:
    # As an <img>, an SVG runs no script and reaches no network, whatever text it holds.
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def print_map_svg(zone: Zone, *, lang: str = "zh") -> bytes | None:
    """The print map as SVG for the report's printed page; None when the zone has no projected CRS to scale it."""
    from zonemap.render.printmap import PrintError, render_print

    try:
        return render_print(zone, "svg", lang=lang, landscape=True)[0]
    except PrintError:
        return None


def render_html(data: dict, svgs: dict[str, bytes], *, lang: str = "zh", map_html: str | None = None, print_svg: bytes | None = None) -> str:
    """The report as one self-contained HTML page; ``map_html`` (a whole page) is framed in it, ``print_svg`` shown on paper."""
    images = {name: _svg_uri(svg) for name, svg in svgs.items() if name != "evaluation"}
    return _HTML.get_template("report.html").render(
        data=data,
        w=table(lang),
        evaluation_image=_svg_uri(svgs["evaluation"]) if "evaluation" in svgs else None,
        rows=rows(data, lang),
        t=TEXT[lang],
        lang=lang,
        images=images,
        method=word(f"method.{data['method']}", lang),
        map_html=map_html,
        print_map=_svg_uri(print_svg) if print_svg else None,
    )


def _md(text: object) -> str:
    """Text shown as itself in Markdown (no link, image, emphasis or raw HTML), cut at :data:`CELL_COLUMNS`."""
    return markdown_text(clip(str(text), CELL_COLUMNS))


def _md_table(header: list[str], body: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in body]
    return lines + [""]


def render_markdown(data: dict, files: dict[str, str], *, lang: str = "zh") -> str:
    """The report as Markdown; ``files`` names the charts (``land``, ``intensity``) and ``map`` page beside it."""
    t, table = TEXT[lang], rows(data, lang)
    lines = [f"# {_md(data['zone'])} — {t['title']}", "", f"{t['generated']}: {data['generated']} · {t['method']}: {word('method.' + data['method'], lang)}", ""]
    lines += [f"## {t['ledger']}", ""]
    lines += _md_table([t["item"], t["area"], t["share"], t["parcels"]], [[r["label"], r["area"], r["share"], r["parcels"]] for r in table["ledger"]])
    lines += [f"## {t['indicators']}", ""]
    lines += _md_table([t["indicator"], t["value"], t["formula"], t["inputs"]], [[r["label"], r["value"], r["formula"], r["inputs"]] for r in table["indicators"]])
    lines += [f"## {t['tenants']}", ""]
    lines += _md_table(
        [t["tenant"], t["parcel_ids"], t["area"], t["investment"], t["intensity_mu"], t["intensity_ha"]],
        [[r["tenant"], r["parcels"], r["area"], r["investment"], r["intensity_mu"], r["intensity_ha"]] for r in table["tenants"]],
    )
    lines += [f"## {t['prospects']}", ""]
    lines += _md_table(
        [t["prospect"], t["industry"], t["stage"], t["investment"], t["need"], t["fits"]],
        [[r["name"], r["industry"], r["stage"], r["investment"], r["need"], "; ".join(r["fits"])] for r in table["prospects"]],
    )
    if data.get("evaluation"):
        lines += [f"## {_md(word('evaluation_title', lang, zone=data['zone'], year=data['evaluation']['year']))}", ""]
        lines += _md_table(
            [t["tenant"], t["area"], word("tax_per_mu", lang), word("output_per_mu", lang), word("class", lang)],
            [[r["tenant"], r["area"], r["tax_per_mu"], r["output_per_mu"], r["class"]] for r in table["evaluation"]],
        )
        if "evaluation" in files:
            lines += [f"![{_md(word('tax_per_mu', lang))}]({files['evaluation']})", ""]
    validation = data["validation"]
    lines += [f"## {t['checks']}", ""]
    if validation["problems"]:
        lines.append(f"{validation['errors']} {t['errors']}, {validation['warnings']} {t['warnings']}")
        lines += ["", *[f"- {_md(p['label'])} [{_md(p['code'])}] {_md(p['text'])}" for p in table["checks"]], ""]
    else:
        lines += [t["checks_ok"], ""]
    lines += [f"## {t['charts']}", ""]
    lines += [f"![{_md(t['chart_' + name])}]({files[name]})" for name in ("land", "intensity")]
    lines += ["", f"## {t['map']}", "", f"[{t['map']}]({files['map']})"]
    return "\n".join(lines) + "\n"


def write_report(
    zone: Zone,
    out: str | os.PathLike,
    *,
    lang: str = "zh",
    method: str = "ellipsoidal",
    intensity: float | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write the report to ``out`` (``.html``, ``.md`` or ``.docx``); return the files written.

    Markdown gets its charts as ``<stem>-land.svg`` and ``<stem>-intensity.svg``
    and the map as ``<stem>-map.html`` beside it; HTML and .docx hold them all.
    """
    out = Path(out)
    if out.suffix.lower() not in FORMATS:
        raise ZonemapError(f"{out}: a report is .html, .md or .docx; give -o report.html, -o report.md or -o report.docx")
    if lang not in LANGS:
        raise ZonemapError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    if not out.parent.is_dir():
        raise ZonemapError(f"{out}: folder {out.parent} does not exist; create it first")
    charted = ("land", "intensity", "evaluation") if len(zone.results) else ("land", "intensity")
    beside = {name: out.with_name(f"{out.stem}-{name}.svg") for name in charted}
    beside["map"] = out.with_name(f"{out.stem}-map.html")
    targets = [out, *beside.values()] if out.suffix.lower() == ".md" else [out]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not overwrite:
        raise ZonemapError(f"{existing[0]}: already exists; choose another name or pass --overwrite")
    data = report_data(zone, method=method, intensity=intensity)
    if out.suffix.lower() == ".docx":
        from zonemap.render.docx import render_docx

        write_page(render_docx(zone, data, lang=lang), out)
        return [out]
    svgs = charts(data, lang)
    if data["evaluation"]:
        svgs["evaluation"] = evaluation_chart(data["evaluation"], lang)
    if out.suffix.lower() == ".html":
        write_page(render_html(data, svgs, lang=lang, map_html=map_page(zone, lang=lang), print_svg=print_map_svg(zone, lang=lang)), out)
        return [out]
    markdown = render_markdown(data, {name: path.name for name, path in beside.items()}, lang=lang)
    return write_pages({out: markdown, **{beside[name]: svg for name, svg in svgs.items()}, beside["map"]: map_page(zone, lang=lang)})

