"""``zonemap remaining``: the land still available."""

from __future__ import annotations

import click

from zonemap.cli._table import render, terminal_text
from zonemap.cli.options import echo_json, json_option, method_option, number_option, unit_option, warn_about_problems, zone_argument
from zonemap.status import status_label
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
            for key in ("remaining", "ready", "raw", "held")
        },
    }


def _site_row(rank: int, site: dict, unit: str) -> tuple[str, ...]:
    return (
        str(rank),
        "+".join(site["parcels"]),
        f"{site['area']:,.{DECIMALS[unit]}f}",
        "/".join(status_label(s, "zh") for s in site["statuses"]),
        "是 yes" if site["serviced"] else "否 no",
        f"{site['compactness']:.2f}",
    )


def sites_table(sites: list[dict], unit: str) -> str:
    """Candidate sites as an aligned table, best first."""
    rows = [_site_row(rank, site, unit) for rank, site in enumerate(sites, 1)]
    return render(rows, header=("#", "地块 parcels", f"面积 {UNIT_LABELS[unit]['zh']}", "现状 status", "已配套 serviced", "紧凑度 compact"))


def largest_text(largest: dict, amount: str, unit: str) -> str:
    """What there is when nothing fits: the largest site, the largest adjacent group, all remaining land."""
    mu = UNIT_LABELS[unit]["zh"]
    lines = []
    for key, label in (("parcel", "最大可用地块 largest available site"), ("group", "最大相邻地块组 largest adjacent group")):
        if largest[key]:
            lines.append(f"{label}: {'+'.join(largest[key]['parcels'])}, {largest[key]['area']:,.{DECIMALS[unit]}f} {mu}")
    total = f"{largest['remaining']:,.{DECIMALS[unit]}f} {mu}"
    if largest["exceeds_remaining"]:
        lines.append(f"{amount} 超过全部剩余用地 {total} exceeds all remaining land ({total})")
    else:
        lines.append(f"全部剩余用地 all remaining land {total}")
    return "\n".join(lines)


def prospects_text(answers: list[dict], unit: str) -> str:
    """Each prospect's need and its best sites, as lines a planner reads."""
    lines = ["意向项目 prospects" + ("" if answers else ": 无 none recorded")]
    for answer in answers:
        need = "—" if answer["need"] is None else f"{answer['need']:,.{DECIMALS[unit]}f} {UNIT_LABELS[unit]['zh']}"
        lines.append(f"- {answer['name']} ({answer['industry'] or '—'}, {answer['stage'] or '—'}): 需地 need {need}")
        if answer["parcel"]:
            parcel = answer["parcel"]
            lines.append(
                f"    意向地块 asks for {parcel['id']}: {status_label(parcel['status'], 'zh')}, "
                f"{parcel['area']:,.{DECIMALS[unit]}f} {UNIT_LABELS[unit]['zh']}"
            )
        if answer["candidates"]:
            lines += ["    " + line for line in sites_table(answer["candidates"], unit).splitlines()]
        if answer["reason"]:
            lines.append(f"    {answer['reason']}")
    return "\n".join(lines)


@click.command()
@zone_argument
@number_option("--need", kind="area", help="Land a project needs (in --unit, 亩 by default): list where it fits, best first.")
@click.option("--prospects", "with_prospects", is_flag=True, help="Also answer for each prospect in the zone's prospects table.")
@number_option(
    "--intensity",
    kind="intensity",
    help="With --prospects: target investment intensity in 万元/亩; a prospect without need_mu needs investment_wan / intensity.",
)
@click.option("--include-held", is_flag=True, help="With --need: also offer land held (预留) for prospects.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Candidate sites to list.")
@unit_option
@method_option
@json_option
def remaining(
    zone, need: float | None, with_prospects: bool, intensity: float | None, include_held: bool, top: int, unit: str, method: str, as_json: bool
) -> None:
    """Land of ZONE still available: ready (serviced) and raw (vacant or unparcelled).

    With --need, the single parcels and groups of edge-adjacent parcels of
    available land (developed or vacant) that can host a project of that
    size, best first: single before groups, serviced before vacant before
    mixed, tightest fit, most compact. Land held for a prospect is
    passed over unless --include-held; with --prospects, each prospect is
    also offered the land held for it.
    """
    from zonemap import open as open_zone
    from zonemap.fit import find_sites, largest_sites, prospect_fits

    if intensity and not with_prospects:
        raise click.UsageError("--intensity needs --prospects: it sizes the prospects that have no need_mu.")
    opened = open_zone(zone).require_shapes()
    summary = remaining_summary(opened.areas(unit=unit, method=method))
    warn_about_problems(opened)
    result: dict = {"need": need, "unit": unit, "candidates": find_sites(opened, need, unit=unit, method=method, include_held=include_held)} if need else dict(summary)
    if need:
        result["total"] = len(result["candidates"])
        result["candidates"] = result["candidates"][:top]
        if not result["candidates"]:
            left = summary["remaining"]["area"]
            result["largest"] = {**largest_sites(opened, unit=unit, method=method, include_held=include_held), "remaining": left, "exceeds_remaining": need > left}
    if with_prospects:
        result["prospects"] = prospect_fits(opened, intensity=intensity, unit=unit, method=method)
        if intensity and not any(p["need_from"] not in (None, "need_mu") for p in result["prospects"]):
            click.echo(f"note: --intensity {intensity:g} was not used: no prospect needed it (each states need_mu or has no investment_wan).", err=True)
    if as_json:
        echo_json(result)
        return
    labels = {
        "remaining": "剩余用地 remaining",
        "ready": "  可即供地 ready (developed, serviced)",
        "raw": "  待开发 raw (vacant + unparcelled)",
        "held": "  其中预留 of which held for prospects",
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
    click.echo(terminal_text(f"{summary['zone']}") + f" — 剩余用地 remaining land ({UNIT_LABELS[unit]['zh']} {UNIT_LABELS[unit]['en']})")
    click.echo(render(rows, header=("", "面积 area", "占边界 of boundary", "占剩余 of remaining")))
    if need:
        amount = f"{need:,.{DECIMALS[unit]}f} {UNIT_LABELS[unit]['zh']}"
        click.echo(f"\n可容纳 {amount} 项目的地块 sites for a project of {amount} ({result['total']} found, best first)")
        if result["candidates"]:
            click.echo(sites_table(result["candidates"], unit))
        else:
            click.echo("没有足够大的可用地块或相邻地块组 no available parcel or group of adjacent parcels is large enough")
            click.echo(largest_text(result["largest"], amount, unit))
    if "prospects" in result:
        click.echo("\n" + prospects_text(result["prospects"], unit))
