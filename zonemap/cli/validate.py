"""``zonemap validate``: every problem of a zone; exit 1 on any error."""

from __future__ import annotations

import click

from zonemap.cli._table import terminal_text
from zonemap.cli.options import echo_json, engine_option, json_option, lang_option, open_zone, quiet_option, scheduler_option, zone_argument
from zonemap.i18n import word


@click.command()
@zone_argument
@json_option
@quiet_option
@engine_option
@scheduler_option
@lang_option()
def validate(zone, as_json: bool, engine: str, scheduler: str | None, lang: str) -> None:
    """Check ZONE: geometry, topology (overlaps, gaps, outside the boundary), ids, statuses, CRS."""
    from zonemap.validated import remember

    opened = open_zone(zone, engine, scheduler)
    problems = opened.validate()
    if engine == "memory":  # the next map or ledger of this very file need not validate again
        remember(opened, problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if as_json:
        echo_json(
            {"ok": errors == 0, "errors": errors, "warnings": warnings, "problems": [p.to_dict() for p in problems]}
        )
    else:
        for problem in problems:
            click.echo(terminal_text(f"{word('out.' + problem.severity, lang)}{word('out.colon', lang)}[{problem.code}] {problem.text(lang)}"))
        summary = word("out.checked", lang, zone=zone, errors=errors, warnings=warnings) if problems else word("out.checked_ok", lang, zone=zone)
        click.echo(terminal_text(summary), err=bool(problems))
    if errors:
        raise SystemExit(1)
