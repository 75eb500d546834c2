"""``zonemap pull``: an offline zone GeoPackage copied from a database zone."""

from __future__ import annotations

import click

from zonemap.cli.options import lang_option, overwrite_option
from zonemap.i18n import word


@click.command()
@click.argument("db_zone", metavar="DB_ZONE")
@click.argument("zone", type=click.Path())
@overwrite_option
@lang_option()
def pull(db_zone, zone, overwrite, lang) -> None:
    """Copy the database zone DB_ZONE (postgresql://USER@HOST/DB?zone=NAME) to the zone file ZONE (.gpkg).

    For fieldwork or sharing; every layer comes from one moment of the
    database, and `zonemap push` brings the copy back exactly.
    """
    from zonemap.pgstore import parse_location, pull as pull_zone

    location = parse_location(db_zone)
    counts = pull_zone(location, zone, overwrite=overwrite)
    click.echo(word("out.pulled", lang, location=location, zone=zone, counts=", ".join(f"{name} {count}" for name, count in counts.items())))
