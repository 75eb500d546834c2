"""``zonemap diff``: what changed between two versions of a zone."""

from __future__ import annotations

from pathlib import Path

import click

from zonemap.areas import ledger_label
from zonemap.cli._table import render, terminal_text
from zonemap.cli.options import echo_json, json_option, lang_option, method_option, unit_option, zone_value
from zonemap.diff import LEDGER_KEYS
from zonemap.i18n import word
from zonemap.status import status_label
from zonemap.units import DECIMALS, UNIT_LABELS


def figure(value: float, decimals: int, *, signed: bool = False) -> str:
    """``value`` to ``decimals`` places; what rounds to zero reads 0.00, never -0.00 (or +0.00)."""
    rounded = round(value, decimals) + 0.0  # -0.0 + 0.0 is 0.0
    return f"{rounded:{'+' if signed and rounded else ''},.{decimals}f}"


def diff_text(report: dict, lang: str = "zh") -> str:
    """The changes as lines a planner reads, wholly in ``lang``: one line per event, then the ledger before and after."""
    unit = report["unit"]
    decimals, unit_word = DECIMALS[unit], UNIT_LABELS[unit][lang]
    sep, detail_sep = word("list_sep", lang), word("detail_sep", lang)

    def area(value: float) -> str:
        return f"{figure(value, decimals)} {unit_word}"

    def value(field: str, parcel: dict) -> str:
        raw = parcel[field]
        if field == "status":
            return status_label(raw or "", lang)
        if field == "investment_wan":
            return "—" if raw is None else figure(raw, 2)  # the field's name carries 万元
        return raw or "—"

    def whole(parcel: dict) -> str:
        """A parcel as it was (or is), with its status, tenant and investment."""
        details = [value("status", parcel), *([parcel["tenant"]] if parcel["tenant"] else [])]
        details += [f"{value('investment_wan', parcel)} {word('wan', lang)}"] if parcel["investment_wan"] is not None else []
        return word("diff.parcel", lang, parcel=parcel["parcel_id"], details=detail_sep.join([*details, area(parcel["area"])]))

    def piece(parcel: dict) -> str:
        """A new parcel of a split or merge: its area, and only the fields that differ from where it came from."""
        changed = [f"{word('field.' + field, lang)} {value(field, parcel)}" for field in parcel["differs"]]
        return word("diff.parcel", lang, parcel=parcel["parcel_id"], details=detail_sep.join([area(parcel["area"]), *changed]))

    def changes(old: dict, new: dict) -> str:
        parts = [word("diff.field", lang, field=word("field." + f, lang), old=value(f, old), new=value(f, new)) for f in new["differs"]]
        if abs(new["area"] - old["area"]) >= 0.5 * 10**-decimals:
            parts.append(word("diff.field", lang, field=word("field.area", lang), old=area(old["area"]), new=area(new["area"]))
                         + f" ({figure(new['area'] - old['area'], decimals, signed=True)})")
        return word("clause_sep", lang).join(parts)

    versions = report["versions"]
    lines = [word("diff.versions", lang, old=versions["old"]["name"], old_date=versions["old"]["date"] or "—", new=versions["new"]["name"], new_date=versions["new"]["date"] or "—")]
    for event in report["changes"]:
        kind, old, new = event["kind"], event["old"], event["new"]
        if kind == "changed":
            lines.append(word("diff.changed", lang, parcel=new[0]["parcel_id"], changes=changes(old[0], new[0])))
        else:
            lines.append(word(f"diff.{kind}", lang, old=sep.join(map(whole, old)), new=sep.join(map(piece if old else whole, new))))
    if len(lines) == 1:
        lines.append(word("diff.none", lang))
    ledger = report["ledger"]
    rows = [
        (ledger_label(key, lang), figure(ledger["old"][key], decimals), figure(ledger["new"][key], decimals), figure(ledger["change"][key], decimals, signed=True))
        for key in LEDGER_KEYS
    ]
    header = ("", word("diff.old", lang), word("diff.new", lang), word("diff.change", lang))
    lines += ["", word("diff.ledger", lang, unit=unit_word), render(rows, header=header)]
    return "\n".join(lines)


@click.command()
@click.argument("old", type=click.Path(dir_okay=False), callback=zone_value)
@click.argument("new", type=click.Path(dir_okay=False), callback=zone_value)
@unit_option
@method_option
@json_option
@lang_option()
def diff(old: Path, new: Path, unit: str, method: str, as_json: bool, lang: str) -> None:
    """What changed from OLD to NEW (two versions of a zone: .gpkg files or database zones): each split, merge,
    new, removed or changed parcel, the pieces compared with the parcel they came from, and the ledger before
    and after. The JSON's ``changes`` hold, per event, the area moved into and out of each status."""
    from zonemap import open as open_zone
    from zonemap.diff import diff as diff_zones

    report = diff_zones(open_zone(old).require_shapes(), open_zone(new).require_shapes(), unit=unit, method=method)
    if as_json:
        echo_json(report)
    else:
        click.echo("\n".join(map(terminal_text, diff_text(report, lang).split("\n"))))
