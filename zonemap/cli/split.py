"""``zonemap split``: cut a parcel by a line, or carve exactly X mu off one side."""

from __future__ import annotations

import click

from zonemap.cli.options import editor_option, lang_option, number_option, print_problems, zone_file_argument


@click.command()
@zone_file_argument
@click.argument("parcel_id")
@click.option("--line", metavar="WKT", help="Cutting line in the zone's CRS, e.g. 'LINESTRING (x1 y1, x2 y2)'.")
@number_option("--mu", kind="area", metavar="X", help="Carve exactly X 亩 off --side.")
@click.option("--side", type=click.Choice(["north", "south", "east", "west"]), default="west", show_default=True)
@click.option("--ids", metavar="ID,ID", help="Ids of the pieces (default PARCEL_ID-1, -2 …; with --mu the carved piece first).")
@editor_option
@lang_option()
@print_problems
def split(zone, parcel_id, line, mu, side, ids, by, lang) -> None:
    """Split PARCEL_ID of ZONE; the pieces keep its attributes and record it as parent, and share its investment by area."""
    from zonemap.i18n import word
    from zonemap.intake.edits import split_parcel
    from zonemap.units import from_m2

    if (line is None) == (mu is None):
        raise click.UsageError(word("usage.split", lang))
    edited = split_parcel(zone, parcel_id, line=line, mu=mu, side=side, new_ids=ids.split(",") if ids else None, by=by)
    area = dict(zip(edited.parcels["parcel_id"], edited.parcel_areas_m2()))
    shares = {row["parcel_id"]: float(row["new"]) for row in edited.edit if row["field"] == "investment_wan"}
    for pid in (row["parcel_id"] for row in edited.edit if row["field"] == "parent"):
        m2 = area[pid]
        money = word("out.piece_investment", lang, wan=f"{shares[pid]:,.2f}") if pid in shares else ""
        click.echo(word("out.piece", lang, parcel=pid, mu=f"{from_m2(m2, 'mu'):,.2f}", m2=f"{m2:,.1f}") + money)
