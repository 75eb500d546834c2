"""``zonemap prospect``: investors (意向项目) and their stage, each change in the history."""

from __future__ import annotations

import click

from zonemap.cli._table import render
from zonemap.cli._table import terminal_text
from zonemap.cli.options import echo_json, editor_option, json_option, lang_option, number_option, print_problems, zone_argument
from zonemap.i18n import word, word_or


def _stage(stage: str | None, lang: str) -> str:
    return "" if stage is None else word_or(f"stage_{stage}", lang, stage)


def change_line(subject: str, field: str, old, new, lang: str) -> str:
    """One change of a prospect, parcel or the zone as a line in ``lang``: ``惠实业有限公司 阶段：意向 → 洽谈``."""

    def shown(value) -> str:
        if value is None:
            return ""
        if field == "stage":
            return _stage(value, lang)
        if field == "status":
            return word_or(f"status.{value}", lang, str(value))
        return f"{value:,.2f}" if isinstance(value, float) else str(value)

    name = word_or(f"field.{field}", lang, field)
    return terminal_text(f"{subject + ' ' if subject else ''}{name}{word('out.colon', lang)}{shown(old)} → {shown(new)}")


def _fields(function):
    """The options that set a prospect's fields (shared by add and set)."""
    options = [
        click.option("--industry", metavar="TEXT", help="What it makes, e.g. 铝制品."),
        click.option("--stage", metavar="S", help="intent / negotiating / signed (or 意向 / 洽谈 / 签约); default intent."),
        number_option("--investment", "investment_wan", kind="wan", positive=False, metavar="W", help="Investment in 万元."),
        number_option("--need", "need_mu", kind="area", positive=False, metavar="MU", help="Land it needs, in 亩."),
        number_option("--intensity", "intensity_wan_per_mu", kind="intensity", positive=False, metavar="W", help="Target investment intensity, 万元/亩."),
        click.option("--parcel", "parcel_id", metavar="ID", help="The parcel it asks for."),
        click.option("--buildings", metavar="TEXT", help="Buildings it wants (e.g. 包圩奶牛厂牛舍)."),
        click.option("--contact", metavar="TEXT", help="Who to call, and how."),
        click.option("--since", metavar="DATE", help="First contact, YYYY-MM-DD (default today)."),
        click.option("--note", metavar="TEXT", help="A note; '' clears it."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _echo_changes(subject: str, changes, lang: str) -> None:
    if not changes:
        click.echo(terminal_text(word("cli.nothing_changed", lang, parcel=subject)))
    for field, old, new in changes:
        click.echo(change_line(subject, field, old, new, lang))


@click.group()
def prospect() -> None:
    """Investors looking for land: add, set, drop, land, list."""


@prospect.command()
@click.argument("zone", type=click.Path())
@click.argument("name")
@_fields
@editor_option
@lang_option()
@print_problems
def add(zone, name, by, lang, **fields) -> None:
    """Record prospect NAME in ZONE."""
    from zonemap.prospects import add_prospect

    row = add_prospect(zone, name, by=by, **fields)
    click.echo(terminal_text(word("out.prospect_added", lang, name=row["name"], stage=_stage(row["stage"], lang))))


@prospect.command("set")
@click.argument("zone", type=click.Path())
@click.argument("name")
@_fields
@editor_option
@lang_option()
@print_problems
def set_(zone, name, by, lang, **fields) -> None:
    """Change fields of prospect NAME (e.g. --stage 洽谈)."""
    from zonemap.prospects import set_prospect

    if all(v is None for v in fields.values()):
        raise click.UsageError(word("usage.prospect_set", lang))
    _echo_changes(name, set_prospect(zone, name, by=by, **fields), lang)


@prospect.command()
@click.argument("zone", type=click.Path())
@click.argument("name")
@click.option("--note", metavar="TEXT", help="Why it was dropped.")
@editor_option
@lang_option()
@print_problems
def drop(zone, name, note, by, lang) -> None:
    """Mark prospect NAME as dropped (放弃); its record stays, its holds are released."""
    from zonemap.prospects import drop_prospect

    _echo_changes(name, drop_prospect(zone, name, note=note, by=by), lang)


@prospect.command()
@click.argument("zone", type=click.Path())
@click.argument("name")
@click.argument("parcel_ids", nargs=-1, required=True)
@editor_option
@lang_option()
@print_problems
def land(zone, name, parcel_ids, by, lang) -> None:
    """Prospect NAME lands: it becomes the tenant of PARCEL_IDS, in one change."""
    from zonemap.prospects import land_prospect

    for subject, field, old, new in land_prospect(zone, name, list(parcel_ids), by=by):
        click.echo(change_line(subject, field, old, new, lang))


@prospect.command("list")
@zone_argument
@click.option("--all", "show_all", is_flag=True, help="Also list landed and dropped prospects.")
@json_option
@lang_option()
def list_(zone, show_all: bool, as_json: bool, lang: str) -> None:
    """The prospects of ZONE with their stage, need and holds."""
    from zonemap import open as open_zone
    from zonemap.prospects import OPEN_STAGES, prospect_table

    opened = open_zone(zone)
    rows = [p for p in prospect_table(opened) if show_all or p["stage"] in (*OPEN_STAGES, None)]
    if as_json:
        echo_json(rows)
        return
    click.echo(terminal_text(word("prospects_title", lang, zone=opened.name)))
    if not rows:
        click.echo(word("no_prospects", lang))
        return
    codes = ("prospect", "industry", "stage", "investment", "need_mu", "wanted_buildings", "held", "contact", "since")

    def number(value) -> str:
        return "" if value is None else f"{value:,.2f}"

    table = [
        (
            p["name"],
            p["industry"] or "",
            _stage(p["stage"], lang),
            number(p["investment_wan"]),
            number(p["need_mu"]),
            p["buildings"] or "",
            ", ".join(f"{h['parcel_id']}→{h['until']}" for h in p["holds"]),
            p["contact"] or "",
            p["since"] or "",
        )
        for p in rows
    ]
    click.echo(render(table, header=tuple(word(c, lang) for c in codes)))
