"""``zonemap set``: change one parcel's fields, recorded in the history."""

from __future__ import annotations

import click

from zonemap.cli._table import terminal_text
from zonemap.cli.options import editor_option, lang_option, number_option, print_problems, print_warnings, status_option, zone_file_argument


@click.command("set")
@zone_file_argument
@click.argument("parcel_id")
@status_option
@click.option("--tenant", metavar="T", help="The enterprise on the parcel; '' clears it.")
@number_option("--investment", kind="wan", positive=False, metavar="W", help="Investment in 万元.")
@click.option("--note", metavar="N", help="A note; '' clears it.")
@editor_option
@lang_option()
@print_problems
def set_(zone, parcel_id, status, tenant, investment, note, by, lang) -> None:
    """Set fields of PARCEL_ID in ZONE. Leaving tenant status clears the tenant and the investment (unless given)."""
    from zonemap.i18n import word
    from zonemap.intake.edits import describe_change, set_parcel

    if all(v is None for v in (status, tenant, investment, note)):
        raise click.UsageError(word("usage.set", lang))
    edited = set_parcel(zone, parcel_id, status=status, tenant=tenant, investment=investment, note=note, by=by)
    if not edited.edit:
        click.echo(word("cli.nothing_changed", lang, parcel=parcel_id))
    for row in edited.edit:
        field, old, new = describe_change(row, lang)
        click.echo(terminal_text(f"{parcel_id} {field}{word('out.colon', lang)}{old} → {new}"))
    print_warnings([p for p in edited.validate() if p.severity == "warning" and p.id == parcel_id])
