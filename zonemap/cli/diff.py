"""``zonemap diff``: what changed between two versions of a zone."""

from __future__ import annotations

from pathlib import Path

import click

from zonemap.areas import ledger_label
from zonemap.cli._table import render
from zonemap.cli.options import echo_json, json_option, method_option, unit_option
from zonemap.diff import LEDGER_KEYS
from zonemap.status import status_label
from zonemap.units import DECIMALS, UNIT_LABELS



def diff_text(report: dict) -> str:
    """The changes as lines a planner reads."""
    unit = report["unit"]
    decimals, label = DECIMALS[unit], UNIT_LABELS[unit]["zh"]

    def area(value: float) -> str:
        return f"{value:,.{decimals}f} {label}"

    lines = [f"{report['old']} → {report['new']}"]
    for row in report["added"]:
        lines.append(f"+ 新增 added {row['parcel_id']} ({status_label(row['status'] or '', 'zh')}, {area(row['area'])})")
    for row in report["removed"]:
        lines.append(f"- 删除 removed {row['parcel_id']} ({status_label(row['status'] or '', 'zh')}, {area(row['area'])})")
    for event in report["split"]:
        lines.append(f"÷ 分割 split {event['from']} → {', '.join(event['into'])}")
    for event in report["merged"]:
        lines.append(f"∪ 合并 merged {', '.join(event['from'])} → {event['into']}")
    for row in report["status_changed"]:
        lines.append(f"~ 状态 status {row['parcel_id']}: {status_label(row['old'] or '', 'zh')} → {status_label(row['new'] or '', 'zh')}")
    for row in report["tenant_changed"]:
        lines.append(f"~ 企业 tenant {row['parcel_id']}: {row['old'] or '—'} → {row['new'] or '—'}")
    for row in report["area_changed"]:
        lines.append(f"~ 面积 area {row['parcel_id']}: {area(row['old'])} → {area(row['new'])} ({row['change']:+,.{decimals}f})")
    if len(lines) == 1:
        lines.append("地块无变化 no parcel changed")
    ledger = report["ledger"]
    rows = [
        (
            f"{ledger_label(key, 'zh')} {ledger_label(key, 'en')}",
            f"{ledger['old'][key]:,.{decimals}f}",
            f"{ledger['new'][key]:,.{decimals}f}",
            f"{ledger['change'][key]:+,.{decimals}f}",
        )
        for key in LEDGER_KEYS
    ]
    lines += ["", f"面积台账 ledger ({label})", render(rows, header=("", "旧 old", "新 new", "变化 change"))]
    return "\n".join(lines)


zone_file = click.Path(exists=False, dir_okay=False, path_type=Path)


@click.command()
@click.argument("old", type=zone_file)
@click.argument("new", type=zone_file)
@unit_option
@method_option
@json_option
def diff(old: Path, new: Path, unit: str, method: str, as_json: bool) -> None:
    """What changed from OLD to NEW (two .gpkg versions of a zone): parcels added,
    removed, split or merged; status, tenant and area changes; the ledger before and after."""
    from zonemap import open as open_zone
    from zonemap.diff import diff as diff_zones

    report = diff_zones(open_zone(old), open_zone(new), unit=unit, method=method)
    if as_json:
        echo_json(report)
    else:
        click.echo(diff_text(report))
