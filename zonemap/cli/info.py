"""``zonemap info``: layers, CRS, feature counts, zone name."""

from __future__ import annotations

import click

from zonemap import store
from zonemap.cli._table import render, terminal_text
from zonemap.cli.options import echo_json, json_option, lang_option, zone_argument
from zonemap.crs import crs_name
from zonemap.i18n import word, word_or
from zonemap.intake.edits import ZONE_FIELDS


@click.command()
@zone_argument
@json_option
@lang_option()
def info(zone, as_json: bool, lang: str) -> None:
    """Layers, CRS, feature counts and name of ZONE."""
    from zonemap import open as open_zone

    opened = open_zone(zone)
    counts = store.layer_counts(zone)
    data = {
        "zone": opened.name,
        "path": str(zone),
        "crs": crs_name(opened.crs),
        "layers": {name: {"geometry": opened.layers[name], "features": counts[name]} for name in opened.layers},
        "figures": {field: opened.figure(field) for field in ZONE_FIELDS if field != "name"},
    }
    if as_json:
        echo_json(data)
        return
    click.echo(terminal_text(f"{data['zone']}  ({data['path']})"))
    click.echo(f"{word('out.crs', lang)}{word('out.colon', lang)}{data['crs']}")
    for field, value in data["figures"].items():
        code = {"planned_mu": "out.planned_mu", "infrastructure_wan": "infrastructure"}.get(field, field)
        shown = "—" if value is None else f"{value:,.2f}" if isinstance(value, float) else str(value)
        click.echo(terminal_text(f"{word(code, lang)}{word('out.colon', lang)}{shown}"))
    rows = [(name, word_or(f"out.geometry.{layer['geometry']}", lang, layer["geometry"] or word("out.table", lang)), str(layer["features"])) for name, layer in data["layers"].items()]
    click.echo(render(rows, header=tuple(word(f"out.{c}", lang) for c in ("layer", "geometry", "features"))))
