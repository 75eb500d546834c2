"""``zonemap hold`` / ``release``: land held (预留) for a prospect until a date."""

from __future__ import annotations

import click

from zonemap.cli._table import terminal_text
from zonemap.cli.options import editor_option, lang_option, print_problems
from zonemap.i18n import word


@click.command()
@click.argument("zone", type=click.Path())
@click.argument("parcel_ids", nargs=-1, required=True)
@click.option("--for", "prospect", required=True, metavar="PROSPECT", help="The prospect the land is held for.")
@click.option("--until", required=True, metavar="DATE", help="Held until this date, YYYY-MM-DD.")
@click.option("--note", metavar="TEXT", help="Why, or on whose word.")
@editor_option
@lang_option()
@print_problems
def hold(zone, parcel_ids, prospect, until, note, by, lang) -> None:
    """Hold PARCEL_IDS of ZONE for a prospect: `remaining --need` offers them to no one else."""
    from zonemap.prospects import hold_parcels

    done = hold_parcels(zone, list(parcel_ids), prospect=prospect, until=until, note=note, by=by)
    if not done:
        click.echo(terminal_text(word("out.already_held", lang, prospect=prospect)))
    for pid, old, new in done:
        click.echo(terminal_text(word("out.held_was" if old else "out.held", lang, parcel=pid, prospect=prospect, until=new, was=old)))


@click.command()
@click.argument("zone", type=click.Path())
@click.argument("parcel_ids", nargs=-1)
@click.option("--for", "prospect", metavar="PROSPECT", help="Release every hold of this prospect (or only those of PARCEL_IDS).")
@editor_option
@lang_option()
@print_problems
def release(zone, parcel_ids, prospect, by, lang) -> None:
    """Release the holds on PARCEL_IDS of ZONE (or all those of --for PROSPECT)."""
    from zonemap.prospects import release_parcels

    if not parcel_ids and not prospect:
        raise click.UsageError(word("usage.release", lang))
    released = release_parcels(zone, list(parcel_ids), prospect=prospect, by=by)
    shown = word("out.released", lang, parcels=word("list_sep", lang).join(released)) if released else word("out.nothing_held", lang)
    click.echo(terminal_text(shown))
