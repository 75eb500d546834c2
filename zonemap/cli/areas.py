"""``zonemap areas``: the area ledger."""

from __future__ import annotations

import click

from zonemap.cli._table import render, terminal_text
from zonemap.cli.options import (
    by_option,
    echo_json,
    engine_option,
    json_option,
    method_option,
    open_zone,
    quiet_option,
    scheduler_option,
    unit_option,
    warn_about_problems,
    zone_argument,
)
from zonemap.status import status_label
from zonemap.units import DECIMALS, UNIT_LABELS


def _figure(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:,.{DECIMALS[unit]}f}"


def _share(value: float, boundary: float) -> str:
    return f"{value / boundary:.2%}" if boundary else "—"


def ledger_table(ledger: dict) -> str:
    """The ledger as the aligned, bilingual table planners read."""
    unit, boundary = ledger["unit"], ledger["boundary"]

    def row(label: str, value: float | None, parcels: str = "") -> tuple[str, ...]:
        share = _share(value, boundary) if value is not None else ""
        return (label, _figure(value, unit), share, parcels)

    rows = [
        row("规划面积 planned", ledger["planned"]),
        row("边界实测 boundary", boundary),
    ]
    for status, group in ledger["by_status"].items():
        rows.append(row(f"  {status_label(status, 'zh')} {status_label(status, 'en')}", group["area"], str(group["parcels"])))
    rows += [
        row("  道路 roads", ledger["roads"]),
        row("  未划分地块 unparcelled", ledger["unparcelled"]),
        row("已开发合计 developed total", ledger["developed_total"]),
        row("剩余用地 remaining", ledger["remaining"]),
        row("  可即供地 ready (developed)", ledger["ready"]),
        row("  待开发 raw (vacant + unparcelled)", ledger["raw"]),
        row("  其中预留 of which held for prospects", ledger["held"]),
    ]
    rows[0] = rows[0][:2]
    title = f"{ledger['zone']} — 面积台账 area ledger ({ledger['method']}, {UNIT_LABELS[unit]['zh']} {UNIT_LABELS[unit]['en']})"
    text = terminal_text(title) + "\n" + render(rows, header=("", "面积 area", "占比 share", "地块 parcels"))
    for key, groups in ledger.items():
        if key.startswith("by_") and key != "by_status":
            grouped = [(f"  {name or '(未填 none)'}", _figure(g["area"], unit), _share(g["area"], boundary), str(g["parcels"])) for name, g in groups.items()]
            text += f"\n\n按 {key[3:]} 分组 by {key[3:]}\n" + render(grouped)
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
def areas(zone, by: str, unit: str, method: str, as_json: bool, engine: str, scheduler: str | None) -> None:
    """The area ledger of ZONE: boundary, parcels by status, roads, remaining."""
    opened = open_zone(zone, engine, scheduler).require_shapes()
    ledger = opened.areas(unit=unit, method=method, by=by)
    warn_about_problems(opened)
    if as_json:
        echo_json(ledger)
    else:
        click.echo(ledger_table(ledger))
