"""``zonemap zone set``: the zone's own figures (name, planned area, infrastructure, approval)."""

from __future__ import annotations

import click

from zonemap.cli.options import editor_option, lang_option, number_option, print_problems


@click.group("zone")
def zone_() -> None:
    """The zone's own figures."""


@zone_.command("set")
@click.argument("zone", type=click.Path())
@click.option("--name", metavar="TEXT", help="The zone's name.")
@number_option("--planned-mu", kind="area", positive=False, metavar="MU", help="The plan's declared area, 亩.")
@number_option("--infrastructure-wan", kind="wan", positive=False, metavar="W", help="万元 invested in roads, water, power, telecom.")
@click.option("--approved-by", metavar="TEXT", help="The authority that approved the plan; '' clears it.")
@click.option("--approved-on", metavar="DATE", help="Date of approval, YYYY-MM-DD; '' clears it.")
@editor_option
@lang_option()
@print_problems
def set_(zone, by, lang, **fields) -> None:
    """Set the figures of ZONE, each change recorded in the history."""
    from zonemap.cli.prospect import change_line
    from zonemap.i18n import word
    from zonemap.intake.edits import set_zone

    if all(v is None for v in fields.values()):
        raise click.UsageError(word("usage.zone_set", lang))
    changes = set_zone(zone, by=by, **fields)
    if not changes:
        click.echo(word("out.nothing_changed", lang))
    for field, old, new in changes:
        click.echo(change_line("", field, old, new, lang))
