"""Arguments and flags shared by several commands, defined once."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import click

from zonemap.areas import GROUPINGS, METHODS
from zonemap.partitioned import ENGINES
from zonemap.units import UNITS


#: Where a command keeps its zone's path (``ctx.meta`` is shared with the group), so a disk failure can name it.
ZONE_KEY = "zonemap.zone"
#: Where a command keeps its ``--lang``, so its errors and warnings read in it too (zh for commands without one).
LANG_KEY = "zonemap.lang"


def current_lang() -> str:
    """The language of the running command: its ``--lang``, else zh."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(LANG_KEY, "zh") if ctx else "zh"


def as_zone(value: str):
    """A zone argument as a Path, or a database zone for a ``postgresql://…?zone=NAME`` URL."""
    from zonemap import pgstore

    return pgstore.parse_location(value) if pgstore.is_database(value) else Path(value)


def _zone_path(ctx: click.Context, param: click.Parameter, value: str | None):
    from zonemap import sample_path

    ctx.meta[ZONE_KEY] = as_zone(value) if value else sample_path()
    return ctx.meta[ZONE_KEY]


def zone_value(ctx: click.Context, param: click.Parameter, value: str | None):
    """Callback for a zone argument or option: a Path, or a database zone (see :func:`as_zone`); None when not given."""
    return as_zone(value) if value else None


#: A folder given as ZONE or SOURCE is a data problem like a missing file (exit 1, from the library), not a usage error.
zone_argument = click.argument("zone", required=False, type=click.Path(), callback=_zone_path)
#: The zone a command changes (required).
zone_file_argument = click.argument("zone", type=click.Path(), callback=_zone_path)


def _checked(accepts, problem: str):
    """A click callback passing values ``accepts(value)`` takes, else a usage error: the word ``problem`` of :mod:`zonemap.i18n`."""

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        from zonemap.i18n import word

        if value is not None and not accepts(value):
            raise click.BadParameter(word(problem, current_lang(), value=value))
        return value

    return callback


def _is_encoding(value: str) -> bool:
    from zonemap.intake.encoding import EncodingError, normalise_encoding

    try:
        return bool(normalise_encoding(value))
    except EncodingError:
        return False


def _is_crs(value: str) -> bool:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        return bool(CRS.from_user_input(value))
    except CRSError:
        return False


def _is_status(value: str) -> bool:
    from zonemap.status import parse_status

    return parse_status(value) is not None


def _number(kind: str, positive: bool):
    """A click callback passing finite figures of ``kind`` in range (see :mod:`zonemap.limits`), else a usage error naming the option."""
    from zonemap.limits import number_problem

    def callback(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
        problem = None if value is None else number_problem(value, kind, positive=positive, lang=current_lang())
        if problem:
            raise click.BadParameter(f"{value:g} {problem}")
        return value

    return callback


def number_option(*decls: str, kind: str, positive: bool = True, **options):
    """A float option (``kind`` as in :data:`zonemap.limits.MAXIMA`) that is finite and in range, else exit 2 naming it.

    click's ``FloatRange`` lets ``nan`` and ``inf`` through, so every float option is made here.
    """
    return click.option(*decls, type=float, callback=_number(kind, positive), **options)


_encoding = _checked(_is_encoding, "error.not_encoding")
_crs = _checked(_is_crs, "error.not_crs")
_status = _checked(_is_status, "error.not_status")


def encoding_option(help: str):  # noqa: A002 - click's own keyword
    return click.option("--encoding", metavar="E", callback=_encoding, help=help)


snap_option = number_option(
    "--snap", kind="length", positive=False, default=0.001, show_default=True, metavar="M",
    help="DXF: outline ends this close (metres) are joined, so near-closed outlines and LINE/ARC loops close.",
)
crs_option = click.option("--crs", metavar="EPSG:NNNN", callback=_crs, help="CRS of a source that carries none (e.g. a shapefile without .prj), or that overrides one its coordinates contradict.")
status_option = click.option("--status", metavar="S", callback=_status, help="developed / vacant / tenant (or 已开发 / 未开发 / 已入驻).")
def _set_lang(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta[LANG_KEY] = value
    return value


def lang_option(help: str = "Language of what is printed (JSON keeps codes)."):  # noqa: A002 - click's own keyword
    """``--lang zh|en`` (default zh), the one definition every command that prints or writes words uses.

    Eager, so the command's other options and errors already know it.
    """
    from zonemap.i18n import LANGS

    return click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True, is_eager=True, callback=_set_lang, help=help)
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
engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="memory",
    show_default=True,
    help="dask: read and work the parcels in partitions (for 10⁶+ parcels, or a dask cluster); needs zonemap[scale].",
)
scheduler_option = click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: the dask scheduler to run on, e.g. tcp://10.0.0.5:8786 (default: threads on this machine).",
)


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    from zonemap.progress import set_quiet

    set_quiet(value)


quiet_option = click.option(
    "-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet, help="Show no progress bars (they only show on a terminal anyway)."
)


def open_zone(path: Path, engine: str = "memory", scheduler: str | None = None):
    """Open the zone at ``path`` with its engine; connect to the dask ``scheduler`` when one is named."""
    from zonemap import open as open_zone_file
    from zonemap.partitioned import PartitionedZone

    if scheduler:
        if engine != "dask":
            from zonemap.i18n import word

            raise click.BadParameter(word("usage.scheduler", current_lang()), param_hint="--scheduler")
        from distributed import Client

        Client(scheduler)  # becomes the default scheduler for this process
    return PartitionedZone(path) if engine == "dask" else open_zone_file(path)


def _finite(data: object) -> object:
    """``data`` with every NaN or infinite float as ``None``: JSON has neither."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(value) for value in data]
    return data


def echo_json(data: object) -> None:
    """Print ``data`` as JSON (Chinese kept readable) to stdout; a missing or non-finite figure is null."""
    click.echo(json.dumps(_finite(data), ensure_ascii=False, indent=2, default=str, allow_nan=False))


def warn(message: str) -> None:
    """One line on stderr, which stays out of piped data."""
    from zonemap.cli._table import terminal_text

    from zonemap.i18n import word

    click.echo(terminal_text(word("error.warning", current_lang(), message=message)), err=True)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def warn_about_problems(zone, problems: list | None = None) -> None:
    """Warn (stderr) that figures of a zone with problems may be off: ``problems``, by default the
    validation remembered for the file's content (:mod:`zonemap.validated`)."""
    if problems is None:
        from zonemap.validated import problems as remembered_problems

        problems = remembered_problems(zone)
    errors = sum(p.severity == "error" for p in problems)
    if errors:
        codes = ", ".join(sorted({p.code for p in problems if p.severity == "error"}))
        from zonemap.i18n import word

        warn(word("error.data_errors", current_lang(), zone=zone.path, errors=errors, codes=codes))


editor_option = click.option("--by", "by", metavar="NAME", help="Who makes the change, for the history (default: your login name).")
overwrite_option = click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")


def check_output(out, *, overwrite: bool) -> None:
    """Refuse, in one line, an ``-o`` file whose folder is missing or that exists without ``--overwrite``."""
    from zonemap.i18n import word

    if not out.parent.is_dir():
        raise click.FileError(str(out), hint=word("usage.folder_missing", current_lang(), folder=out.parent))
    if out.exists() and not overwrite:
        raise click.FileError(str(out), hint=word("usage.exists", current_lang()))


def print_problems(callback):
    """Wrap a command so a refused change lists every problem (stderr) before its one-line error."""
    import functools

    from zonemap.cli._table import terminal_text
    from zonemap.i18n import word
    from zonemap.intake.changes import RefusedError

    @functools.wraps(callback)
    def wrapper(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except RefusedError as exc:
            for problem in exc.problems[1:]:
                click.echo(terminal_text(f"  {word('out.' + problem.severity, current_lang())}{word('out.colon', current_lang())}[{problem.code}] {problem.text(current_lang())}"), err=True)
            raise

    return wrapper


def print_warnings(problems) -> None:
    """Validation warnings of a landed change, one line each on stderr."""
    for problem in problems:
        warn(f"[{problem.code}] {problem.text(current_lang())}")


def _mapping(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    from zonemap.i18n import word
    from zonemap.store import SCHEMA

    lang = current_lang()
    layer = ctx.params.get("layer") or "parcels"  # --layer is eager, so known here
    mapping = {}
    for value in values:
        field, sep, column = (part.strip() for part in value.partition("="))
        if not sep or not field or not column:
            raise click.BadParameter(word("usage.not_mapping", lang, value=value))
        if field not in SCHEMA[layer]:
            raise click.BadParameter(word("usage.no_field", lang, value=value, layer=layer, field=field, fields=", ".join(SCHEMA[layer])))
        if field in mapping:
            raise click.BadParameter(word("usage.mapped_twice", lang, field=field, first=mapping[field], second=column))
        mapping[field] = column
    return mapping


mapping_option = click.option(
    "--map", "mapping", multiple=True, callback=_mapping, metavar="FIELD=SRCFIELD", help="Take zone FIELD from SRCFIELD (repeatable)."
)
