"""``zonemap corners``: a parcel's 界址点坐标表 (corner coordinates, edges, area)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from zonemap.cli.options import check_output, json_option, lang_option, overwrite_option, zone_file_argument
from zonemap.i18n import word


@click.command()
@zone_file_argument
@click.argument("parcel_id")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write it to .xlsx, .csv or .pdf (a page with the parcel's sketch) instead of printing it.")
@lang_option("Language of the headers and the page.")
@json_option
@overwrite_option
def corners(zone, parcel_id: str, out: Path | None, lang: str, as_json: bool, overwrite: bool) -> None:
    """The 界址点坐标表 of PARCEL_ID in ZONE: points J1…Jn clockwise from the north-west corner.

    X is the northing and Y the easting in the zone's Gauss-Krüger CRS (the
    surveying convention), to 0.001 m; edges to 0.01 m; the area (m² and 亩)
    from those coordinates. Holes and further parts follow as rings of their own.
    """
    from zonemap import open as open_zone
    from zonemap.corners import corner_table
    from zonemap.render.corners import FORMATS, text_table, write_corners

    if out is not None:
        if out.suffix.lower() not in FORMATS:
            raise click.UsageError(word("usage.suffix", lang, out=out, suffixes=", ".join(FORMATS)))
        check_output(out, overwrite=overwrite)
    opened = open_zone(zone).require_shapes()
    table = corner_table(opened, parcel_id)
    if out is None:
        click.echo(json.dumps(table, ensure_ascii=False, indent=2) if as_json else text_table(table, lang))
        return
    ids = {parcel_id, *table["neighbours"]}
    parcels = opened.parcels
    chosen = parcels[parcels["parcel_id"].astype(str).isin(ids)]
    geometries = dict(zip(chosen["parcel_id"].astype(str), chosen.geometry))
    click.echo(word("out.wrote", lang, path=write_corners(table, out, lang=lang, geometries=geometries)))
