"""``zonemap inspect``: what a planner's file holds, before importing it."""

from __future__ import annotations

import click

from zonemap.cli._table import render
from zonemap.cli.options import echo_json, encoding_option, json_option, snap_option, warn


def _sample(value) -> str:
    text = str(value)
    return text if len(text) <= 24 else text[:23] + "…"


@click.command()
@click.argument("source", type=click.Path())
@encoding_option("Read the source's text as E (e.g. GBK) instead of detecting it (shapefile, DXF).")
@snap_option
@json_option
def inspect(source, encoding, snap: float, as_json: bool) -> None:
    """Layers, fields (with samples), encoding, CRS, geometry types, count and bounds of SOURCE.

    SOURCE is a .shp, .geojson, .gpkg, .kml or .dxf file, read exactly as
    `zonemap import` reads it (a DXF: the outlines it yields). The arrow
    shows the zone field each source field would fill on import.
    """
    from zonemap.intake.sources import describe_source

    info = describe_source(source, encoding=encoding, snap=snap)
    for layer in info["layers"]:
        if layer["crs_warning"]:
            warn(f"{layer['crs_warning']} (as `zonemap import` would refuse it)")
    if as_json:
        echo_json(info)
        return
    click.echo(f"{info['source']}  ({info['format']})")
    click.echo(f"encoding 编码: {info['encoding'].upper()} — {info['encoding_reason']}")
    for layer in info["layers"]:
        if not layer["spatial"]:
            click.echo(f"\nlayer 图层 {layer['name']}: {layer['features']} rows (a table without geometry)")
        else:
            types = ", ".join(f"{kind} ×{n}" for kind, n in layer["geometry_types"].items()) or "none"
            click.echo(f"\nlayer 图层 {layer['name']}: {layer['features']} features ({types})")
            click.echo(f"CRS 坐标系: {layer['crs'] or 'none — give --crs EPSG:NNNN when importing'}")
            click.echo(layer["summary"])
            for note in layer["notes"]:
                click.echo(f"note: {note}")
        if layer["bounds"]:
            x0, y0, x1, y1 = layer["bounds"]
            digits = 6 if max(map(abs, layer["bounds"])) <= 360 else 2  # degrees or metres
            click.echo(f"bounds 范围: ({x0:.{digits}f}, {y0:.{digits}f}) – ({x1:.{digits}f}, {y1:.{digits}f})")
        rows = [
            (f["name"], f["type"], f"→ {f['parcels_field']}" if f["parcels_field"] else "", ", ".join(map(_sample, f["samples"])))
            for f in layer["fields"]
        ]
        if rows:
            click.echo(render(rows, header=("field 字段", "type", "parcels", "samples 示例")))
