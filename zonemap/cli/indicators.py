"""``zonemap indicators``: the zone's land-use indicators with formulas and inputs."""

from __future__ import annotations

import click

from zonemap.cli._table import render, terminal_text
from zonemap.cli.options import echo_json, json_option, lang_option, method_option, warn_about_problems, zone_argument
from zonemap.i18n import word
from zonemap.indicators import format_indicator


def _tenant_figure(value: float | None, lang: str, decimals: int = 2) -> str:
    return word("na", lang) if value is None else f"{value:,.{decimals}f}"


def indicators_text(figures: dict, method: str, lang: str = "zh") -> str:
    """The indicators (value, formula, why n/a) and the tenants' figures, wholly in ``lang``."""
    entries = list(figures["indicators"].values())
    rows = [(indicator["label"][lang], format_indicator(indicator, lang)) for indicator in entries]
    lines = [terminal_text(word("out.indicators_title", lang, zone=figures["zone"], method=word(f"method.{method}", lang)))]
    for line, indicator in zip(render(rows).splitlines(), entries):
        lines.append(line)
        lines.append(f"    = {indicator['formula'][lang]}")
        if indicator["reason"]:
            lines.append(f"    {word('na', lang)}{word('out.colon', lang)}{indicator['reason_text'][lang]}")
    tenants = [
        (
            t["tenant"] or word("out.none", lang),
            "+".join(t["parcels"]),
            _tenant_figure(t["area_mu"], lang),
            _tenant_figure(t["investment_wan"], lang, 0),
            _tenant_figure(t["intensity_wan_per_mu"], lang),
            _tenant_figure(t["intensity_wan_per_ha"], lang),
        )
        for t in figures["tenants"]
    ]
    if tenants:
        header = ("", *(word(code, lang) for code in ("out.parcels", "out.area_mu", "out.investment_wan", "wan_per_mu", "wan_per_ha")))
        lines += ["", word("report.tenants", lang), render(tenants, header=header)]
    return "\n".join(lines)


@click.command()
@zone_argument
@method_option
@json_option
@lang_option()
def indicators(zone, method: str, as_json: bool, lang: str) -> None:
    """Land-use indicators of ZONE (TD/T 1029, 亩均): value, formula, inputs; n/a with the reason."""
    from zonemap import open as open_zone

    opened = open_zone(zone).require_shapes()
    figures = opened.indicators(method=method)
    warn_about_problems(opened)
    if as_json:
        echo_json(figures)
    else:
        click.echo(indicators_text(figures, method, lang))
