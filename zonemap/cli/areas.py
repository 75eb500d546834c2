"""``zonemap areas``: the area ledger."""

from __future__ import annotations

import click

from zonemap.cli._table import render, terminal_text
from zonemap.cli.options import (
    by_option,
    echo_json,
    engine_option,
    json_option,
    lang_option,
    method_option,
    open_zone,
    quiet_option,
    scheduler_option,
    unit_option,
    warn_about_problems,
    zone_argument,
)
from zonemap.i18n import land_use_name, word
from zonemap.status import status_label
from zonemap.units import DECIMALS, UNIT_LABELS


def _figure(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:,.{DECIMALS[unit]}f}"


def _share(value: float, boundary: float) -> str:
    return f"{value / boundary:.2%}" if boundary else "—"


def _group_name(by: str, name: str | None, lang: str) -> str:
    if not name:
        return word("out.none", lang)
    return land_use_name(name, lang) if by == "land_use" else status_label(name, lang) if by == "status" else name


def ledger_table(ledger: dict, lang: str = "zh") -> str:
    """The ledger as the aligned table planners read, wholly in ``lang``.

    Examples
    --------
    >>> import zonemap
    >>> ledger_table(zonemap.open(zonemap.sample_path()).areas(), "en").splitlines()[1].split()
    ['area', 'share', 'parcels']
    """
    unit, boundary = ledger["unit"], ledger["boundary"]

    def row(code: str, value: float | None, parcels: str = "", indent: str = "") -> tuple[str, ...]:
        share = _share(value, boundary) if value is not None else ""
        return (indent + word(code, lang), _figure(value, unit), share, parcels)

    rows = [row("ledger.planned", ledger["planned"])[:2], row("ledger.boundary", boundary)]
    rows += [row(f"status.{status}", group["area"], str(group["parcels"]), "  ") for status, group in ledger["by_status"].items()]
    rows += [
        row("ledger.roads", ledger["roads"], indent="  "),
        row("ledger.unparcelled", ledger["unparcelled"], indent="  "),
        row("ledger.developed_total", ledger["developed_total"]),
        row("ledger.remaining", ledger["remaining"]),
        row("ledger.ready", ledger["ready"], indent="  "),
        row("ledger.raw", ledger["raw"], indent="  "),
        row("ledger.held", ledger["held"], indent="  "),
    ]
    title = word("out.ledger_title", lang, zone=ledger["zone"], method=word(f"method.{ledger['method']}", lang), unit=UNIT_LABELS[unit][lang])
    header = ("", word("out.area", lang), word("out.share", lang), word("out.parcels", lang))
    text = terminal_text(title) + "\n" + render(rows, header=header)
    for key, groups in ledger.items():
        if key.startswith("by_") and key != "by_status":
            by = key[3:]
            grouped = [("  " + _group_name(by, name, lang), _figure(g["area"], unit), _share(g["area"], boundary), str(g["parcels"])) for name, g in groups.items()]
            text += "\n\n" + word("out.grouped_by", lang, field=word(f"field.{by}", lang)) + "\n" + render(grouped)
    return text


@click.command()
@zone_argument
@by_option
@unit_option
@method_option
@json_option
@quiet_option
@engine_option
@scheduler_option
@lang_option()
def areas(zone, by: str, unit: str, method: str, as_json: bool, engine: str, scheduler: str | None, lang: str) -> None:
    """The area ledger of ZONE: boundary, parcels by status, roads, remaining."""
    opened = open_zone(zone, engine, scheduler).require_shapes()
    ledger = opened.areas(unit=unit, method=method, by=by)
    warn_about_problems(opened)
    if as_json:
        echo_json(ledger)
    else:
        click.echo(ledger_table(ledger, lang))
