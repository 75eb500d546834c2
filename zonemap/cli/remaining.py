"""``zonemap remaining``: the land still available."""

from __future__ import annotations

import click

from zonemap.cli._table import render, terminal_text
from zonemap.cli.options import echo_json, json_option, lang_option, method_option, number_option, unit_option, warn_about_problems, zone_argument
from zonemap.i18n import word, word_or
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


def _amount(value: float, unit: str, lang: str) -> str:
    return f"{value:,.{DECIMALS[unit]}f} {UNIT_LABELS[unit][lang]}"


def _site_row(rank: int, site: dict, unit: str, lang: str) -> tuple[str, ...]:
    return (
        str(rank),
        "+".join(site["parcels"]),
        f"{site['area']:,.{DECIMALS[unit]}f}",
        "/".join(status_label(s, lang) for s in site["statuses"]),
        word("out.yes" if site["serviced"] else "out.no", lang),
        f"{site['compactness']:.2f}",
    )


def sites_table(sites: list[dict], unit: str, lang: str = "zh") -> str:
    """Candidate sites as an aligned table, best first."""
    rows = [_site_row(rank, site, unit, lang) for rank, site in enumerate(sites, 1)]
    area = word("out.area_in", lang, unit=UNIT_LABELS[unit][lang])
    return render(rows, header=("#", word("out.parcels", lang), area, *(word(f"out.{c}", lang) for c in ("status", "serviced", "compact"))))


def largest_text(largest: dict, amount: str, unit: str, lang: str = "zh") -> str:
    """What there is when nothing fits: the largest site, the largest adjacent group, all remaining land."""
    lines = [
        word(f"out.largest_{key}", lang, parcels="+".join(largest[key]["parcels"]), area=_amount(largest[key]["area"], unit, lang))
        for key in ("parcel", "group")
        if largest[key]
    ]
    total = _amount(largest["remaining"], unit, lang)
    lines.append(word("out.exceeds_remaining", lang, amount=amount, total=total) if largest["exceeds_remaining"] else word("out.all_remaining", lang, total=total))
    return "\n".join(lines)


def prospects_text(answers: list[dict], unit: str, lang: str = "zh") -> str:
    """Each prospect's need and its best sites, as lines a planner reads."""
    lines = [word("out.prospects" if answers else "out.no_prospects", lang)]
    for answer in answers:
        need = "—" if answer["need"] is None else _amount(answer["need"], unit, lang)
        stage = word_or(f"stage_{answer['stage']}", lang, answer["stage"] or "—")
        lines.append(word("out.prospect_need", lang, name=answer["name"], industry=answer["industry"] or "—", stage=stage, need=need))
        if answer["parcel"]:
            parcel = answer["parcel"]
            lines.append(word("out.asks_for", lang, parcel=parcel["id"], status=status_label(parcel["status"], lang), area=_amount(parcel["area"], unit, lang)))
        if answer["candidates"]:
            lines += ["    " + line for line in sites_table(answer["candidates"], unit, lang).splitlines()]
        if answer["reason"]:
            lines.append("    " + word(f"fit.{answer['reason']}", lang))
    return "\n".join(map(terminal_text, lines))


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
@lang_option()
def remaining(
    zone, need: float | None, with_prospects: bool, intensity: float | None, include_held: bool, top: int, unit: str, method: str, as_json: bool, lang: str
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
        raise click.UsageError(word("usage.intensity", lang))
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
            click.echo(word("out.intensity_unused", lang, intensity=f"{intensity:g}"), err=True)
    if as_json:
        echo_json(result)
        return
    rows = [
        (
            ("  " if key != "remaining" else "") + word(f"ledger.{key}", lang),
            f"{summary[key]['area']:,.{DECIMALS[unit]}f}",
            f"{summary[key]['share_of_boundary']:.2%}",
            f"{summary[key]['share_of_remaining']:.2%}",
        )
        for key in ("remaining", "ready", "raw", "held")
    ]
    click.echo(terminal_text(word("out.remaining_title", lang, zone=summary["zone"], unit=UNIT_LABELS[unit][lang])))
    click.echo(render(rows, header=("", word("out.area", lang), word("out.of_boundary", lang), word("out.of_remaining", lang))))
    if need:
        amount = _amount(need, unit, lang)
        click.echo("\n" + word("out.sites_for", lang, amount=amount, total=result["total"]))
        if result["candidates"]:
            click.echo(sites_table(result["candidates"], unit, lang))
        else:
            click.echo(word("fit.too_large", lang))
            click.echo(largest_text(result["largest"], amount, unit, lang))
    if "prospects" in result:
        click.echo("\n" + prospects_text(result["prospects"], unit, lang))
