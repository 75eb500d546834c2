"""``zonemap indicators``: the zone's land-use indicators with formulas and inputs."""

from __future__ import annotations

import click

from zonemap.cli._table import render
from zonemap.cli.options import echo_json, json_option, method_option, warn_about_problems, zone_argument
from zonemap.indicators import format_indicator


def format_tenant_figure(value: float | None, decimals: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{decimals}f}"


@click.command()
@zone_argument
@method_option
@json_option
def indicators(zone, method: str, as_json: bool) -> None:
    """Land-use indicators of ZONE (TD/T 1029, 亩均): value, formula, inputs; n/a with the reason."""
    from zonemap import open as open_zone

    opened = open_zone(zone).require_shapes()
    figures = opened.indicators(method=method)
    warn_about_problems(opened)
    if as_json:
        echo_json(figures)
        return
    entries = list(figures["indicators"].values())
    rows = [(f"{i['label']['zh']} {i['label']['en']}", format_indicator(i)) for i in entries]
    click.echo(f"{figures['zone']} — 指标 indicators ({method})")
    lines = render(rows).splitlines()
    for line, indicator in zip(lines, entries):
        click.echo(line)
        click.echo(f"    = {indicator['formula']['zh']}  ({indicator['formula']['en']})")
        if indicator["reason"]:
            click.echo(f"    n/a: {indicator['reason_text']['zh']} / {indicator['reason_text']['en']}")
    tenants = [
        (
            t["tenant"] or "（未填）(none)",
            "+".join(t["parcels"]),
            format_tenant_figure(t["area_mu"]),
            format_tenant_figure(t["investment_wan"], 0),
            format_tenant_figure(t["intensity_wan_per_mu"]),
            format_tenant_figure(t["intensity_wan_per_ha"]),
        )
        for t in figures["tenants"]
    ]
    if tenants:
        click.echo("\n入驻企业 tenants")
        click.echo(render(tenants, header=("", "地块 parcels", "面积 亩", "投资 万元", "万元/亩", "万元/公顷")))
