"""``zonemap report``: indicators, tables and charts in one file a leader can open offline."""

from __future__ import annotations

from pathlib import Path

import click

from zonemap.cli.options import echo_json, json_option, lang_option, method_option, number_option, overwrite_option, warn, zone_argument
from zonemap.i18n import word


@click.command()
@zone_argument
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), help="report.html (self-contained), report.md (charts as SVGs beside it) or report.docx (Word/WPS).")
@lang_option("Language of the report.")
@number_option("--intensity", kind="intensity", help="Target 万元/亩 for prospects without need_mu.")
@overwrite_option
@method_option
@json_option
def report(zone, out: Path | None, lang: str, intensity: float | None, overwrite: bool, method: str, as_json: bool) -> None:
    """The report of ZONE: area ledger, indicators, tenants, prospects with their
    best sites, data checks and charts. With --json, the figures it shows."""
    from zonemap import open as open_zone
    from zonemap.render.report import report_data, write_report

    opened = open_zone(zone).require_shapes()
    if as_json:
        echo_json(report_data(opened, method=method, intensity=intensity))
        return
    if out is None:
        raise click.UsageError(word("usage.report_output", lang))
    written = write_report(opened, out, lang=lang, method=method, intensity=intensity, overwrite=overwrite)
    errors = sum(p.severity == "error" for p in opened.validate())
    if errors:
        warn(word("error.report_errors", lang, zone=zone, errors=errors))
    for path in written:
        click.echo(str(path), err=True)
