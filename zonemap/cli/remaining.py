"""``zonemap remaining``: the land still available."""

from __future__ import annotations

import click

from zonemap.cli._table import render
from zonemap.cli.options import echo_json, json_option, method_option, unit_option, warn_about_problems, zone_argument
from zonemap.units import DECIMALS, UNIT_LABELS


def remaining_summary(ledger: dict) -> dict:
    """Remaining, ready and raw land with their shares of the boundary and of what remains."""
    boundary, remaining = ledger["boundary"], ledger["remaining"]
    return {
        "zone": ledger["zone"],
        "method": ledger["method"],
        "unit": ledger["unit"],
        "boundary": boundary,
        **{
            key: {
                "area": ledger[key],
                "share_of_boundary": ledger[key] / boundary if boundary else 0.0,
                "share_of_remaining": ledger[key] / remaining if remaining else 0.0,
            }
            for key in ("remaining", "ready", "raw")
        },
    }


@click.command()
@zone_argument
@unit_option
@method_option
@json_option
def remaining(zone, unit: str, method: str, as_json: bool) -> None:
    """Land of ZONE still available: ready (serviced) and raw (vacant or unparcelled)."""
    from zonemap import open as open_zone

    opened = open_zone(zone)
    summary = remaining_summary(opened.areas(unit=unit, method=method))
    warn_about_problems(opened)
    if as_json:
        echo_json(summary)
        return
    labels = {
        "remaining": "剩余用地 remaining",
        "ready": "  可即供地 ready (developed, serviced)",
        "raw": "  待开发 raw (vacant + unparcelled)",
    }
    rows = [
        (
            label,
            f"{summary[key]['area']:,.{DECIMALS[unit]}f}",
            f"{summary[key]['share_of_boundary']:.2%}",
            f"{summary[key]['share_of_remaining']:.2%}",
        )
        for key, label in labels.items()
    ]
    click.echo(f"{summary['zone']} — 剩余用地 remaining land ({UNIT_LABELS[unit]['zh']} {UNIT_LABELS[unit]['en']})")
    click.echo(render(rows, header=("", "面积 area", "占边界 of boundary", "占剩余 of remaining")))
