"""``zonemap map``: the shareable HTML map."""

from __future__ import annotations

from pathlib import Path

import click

from zonemap.cli.options import check_output, lang_option, overwrite_option, quiet_option, warn_about_problems, zone_argument, zone_value
from zonemap.errors import ZonemapError
from zonemap.progress import stages
from zonemap.render import write_page
from zonemap.render.map import BASEMAPS, MapError, page_html
from zonemap.validated import started


def file_size(nbytes: int) -> str:
    """``1.2 MB`` from 1 MB up, ``140 kB`` below it (never ``0.0 MB``)."""
    return f"{nbytes / 1e6:.1f} MB" if nbytes >= 1e6 else f"{max(nbytes / 1e3, 1):.0f} kB"


@click.command(name="map")
@zone_argument
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write [default: ZONE's name with .html, in the current folder].",
)
@click.option(
    "--basemap",
    type=click.Choice(BASEMAPS),
    default="osm",
    show_default=True,
    help="Background tiles; gaode shifts the parcels to GCJ-02 to match AMap; none draws on a plain background.",
)
@lang_option("Language of every label on the page.")
@click.option(
    "--cdn", is_flag=True, help="Link Leaflet from a CDN (smaller file, needs the internet) instead of inlining it."
)
@click.option("--title", help="Title shown on the page [default: the zone's name and 用地现状图].")
@click.option(
    "--tianditu-key", envvar="TIANDITU_KEY", help="Tianditu browser key for --basemap tianditu [env: TIANDITU_KEY]."
)
@click.option(
    "--compare",
    "old",
    type=click.Path(dir_okay=False),
    callback=zone_value,
    help="An older version of the zone (.gpkg or database zone): colour parcels by what changed since it (as `zonemap diff OLD ZONE`).",
)
@click.option(
    "--color-by",
    type=click.Choice(["status", "class"]),
    default="status",
    show_default=True,
    help="class: colour tenant parcels by their 亩均效益 class (A/B/C/D) of the latest year with results.",
)
@overwrite_option
@quiet_option
def map_(
    zone,
    out: Path | None,
    basemap: str,
    lang: str,
    cdn: bool,
    title: str | None,
    tianditu_key: str | None,
    old: Path | None,
    color_by: str,
    overwrite: bool,
) -> None:
    """Write the shareable HTML map of ZONE: one file that opens with no internet.

    Parcels by status, boundary, roads, buildings, labels, legend with totals,
    the area ledger, search, measuring; basemap tiles are the only thing
    fetched from the network.
    """
    from zonemap import open as open_zone
    from zonemap.diff import diff

    out = out or Path.cwd() / f"{zone.stem}.html"
    if out.suffix.lower() not in (".html", ".htm"):
        raise ZonemapError(f"{out}: a map is an HTML page; give -o {out.with_suffix('.html').name}")
    check_output(out, overwrite=overwrite)
    opened = open_zone(zone).require_shapes()
    # The zone validated for the warning in a second thread while this one builds the page.
    with started(opened) as problems, stages("map", ["building", "checking", "writing"]) as stage:
        stage("building")
        compare = diff(open_zone(old).require_shapes(), opened) if old else None
        try:
            html = page_html(opened, basemap=basemap, lang=lang, cdn=cdn, title=title, tianditu_key=tianditu_key, compare=compare, color_by=color_by)
        except MapError as exc:
            raise click.UsageError(str(exc)) from exc
        stage("checking")
        warn_about_problems(opened, problems())
        stage("writing")
        write_page(html, out)
    from zonemap.i18n import word

    click.echo(word("out.wrote_map", lang, path=out, size=file_size(len(html.encode("utf-8"))), parcels=len(opened.parcels), basemap=basemap), err=True)
    click.echo(str(out))
