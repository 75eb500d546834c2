"""``zonemap results import``: tenants' yearly results from the zone's spreadsheet."""

from __future__ import annotations

import click

from zonemap.cli.options import editor_option, lang_option, print_problems


def _mapping(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    from zonemap.cli.options import current_lang
    from zonemap.i18n import word
    from zonemap.results import HEADERS

    mapping = {}
    for value in values:
        field, sep, column = (part.strip() for part in value.partition("="))
        if not sep or field not in HEADERS or not column:
            raise click.BadParameter(word("usage.not_results_mapping", current_lang(), value=value, fields=", ".join(HEADERS)))
        mapping[field] = column
    return mapping


@click.group()
def results() -> None:
    """Tenants' yearly results (税收, 产值, 能耗, 用工) for the 亩均效益 evaluation."""


@results.command("import")
@click.argument("zone", type=click.Path())
@click.argument("source", type=click.Path())
@click.option("--year", required=True, type=click.IntRange(1900, 2200), help="The year the figures are for.")
@click.option("--map", "mapping", multiple=True, callback=_mapping, metavar="FIELD=COLUMN", help="Take FIELD (tenant, tax_wan, output_wan, revenue_wan, energy_tce, employees, rd_wan, note) from COLUMN (repeatable).")
@editor_option
@lang_option()
@print_problems
def import_(zone, source, year, mapping, by, lang) -> None:
    """Import SOURCE (.xlsx or .csv) as ZONE's results for --year, replacing that year's."""
    from zonemap.i18n import word
    from zonemap.results import import_results

    done = import_results(zone, source, year=year, explicit=mapping, by=by)
    replaced = word("out.results_replaced", lang, count=done["replaced"]) if done["replaced"] else ""
    click.echo(word("out.results_imported", lang, year=year, rows=done["rows"], replaced=replaced, fields=", ".join(done["fields"])))
