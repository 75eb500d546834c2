"""``zonemap merge``: join adjacent parcels into one."""

from __future__ import annotations

import click

from zonemap.cli.options import editor_option, lang_option, print_problems, zone_file_argument


@click.command()
@zone_file_argument
@click.argument("parcel_ids", nargs=-1, required=True)
@click.option("--id", "new_id", required=True, metavar="NEW", help="Id of the merged parcel (may reuse one of the ids).")
@editor_option
@lang_option()
@print_problems
def merge(zone, parcel_ids, new_id, by, lang) -> None:
    """Merge PARCEL_IDS of ZONE (sharing edges, same status and tenant) into --id NEW, their investments summed."""
    from zonemap.i18n import word
    from zonemap.intake.edits import merge_parcels
    from zonemap.units import from_m2

    edited = merge_parcels(zone, list(parcel_ids), new_id=new_id, by=by)
    m2 = dict(zip(edited.parcels["parcel_id"], edited.parcel_areas_m2()))[new_id]
    money = edited.parcels.set_index("parcel_id").at[new_id, "investment_wan"]
    text = word("out.merged", lang, parcel=new_id, mu=f"{from_m2(m2, 'mu'):,.2f}", m2=f"{m2:,.1f}", parents=word("list_sep", lang).join(parcel_ids))
    click.echo(text + ("" if money != money else word("out.piece_investment", lang, wan=f"{money:,.2f}")))
