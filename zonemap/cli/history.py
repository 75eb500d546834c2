"""``zonemap history``: the change log of a zone, or of one parcel and its ancestors."""

from __future__ import annotations

import click

from zonemap.cli._table import render
from zonemap.cli.options import echo_json, json_option, lang_option, zone_argument


@click.command()
@zone_argument
@click.argument("parcel_id", required=False)
@json_option
@lang_option()
def history(zone, parcel_id, as_json: bool, lang: str) -> None:
    """Changes to ZONE, oldest first; with PARCEL_ID, its changes and those of the parcels it came from.

    A PARCEL_ID the zone never had is an error naming the closest ids.
    """
    from zonemap.i18n import word, word_or
    from zonemap.intake.edits import describe_change, parcel_history

    log = parcel_history(zone, parcel_id)
    rows = [
        {k: (None if v != v else str(v) if k == "at" else v) for k, v in row.items()}
        for row in log.to_dict(orient="records")
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo(word("cli.no_history_for", lang, parcel=parcel_id) if parcel_id else word("cli.no_history", lang))
        return
    columns = ("at", "parcel_id", "action", "field", "old", "new", "by", "note")
    lines = []
    for r in rows:
        field, old, new = describe_change(r, lang)
        shown = {**r, "action": word_or(f"action.{r['action']}", lang, r["action"] or ""), "field": field, "old": old, "new": new}
        lines.append(tuple("" if shown[c] is None else str(shown[c]) for c in columns))
    click.echo(render(lines, header=tuple(word(f"field.{c}", lang) for c in columns)))
