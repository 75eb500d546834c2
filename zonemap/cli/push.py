"""``zonemap push``: put a zone GeoPackage into PostGIS, creating or replacing the database zone."""

from __future__ import annotations

import click

from zonemap.cli.options import lang_option
from zonemap.i18n import word


@click.command()
@click.argument("zone", type=click.Path())
@click.argument("db_zone", metavar="DB_ZONE")
@lang_option()
def push(zone, db_zone, lang) -> None:
    """Copy the zone file ZONE into the database zone DB_ZONE (postgresql://USER@HOST/DB?zone=NAME).

    The password comes from PGPASSWORD, ~/.pgpass or a service file, never
    the URL. All layers land in one transaction, replacing the database
    zone's if it exists.
    """
    from zonemap.pgstore import parse_location, push as push_zone

    location = parse_location(db_zone)
    counts = push_zone(zone, location)
    click.echo(word("out.pushed", lang, zone=zone, location=location, counts=", ".join(f"{name} {count}" for name, count in counts.items())))
