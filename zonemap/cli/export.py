"""``zonemap export``: a zone layer as .shp, .geojson, .kml, .gpkg or .csv."""

from __future__ import annotations

import click

from zonemap.cli.options import lang_option, overwrite_option
from zonemap.i18n import word


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="[ZONE] DEST")
@click.option("--layer", default="parcels", show_default=True, type=click.Choice(["parcels", "boundary", "roads", "buildings", "prospects", "history"]))
@click.option("--encoding", default="UTF-8", show_default=True, type=click.Choice(["UTF-8", "GB18030"], case_sensitive=False), help="Text encoding of a .shp (GB18030 for older Chinese GIS/CAD software).")
@lang_option("Language of a .xlsx workbook's sheet names and headers.")
@click.option("--like", type=click.Path(dir_okay=False), help="The survey institute's parcels .shp: write its field names, widths, status words, encoding and .prj, plus 面积_亩 and 面积平方米.")
@click.option("--schema", type=click.Choice(["source", "zonemap"]), default="source", show_default=True, help="Parcels to .shp: in the schema of the shapefile they were imported from (source), or zonemap's own field names.")
@overwrite_option
def export(paths, layer, encoding, lang, like, schema, overwrite) -> None:
    """Write a layer of ZONE (default: the sample zone) to DEST; the format follows DEST's extension.

    With one path it is DEST, unless it is a zone file: then DEST is missing.
    A zone GeoPackage is never overwritten, not even with --overwrite.

    .shp (with .cpg and .prj), .geojson (EPSG:4326), .kml, .gpkg, .csv
    (attributes plus area_m2 and area_mu, opens in Excel), or .xlsx: the
    台账 workbook (面积台账, 地块清单, 入驻企业, 意向项目, 指标, 变更记录).
    """
    from zonemap import sample_path
    from zonemap.intake.exporter import export_layer
    from zonemap.store import is_zone_file

    if len(paths) > 2:
        raise click.UsageError(word("usage.export_paths", lang))
    if len(paths) == 1 and is_zone_file(paths[0]):
        raise click.UsageError(word("usage.export_dest", lang, zone=paths[0]))
    zone, dest = (sample_path(), paths[0]) if len(paths) == 1 else paths
    written = export_layer(zone, dest, layer=layer, encoding=encoding, overwrite=overwrite, lang=lang, like=like, schema=schema)
    click.echo(word("out.wrote", lang, path=written))
