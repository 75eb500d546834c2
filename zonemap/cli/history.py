"""``zonemap history``: the change log of a zone, or of one parcel and its ancestors."""

from __future__ import annotations

import click

from zonemap.cli._table import render
from zonemap.cli.options import echo_json, json_option, zone_argument


@click.command()
@zone_argument
@click.argument("parcel_id", required=False)
@json_option
def history(zone, parcel_id, as_json: bool) -> None:
    """Changes to ZONE, oldest first; with PARCEL_ID, its changes and those of the parcels it came from."""
    from zonemap.intake.edits import parcel_history

    log = parcel_history(zone, parcel_id)
    rows = [
        {k: (None if v != v else str(v) if k == "at" else v) for k, v in row.items()}
        for row in log.to_dict(orient="records")
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no changes recorded" + (f" for {parcel_id}" if parcel_id else ""))
        return
    columns = ("at", "parcel_id", "action", "field", "old", "new", "by", "note")
    click.echo(render([tuple("" if r[c] is None else str(r[c]) for c in columns) for r in rows], header=columns))
