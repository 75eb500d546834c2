"""``zonemap diff``: what changed between two versions of a zone."""

from __future__ import annotations

from pathlib import Path

import click

from zonemap.areas import ledger_label
from zonemap.cli._table import render
from zonemap.cli.options import echo_json, json_option, method_option, unit_option, zone_value
from zonemap.diff import LEDGER_KEYS
from zonemap.status import status_label
from zonemap.units import DECIMALS, UNIT_LABELS


def figure(value: float, decimals: int, *, signed: bool = False) -> str:
    """``value`` to ``decimals`` places; what rounds to zero reads 0.00, never -0.00 (or +0.00)."""
    rounded = round(value, decimals) + 0.0  # -0.0 + 0.0 is 0.0
    return f"{rounded:{'+' if signed and rounded else ''},.{decimals}f}"


def diff_text(report: dict) -> str:
    """The changes as lines a planner reads."""
    unit = report["unit"]
    decimals, label = DECIMALS[unit], UNIT_LABELS[unit]["zh"]

    def area(value: float) -> str:
        return f"{figure(value, decimals)} {label}"

    def money(value: float | None) -> str:
        return "—" if value is None else figure(value, 2)

    def status(value: str | None) -> str:
        return status_label(value or "", "zh")

    formats = {
        "added": lambda r: f"+ 新增 added {r['parcel_id']} ({status(r['status'])}, {area(r['area'])})",
        "removed": lambda r: f"- 删除 removed {r['parcel_id']} ({status(r['status'])}, {area(r['area'])})",
        "split": lambda e: f"÷ 分割 split {e['from']} → {', '.join(e['into'])}",
        "merged": lambda e: f"∪ 合并 merged {', '.join(e['from'])} → {e['into']}",
        "status_changed": lambda r: f"~ 状态 status {r['parcel_id']}: {status(r['old'])} → {status(r['new'])}",
        "tenant_changed": lambda r: f"~ 企业 tenant {r['parcel_id']}: {r['old'] or '—'} → {r['new'] or '—'}",
        "investment_changed": lambda r: (
            f"~ 投资 investment {r['parcel_id']}: {money(r['old'])} → {money(r['new'])} 万元 ({figure(r['change'], 2, signed=True)})"
        ),
        "area_changed": lambda r: f"~ 面积 area {r['parcel_id']}: {area(r['old'])} → {area(r['new'])} ({figure(r['change'], decimals, signed=True)})",
    }
    lines = [f"{report['old']} → {report['new']}"] + [line(row) for key, line in formats.items() for row in report[key]]
    if len(lines) == 1:
        lines.append("地块无变化 no parcel changed")
    ledger = report["ledger"]
    rows = [
        (
            f"{ledger_label(key, 'zh')} {ledger_label(key, 'en')}",
            figure(ledger["old"][key], decimals),
            figure(ledger["new"][key], decimals),
            figure(ledger["change"][key], decimals, signed=True),
        )
        for key in LEDGER_KEYS
    ]
    lines += ["", f"面积台账 ledger ({label})", render(rows, header=("", "旧 old", "新 new", "变化 change"))]
    return "\n".join(lines)


@click.command()
@click.argument("old", type=click.Path(dir_okay=False), callback=zone_value)
@click.argument("new", type=click.Path(dir_okay=False), callback=zone_value)
@unit_option
@method_option
@json_option
def diff(old: Path, new: Path, unit: str, method: str, as_json: bool) -> None:
    """What changed from OLD to NEW (two versions of a zone: .gpkg files or database zones): parcels added,
    removed, split or merged; status, tenant, investment and area changes; the ledger before and after."""
    from zonemap import open as open_zone
    from zonemap.diff import diff as diff_zones

    report = diff_zones(open_zone(old), open_zone(new), unit=unit, method=method)
    if as_json:
        echo_json(report)
    else:
        click.echo(diff_text(report))
