"""``zonemap init``: a new, empty zone from a boundary file."""

from __future__ import annotations

import click

from zonemap.cli.options import crs_option, editor_option, lang_option, number_option, zone_file_argument


@click.command()
@zone_file_argument
@click.option("--boundary", "boundary", required=True, type=click.Path(), help="Shapefile/GeoJSON/GPKG/KML/DXF with the zone outline (polygons are joined).")
@click.option("--name", help="The zone's name (default: the file name).")
@number_option("--planned-mu", kind="area", help="The plan's declared area in 亩, compared with the measured one.")
@crs_option
@editor_option
@lang_option()
def init(zone, boundary, name, planned_mu, crs, by, lang) -> None:
    """Create ZONE (.gpkg) with the outline in --boundary and empty layers.

    A boundary in lon/lat (KML, GeoJSON) is stored in the CGCS2000
    Gauss-Krüger zone of its centre, so areas and tolerances are in metres.
    """
    from zonemap.cli.options import print_warnings
    from zonemap.intake.edits import init_zone
    from zonemap.crs import crs_name
    from zonemap.i18n import word

    opened = init_zone(zone, boundary, name=name, planned_mu=planned_mu, crs=crs, by=by)
    path = opened.path
    print_warnings([p for p in opened.validate() if p.severity == "warning"])
    click.echo(word("out.created", lang, path=path, name=opened.name, crs=crs_name(opened.crs), mu=f"{opened.areas()['boundary']:.2f}"))
