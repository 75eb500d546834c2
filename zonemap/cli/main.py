"""The ``zonemap`` click group; commands live one per module beside it."""

from __future__ import annotations

import signal
import sqlite3
import threading
import sys
import warnings

import click
import pyogrio.errors

from zonemap.cli import areas, corners, diff, print_, export, history, import_, indicators, info, init, inspect, map, merge, pull, push, remaining, report, set_, split, validate
from zonemap.cli import evaluate, hold, prospect, results, zone_  # the zone's business: investors, holds, results, its own figures
from zonemap.cli._table import terminal_text
from zonemap.cli.options import LANG_KEY, ZONE_KEY
from zonemap.errors import ZonemapError, ZonemapWarning, environment_error


def _show_warning(message, category, filename, lineno, file=None, line=None, _default=warnings.showwarning) -> None:
    """A :class:`ZonemapWarning` as one line on stderr; other warnings as Python shows them."""
    if issubclass(category, ZonemapWarning):
        from zonemap.cli.options import warn

        warn(str(message))
    else:
        _default(message, category, filename, lineno, file, line)


class ZonemapGroup(click.Group):
    """Turns library errors, and disk, permission and path failures, into one-line CLI errors (exit 1), never a traceback."""

    def main(self, *args, **kwargs):
        # A Chinese Windows console is cp936 (GBK): a character it cannot show becomes '?', never a UnicodeEncodeError.
        for stream in (sys.stdout, sys.stderr):
            if hasattr(stream, "reconfigure"):
                stream.reconfigure(errors="replace")
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ZonemapError as exc:
            raise click.ClickException(terminal_text(exc.text(ctx.meta.get(LANG_KEY, "zh")))) from exc
        except (OSError, sqlite3.Error, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            translated = environment_error(exc, ctx.meta.get(ZONE_KEY))
            if translated is None:
                raise
            raise click.ClickException(translated.text(ctx.meta.get(LANG_KEY, "zh"))) from exc


@click.group(cls=ZonemapGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zonemap")
def main() -> None:
    """Land ledger, checks and shareable maps for an industrial zone (工业集中区).

    Commands that read a zone take its .gpkg path first; without it they use
    the bundled sample zone. Areas are in 亩 (mu) unless --unit says otherwise.
    """
    if threading.current_thread() is threading.main_thread():  # (CliRunner in a worker thread cannot set handlers)
        signal.signal(signal.SIGTERM, _stop)


def _stop(signum: int, frame) -> None:
    """SIGTERM as Ctrl-C: unwind, so a write rolls back and removes its working copy and lock ("Aborted!", exit 1)."""
    raise KeyboardInterrupt


for command in (info.info, areas.areas, remaining.remaining, validate.validate, init.init, inspect.inspect, import_.import_, export.export, set_.set_, split.split, merge.merge, history.history, map.map_, indicators.indicators, diff.diff, report.report, push.push, pull.pull, corners.corners, print_.print_):
    main.add_command(command)
for command in (prospect.prospect, hold.hold, hold.release, zone_.zone_, results.results, evaluate.evaluate):
    main.add_command(command)
