"""``zonemap evaluate``: the 亩均效益评价 of a year — classes A/B/C/D and the land that underperforms."""

from __future__ import annotations

import click

from zonemap.cli._table import render
from zonemap.cli.options import echo_json, json_option, lang_option, number_option, zone_argument
from zonemap.i18n import word


def _figure(value: float | None, decimals: int = 2) -> str:
    return "—" if value is None else f"{value:,.{decimals}f}"


def evaluation_text(data: dict, lang: str = "zh") -> str:
    """The evaluation as the tables a planner reads."""
    lines = [word("evaluation_title", lang, zone=data["zone"], year=data["year"])]
    codes = ("tenant_name", "land_mu", "tax", "output", "tax_per_mu", "output_per_mu", "tax_per_tce", "tax_per_employee", "class")
    rows = [
        (
            t["tenant"],
            _figure(t["land_mu"]),
            _figure(t["tax_wan"]),
            _figure(t["output_wan"]),
            _figure(t["indicators"]["tax_per_mu"]),
            _figure(t["indicators"]["output_per_mu"]),
            _figure(t["indicators"]["tax_per_tce"]),
            _figure(t["indicators"]["tax_per_employee"]),
            t["class"] or word({"no_land": "no_land", "no_results": "no_results_year", "no_figures": "no_results_year"}[t["reason"]], lang, year=data["year"]),
        )
        for t in data["tenants"]
    ]
    lines.append(render(rows, header=tuple(word(c, lang) for c in codes)))
    floors = "; ".join(f"{word(k, lang)} A≥{v['A']:g} B≥{v['B']:g} C≥{v['C']:g}" for k, v in data["thresholds"].items())
    lines.append(f"{word('class', lang)}: {floors}" + (f" ({word('illustrative_thresholds', lang)})" if data.get("illustrative") else ""))
    lines.append("\n" + word("low_yield", lang) + ": " + (", ".join(f"{r['parcel_id']} {r['tenant']} {r['area_mu']:.2f}" for r in data["low_yield"]) or "—"))
    lines.append(word("unlet", lang, years=f"{data['unlet_years']:g}") + ": " + (", ".join(f"{r['parcel_id']} ({r['since']}, {r['area_mu']:.2f})" for r in data["unlet"]) or "—"))
    lines.append(word("idle_buildings", lang) + ": " + (", ".join(f"{b['building_id']} {b['name']} {_figure(b['floor_area_m2'], 0)} m²" for b in data["idle_buildings"]) or "—"))
    return "\n".join(lines)


@click.command()
@zone_argument
@click.option("--year", required=True, type=click.IntRange(1900, 2200), help="The year to evaluate.")
@click.option("--thresholds", type=click.Path(), help="TOML file of class floors per indicator (default: the README's illustrative ones).")
@number_option("--unlet-years", kind="count", positive=False, default=2.0, show_default=True, help="List developed parcels not let for longer than this.")
@lang_option("Language of the tables.")
@json_option
def evaluate(zone, year: int, thresholds: str | None, unlet_years: float, lang: str, as_json: bool) -> None:
    """The 亩均效益评价 of ZONE for --year: per tenant 亩均税收 and 亩均产值 and class A/B/C/D; low-yield and idle land."""
    from zonemap import open as open_zone
    from zonemap.evaluate import load_thresholds

    floors = load_thresholds(thresholds) if thresholds else None
    data = open_zone(zone).evaluate(year, thresholds=floors, unlet_years=unlet_years)
    data["illustrative"] = floors is None
    if as_json:
        echo_json(data)
    else:
        click.echo(evaluation_text(data, lang))
