"""``zonemap inspect``: what a planner's file holds, before importing it."""

from __future__ import annotations

import click

from zonemap.cli._table import render, terminal_text
from zonemap.cli.options import echo_json, encoding_option, json_option, lang_option, snap_option, warn
from zonemap.i18n import word


def _sample(value) -> str:
    text = str(value)
    return text if len(text) <= 24 else text[:23] + "…"


@click.command()
@click.argument("source", type=click.Path())
@encoding_option("Read the source's text as E (e.g. GBK) instead of detecting it (shapefile, DXF).")
@snap_option
@json_option
@lang_option()
def inspect(source, encoding, snap: float, as_json: bool, lang: str) -> None:
    """Layers, fields (with samples), encoding, CRS, geometry types, count and bounds of SOURCE.

    SOURCE is a .shp, .geojson, .gpkg, .kml or .dxf file, read exactly as
    `zonemap import` reads it (a DXF: the outlines it yields). The arrow
    shows the zone field each source field would fill on import.
    """
    from zonemap.intake.sources import describe_source

    info = describe_source(source, encoding=encoding, snap=snap)
    for layer in info["layers"]:
        if layer["crs_warning"]:
            warn(word("intake_crs_refused", lang, warning=layer["crs_warning"]))
    if as_json:
        echo_json(info)
        return

    def say(code: str, **fields) -> None:
        click.echo(terminal_text(word(code, lang, **fields)))

    click.echo(terminal_text(f"{info['source']}  ({info['format']})"))
    say("intake_encoding_why", encoding=info["encoding"].upper(), reason=info["encoding_reason"])
    for layer in info["layers"]:
        click.echo()
        if not layer["spatial"]:
            say("intake_table", layer=layer["name"], count=layer["features"])
        else:
            types = ", ".join(f"{kind} ×{n}" for kind, n in layer["geometry_types"].items()) or word("intake_none", lang)
            say("intake_layer", layer=layer["name"], count=layer["features"], types=types)
            say("intake_crs", crs=layer["crs"] or word("intake_no_crs", lang))
            click.echo(terminal_text(layer["summary_text"][lang]))
            for note in layer["notes"]:
                say("intake_note", note=note)
        if layer["bounds"]:
            x0, y0, x1, y1 = layer["bounds"]
            digits = 6 if max(map(abs, layer["bounds"])) <= 360 else 2  # degrees or metres
            say("intake_bounds", bounds=f"({x0:.{digits}f}, {y0:.{digits}f}) – ({x1:.{digits}f}, {y1:.{digits}f})")
        rows = [
            (f["name"], f["type"], f"→ {f['parcels_field']}" if f["parcels_field"] else "", ", ".join(map(_sample, f["samples"])))
            for f in layer["fields"]
        ]
        if rows:
            click.echo(render(rows, header=tuple(word(f"intake_header_{c}", lang) for c in ("field", "type", "parcels", "samples"))))
