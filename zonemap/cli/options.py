"""Arguments and flags shared by several commands, defined once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from zonemap.areas import GROUPINGS, METHODS
from zonemap.units import UNITS


def _zone_path(ctx: click.Context, param: click.Parameter, value: str | None) -> Path:
    from zonemap import sample_path

    return Path(value) if value else sample_path()


zone_argument = click.argument("zone", required=False, type=click.Path(dir_okay=False), callback=_zone_path)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")
unit_option = click.option("--unit", type=click.Choice(UNITS), default="mu", show_default=True, help="Area unit.")
method_option = click.option(
    "--method",
    type=click.Choice(METHODS),
    default="ellipsoidal",
    show_default=True,
    help="ellipsoidal: on the CRS's ellipsoid, as 三调 and QGIS $area; planar: in the layer's projected CRS, as CAD shows.",
)
by_option = click.option("--by", type=click.Choice(GROUPINGS), default="status", show_default=True, help="Group parcels by this field.")


def echo_json(data: object) -> None:
    """Print ``data`` as JSON (Chinese kept readable) to stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def warn(message: str) -> None:
    """One line on stderr, which stays out of piped data."""
    click.echo(f"warning: {message}", err=True)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def warn_about_problems(zone) -> None:
    """Warn (stderr) that figures of a zone with problems may be off."""
    problems = zone.validate()
    errors = sum(p.severity == "error" for p in problems)
    if errors:
        codes = ", ".join(sorted({p.code for p in problems if p.severity == "error"}))
        warn(f"{zone.path}: {errors} data error(s) ({codes}); figures may be off; run `zonemap validate {zone.path}`")


editor_option = click.option("--by", "by", metavar="NAME", help="Who makes the change, for the history (default: your login name).")
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace DEST if it exists.")


def print_problems(callback):
    """Wrap a command so a refused change lists every problem (stderr) before its one-line error."""
    import functools

    from zonemap.intake.changes import RefusedError

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except RefusedError as exc:
            for problem in exc.problems[1:]:
                click.echo(f"  {problem.severity}: [{problem.code}] {problem.message}", err=True)
            raise

    return wrapper


def print_warnings(problems) -> None:
    """Validation warnings of a landed change, one line each on stderr."""
    for problem in problems:
        warn(f"[{problem.code}] {problem.message}")
